-- The usage events the forecast's rates are measured on, per stack and SKU: bytes of logs,
-- traces and profiles at the minute their hour starts; k6 VUh at the run's start; Grafana, IRM and
-- Enterprise plugin users of the open month at the first activity of the month of a user new to
-- the organization, split equally over the stacks they used, as the bill splits them
-- (DECISIONLOG D61). Minutes are epoch minutes; only the events of the band's windows are kept,
-- each with the stack's first event of the SKU ever (from which its windows count).
{%- set band_minutes = forecast_lookback_minutes() * forecast_band_weeks() %}
{%- set band_start_minute = epoch_minute(grafana_cloud_as_of()) ~ ' - ' ~ band_minutes %}
with

intervals as (

    select * from {{ ref('stg_grafana_cloud__ingestion_usage') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

k6_runs as (

    select * from {{ ref('int_k6_test_runs_metered') }}

),

user_months as (

    select * from {{ ref('int_user_activity_monthly') }}
    where billing_month = {{ forecast_month() }}

),

plugin_months as (

    select * from {{ ref('int_enterprise_plugins_monthly') }}
    where billing_month = {{ forecast_month() }}

),

user_firsts as (

    -- a user's first activity of the month in the organization, and how many stacks share them
    select
        user_months.*,
        min(user_months.first_activity_at)
            over (partition by user_months.org_slug, user_months.user_id)
            as org_first_activity_at,
        -- the stacks each user's one user is split over, per SKU, as the bill splits them
        sum(case when user_months.has_login then 1 else 0 end)
            over (partition by user_months.org_slug, user_months.user_id)
            as login_stack_count,
        sum(case when user_months.has_irm_activity then 1 else 0 end)
            over (partition by user_months.org_slug, user_months.user_id)
            as irm_stack_count
    from user_months

),

user_events as (

    select
        stack_id,
        org_slug,
        'grafana_active_users' as sku,
        user_id,
        org_first_activity_at as event_at,
        {{ equal_share('login_stack_count') }} as quantity
    from user_firsts
    where has_login

    union all

    select
        stack_id,
        org_slug,
        'irm_active_users' as sku,
        user_id,
        org_first_activity_at as event_at,
        {{ equal_share('irm_stack_count') }} as quantity
    from user_firsts
    where has_irm_activity

    union all

    select
        user_firsts.stack_id,
        user_firsts.org_slug,
        'enterprise_plugin_active_users' as sku,
        user_firsts.user_id,
        user_firsts.org_first_activity_at as event_at,
        {{ equal_share('user_firsts.login_stack_count') }} as quantity
    from user_firsts
    inner join plugin_months
        on user_firsts.org_slug = plugin_months.org_slug
    where user_firsts.has_login

),

events as (

    select
        intervals.stack_id,
        stacks.org_slug,
        intervals.signal || '_ingested_gb' as sku,
        cast({{ epoch_minute('intervals.usage_start') }} as {{ type_text() }}) as event_id,
        {{ epoch_minute('intervals.usage_start') }} as event_minute,
        {{ to_decimal('intervals.ingested_bytes', 6) }} as quantity,
        0 as is_counted_from_month_start
    from intervals
    inner join stacks
        on intervals.stack_id = stacks.stack_id

    union all

    select
        stack_id,
        org_slug,
        'k6_vuh' as sku,
        test_run_id as event_id,
        {{ epoch_minute('started_at') }} as event_minute,
        {{ to_decimal('vuh', 6) }} as quantity,
        0 as is_counted_from_month_start
    from k6_runs

    union all

    select
        stack_id,
        org_slug,
        sku,
        user_id as event_id,
        {{ epoch_minute('event_at') }} as event_minute,
        {{ to_decimal('quantity', 6) }} as quantity,
        1 as is_counted_from_month_start
    from user_events

),

firsts as (

    select
        stack_id,
        sku,
        min(event_minute) as first_event_minute
    from events
    group by stack_id, sku

)

select
    events.stack_id,
    events.org_slug,
    events.sku,
    events.event_id,
    events.event_minute,
    events.quantity,
    events.is_counted_from_month_start,
    firsts.first_event_minute
from events
inner join firsts
    on
        events.stack_id = firsts.stack_id
        and events.sku = firsts.sku
where events.event_minute >= {{ band_start_minute }}
