-- The open month's bill so far and at the month's end: one row per month x organization x stack x
-- SKU (the platform fee with an empty stack, as in the cost fact). The month to date is the bill's
-- own line for the month (the bill if the month ended at the as-of time); the projection and its
-- band are priced and allocated by the same macros (DECISIONLOG D60-D62), so each column's stack
-- figures add up to the organization's to the cent.
with

month_to_date as (

    select * from {{ ref('int_stack_charges_allocated') }}
    where billing_month = {{ forecast_month() }}

),

forecast as (

    select * from {{ ref('int_stack_charges_forecast_allocated') }}

),

lines as (

    select
        'month_to_date' as scenario,
        billing_month,
        org_slug,
        stack_id,
        sku,
        service,
        category,
        usage_unit,
        usage_quantity,
        cost_usd
    from month_to_date

    union all

    select
        scenario,
        billing_month,
        org_slug,
        stack_id,
        sku,
        service,
        category,
        usage_unit,
        usage_quantity,
        cost_usd
    from forecast

),

pivoted as (

    -- a scenario without a line for the key (a stack new since the as-of time, say) is zero; a
    -- line without a price stays null (a missing price never becomes a zero cost)
    {%- set scenarios = ['month_to_date', 'projected', 'low', 'high'] %}
    select
        billing_month,
        org_slug,
        stack_id,
        sku,
        max(service) as service,
        max(category) as category,
        max(usage_unit) as usage_unit,
        {%- for scenario in scenarios %}
            case
                when sum(case when scenario = '{{ scenario }}' then 1 else 0 end) = 0 then 0
                else sum(case when scenario = '{{ scenario }}' then usage_quantity end)
            end as {{ scenario }}_usage,
            case
                when sum(case when scenario = '{{ scenario }}' then 1 else 0 end) = 0 then 0
                else sum(case when scenario = '{{ scenario }}' then cost_usd end)
            end as {{ scenario }}_cost_usd
            {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from lines
    group by billing_month, org_slug, stack_id, sku

)

select
    -- keys
    billing_month,
    org_slug,
    stack_id,
    sku,

    -- dimensions
    service,
    category,
    usage_unit,
    {{ grafana_cloud_as_of() }} as as_of,

    -- facts
    {{ to_decimal('month_to_date_usage', 6) }} as month_to_date_usage,
    {{ to_decimal('month_to_date_cost_usd', 2, 18) }} as month_to_date_cost_usd,
    {{ to_decimal('projected_usage', 6) }} as projected_usage,
    {{ to_decimal('projected_cost_usd', 2, 18) }} as projected_cost_usd,
    {{ to_decimal('low_cost_usd', 2, 18) }} as projected_cost_low_usd,
    {{ to_decimal('high_cost_usd', 2, 18) }} as projected_cost_high_usd,
    {{ to_decimal('low_usage', 6) }} as projected_usage_low,
    {{ to_decimal('high_usage', 6) }} as projected_usage_high

from pivoted
