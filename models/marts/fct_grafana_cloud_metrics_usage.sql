with

percentiled as (

    select * from {{ ref('int_metrics_usage_percentiled') }}

)

select
    -- keys
    billing_month,
    org_slug,
    stack_id,

    -- facts
    sample_count,
    expected_sample_count,
    sample_coverage,
    p95_active_series,
    p95_dpm,
    included_dpm_per_series,
    billable_series

from percentiled
