-- Each usage limit with the stacks it covers: the organization's stacks whose slug matches its
-- LIKE pattern, or, without a pattern, every stack of the organization and its org-level lines
-- (stack_id null: the platform fee). DECISIONLOG D68.
with

usage_limits as (

    select * from {{ ref('stg_grafana_cloud__usage_limits') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

stack_scopes as (

    select
        usage_limits.org_slug,
        usage_limits.stack_slug_pattern,
        usage_limits.sku,
        usage_limits.effective_from,
        usage_limits.effective_to,
        usage_limits.usage_limit,
        stacks.stack_id,
        stacks.stack_slug
    from usage_limits
    inner join stacks
        on
            usage_limits.org_slug = stacks.org_slug
            and {{ stack_in_scope('stacks.stack_slug', 'usage_limits.stack_slug_pattern') }}

),

organization_scopes as (

    select
        org_slug,
        stack_slug_pattern,
        sku,
        effective_from,
        effective_to,
        usage_limit,
        cast(null as {{ type_text() }}) as stack_id,
        cast(null as {{ type_text() }}) as stack_slug
    from usage_limits
    where stack_slug_pattern is null

)

select * from stack_scopes
union all
select * from organization_scopes
