-- Usage beside cost, as Vantage's usage-based reporting shows it: one row per month, stack and
-- usage metric, in the metric's unit. The SKU quantities come straight from the cost pipeline;
-- the metrics percentiles behind billable series are added as metrics of their own.
with

stack_usage as (

    select * from {{ ref('int_stack_usage_unioned') }}

),

skus as (

    select * from {{ ref('int_price_book_skus') }}

),

metrics as (

    select * from {{ ref('int_metrics_usage_percentiled') }}

),

unioned as (

    select
        stack_usage.billing_month,
        stack_usage.org_slug,
        stack_usage.stack_id,
        skus.service,
        stack_usage.sku as usage_metric,
        skus.usage_unit,
        stack_usage.usage_quantity
    from stack_usage
    left join skus
        on stack_usage.sku = skus.sku

    union all

    select
        billing_month,
        org_slug,
        stack_id,
        'Metrics' as service,
        'metrics_p95_active_series' as usage_metric,
        'active_series' as usage_unit,
        {{ to_decimal('p95_active_series', 6) }} as usage_quantity
    from metrics

    union all

    select
        billing_month,
        org_slug,
        stack_id,
        'Metrics' as service,
        'metrics_p95_dpm' as usage_metric,
        'dpm' as usage_unit,
        {{ to_decimal('p95_dpm', 6) }} as usage_quantity
    from metrics

)

select
    -- keys
    billing_month,
    org_slug,
    stack_id,
    usage_metric,

    -- dimensions
    service,
    usage_unit,

    -- facts
    usage_quantity

from unioned
