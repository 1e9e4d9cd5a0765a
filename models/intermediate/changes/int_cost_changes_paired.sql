-- Every invoice line beside the same line of the month before (DECISIONLOG D65): one row per
-- month x organization x SKU x charge type present in either month, from the organization's
-- second month in the data up to the latest month billed. A line new this month has zero usage
-- and cost last month, a line gone this month zero usage and cost now; the missing month takes
-- the other month's allowance and price, so that nothing but usage explains the change. For
-- metrics, the organization's billable series at this month's active series and last month's
-- density (DECISIONLOG D67), the middle step of the series-versus-DPM split.
with

charges as (

    select * from {{ ref('int_org_charges_priced') }}

),

metrics_compared as (

    select * from {{ ref('int_metrics_usage_compared') }}

),

org_firsts as (

    select
        org_slug,
        min(billing_month) as first_billing_month
    from charges
    group by org_slug

),

latest as (

    select max(billing_month) as last_billing_month
    from charges

),

line_months as (

    select
        billing_month,
        org_slug,
        sku,
        charge_type
    from charges

    union

    select
        {{ next_month_start('billing_month') }} as billing_month,
        org_slug,
        sku,
        charge_type
    from charges

),

compared_lines as (

    -- an organization's first month in the data has nothing to compare with
    select line_months.*
    from line_months
    inner join org_firsts
        on line_months.org_slug = org_firsts.org_slug
    cross join latest
    where
        line_months.billing_month > org_firsts.first_billing_month
        and line_months.billing_month <= latest.last_billing_month

),

metrics_substituted as (

    select
        billing_month,
        org_slug,
        {{ to_decimal('sum(billable_series_at_previous_density)', 9) }} as series_changed_usage_quantity
    from metrics_compared
    group by billing_month, org_slug

),

paired as (

    select
        compared_lines.billing_month,
        compared_lines.org_slug,
        compared_lines.sku,
        compared_lines.charge_type,
        this_month.org_slug is not null as has_line,
        previous_month.org_slug is not null as had_line,
        coalesce(this_month.plan, previous_month.plan) as plan,
        coalesce(this_month.service, previous_month.service) as service,
        coalesce(this_month.category, previous_month.category) as category,
        coalesce(this_month.usage_unit, previous_month.usage_unit) as usage_unit,
        previous_month.usage_quantity as previous_month_usage_quantity,
        previous_month.included_quantity as previous_month_included_quantity,
        previous_month.unit_price_usd as previous_month_unit_price_usd,
        previous_month.cost_usd as previous_month_cost_usd,
        this_month.usage_quantity as this_month_usage_quantity,
        this_month.included_quantity as this_month_included_quantity,
        this_month.unit_price_usd as this_month_unit_price_usd,
        this_month.cost_usd as this_month_cost_usd,
        -- a metrics line gone this month has no active series left: zero at any density
        case
            when compared_lines.sku = 'metrics_active_series'
                then coalesce(metrics_substituted.series_changed_usage_quantity, 0)
        end as series_changed_usage_quantity
    from compared_lines
    left join charges as this_month
        on
            compared_lines.billing_month = this_month.billing_month
            and compared_lines.org_slug = this_month.org_slug
            and compared_lines.sku = this_month.sku
            and compared_lines.charge_type = this_month.charge_type
    left join charges as previous_month
        on
            compared_lines.billing_month = {{ next_month_start('previous_month.billing_month') }}
            and compared_lines.org_slug = previous_month.org_slug
            and compared_lines.sku = previous_month.sku
            and compared_lines.charge_type = previous_month.charge_type
    left join metrics_substituted
        on
            compared_lines.billing_month = metrics_substituted.billing_month
            and compared_lines.org_slug = metrics_substituted.org_slug
            and compared_lines.sku = 'metrics_active_series'

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
    case
        when not had_line then 'new'
        when not has_line then 'gone'
        else 'continued'
    end as change_status,

    -- facts: a month without the line has no usage and no cost, and the other month's terms
    {{ to_decimal('case when had_line then previous_month_usage_quantity else 0 end', 9) }}
        as previous_usage_quantity,
    {{ to_decimal('case when has_line then this_month_usage_quantity else 0 end', 9) }} as usage_quantity,
    {{ to_decimal(
        'case when had_line then previous_month_included_quantity else this_month_included_quantity end', 6
    ) }} as previous_included_quantity,
    {{ to_decimal(
        'case when has_line then this_month_included_quantity else previous_month_included_quantity end', 6
    ) }} as included_quantity,
    {{ to_decimal(
        'case when had_line then previous_month_unit_price_usd else this_month_unit_price_usd end', 8, 18
    ) }} as previous_unit_price_usd,
    {{ to_decimal(
        'case when has_line then this_month_unit_price_usd else previous_month_unit_price_usd end', 8, 18
    ) }} as unit_price_usd,
    {{ to_decimal('case when had_line then previous_month_cost_usd else 0 end', 2, 18) }} as previous_cost_usd,
    {{ to_decimal('case when has_line then this_month_cost_usd else 0 end', 2, 18) }} as cost_usd,
    series_changed_usage_quantity

from paired
