{#
    The bill's pricing path, one macro per step, so that the bill (int_org_usage_aggregated,
    int_org_charges_priced, int_stack_charges_allocated) and the month-end forecast
    (int_org_charges_forecast_priced, int_stack_charges_forecast_allocated) price usage the same
    way: the same aggregation, price book, allowances, rounding and cent allocation. `keys` are
    extra grouping columns carried through every step (the forecast's `scenario`); the bill has
    none, and its SQL is then the SQL it always had (DECISIONLOG D60).
#}

{% macro key_columns(keys, prefix='') -%}
    {%- for key in keys %}{{ prefix }}{{ key }}, {% endfor -%}
{%- endmacro %}


{#
    The billing quantity of every usage SKU per organization and month (and key): the sum over its
    stacks; GB converted once from the organization's summed bytes, with nine decimals
    (DECISIONLOG D50).
#}
{% macro org_usage_aggregated(stack_usage, keys=[]) -%}
select
    {{ grafana_cloud_costs.key_columns(keys) }}billing_month,
    org_slug,
    sku,
    case
        when count(ingested_bytes) > 0 then {{ grafana_cloud_costs.bytes_to_gb('sum(ingested_bytes)', scale=9) }}
        else {{ grafana_cloud_costs.to_decimal('sum(usage_quantity)', 9) }}
    end as usage_quantity
from {{ stack_usage }}
group by {{ grafana_cloud_costs.key_columns(keys) }}billing_month, org_slug, sku
{%- endmacro %}


{#
    The organization's invoice lines: usage lines and one platform fee per paying organization and
    month with any usage, rounded (round_usage) and priced with the price-book row in effect on the
    month's first day for its plan; free and trial organizations at a zero price; a billed line
    without a price keeps a null price and cost.
#}
{% macro org_charges_priced(org_usage, keys=[]) -%}
{%- set k = grafana_cloud_costs.key_columns(keys) -%}
with

org_usage as (

    select * from {{ org_usage }}

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
        {{ k }}billing_month,
        org_slug,
        sku,
        'usage' as charge_type,
        usage_quantity
    from org_usage

),

fee_lines as (

    -- One platform fee per paying organization and month in which it has any usage.
    select distinct
        {{ grafana_cloud_costs.key_columns(keys, 'org_usage.') }}org_usage.billing_month,
        org_usage.org_slug,
        'platform_fee' as sku,
        'fee' as charge_type,
        {{ grafana_cloud_costs.to_decimal(1, 6) }} as usage_quantity
    from org_usage
    inner join organizations
        on org_usage.org_slug = organizations.org_slug
    where organizations.is_billed

),

lines as (

    select
        {{ grafana_cloud_costs.key_columns(keys, 'all_lines.') }}all_lines.billing_month,
        all_lines.org_slug,
        organizations.plan,
        organizations.is_billed,
        all_lines.sku,
        skus.service,
        skus.category,
        all_lines.charge_type,
        skus.usage_unit,
        all_lines.usage_quantity,
        {{ grafana_cloud_costs.round_usage('all_lines.usage_quantity', 'skus.usage_unit') }} as billed_usage_quantity
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
            when is_billed then {{ grafana_cloud_costs.billable_quantity('billed_usage_quantity', 'plan_included_quantity') }}
            else 0
        end as billable_quantity,
        case when is_billed then plan_unit_price_usd else 0 end as unit_price_usd
    from priced

)

select
    {{ k }}billing_month,
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
    {{ grafana_cloud_costs.charge_usd('billable_quantity', 'unit_price_usd') }} as cost_usd
from charged
{%- endmacro %}


{#
    The organization's charges on its stacks: usage charges allocated in proportion to each
    stack's quantity in exact cents (and micro-units of quantity) that add up to the org's line
    (allocate_proportionally); org-level charges (the platform fee) with no stack.
#}
{% macro stack_charges_allocated(charges, stack_usage, keys=[]) -%}
{%- set k = grafana_cloud_costs.key_columns(keys) -%}
with

charges as (

    select * from {{ charges }}

),

stack_usage as (

    select * from {{ stack_usage }}

),

stack_shares as (

    select
        {{ grafana_cloud_costs.key_columns(keys, 'charges.') }}charges.billing_month,
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
            {% for key in keys %}charges.{{ key }} = stack_usage.{{ key }}
            and {% endfor %}charges.billing_month = stack_usage.billing_month
            and charges.org_slug = stack_usage.org_slug
            and charges.sku = stack_usage.sku
    where charges.charge_type = 'usage'

),

allocated as (

    {{ grafana_cloud_costs.allocate_proportionally(
        relation='stack_shares',
        partition_by=keys + ['billing_month', 'org_slug', 'sku', 'charge_type'],
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
        {{ k }}billing_month,
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
        {{ k }}billing_month,
        org_slug,
        cast(null as {{ grafana_cloud_costs.type_text() }}) as stack_id,
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
    {{ k }}billing_month,
    org_slug,
    stack_id,
    sku,
    charge_type,
    {{ grafana_cloud_costs.cost_line_id('billing_month', 'org_slug', 'stack_id', 'sku', 'charge_type') }} as cost_line_id,

    -- dimensions
    service,
    category,
    usage_unit,

    -- facts
    {{ grafana_cloud_costs.to_decimal('usage_quantity', 6) }} as usage_quantity,
    {{ grafana_cloud_costs.to_decimal('included_quantity', 6) }} as included_quantity,
    {{ grafana_cloud_costs.to_decimal('billable_quantity', 6) }} as billable_quantity,
    {{ grafana_cloud_costs.to_decimal('unit_price_usd', 8, 18) }} as unit_price_usd,
    {{ grafana_cloud_costs.to_decimal('cost_usd', 2, 18) }} as cost_usd

from unioned
{%- endmacro %}
