{{
    config(
        materialized='incremental',
        incremental_strategy=grafana_cloud_incremental_strategy(),
        unique_key='billing_month',
        partition_by=grafana_cloud_partition_by(['billing_month']),
        on_schema_change='fail',
    )
}}

-- The month's 95th percentile of active series, per stack, with the month's sample count and
-- first and last samples. Like int_metrics_dpm_percentiled, one aggregate over the per-minute
-- model and nothing else: joined to other relations in the same query, the bounded-heap
-- percentile ran out of a 2 GB DuckDB limit in about half the runs at 1,000 stacks, alone never
-- (DECISIONLOG D32). int_metrics_usage_percentiled puts the two percentiles together.
with

per_minute as (

    -- an incremental run recomputes the months of the days the per-minute model reprocessed:
    -- from the last day this model saw, minus the same look-back
    select * from {{ ref('int_metrics_usage_per_minute') }}
    where {{ incremental_since('billing_month', 'last_sampled_day', as_month=true) }}

)

select
    billing_month,
    stack_id,
    count(*) as sample_count,
    min(sampled_minute) as first_sampled_minute,
    max(sampled_day) as last_sampled_day,
    {{ billing_percentile('active_series') }} as p95_active_series
from per_minute
group by billing_month, stack_id
