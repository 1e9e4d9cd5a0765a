-- Each stack's metrics usage beside last month's, for the split of an organization's metrics
-- usage effect into a series effect and a DPM effect (DECISIONLOG D67): one row per month in
-- which the stack has usage or had usage the month before (a stack gone this month has zeros
-- for this month, a new one zeros for last month), up to the latest month billed.
with

percentiled as (

    select * from {{ ref('int_metrics_usage_percentiled') }}

),

latest as (

    select max(billing_month) as last_billing_month
    from percentiled

),

stack_months as (

    select
        billing_month,
        org_slug,
        stack_id
    from percentiled

    union

    select
        {{ next_month_start('billing_month') }} as billing_month,
        org_slug,
        stack_id
    from percentiled

),

paired as (

    select
        stack_months.billing_month,
        stack_months.org_slug,
        stack_months.stack_id,
        coalesce(previous_month.p95_active_series, 0) as previous_p95_active_series,
        coalesce(previous_month.billable_series, 0) as previous_billable_series,
        coalesce(this_month.p95_active_series, 0) as p95_active_series,
        coalesce(this_month.billable_series, 0) as billable_series
    from stack_months
    cross join latest
    left join percentiled as this_month
        on
            stack_months.billing_month = this_month.billing_month
            and stack_months.stack_id = this_month.stack_id
    left join percentiled as previous_month
        on
            stack_months.billing_month = {{ next_month_start('previous_month.billing_month') }}
            and stack_months.stack_id = previous_month.stack_id
    where stack_months.billing_month <= latest.last_billing_month

)

select
    -- keys
    billing_month,
    org_slug,
    stack_id,

    -- facts
    {{ to_double('previous_p95_active_series') }} as previous_p95_active_series,
    {{ to_double('previous_billable_series') }} as previous_billable_series,
    {{ to_double('p95_active_series') }} as p95_active_series,
    {{ to_double('billable_series') }} as billable_series,
    {{ to_decimal(billable_series_at_previous_density(
        'p95_active_series',
        'billable_series',
        'previous_p95_active_series',
        'previous_billable_series'
    ), 6) }} as billable_series_at_previous_density

from paired
