-- The recomputed bill against Grafana's invoice (the Cloud API billed-usage responses), per
-- organization, month and dimension, for every organization-month with an invoice file and every
-- SKU the dimension mapping knows.
with

invoiced as (

    -- Grafana's invoice lines, with the SKU each dimension stands for (null when unmapped)
    select * from {{ ref('stg_grafana_cloud__billed_usage') }}

),

recomputed as (

    select * from {{ ref('int_org_charges_priced') }}

),

reconciled_skus as (

    select * from {{ ref('int_invoice_reconciled_skus') }}

),

invoiced_months as (

    select distinct
        billing_month,
        org_slug
    from invoiced

),

recomputed_in_scope as (

    select recomputed.*
    from recomputed
    inner join invoiced_months
        on
            recomputed.billing_month = invoiced_months.billing_month
            and recomputed.org_slug = invoiced_months.org_slug
    inner join reconciled_skus
        on recomputed.sku = reconciled_skus.sku

),

invoiced_keyed as (

    select
        *,
        coalesce(sku, 'unmapped: ' || dimension_name) as line_key
    from invoiced

),

joined as (

    select
        coalesce(invoiced_keyed.billing_month, recomputed_in_scope.billing_month) as billing_month,
        coalesce(invoiced_keyed.org_slug, recomputed_in_scope.org_slug) as org_slug,
        invoiced_keyed.dimension_name,
        coalesce(invoiced_keyed.sku, recomputed_in_scope.sku) as sku,
        recomputed_in_scope.usage_quantity as recomputed_usage_quantity,
        recomputed_in_scope.billed_usage_quantity as recomputed_billed_usage_quantity,
        recomputed_in_scope.included_quantity as recomputed_included_quantity,
        recomputed_in_scope.billable_quantity as recomputed_billable_quantity,
        recomputed_in_scope.cost_usd as recomputed_amount_usd,
        invoiced_keyed.total_usage as invoiced_total_usage,
        invoiced_keyed.included_usage as invoiced_included_usage,
        invoiced_keyed.overage as invoiced_overage,
        invoiced_keyed.amount_due_usd as invoiced_amount_due,
        invoiced_keyed.line_key is not null as is_invoiced,
        recomputed_in_scope.sku is not null as is_recomputed
    from invoiced_keyed
    full outer join recomputed_in_scope
        on
            invoiced_keyed.billing_month = recomputed_in_scope.billing_month
            and invoiced_keyed.org_slug = recomputed_in_scope.org_slug
            and invoiced_keyed.line_key = recomputed_in_scope.sku

),

compared as (

    select
        *,
        coalesce(recomputed_usage_quantity, 0) - coalesce(invoiced_total_usage, 0) as usage_difference,
        coalesce(recomputed_billable_quantity, 0) - coalesce(invoiced_overage, 0) as overage_difference,
        coalesce(recomputed_amount_usd, 0) - coalesce(invoiced_amount_due, 0) as amount_difference_usd
    from joined

)

select
    -- keys
    billing_month,
    org_slug,
    coalesce(dimension_name, sku) as dimension_name,

    -- dimensions
    sku,

    -- facts: recomputed
    {{ to_decimal('recomputed_usage_quantity', 6) }} as recomputed_usage_quantity,
    {{ to_decimal('recomputed_billed_usage_quantity', 6) }} as recomputed_billed_usage_quantity,
    {{ to_decimal('recomputed_included_quantity', 6) }} as recomputed_included_quantity,
    {{ to_decimal('recomputed_billable_quantity', 6) }} as recomputed_billable_quantity,
    {{ to_decimal('recomputed_amount_usd', 2, 18) }} as recomputed_amount_usd,

    -- facts: invoiced
    {{ to_decimal('invoiced_total_usage', 6) }} as invoiced_total_usage,
    {{ to_decimal('invoiced_included_usage', 6) }} as invoiced_included_usage,
    {{ to_decimal('invoiced_overage', 6) }} as invoiced_overage,
    {{ to_decimal('invoiced_amount_due', 2, 18) }} as invoiced_amount_due,

    -- differences (recomputed - invoiced)
    {{ to_decimal('usage_difference', 6) }} as usage_difference,
    {{ to_decimal('overage_difference', 6) }} as overage_difference,
    {{ to_decimal('amount_difference_usd', 2, 18) }} as amount_difference_usd,

    -- status
    case
        when not is_recomputed and sku is null then 'unmapped_dimension'
        when not is_recomputed then 'missing_in_recomputation'
        when not is_invoiced then 'missing_in_invoice'
        when abs(amount_difference_usd) > {{ number_var('grafana_cloud_reconciliation_tolerance_usd') }}
            then 'amount_mismatch'
        when
            abs(usage_difference) > {{ number_var('grafana_cloud_reconciliation_usage_tolerance') }}
            * greatest(abs(invoiced_total_usage), 1)
            or abs(overage_difference) > {{ number_var('grafana_cloud_reconciliation_usage_tolerance') }}
            * greatest(abs(invoiced_overage), 1)
            then 'usage_mismatch'
        else 'matched'
    end as status

from compared
