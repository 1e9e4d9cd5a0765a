-- The month's billing percentiles per stack and forecast scenario, over its observed and
-- projected minutes together (DECISIONLOG D61). One aggregate over the minutes model and nothing
-- else, like the bill's percentile models (DECISIONLOG D32).
with

minutes as (

    select * from {{ ref('int_metrics_forecast_minutes') }}

)

select
    billing_month,
    scenario,
    org_slug,
    stack_id,
    included_dpm_per_series,
    count(*) as minute_count,
    sum(case when is_projected then 1 else 0 end) as projected_minute_count,
    {{ billing_percentile('active_series') }} as p95_active_series,
    {{ billing_percentile('dpm') }} as p95_dpm
from minutes
group by billing_month, scenario, org_slug, stack_id, included_dpm_per_series
