with

runs as (

    select * from {{ ref('base_grafana_cloud__k6_test_runs') }}
    where rejection_reason is null

),

resolved as (

    -- Two different records of the same run (a conflicting duplicate) resolve to the widest:
    -- the earliest start, the latest end and the most VUs, so the bill is never lowered.
    select
        stack_id,
        test_run_id,
        min(started_at) as started_at,
        max(ended_at) as ended_at,
        max(vus) as vus,
        max(browser_vus) as browser_vus,
        count(*) as raw_row_count,
        min(started_at) < max(started_at)
        or min(ended_at) < max(ended_at)
        or min(vus) < max(vus)
        or min(browser_vus) < max(browser_vus) as has_conflicting_readings
    from runs
    group by stack_id, test_run_id

),

renamed as (

    select
        -- ids
        stack_id,
        test_run_id,

        -- timestamps
        started_at,
        ended_at,

        -- numerics
        vus,
        browser_vus,

        -- lineage
        raw_row_count,
        has_conflicting_readings

    from resolved

)

select * from renamed
