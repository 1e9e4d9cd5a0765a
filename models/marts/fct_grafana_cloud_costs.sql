with

allocated as (

    select * from {{ ref('int_stack_charges_allocated') }}

)

select
    -- keys
    billing_month,
    org_slug,
    stack_id,
    sku,
    charge_type,

    -- dimensions
    service,
    category,
    usage_unit,

    -- facts
    usage_quantity,
    included_quantity,
    billable_quantity,
    unit_price_usd,
    cost_usd

from allocated
