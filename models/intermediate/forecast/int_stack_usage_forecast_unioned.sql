-- The open month's billing quantity per stack, SKU and forecast scenario, in the shape of
-- int_stack_usage_unioned (which the bill prices), for the pricing path the bill uses
-- (DECISIONLOG D60): metrics' billable series from the percentiles over observed and projected
-- minutes; bytes, VUh and users as the month to date plus the rest of the month at the window's
-- rate. The band brackets the projection: `low` is at most and `high` at least the projected
-- quantity of the same stack and SKU (DECISIONLOG D62).
with

month_to_date as (

    select * from {{ ref('int_stack_usage_unioned') }}
    where billing_month = {{ forecast_month() }}

),

metrics as (

    select * from {{ ref('int_metrics_forecast_percentiled') }}

),

rates as (

    select * from {{ ref('int_usage_forecast_rates') }}

),

scenarios as (

    select 'projected' as scenario
    union all
    select 'low' as scenario
    union all
    select 'high' as scenario

),

metered_keys as (

    -- every stack and SKU metered as it happens: in the month so far, or in a window
    select
        billing_month,
        org_slug,
        stack_id,
        sku
    from month_to_date
    where sku != 'metrics_active_series'
    union
    select
        billing_month,
        org_slug,
        stack_id,
        sku
    from rates

),

metered as (

    select
        scenarios.scenario,
        metered_keys.billing_month,
        metered_keys.org_slug,
        metered_keys.stack_id,
        metered_keys.sku,
        coalesce(month_to_date.usage_quantity, 0) + coalesce(rates.added_quantity, 0) as usage_quantity,
        case
            when month_to_date.ingested_bytes is not null or rates.added_bytes is not null
                then coalesce(month_to_date.ingested_bytes, 0) + coalesce(rates.added_bytes, 0)
        end as ingested_bytes
    from metered_keys
    cross join scenarios
    left join month_to_date
        on
            metered_keys.org_slug = month_to_date.org_slug
            and coalesce(metered_keys.stack_id, '') = coalesce(month_to_date.stack_id, '')
            and metered_keys.sku = month_to_date.sku
    left join rates
        on
            scenarios.scenario = rates.scenario
            and metered_keys.stack_id = rates.stack_id
            and metered_keys.sku = rates.sku

),

metered_gb as (

    -- GB from the projected bytes, as the bill converts them
    select
        scenario,
        billing_month,
        org_slug,
        stack_id,
        sku,
        case
            when ingested_bytes is not null then {{ bytes_to_gb('ingested_bytes') }}
            else usage_quantity
        end as usage_quantity,
        ingested_bytes
    from metered

),

unioned as (

    select
        scenario,
        billing_month,
        org_slug,
        stack_id,
        'metrics_active_series' as sku,
        {{ to_decimal(billable_series('p95_active_series', 'p95_dpm', 'included_dpm_per_series'), 6) }}
            as usage_quantity,
        cast(null as {{ type_wide_integer() }}) as ingested_bytes
    from metrics

    union all

    select
        scenario,
        billing_month,
        org_slug,
        stack_id,
        sku,
        {{ to_decimal('usage_quantity', 6) }} as usage_quantity,
        cast(ingested_bytes as {{ type_wide_integer() }}) as ingested_bytes
    from metered_gb

),

bracketed as (

    select
        *,
        max(case when scenario = 'projected' then usage_quantity end) over (
            partition by org_slug, stack_id, sku
        ) as projected_usage_quantity,
        max(case when scenario = 'projected' then ingested_bytes end) over (
            partition by org_slug, stack_id, sku
        ) as projected_ingested_bytes
    from unioned

)

select
    scenario,
    billing_month,
    org_slug,
    stack_id,
    sku,
    case
        when scenario = 'low' then least(usage_quantity, projected_usage_quantity)
        when scenario = 'high' then greatest(usage_quantity, projected_usage_quantity)
        else usage_quantity
    end as usage_quantity,
    case
        when scenario = 'low' then least(ingested_bytes, projected_ingested_bytes)
        when scenario = 'high' then greatest(ingested_bytes, projected_ingested_bytes)
        else ingested_bytes
    end as ingested_bytes
from bracketed
