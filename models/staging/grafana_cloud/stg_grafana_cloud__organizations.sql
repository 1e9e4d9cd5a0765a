with

organizations as (

    select * from {{ ref('base_grafana_cloud__organizations') }}
    where rejection_reason is null

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

        -- booleans: free and trial organizations are never billed
        plan in ('pro', 'advanced') as is_billed

    from organizations

)

select * from renamed
