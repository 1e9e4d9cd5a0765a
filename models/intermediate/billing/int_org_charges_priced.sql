-- The recomputed invoice: one line per organization, month, SKU and charge type, priced with the
-- price-book row in effect on the month's first day for the organization's plan.
with

org_usage as (

    select * from {{ ref('int_org_usage_aggregated') }}

),

organizations as (

    select * from {{ ref('stg_grafana_cloud__organizations') }}

),

skus as (

    select * from {{ ref('int_price_book_skus') }}

),

price_book as (

    select * from {{ ref('stg_grafana_cloud__price_book') }}

),

usage_lines as (

    select
        org_usage.billing_month,
        org_usage.org_slug,
        organizations.plan,
        organizations.is_billed,
        org_usage.sku,
        skus.service,
        skus.category,
        'usage' as charge_type,
        skus.usage_unit,
        org_usage.usage_quantity,
        {{ round_usage('org_usage.usage_quantity', 'skus.usage_unit') }} as billed_usage_quantity
    from org_usage
    inner join organizations
        on org_usage.org_slug = organizations.org_slug
    left join skus
        on org_usage.sku = skus.sku

),

priced as (

    select
        usage_lines.*,
        price_book.included_quantity as plan_included_quantity,
        price_book.unit_price_usd as plan_unit_price_usd
    from usage_lines
    left join price_book
        on
            usage_lines.sku = price_book.sku
            and usage_lines.plan = price_book.plan
            and usage_lines.billing_month >= price_book.effective_from
            and (price_book.effective_to is null or usage_lines.billing_month < price_book.effective_to)

),

charged as (

    -- Free and trial organizations are never billed: their usage is reported at a zero price.
    -- A billed line without a price keeps a null price and cost (a test fails the build on it).
    select
        *,
        case when is_billed then plan_included_quantity else 0 end as included_quantity,
        case
            when is_billed then {{ billable_quantity('billed_usage_quantity', 'plan_included_quantity') }}
            else 0
        end as billable_quantity,
        case when is_billed then plan_unit_price_usd else 0 end as unit_price_usd
    from priced

)

select
    billing_month,
    org_slug,
    plan,
    is_billed,
    sku,
    service,
    category,
    charge_type,
    usage_unit,
    usage_quantity,
    billed_usage_quantity,
    included_quantity,
    billable_quantity,
    unit_price_usd,
    {{ charge_usd('billable_quantity', 'unit_price_usd') }} as cost_usd
from charged
