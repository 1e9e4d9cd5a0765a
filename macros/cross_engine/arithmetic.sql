{#
    Exact integer arithmetic for allocations and run-time rounding. Operands are whole numbers
    (cents, micro-units, microseconds) that may exceed 64 bits once multiplied.
#}

{% macro type_wide_integer() -%}
    {{ return(adapter.dispatch('type_wide_integer', 'grafana_cloud_costs')()) }}
{%- endmacro %}

{% macro default__type_wide_integer() -%}
    decimal(38, 0)
{%- endmacro %}

{% macro duckdb__type_wide_integer() -%}
    hugeint
{%- endmacro %}


{# floor(a / b) for non-negative whole numbers, computed without floating point. #}
{% macro floor_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('floor_divide', 'grafana_cloud_costs')(numerator, denominator)) }}
{%- endmacro %}

{% macro duckdb__floor_divide(numerator, denominator) -%}
    (cast({{ numerator }} as hugeint) // cast({{ denominator }} as hugeint))
{%- endmacro %}

{% macro spark__floor_divide(numerator, denominator) -%}
    (cast({{ numerator }} as decimal(38, 0)) div cast({{ denominator }} as decimal(38, 0)))
{%- endmacro %}


{# a mod b for non-negative whole numbers. #}
{% macro remainder(numerator, denominator) -%}
    (cast({{ numerator }} as {{ grafana_cloud_costs.type_wide_integer() }}) % cast({{ denominator }} as {{ grafana_cloud_costs.type_wide_integer() }}))
{%- endmacro %}


{#
    a / b for non-negative whole numbers, rounded half up to `scale` decimals, exactly:
    floor((2 * a * 10^scale + b) / (2 * b)) units of 10^-scale. No floating point, so a quotient
    at 15 or more significant digits is still exact (a double would not be).
#}
{% macro round_divide(numerator, denominator, scale) -%}
    {%- set wide = grafana_cloud_costs.type_wide_integer() -%}
    {{ grafana_cloud_costs.to_decimal(
        grafana_cloud_costs.floor_divide(
            'cast(' ~ numerator ~ ' as ' ~ wide ~ ') * ' ~ 2 * 10 ** scale ~ ' + cast(' ~ denominator ~ ' as ' ~ wide ~ ')',
            '2 * cast(' ~ denominator ~ ' as ' ~ wide ~ ')'
        ) ~ ' * ' ~ grafana_cloud_costs.unit_fraction(scale),
        scale
    ) }}
{%- endmacro %}


{# ceil(a / b) for non-negative whole numbers: floor((a + b - 1) / b), exact. #}
{% macro ceiling_divide(numerator, denominator) -%}
    {{ grafana_cloud_costs.floor_divide('(' ~ numerator ~ ') + (' ~ denominator ~ ') - 1', denominator) }}
{%- endmacro %}
