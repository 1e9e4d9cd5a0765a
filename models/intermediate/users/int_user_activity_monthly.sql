-- What each user did on each stack in a month: logged in (a Grafana user) and/or any IRM
-- activity (an IRM user). Counts reset on the 1st of every month.
with

activity as (

    select * from {{ ref('stg_grafana_cloud__user_activity') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

monthly as (

    select
        {{ month_start('activity_at') }} as billing_month,
        stack_id,
        user_id,
        max(case when is_grafana_login then 1 else 0 end) = 1 as has_login,
        max(case when is_irm_activity then 1 else 0 end) = 1 as has_irm_activity,
        min(activity_at) as first_activity_at,
        max(activity_at) as last_activity_at,
        count(*) as activity_count
    from activity
    group by {{ month_start('activity_at') }}, stack_id, user_id

)

select
    monthly.billing_month,
    stacks.org_slug,
    monthly.stack_id,
    monthly.user_id,
    monthly.has_login,
    monthly.has_irm_activity,
    monthly.first_activity_at,
    monthly.last_activity_at,
    monthly.activity_count
from monthly
inner join stacks
    on monthly.stack_id = stacks.stack_id
