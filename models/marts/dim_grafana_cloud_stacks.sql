with

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

organizations as (

    select * from {{ ref('stg_grafana_cloud__organizations') }}

)

select
    -- keys
    stacks.stack_id,

    -- foreign keys
    stacks.org_slug,

    -- attributes
    stacks.stack_slug,
    organizations.org_name,
    organizations.plan,
    stacks.status,
    stacks.is_deleted,

    -- timestamps
    stacks.created_at,
    stacks.deleted_at

from stacks
left join organizations
    on stacks.org_slug = organizations.org_slug
