-- The billing quantity of every usage SKU per organization and month: the sum over its stacks.
-- A user counts once per organization however many stacks they use (the stacks' user shares add
-- up to the organization's count). GB are converted once from the organization's summed bytes,
-- with nine decimals, so that no stack's rounding can move the organization across a whole GB
-- (DECISIONLOG D50).
with

stack_usage as (

    select * from {{ ref('int_stack_usage_unioned') }}

),

aggregated as (

    select
        billing_month,
        org_slug,
        sku,
        case
            when count(ingested_bytes) > 0 then {{ bytes_to_gb('sum(ingested_bytes)', scale=9) }}
            else {{ to_decimal('sum(usage_quantity)', 9) }}
        end as usage_quantity
    from stack_usage
    group by billing_month, org_slug, sku

)

select * from aggregated
