{{
    config(
        materialized='incremental',
        incremental_strategy=grafana_cloud_incremental_strategy(),
        unique_key='sampled_day',
        partition_by=grafana_cloud_partition_by(['sampled_day']),
        on_schema_change='fail',
    )
}}

with

samples as (

    -- an incremental run reads only the days since the latest loaded day, minus the look-back
    select * from {{ ref('base_grafana_cloud__metrics_usage') }}
    where
        rejection_reason is null
        and {{ incremental_since('sampled_at', 'sampled_day') }}

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

resolved as (

    -- Two different readings for the same stack and instant (a conflicting duplicate) resolve to
    -- the highest of each, so a re-delivered export can never lower the bill. Raw rows that only
    -- differ in how the timestamp is written count once. Grouped by the stack's 64-bit key, which
    -- stays within memory at 400M samples where the text stack_id did not (DECISIONLOG D30).
    select
        {{ compact_key(['stack_id']) }} as stack_key,
        sampled_at,
        max(active_series) as active_series,
        max(samples_per_second) as samples_per_second,
        count(*) as raw_row_count,
        min(active_series) < max(active_series)
        or min(samples_per_second) < max(samples_per_second) as has_conflicting_readings
    from samples
    group by {{ compact_key(['stack_id']) }}, sampled_at

),

renamed as (

    select
        -- ids
        stack_keys.stack_id,

        -- timestamps
        resolved.sampled_at,
        cast(resolved.sampled_at as date) as sampled_day,

        -- numerics
        resolved.active_series,
        resolved.samples_per_second,

        -- lineage
        resolved.raw_row_count,
        resolved.has_conflicting_readings,
        {{ grafana_cloud_run_started_at() }} as loaded_at

    -- every staged sample's stack is a usable stack (the base model rejects the others), so the
    -- join keeps every row; the conservation test counts them
    from resolved
    inner join stack_keys
        on resolved.stack_key = stack_keys.stack_key

)

select * from renamed
{{ order_by_day_on_full_refresh('sampled_day') }}
