{#
    Custom schemas are used as written (raw, reference, staging, intermediate) instead of dbt's
    default "<target schema>_<custom>", so that analysts find the marts in the target schema
    (main on DuckDB) and the layers beside it under short, stable names.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
