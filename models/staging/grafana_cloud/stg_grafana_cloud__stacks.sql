with

stacks as (

    select * from {{ ref('base_grafana_cloud__stacks') }}
    where rejection_reason is null

),

renamed as (

    select
        -- ids
        stack_id,
        org_slug,

        -- attributes
        stack_slug

    from stacks

)

select * from renamed
