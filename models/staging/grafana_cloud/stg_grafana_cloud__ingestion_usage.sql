with

intervals as (

    select * from {{ ref('base_grafana_cloud__ingestion_usage') }}
    where rejection_reason is null

),

resolved as (

    -- Two different byte counts for the same stack, signal and interval (a conflicting duplicate)
    -- resolve to the highest, so a re-delivered export can never lower the bill.
    select
        stack_id,
        signal,
        usage_start,
        max(ingested_bytes) as ingested_bytes,
        count(*) as raw_row_count,
        min(ingested_bytes) < max(ingested_bytes) as has_conflicting_readings
    from intervals
    group by stack_id, signal, usage_start

),

renamed as (

    select
        -- ids
        stack_id,
        signal,

        -- timestamps
        usage_start,

        -- numerics
        ingested_bytes,

        -- lineage
        raw_row_count,
        has_conflicting_readings

    from resolved

)

select * from renamed
