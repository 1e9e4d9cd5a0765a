{{
    config(
        materialized='incremental',
        incremental_strategy=grafana_cloud_incremental_strategy(),
        unique_key='billing_month',
        partition_by=grafana_cloud_partition_by(['billing_month']),
        on_schema_change='fail',
    )
}}

-- The month's 95th percentile of data points per minute, per stack. A model of its own, like
-- int_metrics_series_percentiled, so that the two percentiles never share one query's memory (on
-- engines whose percentile keeps every value of its group: DECISIONLOG D29) and no join shares
-- it either (D32).
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
    max(sampled_day) as last_sampled_day,
    {{ billing_percentile('dpm') }} as p95_dpm
from per_minute
group by billing_month, stack_id
