-- The recomputed invoice: one line per organization, month, SKU and charge type (usage, and the
-- platform fee), priced with the price-book row in effect on the month's first day for the
-- organization's plan.
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
        billing_month,
        org_slug,
        sku,
        'usage' as charge_type,
        usage_quantity
    from org_usage

),

fee_lines as (

    -- One platform fee per paying organization and month in which it has any usage.
    select distinct
        org_usage.billing_month,
        org_usage.org_slug,
        'platform_fee' as sku,
        'fee' as charge_type,
        {{ to_decimal(1, 6) }} as usage_quantity
    from org_usage
    inner join organizations
        on org_usage.org_slug = organizations.org_slug
    where organizations.is_billed

),

lines as (

    select
        all_lines.billing_month,
        all_lines.org_slug,
        organizations.plan,
        organizations.is_billed,
        all_lines.sku,
        skus.service,
        skus.category,
        all_lines.charge_type,
        skus.usage_unit,
        all_lines.usage_quantity,
        {{ round_usage('all_lines.usage_quantity', 'skus.usage_unit') }} as billed_usage_quantity
    from (
        select * from usage_lines
        union all
        select * from fee_lines
    ) as all_lines
    inner join organizations
        on all_lines.org_slug = organizations.org_slug
    left join skus
        on all_lines.sku = skus.sku

),

priced as (

    select
        lines.*,
        price_book.included_quantity as plan_included_quantity,
        price_book.unit_price_usd as plan_unit_price_usd
    from lines
    left join price_book
        on
            lines.sku = price_book.sku
            and lines.plan = price_book.plan
            and lines.billing_month >= price_book.effective_from
            and (price_book.effective_to is null or lines.billing_month < price_book.effective_to)

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
