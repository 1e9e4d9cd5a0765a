-- Why a bill changed: each invoice line's change from the month before, split by chain
-- substitution (DECISIONLOG D66) into the allowance, price and usage effects, and the metrics
-- usage effect into a series and a DPM effect (DECISIONLOG D67). Every step is the line's amount
-- recomputed through the bill's own formulas (usage_cost_usd) with one more term moved to this
-- month's, so the effects add up exactly, to the cent, to the change.
with

paired as (

    select * from {{ ref('int_cost_changes_paired') }}

),

stepped as (

    select
        *,
        -- step 1: this month's allowance, last month's usage and price
        {{ usage_cost_usd('previous_usage_quantity', 'usage_unit', 'included_quantity', 'previous_unit_price_usd') }}
            as cost_at_allowance_usd,
        -- step 2: and this month's price
        {{ usage_cost_usd('previous_usage_quantity', 'usage_unit', 'included_quantity', 'unit_price_usd') }}
            as cost_at_price_usd,
        -- step 3 (metrics): and this month's active series at last month's density
        case
            when sku = 'metrics_active_series'
                then {{ usage_cost_usd(
                    'series_changed_usage_quantity', 'usage_unit', 'included_quantity', 'unit_price_usd'
                ) }}
        end as cost_at_series_usd
    from paired

)

select
    -- keys
    billing_month,
    org_slug,
    sku,
    charge_type,

    -- dimensions
    plan,
    service,
    category,
    usage_unit,
    change_status,

    -- facts
    {{ to_decimal('previous_usage_quantity', 6) }} as previous_usage_quantity,
    {{ to_decimal('usage_quantity', 6) }} as usage_quantity,
    {{ to_decimal('series_changed_usage_quantity', 6) }} as series_changed_usage_quantity,
    previous_included_quantity,
    included_quantity,
    previous_unit_price_usd,
    unit_price_usd,
    previous_cost_usd,
    cost_usd,
    {{ to_decimal(change_step_usd('cost_usd', 'previous_cost_usd'), 2, 18) }} as cost_change_usd,
    {{ to_decimal(change_step_usd('cost_at_allowance_usd', 'previous_cost_usd'), 2, 18) }} as allowance_effect_usd,
    {{ to_decimal(change_step_usd('cost_at_price_usd', 'cost_at_allowance_usd'), 2, 18) }} as price_effect_usd,
    {{ to_decimal(change_step_usd('cost_usd', 'cost_at_price_usd'), 2, 18) }} as usage_effect_usd,
    {{ to_decimal(change_step_usd('cost_at_series_usd', 'cost_at_price_usd'), 2, 18) }} as series_effect_usd,
    {{ to_decimal(change_step_usd('cost_usd', 'cost_at_series_usd'), 2, 18) }} as dpm_effect_usd

from stepped
