{#
    Whether a dated reference row (a budget, a usage limit) applies to a billing month: in effect
    on the month's first day, effective_from <= month < effective_to (empty = open), as the price
    book. A row starting mid-month applies from the next month. DECISIONLOG D68.
#}
{% macro in_effect_for_month(billing_month, effective_from, effective_to) -%}
    ({{ effective_from }} <= {{ billing_month }}
        and ({{ effective_to }} is null or {{ billing_month }} < {{ effective_to }}))
{%- endmacro %}


{#
    Whether a stack falls under a budget or limit: its slug matches the row's LIKE pattern; a row
    without a pattern covers the whole organization, org-level charges (no stack) included.
#}
{% macro stack_in_scope(stack_slug, stack_slug_pattern) -%}
    ({{ stack_slug_pattern }} is null or {{ stack_slug }} like {{ stack_slug_pattern }})
{%- endmacro %}


{# The primary key of an alert: a hash of what identifies it (type, month, scope, day). #}
{% macro alert_id(columns) -%}
    md5(
        {%- for column in columns %}
        coalesce(cast({{ column }} as {{ grafana_cloud_costs.type_text() }}), '')
        {%- if not loop.last %} || '|' ||{% endif %}
        {%- endfor %}
    )
{%- endmacro %}


{# A dollar amount for a message: "$1234.50". #}
{% macro usd_text(amount) -%}
    '$' || cast(cast(round({{ amount }}, 2) as {{ grafana_cloud_costs.type_decimal(2, 38) }}) as {{ grafana_cloud_costs.type_text() }})
{%- endmacro %}


{# A quantity for a message, with up to two decimals: "27121.80". #}
{% macro quantity_text(quantity) -%}
    cast(cast(round({{ quantity }}, 2) as {{ grafana_cloud_costs.type_decimal(2, 38) }}) as {{ grafana_cloud_costs.type_text() }})
{%- endmacro %}


{# What a budget or limit covers, for a message: "the whole organization" or "stacks like 'prod-%'". #}
{% macro scope_text(stack_slug_pattern) -%}
    case
        when {{ stack_slug_pattern }} is null then 'the whole organization'
        else 'stacks like ' || {{ grafana_cloud_costs.sql_string("'") }} || {{ stack_slug_pattern }} || {{ grafana_cloud_costs.sql_string("'") }}
    end
{%- endmacro %}
