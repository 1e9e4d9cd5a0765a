with

user_months as (

    select * from {{ ref('int_user_activity_monthly') }}

)

select
    -- keys
    user_id,

    -- attributes
    min(billing_month) as first_active_month,
    max(billing_month) as last_active_month,
    count(distinct billing_month) as active_month_count,
    count(distinct org_slug) as org_count,
    count(distinct stack_id) as stack_count,
    {{ distinct_sorted_list('stack_id', "', '") }} as stack_ids,
    max(case when has_login then 1 else 0 end) = 1 as is_grafana_user,
    max(case when has_irm_activity then 1 else 0 end) = 1 as is_irm_user,
    min(first_activity_at) as first_activity_at,
    max(last_activity_at) as last_activity_at

from user_months
group by user_id
