-- Each budget with the stacks it covers: the organization's stacks whose slug matches its
-- LIKE pattern, or, without a pattern, every stack of the organization and its org-level lines
-- (stack_id null: the platform fee). DECISIONLOG D68.
with

budgets as (

    select * from {{ ref('stg_grafana_cloud__budgets') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

stack_scopes as (

    select
        budgets.org_slug,
        budgets.stack_slug_pattern,
        budgets.effective_from,
        budgets.effective_to,
        budgets.monthly_budget_usd,
        stacks.stack_id,
        stacks.stack_slug
    from budgets
    inner join stacks
        on
            budgets.org_slug = stacks.org_slug
            and {{ stack_in_scope('stacks.stack_slug', 'budgets.stack_slug_pattern') }}

),

organization_scopes as (

    select
        org_slug,
        stack_slug_pattern,
        effective_from,
        effective_to,
        monthly_budget_usd,
        cast(null as {{ type_text() }}) as stack_id,
        cast(null as {{ type_text() }}) as stack_slug
    from budgets
    where stack_slug_pattern is null

)

select * from stack_scopes
union all
select * from organization_scopes
