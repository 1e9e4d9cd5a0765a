with

organizations as (

    select * from {{ ref('base_grafana_cloud__organizations') }}
    where rejection_reason is null

),

ranked as (

    -- Two different rows for one organization (a conflicting duplicate) resolve to the one that
    -- bills more: the dearer plan, then fewer included DPM per series, then the last name. A
    -- re-delivered export can never lower the bill; has_conflicting_readings reports it.
    select
        *,
        row_number() over (
            partition by org_slug
            order by
                case plan when 'advanced' then 4 when 'pro' then 3 when 'trial' then 2 else 1 end desc,
                included_dpm_per_series asc,
                org_name desc
        ) as preference,
        count(*) over (partition by org_slug) as org_raw_row_count,
        min(plan) over (partition by org_slug) < max(plan) over (partition by org_slug)
        or min(included_dpm_per_series) over (partition by org_slug)
        < max(included_dpm_per_series) over (partition by org_slug)
        or min(org_name) over (partition by org_slug)
        < max(org_name) over (partition by org_slug) as is_conflicting
    from organizations

),

renamed as (

    select
        -- ids
        org_slug,

        -- attributes
        org_name,
        plan,

        -- numerics
        included_dpm_per_series,

        -- lineage
        org_raw_row_count as raw_row_count,

        -- booleans: free and trial organizations are never billed
        plan in ('pro', 'advanced') as is_billed,
        coalesce(is_conflicting, false) as has_conflicting_readings

    from ranked
    where preference = 1

)

select * from renamed
