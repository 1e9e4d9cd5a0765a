with

stacks as (

    select * from {{ ref('base_grafana_cloud__stacks') }}
    where rejection_reason is null

),

ranked as (

    -- Two different rows for one stack (a conflicting duplicate, e.g. a stack moved between
    -- organizations) resolve to the last by organization and slug, a documented and repeatable
    -- rule; has_conflicting_readings reports it so that the export can be fixed. The optional
    -- lifecycle columns come from the same row.
    select
        *,
        row_number() over (
            partition by stack_id
            order by org_slug desc, stack_slug desc, deleted_at desc, status desc
        ) as preference,
        count(*) over (partition by stack_id) as stack_raw_row_count,
        min(org_slug) over (partition by stack_id) < max(org_slug) over (partition by stack_id)
        or min(stack_slug) over (partition by stack_id)
        < max(stack_slug) over (partition by stack_id) as is_conflicting
    from stacks

),

renamed as (

    select
        -- ids
        stack_id,
        org_slug,
        hm_instance_prom_id,
        hm_instance_graphite_id,
        hl_instance_id,
        ht_instance_id,
        hp_instance_id,

        -- attributes
        stack_slug,
        status,
        coalesce(status = 'deleted' or deleted_at is not null, false) as is_deleted,

        -- timestamps
        created_at,
        deleted_at,

        -- lineage
        stack_raw_row_count as raw_row_count,
        coalesce(is_conflicting, false) as has_conflicting_readings

    from ranked
    where preference = 1

)

select * from renamed
