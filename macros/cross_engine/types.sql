{#
    Types and casts. dbt.type_float() is 32-bit on DuckDB and Spark, so the project never uses it:
    measures are 64-bit doubles, money and billing quantities are exact decimals.
#}

{% macro type_text() -%}
    {{ return(adapter.dispatch('type_text', 'grafana_cloud_costs')()) }}
{%- endmacro %}

{% macro default__type_text() -%}
    varchar
{%- endmacro %}

{% macro spark__type_text() -%}
    string
{%- endmacro %}


{# A 64-bit float: `double` on DuckDB and Spark alike. #}
{% macro type_double() -%}
    double
{%- endmacro %}


{# An exact decimal; quantities use scale 6, money scale 2, prices scale 8. #}
{% macro type_decimal(scale=6, precision=38) -%}
    decimal({{ precision }}, {{ scale }})
{%- endmacro %}


{% macro to_double(expression) -%}
    cast({{ expression }} as {{ grafana_cloud_costs.type_double() }})
{%- endmacro %}


{% macro to_decimal(expression, scale=6, precision=38) -%}
    cast({{ expression }} as {{ grafana_cloud_costs.type_decimal(scale, precision) }})
{%- endmacro %}


{#
    A cast that yields null instead of failing, so that a malformed raw value becomes a
    quarantined row with a reason instead of a crashed build.
#}
{% macro safe_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}


{#
    A whole number (bigint) from text or any numeric type, or null. Through decimal(38, 0) first, so
    that a fraction rounds half away from zero whatever the column's type: cast straight to bigint,
    text '122.5' became 123 but a double 122.5 became 122 (half to even), and the CSV and Parquet
    forms of one export disagreed.
#}
{% macro safe_whole_number(expression) -%}
    {{ grafana_cloud_costs.safe_cast(grafana_cloud_costs.safe_cast(expression, grafana_cloud_costs.type_decimal(0)), 'bigint') }}
{%- endmacro %}


{#
    Prometheus' `x < Inf`, the filter in Grafana's metrics billing query
    (quantile_over_time(0.95, ... < Inf)): false for +Infinity and for NaN, which DuckDB and Spark
    both sort above every number; null for null.
#}
{% macro is_below_infinity(expression) -%}
    ({{ expression }} < cast('Infinity' as {{ grafana_cloud_costs.type_double() }}))
{%- endmacro %}
