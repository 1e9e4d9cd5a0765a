-- Per organization, month and meter counted by Grafana: the organization's counted quantity, the
-- quantity the detail tables give (grafana_cloud_user_activity with the plugin installations, or
-- grafana_cloud_k6_test_runs) for the same organization, month and meter, and which of the two is
-- billed: the detail rows where there are any, the counts otherwise.
with

counts as (

    select * from {{ ref('int_usage_counts_latest') }}

),

user_detail as (

    select distinct
        billing_month,
        org_slug,
        sku as meter,
        org_active_users as detail_quantity
    from {{ ref('int_users_stack_allocated') }}

),

k6_detail as (

    select
        billing_month,
        org_slug,
        'k6_vuh' as meter,
        sum(vuh) as detail_quantity
    from {{ ref('int_k6_test_runs_metered') }}
    group by billing_month, org_slug

),

detail as (

    select * from user_detail
    union all
    select * from k6_detail

),

org_counts as (

    select
        billing_month,
        org_slug,
        meter,
        max(case when stack_id is null then quantity end) as org_level_quantity,
        sum(case when stack_id is not null then quantity end) as stack_level_quantity_sum,
        count(stack_id) as counted_stack_count
    from counts
    group by billing_month, org_slug, meter

)

select
    org_counts.billing_month,
    org_counts.org_slug,
    org_counts.meter,
    org_counts.org_level_quantity,
    org_counts.stack_level_quantity_sum,
    org_counts.counted_stack_count,
    {{ to_decimal(counted_org_quantity('org_counts.org_level_quantity', 'org_counts.stack_level_quantity_sum'), 6) }}
        as counted_quantity,
    {{ to_decimal('detail.detail_quantity', 6) }} as detail_quantity,
    case when detail.meter is null then 'counts' else 'detail' end as billed_from,
    coalesce(
        round(detail.detail_quantity, 2)
        != round({{ counted_org_quantity('org_counts.org_level_quantity', 'org_counts.stack_level_quantity_sum') }}, 2),
        false
    ) as is_disagreeing
from org_counts
left join detail
    on
        org_counts.billing_month = detail.billing_month
        and org_counts.org_slug = detail.org_slug
        and org_counts.meter = detail.meter
