-- The billing quantity of every SKU per stack and month, one tall table. Each product's
-- intermediate model computes its quantity; this model only stacks them up. The stack quantity
-- is also the weight used to allocate the organization's charge back to its stacks.
with

metrics as (

    select * from {{ ref('int_metrics_usage_percentiled') }}

),

unioned as (

    select
        billing_month,
        org_slug,
        stack_id,
        'metrics_active_series' as sku,
        {{ to_decimal('billable_series', 6) }} as usage_quantity
    from metrics

)

select * from unioned
