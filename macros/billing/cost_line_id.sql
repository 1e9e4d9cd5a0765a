{# One text key for a cost line, whose stack may be empty (org-level charges). #}
{% macro cost_line_id(billing_month, org_slug, stack_id, sku, charge_type) -%}
    cast({{ billing_month }} as {{ grafana_cloud_costs.type_text() }})
    || '|' || {{ org_slug }}
    || '|' || coalesce({{ stack_id }}, '')
    || '|' || {{ sku }}
    || '|' || {{ charge_type }}
{%- endmacro %}
