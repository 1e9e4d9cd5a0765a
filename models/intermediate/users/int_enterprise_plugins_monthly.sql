-- Organizations and months in which an Enterprise plugin was installed on any of their stacks at
-- any moment of the month: the installation [installed_at, uninstalled_at) overlaps the month.
-- Only months with active Grafana users matter (the plugin is billed per active user), so the
-- months come from the user activity: read from staging, not from int_user_activity_monthly, so
-- that int_users_stack_allocated, which reads both, does not rejoin that concept through here.
with

installations as (

    select * from {{ ref('stg_grafana_cloud__enterprise_plugins') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

activity as (

    select * from {{ ref('stg_grafana_cloud__user_activity') }}

),

user_months as (

    select distinct
        {{ month_start('activity.activity_at') }} as billing_month,
        stacks.org_slug
    from activity
    inner join stacks
        on activity.stack_id = stacks.stack_id
    where activity.is_grafana_login

),

org_installations as (

    select
        stacks.org_slug,
        installations.stack_id,
        installations.plugin_id,
        installations.installed_at,
        installations.uninstalled_at
    from installations
    inner join stacks
        on installations.stack_id = stacks.stack_id

)

select
    user_months.billing_month,
    user_months.org_slug,
    count(*) as installation_count,
    count(distinct org_installations.plugin_id) as plugin_count
from user_months
inner join org_installations
    on
        user_months.org_slug = org_installations.org_slug
        and {{ next_month_start('user_months.billing_month') }} > org_installations.installed_at
        and (
            org_installations.uninstalled_at is null
            or user_months.billing_month < org_installations.uninstalled_at
        )
group by user_months.billing_month, user_months.org_slug
