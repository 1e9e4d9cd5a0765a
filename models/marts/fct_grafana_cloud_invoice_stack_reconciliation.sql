-- Per-stack usage against the usages[] Grafana lists under each invoiced dimension, for the
-- organization-months and SKUs whose invoice lists stacks.
with

invoiced_stacks as (

    select * from {{ ref('stg_grafana_cloud__billed_usage_stacks') }}

),

stack_usage as (

    select * from {{ ref('int_stack_usage_unioned') }}

),

invoiced as (

    -- the stacks of the dimensions the mapping knows (their SKU comes from staging)
    select
        billing_month,
        org_slug,
        sku,
        stack_id,
        stack_name,
        total_usage
    from invoiced_stacks
    where sku is not null

),

invoiced_scope as (

    select distinct
        billing_month,
        org_slug,
        sku
    from invoiced

),

recomputed as (

    select stack_usage.*
    from stack_usage
    inner join invoiced_scope
        on
            stack_usage.billing_month = invoiced_scope.billing_month
            and stack_usage.org_slug = invoiced_scope.org_slug
            and stack_usage.sku = invoiced_scope.sku

),

joined as (

    select
        coalesce(invoiced.billing_month, recomputed.billing_month) as billing_month,
        coalesce(invoiced.org_slug, recomputed.org_slug) as org_slug,
        coalesce(invoiced.sku, recomputed.sku) as sku,
        coalesce(invoiced.stack_id, recomputed.stack_id) as stack_id,
        invoiced.stack_name,
        recomputed.usage_quantity as recomputed_usage_quantity,
        invoiced.total_usage as invoiced_total_usage,
        invoiced.stack_id is not null as is_invoiced,
        recomputed.stack_id is not null as is_recomputed
    from invoiced
    full outer join recomputed
        on
            invoiced.billing_month = recomputed.billing_month
            and invoiced.org_slug = recomputed.org_slug
            and invoiced.sku = recomputed.sku
            and invoiced.stack_id = recomputed.stack_id

)

select
    -- keys
    billing_month,
    org_slug,
    sku,
    stack_id,

    -- dimensions
    stack_name,

    -- facts
    {{ to_decimal('recomputed_usage_quantity', 6) }} as recomputed_usage_quantity,
    {{ to_decimal('invoiced_total_usage', 6) }} as invoiced_total_usage,
    {{ to_decimal('coalesce(recomputed_usage_quantity, 0) - coalesce(invoiced_total_usage, 0)', 6) }}
        as usage_difference,

    -- status
    case
        when not is_recomputed then 'missing_in_recomputation'
        when not is_invoiced then 'missing_in_invoice'
        when
            abs(recomputed_usage_quantity - invoiced_total_usage)
            > {{ number_var('grafana_cloud_reconciliation_usage_tolerance') }} * greatest(abs(invoiced_total_usage), 1)
            then 'usage_mismatch'
        else 'matched'
    end as status

from joined
