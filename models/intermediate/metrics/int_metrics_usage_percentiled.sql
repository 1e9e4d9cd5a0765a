-- The month's billing percentiles per stack, and the billable series they imply under the
-- organization's included DPM per series.
with

per_minute as (

    select * from {{ ref('int_metrics_usage_per_minute') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

organizations as (

    select * from {{ ref('stg_grafana_cloud__organizations') }}

),

percentiled as (

    select
        billing_month,
        stack_id,
        count(*) as sample_count,
        {{ billing_percentile('active_series') }} as p95_active_series,
        {{ billing_percentile('dpm') }} as p95_dpm
    from per_minute
    group by billing_month, stack_id

)

select
    percentiled.billing_month,
    stacks.org_slug,
    percentiled.stack_id,
    percentiled.sample_count,
    percentiled.p95_active_series,
    percentiled.p95_dpm,
    organizations.included_dpm_per_series,
    {{ billable_series(
        'percentiled.p95_active_series',
        'percentiled.p95_dpm',
        'organizations.included_dpm_per_series'
    ) }} as billable_series
from percentiled
inner join stacks
    on percentiled.stack_id = stacks.stack_id
inner join organizations
    on stacks.org_slug = organizations.org_slug
