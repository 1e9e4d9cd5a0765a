{#
    The linear-interpolation percentile between closest ranks (Prometheus quantile_over_time,
    DuckDB quantile_cont, Postgres/Spark percentile_cont): rank = q * (n - 1), counted from 0.
#}
{% macro percentile_linear(expression, quantile) -%}
    {{ return(adapter.dispatch('percentile_linear', 'grafana_cloud_costs')(expression, quantile)) }}
{%- endmacro %}

{% macro default__percentile_linear(expression, quantile) -%}
    percentile_cont({{ quantile }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile_linear(expression, quantile) -%}
    quantile_cont({{ expression }}, {{ quantile }})
{%- endmacro %}


{# The value of `expression` on the row with the greatest `order_by` within the group. #}
{% macro value_at_latest(expression, order_by) -%}
    {{ return(adapter.dispatch('value_at_latest', 'grafana_cloud_costs')(expression, order_by)) }}
{%- endmacro %}

{% macro default__value_at_latest(expression, order_by) -%}
    max_by({{ expression }}, {{ order_by }})
{%- endmacro %}

{% macro duckdb__value_at_latest(expression, order_by) -%}
    arg_max({{ expression }}, {{ order_by }})
{%- endmacro %}

{% macro postgres__value_at_latest(expression, order_by) -%}
    (array_agg({{ expression }} order by {{ order_by }} desc))[1]
{%- endmacro %}


{#
    The distinct values of a text column in a group, sorted and joined with `delimiter` (a SQL
    string literal). dbt's listagg ignores the order on Spark, so Spark sorts the set itself.
#}
{% macro distinct_sorted_list(expression, delimiter) -%}
    {{ return(adapter.dispatch('distinct_sorted_list', 'grafana_cloud_costs')(expression, delimiter)) }}
{%- endmacro %}

{% macro default__distinct_sorted_list(expression, delimiter) -%}
    {{ dbt.listagg('distinct ' ~ expression, delimiter, 'order by ' ~ expression) }}
{%- endmacro %}

{% macro spark__distinct_sorted_list(expression, delimiter) -%}
    array_join(array_sort(collect_set({{ expression }})), {{ delimiter }})
{%- endmacro %}
