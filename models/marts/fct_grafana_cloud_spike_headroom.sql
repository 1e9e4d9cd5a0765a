-- How much more spike each stack's metrics can take this month before the bill rises: one row per
-- open month x stack. The billed 95th percentile ignores the month's forgiven minutes (2,159 of a
-- 30-day month); the observed and projected minutes above the projected billable level use some
-- of them, and the rest is the headroom. A spike above spike_cost_threshold_series (the projected
-- billable series) counts against it, and once it is used up every further such minute raises
-- the bill (DECISIONLOG D63).
with

minutes as (

    select * from {{ ref('int_metrics_forecast_minutes') }}
    where scenario = 'projected'

),

percentiles as (

    select * from {{ ref('int_metrics_forecast_percentiled') }}
    where scenario = 'projected'

),

levels as (

    select
        billing_month,
        org_slug,
        stack_id,
        included_dpm_per_series,
        minute_count,
        projected_minute_count,
        p95_active_series,
        p95_dpm,
        {{ billable_series('p95_active_series', 'p95_dpm', 'included_dpm_per_series') }} as billable_level
    from percentiles

),

above as (

    -- minutes above the level, counted per percentile: each rises once its own count passes the
    -- forgiven minutes
    select
        levels.stack_id,
        sum(case when minutes.active_series > levels.billable_level then 1 else 0 end)
            as minutes_above_in_series,
        sum(
            case when minutes.dpm > levels.billable_level * levels.included_dpm_per_series then 1 else 0 end
        ) as minutes_above_in_dpm
    from levels
    inner join minutes
        on levels.stack_id = minutes.stack_id
    group by levels.stack_id

),

measured as (

    select
        levels.*,
        {{ forgiven_minutes(minutes_in_month('levels.billing_month')) }} as forgiven_minutes,
        greatest(above.minutes_above_in_series, above.minutes_above_in_dpm) as minutes_above_projected_level
    from levels
    inner join above
        on levels.stack_id = above.stack_id

)

select
    -- keys
    billing_month,
    stack_id,

    -- dimensions
    org_slug,
    {{ grafana_cloud_as_of() }} as as_of,

    -- facts
    cast({{ minutes_in_month('billing_month') }} as bigint) as month_minutes,
    cast(minute_count - projected_minute_count as bigint) as observed_minutes,
    cast(projected_minute_count as bigint) as projected_minutes,
    forgiven_minutes,
    cast(minutes_above_projected_level as bigint) as minutes_above_projected_level,
    cast({{ headroom_minutes('forgiven_minutes', 'minutes_above_projected_level') }} as bigint) as headroom_minutes,
    {{ to_decimal('billable_level', 6) }} as spike_cost_threshold_series,
    {{ to_decimal('billable_level * included_dpm_per_series', 6) }} as spike_cost_threshold_dpm

from measured
