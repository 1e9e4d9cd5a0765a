{#
    The linear-interpolation percentile between closest ranks (Prometheus quantile_over_time,
    DuckDB quantile_cont, Postgres/Spark percentile_cont): rank = q * (n - 1), counted from 0, and
    the value at that rank interpolated between its two neighbours.

    max_group_rows (optional): an upper bound on the rows of any one group, e.g. 44,640 for a
    month of per-minute samples of one stack. DuckDB then keeps only the values the percentile can
    land on, the largest ceil(max_group_rows x (1 - q)) + 2 of each group (max(x, n), a bounded
    heap), instead of every value: quantile_cont holds all 43 M values of 1,000 stack-months in
    memory and cannot spill them, so it exceeded a 2 GB memory limit (DECISIONLOG D29). A group
    with more rows than the bound fails the query with a message, never a wrong percentile.
#}
{% macro percentile_linear(expression, quantile, max_group_rows=none) -%}
    {{ return(adapter.dispatch('percentile_linear', 'grafana_cloud_costs')(expression, quantile, max_group_rows)) }}
{%- endmacro %}

{% macro default__percentile_linear(expression, quantile, max_group_rows=none) -%}
    percentile_cont({{ quantile }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile_linear(expression, quantile, max_group_rows=none) -%}
    {%- if max_group_rows is none -%}
    quantile_cont({{ expression }}, {{ quantile }})
    {%- else -%}
    {%- set kept = [(max_group_rows * (1 - (quantile | float))) | round(0, 'ceil') | int + 2, max_group_rows] | min -%}
    {%- set n = 'count(' ~ expression ~ ')' -%}
    {%- set rank = '((' ~ n ~ ' - 1) * cast(' ~ quantile ~ ' as double))' -%}
    {#- the largest values first: ascending rank r is at position n - r of the list -#}
    {%- set top = 'max(' ~ expression ~ ', ' ~ kept ~ ')' -%}
    {%- set below = top ~ '[cast(' ~ n ~ ' - floor(' ~ rank ~ ') as bigint)]' -%}
    {%- set above = top ~ '[cast(' ~ n ~ ' - ceil(' ~ rank ~ ') as bigint)]' -%}
    case
        when {{ n }} > {{ max_group_rows }}
            then error('percentile_linear: a group has ' || {{ n }} || ' rows, more than the bound of {{ max_group_rows }} its caller declared')
        else {{ below }} + ({{ rank }} - floor({{ rank }})) * ({{ above }} - {{ below }})
    end
    {%- endif -%}
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
