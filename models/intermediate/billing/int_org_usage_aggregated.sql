-- The billing quantity of every SKU per organization and month: the sum of its stacks, except
-- for per-user SKUs where a user counts once per organization however many stacks they use.
with

stack_usage as (

    select * from {{ ref('int_stack_usage_unioned') }}

),

aggregated as (

    select
        billing_month,
        org_slug,
        sku,
        sum(usage_quantity) as usage_quantity
    from stack_usage
    group by billing_month, org_slug, sku

)

select * from aggregated
