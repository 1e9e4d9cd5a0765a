with

organizations as (

    select * from {{ ref('stg_grafana_cloud__organizations') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

stack_counts as (

    select
        org_slug,
        count(*) as stack_count
    from stacks
    group by org_slug

)

select
    -- keys
    organizations.org_slug,

    -- attributes
    organizations.org_name,
    organizations.plan,
    organizations.is_billed,
    organizations.included_dpm_per_series,
    coalesce(stack_counts.stack_count, 0) as stack_count

from organizations
left join stack_counts
    on organizations.org_slug = stack_counts.org_slug
