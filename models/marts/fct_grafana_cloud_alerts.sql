-- One row per alert of the open months (and of the anomaly detection period's days): budgets
-- exceeded or projected to be, spike headroom used up, usage limits projected to be exceeded,
-- and days of anomalous usage (DECISIONLOG D68-D70).
with

forecast as (

    select * from {{ ref('fct_grafana_cloud_month_forecast') }}

),

headroom as (

    select * from {{ ref('fct_grafana_cloud_spike_headroom') }}

),

stacks as (

    select * from {{ ref('dim_grafana_cloud_stacks') }}

),

budget_stacks as (

    select * from {{ ref('int_budgets_stack_matched') }}

),

limit_stacks as (

    select * from {{ ref('int_usage_limits_stack_matched') }}

),

scored_days as (

    select * from {{ ref('int_usage_daily_anomaly_scored') }}

),

budget_totals as (

    -- the month-to-date and projected cost of the lines each budget in effect covers
    select
        forecast.billing_month,
        budget_stacks.org_slug,
        budget_stacks.stack_slug_pattern,
        budget_stacks.monthly_budget_usd,
        sum(forecast.month_to_date_cost_usd) as month_to_date_cost_usd,
        sum(forecast.projected_cost_usd) as projected_cost_usd
    from forecast
    inner join budget_stacks
        on
            forecast.org_slug = budget_stacks.org_slug
            and coalesce(forecast.stack_id, '') = coalesce(budget_stacks.stack_id, '')
            and {{ in_effect_for_month(
                'forecast.billing_month', 'budget_stacks.effective_from', 'budget_stacks.effective_to'
            ) }}
    group by
        forecast.billing_month,
        budget_stacks.org_slug,
        budget_stacks.stack_slug_pattern,
        budget_stacks.monthly_budget_usd

),

limit_totals as (

    -- the month-to-date and projected usage of the SKU on the stacks each limit in effect covers
    select
        forecast.billing_month,
        limit_stacks.org_slug,
        limit_stacks.stack_slug_pattern,
        limit_stacks.sku,
        limit_stacks.usage_limit,
        max(forecast.usage_unit) as usage_unit,
        sum(forecast.month_to_date_usage) as month_to_date_usage,
        sum(forecast.projected_usage) as projected_usage
    from forecast
    inner join limit_stacks
        on
            forecast.org_slug = limit_stacks.org_slug
            and forecast.sku = limit_stacks.sku
            and coalesce(forecast.stack_id, '') = coalesce(limit_stacks.stack_id, '')
            and {{ in_effect_for_month(
                'forecast.billing_month', 'limit_stacks.effective_from', 'limit_stacks.effective_to'
            ) }}
    group by
        forecast.billing_month,
        limit_stacks.org_slug,
        limit_stacks.stack_slug_pattern,
        limit_stacks.sku,
        limit_stacks.usage_limit

),

budget_alerts as (

    -- a budget already exceeded raises budget_exceeded only; one the projection crosses raises
    -- budget_forecast_exceeded
    select
        case
            when month_to_date_cost_usd > monthly_budget_usd then 'budget_exceeded'
            else 'budget_forecast_exceeded'
        end as alert_type,
        case
            when month_to_date_cost_usd > monthly_budget_usd then 'critical'
            else 'warning'
        end as severity,
        billing_month,
        org_slug,
        cast(null as {{ type_text() }}) as stack_id,
        stack_slug_pattern,
        cast(null as {{ type_text() }}) as sku,
        cast(null as date) as usage_date,
        {{ to_decimal(
            'case when month_to_date_cost_usd > monthly_budget_usd'
            ~ ' then month_to_date_cost_usd else projected_cost_usd end'
        ) }} as observed_value,
        {{ to_decimal('monthly_budget_usd') }} as threshold_value,
        'usd' as value_unit,
        case
            when month_to_date_cost_usd > monthly_budget_usd
                then
                    org_slug || ': the month-to-date cost of ' || {{ scope_text('stack_slug_pattern') }}
                    || ', ' || {{ usd_text('month_to_date_cost_usd') }}
                    || ', is above its monthly budget of ' || {{ usd_text('monthly_budget_usd') }}
                    || ' (projected ' || {{ usd_text('projected_cost_usd') }} || ')'
            else
                org_slug || ': the projected cost of ' || {{ scope_text('stack_slug_pattern') }}
                || ', ' || {{ usd_text('projected_cost_usd') }}
                || ', is above its monthly budget of ' || {{ usd_text('monthly_budget_usd') }}
                || ' (month to date ' || {{ usd_text('month_to_date_cost_usd') }} || ')'
        end as message
    from budget_totals
    where projected_cost_usd > monthly_budget_usd or month_to_date_cost_usd > monthly_budget_usd

),

limit_alerts as (

    -- critical when the usage already is above the limit, a warning when only the projection is
    select
        'usage_limit_forecast_exceeded' as alert_type,
        case
            when limit_totals.month_to_date_usage > limit_totals.usage_limit then 'critical'
            else 'warning'
        end as severity,
        limit_totals.billing_month,
        limit_totals.org_slug,
        cast(null as {{ type_text() }}) as stack_id,
        limit_totals.stack_slug_pattern,
        limit_totals.sku,
        cast(null as date) as usage_date,
        {{ to_decimal('limit_totals.projected_usage') }} as observed_value,
        {{ to_decimal('limit_totals.usage_limit') }} as threshold_value,
        limit_totals.usage_unit as value_unit,
        limit_totals.org_slug || ': the projected ' || limit_totals.sku || ' of '
        || {{ scope_text('limit_totals.stack_slug_pattern') }} || ', '
        || {{ quantity_text('limit_totals.projected_usage') }} || ' ' || limit_totals.usage_unit
        || ', is above its usage limit of ' || {{ quantity_text('limit_totals.usage_limit') }}
        || ' (month to date ' || {{ quantity_text('limit_totals.month_to_date_usage') }} || ')'
            as message
    from limit_totals
    where limit_totals.projected_usage > limit_totals.usage_limit

),

headroom_alerts as (

    select
        'spike_headroom_exhausted' as alert_type,
        'warning' as severity,
        headroom.billing_month,
        headroom.org_slug,
        headroom.stack_id,
        cast(null as {{ type_text() }}) as stack_slug_pattern,
        'metrics_active_series' as sku,
        cast(null as date) as usage_date,
        {{ to_decimal('headroom.minutes_above_projected_level') }} as observed_value,
        {{ to_decimal('headroom.forgiven_minutes') }} as threshold_value,
        'minutes' as value_unit,
        stacks.stack_slug || ' (' || headroom.stack_id || '): no spike headroom left in '
        || substr(cast(headroom.billing_month as {{ type_text() }}), 1, 7) || ': '
        || cast(headroom.minutes_above_projected_level as {{ type_text() }})
        || ' minutes above the projected billable level against '
        || cast(headroom.forgiven_minutes as {{ type_text() }})
        || ' forgiven by the 95th percentile; a further spike raises the bill' as message
    from headroom
    inner join stacks
        on headroom.stack_id = stacks.stack_id
    where headroom.headroom_minutes <= 0

),

anomaly_alerts as (

    -- a spike may cost money (warning); a drop may be an export that stopped (info)
    select
        'usage_anomaly' as alert_type,
        case when scored_days.anomaly_direction = 'spike' then 'warning' else 'info' end as severity,
        scored_days.billing_month,
        scored_days.org_slug,
        scored_days.stack_id,
        cast(null as {{ type_text() }}) as stack_slug_pattern,
        scored_days.sku,
        scored_days.usage_date,
        {{ to_decimal('scored_days.usage_quantity') }} as observed_value,
        {{ to_decimal(
            "case when scored_days.anomaly_direction = 'spike' then scored_days.expected_max_quantity"
            ~ ' else scored_days.expected_min_quantity end'
        ) }} as threshold_value,
        scored_days.usage_unit as value_unit,
        scored_days.stack_slug || ' (' || scored_days.stack_id || '): ' || scored_days.sku || ' on '
        || cast(scored_days.usage_date as {{ type_text() }}) || ' was '
        || {{ quantity_text('scored_days.usage_quantity') }} || ' ' || scored_days.usage_unit || ', '
        || {{ quantity_text('abs(scored_days.anomaly_score)') }} || ' standard deviations '
        || case when scored_days.anomaly_direction = 'spike' then 'above' else 'below' end
        || ' the mean of the '
        || cast(scored_days.training_set_size as {{ type_text() }}) || ' previous same weekdays (expected '
        || {{ quantity_text('scored_days.expected_min_quantity') }} || ' to '
        || {{ quantity_text('scored_days.expected_max_quantity') }} || ')' as message
    from scored_days
    where scored_days.is_anomalous

),

unioned as (

    select * from budget_alerts
    union all
    select * from limit_alerts
    union all
    select * from headroom_alerts
    union all
    select * from anomaly_alerts

)

select
    -- keys
    {{ alert_id([
        'alert_type', 'billing_month', 'org_slug', 'stack_id', 'stack_slug_pattern', 'sku', 'usage_date'
    ]) }} as alert_id,
    alert_type,
    severity,
    billing_month,
    {{ grafana_cloud_as_of() }} as as_of,
    org_slug,
    stack_id,
    stack_slug_pattern,
    sku,
    usage_date,

    -- the figures compared (decimals in every branch: no union of money with doubles)
    observed_value,
    threshold_value,
    value_unit,
    message

from unioned
