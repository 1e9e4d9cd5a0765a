-- The quantities billed from Grafana's counts, per stack: for each organization, month and meter
-- billed from counts (no detail rows), the organization's counted quantity is allocated to its
-- stacks in proportion to their stack-level counts, in exact micro-units that add up to the
-- organization's quantity. Without stack-level counts the quantity stays with the organization,
-- on a row with no stack (as the platform fee).
with

org_counts as (

    select * from {{ ref('int_usage_counts_org_compared') }}
    where billed_from = 'counts'

),

stack_counts as (

    select * from {{ ref('int_usage_counts_latest') }}
    where stack_id is not null

),

to_allocate as (

    select
        org_counts.billing_month,
        org_counts.org_slug,
        stack_counts.stack_id,
        org_counts.meter,
        coalesce(stack_counts.quantity, 0) as stack_quantity,
        org_counts.counted_quantity
    from org_counts
    left join stack_counts
        on
            org_counts.billing_month = stack_counts.billing_month
            and org_counts.org_slug = stack_counts.org_slug
            and org_counts.meter = stack_counts.meter

),

allocated as (

    {{ allocate_proportionally(
        relation='to_allocate',
        partition_by=['billing_month', 'org_slug', 'meter'],
        order_by='stack_id',
        weight='stack_quantity',
        allocations=[{'total': 'counted_quantity', 'scale': 6, 'output': 'usage_quantity'}],
    ) }}

)

select
    billing_month,
    org_slug,
    stack_id,
    meter as sku,
    stack_quantity as counted_stack_quantity,
    counted_quantity as counted_org_quantity,
    usage_quantity
from allocated
