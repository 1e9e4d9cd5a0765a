{#
    Org-level usage rounded as Grafana's Cloud API example does before the allowance is
    subtracted: whole series and whole GB (129,755.72 -> 129,756; 251.021 -> 251). The number of
    decimals per usage unit is the var grafana_cloud_usage_rounding_digits; a price-book unit
    missing from it fails the build before any charge is priced (test
    price_book_units_have_a_rounding_rule), so the six-decimal branch below is only a fallback.
#}
{% macro round_usage(quantity, usage_unit) -%}
    {%- set digits_by_unit = var('grafana_cloud_usage_rounding_digits') -%}
    {#- Each branch is cast back to six decimals: engines unify CASE branches of different
        decimal scales to the smallest scale (DuckDB turns round(x, 2) into a whole number). -#}
    case {{ usage_unit }}
        {%- for unit, digits in digits_by_unit.items() %}
        when {{ grafana_cloud_costs.sql_string(unit) }} then {{ grafana_cloud_costs.to_decimal('round(' ~ quantity ~ ', ' ~ (digits | int) ~ ')', 6) }}
        {%- endfor %}
        else {{ grafana_cloud_costs.to_decimal('round(' ~ quantity ~ ', 6)', 6) }}
    end
{%- endmacro %}


{#
    Usage above the plan's allowance, never below zero. Without an allowance (no price-book row)
    the result is null, never a silent zero: greatest() skips nulls on most engines.
#}
{% macro billable_quantity(billed_usage_quantity, included_quantity) -%}
    case
        when {{ included_quantity }} is not null
            then greatest({{ billed_usage_quantity }} - {{ included_quantity }}, 0)
    end
{%- endmacro %}


{# The amount of a charge in USD, rounded to cents (half away from zero). #}
{% macro charge_usd(billable_quantity, unit_price_usd) -%}
    round({{ billable_quantity }} * {{ unit_price_usd }}, 2)
{%- endmacro %}
