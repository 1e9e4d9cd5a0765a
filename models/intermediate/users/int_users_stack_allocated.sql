-- Active users per stack for the three per-user SKUs. A user counts once per organization and
-- month; their one user is split equally over the stacks they were active on, and the org's
-- count is allocated to stacks with those shares in exact micro-users, so stack figures add up to
-- the org's count. Enterprise plugin users are every active Grafana user of an organization in a
-- month when one of its stacks had an Enterprise plugin installed.
with

user_months as (

    select * from {{ ref('int_user_activity_monthly') }}

),

plugin_months as (

    select * from {{ ref('int_enterprise_plugins_monthly') }}

),

user_stacks as (

    select
        billing_month,
        org_slug,
        stack_id,
        user_id,
        'grafana_active_users' as sku
    from user_months
    where has_login

    union all

    select
        billing_month,
        org_slug,
        stack_id,
        user_id,
        'irm_active_users' as sku
    from user_months
    where has_irm_activity

),

user_stacks_with_plugins as (

    select * from user_stacks

    union all

    select
        user_stacks.billing_month,
        user_stacks.org_slug,
        user_stacks.stack_id,
        user_stacks.user_id,
        'enterprise_plugin_active_users' as sku
    from user_stacks
    inner join plugin_months
        on
            user_stacks.billing_month = plugin_months.billing_month
            and user_stacks.org_slug = plugin_months.org_slug
    where user_stacks.sku = 'grafana_active_users'

),

shares as (

    select
        billing_month,
        org_slug,
        stack_id,
        user_id,
        sku,
        count(*) over (partition by billing_month, org_slug, sku, user_id) as user_stack_count
    from user_stacks_with_plugins

),

stack_weights as (

    select
        billing_month,
        org_slug,
        stack_id,
        sku,
        sum({{ equal_share('user_stack_count') }}) as user_share_sum,
        count(*) as user_count_on_stack
    from shares
    group by billing_month, org_slug, stack_id, sku

),

org_counts as (

    select
        billing_month,
        org_slug,
        sku,
        {{ active_user_count('user_id') }} as org_active_users
    from user_stacks_with_plugins
    group by billing_month, org_slug, sku

),

to_allocate as (

    select
        stack_weights.billing_month,
        stack_weights.org_slug,
        stack_weights.stack_id,
        stack_weights.sku,
        stack_weights.user_share_sum,
        stack_weights.user_count_on_stack,
        org_counts.org_active_users
    from stack_weights
    inner join org_counts
        on
            stack_weights.billing_month = org_counts.billing_month
            and stack_weights.org_slug = org_counts.org_slug
            and stack_weights.sku = org_counts.sku

),

allocated as (

    {{ allocate_proportionally(
        relation='to_allocate',
        partition_by=['billing_month', 'org_slug', 'sku'],
        order_by='stack_id',
        weight='user_share_sum',
        allocations=[{'total': 'org_active_users', 'scale': 6, 'output': 'active_users'}],
    ) }}

)

select
    billing_month,
    org_slug,
    stack_id,
    sku,
    active_users,
    user_count_on_stack,
    org_active_users
from allocated
