{#
    The amount of a usage line recomputed through the bill's own formulas, for a what-if or a
    step of a month-over-month decomposition: the usage rounded as Grafana rounds it
    (round_usage), minus the allowance, never below zero (billable_quantity), times the price,
    rounded to cents (charge_usd). With the invoice line's own usage, allowance and price it is
    the line's cost_usd; a free or trial organization's line has a zero allowance and price, so it
    recomputes to zero as well.
#}
{% macro usage_cost_usd(usage_quantity, usage_unit, included_quantity, unit_price_usd) -%}
    {{ grafana_cloud_costs.charge_usd(
        grafana_cloud_costs.billable_quantity(
            grafana_cloud_costs.round_usage(usage_quantity, usage_unit),
            included_quantity
        ),
        unit_price_usd
    ) }}
{%- endmacro %}


{#
    A stack's billable series with its active series moved to this month's and its billable
    series per active series (max(1, DPM / included DPM per series / active series): how densely
    it is scraped) kept at last month's: active_series x previous_billable / previous_active
    (DECISIONLOG D67). A stack without active series last month (new) takes this month's billable
    series; a stack whose active series did not change keeps last month's billable series
    exactly; a stack gone this month (active series 0) has none. Inputs are doubles, null-free.
#}
{% macro billable_series_at_previous_density(active_series, billable_series, previous_active_series, previous_billable_series) -%}
    case
        when {{ previous_active_series }} = 0 then {{ billable_series }}
        when {{ active_series }} = {{ previous_active_series }} then {{ previous_billable_series }}
        else {{ active_series }} * ({{ previous_billable_series }} / {{ previous_active_series }})
    end
{%- endmacro %}


{#
    The chain substitution of a month-over-month change (DECISIONLOG D66): each step's amount
    minus the one before it, in cents, so that the steps add up exactly to the change.
#}
{% macro change_step_usd(amount_after, amount_before) -%}
    ({{ amount_after }} - {{ amount_before }})
{%- endmacro %}
