-- The cost fact's rows: usage charges are computed per organization (allowances and rounding
-- apply to the org) and allocated back to its stacks in proportion to each stack's quantity, in
-- exact cents (and micro-units of quantity) that add up to the org's line. Org-level charges (the
-- platform fee) stay at the organization, with no stack.
with

charges as (

    select * from {{ ref('int_org_charges_priced') }}

),

stack_usage as (

    select * from {{ ref('int_stack_usage_unioned') }}

),

stack_shares as (

    select
        charges.billing_month,
        charges.org_slug,
        stack_usage.stack_id,
        charges.service,
        charges.category,
        charges.sku,
        charges.charge_type,
        stack_usage.usage_quantity,
        charges.usage_unit,
        charges.unit_price_usd,
        charges.billable_quantity as org_billable_quantity,
        charges.cost_usd as org_cost_usd,
        -- the part of the allowance the org actually used (billable is the part above it)
        charges.billed_usage_quantity - charges.billable_quantity as org_applied_included_quantity
    from charges
    inner join stack_usage
        on
            charges.billing_month = stack_usage.billing_month
            and charges.org_slug = stack_usage.org_slug
            and charges.sku = stack_usage.sku
    where charges.charge_type = 'usage'

),

allocated as (

    {{ allocate_proportionally(
        relation='stack_shares',
        partition_by=['billing_month', 'org_slug', 'sku', 'charge_type'],
        order_by='stack_id',
        weight='usage_quantity',
        allocations=[
            {'total': 'org_applied_included_quantity', 'scale': 6, 'output': 'included_quantity'},
            {'total': 'org_billable_quantity', 'scale': 6, 'output': 'billable_quantity'},
            {'total': 'org_cost_usd', 'scale': 2, 'output': 'cost_usd'},
        ],
    ) }}

),

stack_rows as (

    select
        billing_month,
        org_slug,
        stack_id,
        sku,
        charge_type,
        service,
        category,
        usage_unit,
        usage_quantity,
        included_quantity,
        billable_quantity,
        unit_price_usd,
        cost_usd
    from allocated

),

org_rows as (

    select
        billing_month,
        org_slug,
        cast(null as {{ type_text() }}) as stack_id,
        sku,
        charge_type,
        service,
        category,
        usage_unit,
        usage_quantity,
        billed_usage_quantity - billable_quantity as included_quantity,
        billable_quantity,
        unit_price_usd,
        cost_usd
    from charges
    where charge_type != 'usage'

),

unioned as (

    select * from stack_rows
    union all
    select * from org_rows

)

select
    -- keys
    billing_month,
    org_slug,
    stack_id,
    sku,
    charge_type,
    {{ cost_line_id('billing_month', 'org_slug', 'stack_id', 'sku', 'charge_type') }} as cost_line_id,

    -- dimensions
    service,
    category,
    usage_unit,

    -- facts
    {{ to_decimal('usage_quantity', 6) }} as usage_quantity,
    {{ to_decimal('included_quantity', 6) }} as included_quantity,
    {{ to_decimal('billable_quantity', 6) }} as billable_quantity,
    {{ to_decimal('unit_price_usd', 8, 18) }} as unit_price_usd,
    {{ to_decimal('cost_usd', 2, 18) }} as cost_usd

from unioned
