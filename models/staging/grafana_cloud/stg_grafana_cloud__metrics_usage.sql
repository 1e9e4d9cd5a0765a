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

resolved as (

    -- Two different readings for the same stack and instant (a conflicting duplicate) resolve to
    -- the highest of each, so a re-delivered export can never lower the bill. Raw rows that only
    -- differ in how the timestamp is written count once.
    select
        stack_id,
        sampled_at,
        max(active_series) as active_series,
        max(samples_per_second) as samples_per_second,
        count(*) as raw_row_count,
        min(active_series) < max(active_series)
        or min(samples_per_second) < max(samples_per_second) as has_conflicting_readings
    from samples
    group by stack_id, sampled_at

),

renamed as (

    select
        -- ids
        stack_id,

        -- timestamps
        sampled_at,
        cast(sampled_at as date) as sampled_day,

        -- numerics
        active_series,
        samples_per_second,

        -- lineage
        raw_row_count,
        has_conflicting_readings

    from resolved

)

select * from renamed
