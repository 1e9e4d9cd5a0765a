{{
    config(
        materialized='incremental',
        incremental_strategy=grafana_cloud_incremental_strategy(),
        unique_key='sampled_day',
        partition_by=grafana_cloud_partition_by(['sampled_day']),
        on_schema_change='fail',
    )
}}

-- One reading per stack and minute: Grafana bills on a per-minute grid, and when several samples
-- fall in the same minute the latest one counts.
with

samples as (

    -- an incremental run reads only the days since the latest loaded day, minus the look-back
    select * from {{ ref('stg_grafana_cloud__metrics_usage') }}
    where {{ incremental_since('sampled_day', 'sampled_day') }}

),

stack_keys as (

    -- the usable stacks with their 64-bit key, to map the groups back to stack_id (a staged
    -- sample's stack is usable by construction, so the inner join keeps every row); the singular
    -- test assert_stack_keys_are_unique fails the build if two stacks ever share a key
    select distinct
        stack_id,
        {{ compact_key(['stack_id']) }} as stack_key
    from {{ ref('base_grafana_cloud__stacks') }}
    where rejection_reason is null

),

per_minute as (

    -- grouped by the stack's 64-bit key, as in staging (DECISIONLOG D30)
    select
        {{ compact_key(['stack_id']) }} as stack_key,
        {{ minute_start('sampled_at') }} as sampled_minute,
        {{ value_at_latest('active_series', 'sampled_at') }} as active_series,
        {{ value_at_latest(samples_per_second_to_dpm('samples_per_second'), 'sampled_at') }} as dpm,
        count(*) as sample_row_count
    from samples
    group by {{ compact_key(['stack_id']) }}, {{ minute_start('sampled_at') }}

)

select
    stack_keys.stack_id,
    per_minute.sampled_minute,
    cast(per_minute.sampled_minute as date) as sampled_day,
    {{ month_start('per_minute.sampled_minute') }} as billing_month,
    per_minute.active_series,
    per_minute.dpm,
    per_minute.sample_row_count,
    {{ grafana_cloud_run_started_at() }} as loaded_at
from per_minute
inner join stack_keys
    on per_minute.stack_key = stack_keys.stack_key
{{ order_by_day_on_full_refresh('sampled_day') }}
