-- For every month and tag key, the cost over the key's values equals the month's total cost.
with

by_tag as (

    select * from {{ ref('fct_grafana_cloud_costs_by_tag') }}

),

costs as (

    select * from {{ ref('fct_grafana_cloud_costs') }}

),

month_totals as (

    select
        billing_month,
        sum(cost_usd) as total_cost_usd
    from costs
    group by billing_month

),

key_totals as (

    select
        billing_month,
        tag_key,
        sum(cost_usd) as tagged_cost_usd
    from by_tag
    group by billing_month, tag_key

)

select
    key_totals.billing_month,
    key_totals.tag_key,
    key_totals.tagged_cost_usd,
    month_totals.total_cost_usd
from key_totals
left join month_totals
    on key_totals.billing_month = month_totals.billing_month
where key_totals.tagged_cost_usd != coalesce(month_totals.total_cost_usd, 0)
