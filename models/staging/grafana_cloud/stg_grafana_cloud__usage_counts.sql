with

counts as (

    select * from {{ ref('base_grafana_cloud__usage_counts') }}
    where rejection_reason is null

),

resolved as (

    -- Two different readings of one observation (a conflicting duplicate) resolve to the highest,
    -- so a re-delivered export never lowers the bill.
    select
        org_slug,
        stack_id,
        billing_month,
        meter,
        observed_at,
        max(quantity) as quantity,
        count(*) as raw_row_count,
        min(quantity) < max(quantity) as has_conflicting_readings
    from counts
    group by org_slug, stack_id, billing_month, meter, observed_at

),

renamed as (

    select
        -- ids
        org_slug,
        stack_id,
        meter,

        -- timestamps
        billing_month,
        observed_at,

        -- numerics
        {{ to_decimal('quantity', 6) }} as quantity,

        -- lineage
        raw_row_count,
        has_conflicting_readings

    from resolved

)

select * from renamed
