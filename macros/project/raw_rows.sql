{#
    Turns an ordered list of row checks into two columns: the first failing check's reason and
    the column it names. A base model declares its checks once; staging keeps the rows whose
    rejection_reason is null and the quarantine keeps the others, so a check is never written
    twice.

    checks: list of {"when": <sql condition>, "reason": <reason code>, "column": <column name>}
#}
{% macro rejection_columns(checks) -%}
    case
        {%- for check in checks %}
        when {{ check.when }} then '{{ check.reason }}'
        {%- endfor %}
    end as rejection_reason,
    case
        {%- for check in checks %}
        when {{ check.when }} then '{{ check.column }}'
        {%- endfor %}
    end as rejected_column
{%- endmacro %}


{#
    A readable, stable text rendering of a raw row ("stack_id=101 | sampled_at=... | ..."), kept
    with every quarantined row so that the user can find it in their export. With a prefix, the
    values are read from the columns raw_columns() carried (e.g. raw__stack_id): a base model
    builds the text in its last step, after the checks, so that the quarantine, which keeps only
    the rejected rows, builds it for those rows only. Built for every row before the checks' join,
    it was 90% of the quarantine's time (10.7 s of 43M samples; DECISIONLOG D33).
#}
{% macro raw_row_text(columns, prefix='') -%}
    {%- for column in columns -%}
        '{{ column }}=' || coalesce(cast({{ prefix ~ column }} as {{ grafana_cloud_costs.type_text() }}), '<null>')
        {%- if not loop.last %} || ' | ' || {% endif -%}
    {%- endfor -%}
{%- endmacro %}


{# The raw columns, as they arrived, under the names raw__<column>, for raw_row_text(prefix='raw__'). #}
{% macro raw_columns(columns) -%}
    {%- for column in columns -%}
        {{ column }} as raw__{{ column }}
        {%- if not loop.last %},
        {% endif -%}
    {%- endfor -%}
{%- endmacro %}


{# A raw text value trimmed, with empty text as null (ids, slugs, enums). #}
{% macro clean_text(expression) -%}
    nullif(trim(cast({{ expression }} as {{ grafana_cloud_costs.type_text() }})), '')
{%- endmacro %}
