with

charges as (

    select * from {{ ref('int_org_charges_priced') }}

)

select
    -- keys
    billing_month,
    org_slug,
    sku,
    charge_type,

    -- dimensions
    plan,
    service,
    category,
    usage_unit,

    -- facts
    {{ to_decimal('usage_quantity', 6) }} as usage_quantity,
    {{ to_decimal('billed_usage_quantity', 6) }} as billed_usage_quantity,
    {{ to_decimal('included_quantity', 6) }} as included_quantity,
    {{ to_decimal('billable_quantity', 6) }} as billable_quantity,
    {{ to_decimal('unit_price_usd', 8, 18) }} as unit_price_usd,
    {{ to_decimal('cost_usd', 2, 18) }} as cost_usd

from charges
