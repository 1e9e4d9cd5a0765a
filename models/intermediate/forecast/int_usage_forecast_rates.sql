-- What the rest of the month adds to the quantities metered as they happen, per stack, SKU and
-- forecast scenario: the look-back window's quantity per minute times the minutes left
-- (DECISIONLOG D61). Bytes of logs, traces and profiles by the hour they start in; k6 VUh by the
-- run's start; Grafana, IRM and Enterprise plugin users by the first activity of the month of a
-- user new to the organization, split equally over the stacks they used, as the bill splits them.
-- A window counts from the stack's first such usage, so a stack younger than the look-back is
-- projected at the rate of the days it has; a window wholly before that is no candidate for the
-- band. Users count from one look-back after the month's first day: the count restarts on the
-- 1st, and in the first days every returning user is new, a rush that must not be projected onto
-- the whole month; until then the users' projection is the month-to-date count. `projected` uses
-- the latest window, `low` and `high` the window with the lowest and highest rate of the last four
-- (ties: the latest), DECISIONLOG D62.
{%- set lookback = forecast_lookback_minutes() %}
{%- set weeks = forecast_band_weeks() %}
{%- set as_of_minute = epoch_minute(grafana_cloud_as_of()) %}
{%- set month_start_minute = epoch_minute('cast(' ~ forecast_month() ~ ' as timestamp)') %}
{%- set month_end_minute = epoch_minute('cast(' ~ next_month_start(forecast_month()) ~ ' as timestamp)') %}
{%- set remaining_minutes = month_end_minute ~ ' - ' ~ as_of_minute %}
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
        count(*) over (partition by user_months.org_slug, user_months.user_id) as user_stack_count
    from user_months

),

user_events as (

    select
        stack_id,
        org_slug,
        'grafana_active_users' as sku,
        org_first_activity_at as event_at,
        {{ equal_share('user_stack_count') }} as quantity
    from user_firsts
    where has_login

    union all

    select
        stack_id,
        org_slug,
        'irm_active_users' as sku,
        org_first_activity_at as event_at,
        {{ equal_share('user_stack_count') }} as quantity
    from user_firsts
    where has_irm_activity

    union all

    select
        user_firsts.stack_id,
        user_firsts.org_slug,
        'enterprise_plugin_active_users' as sku,
        user_firsts.org_first_activity_at as event_at,
        {{ equal_share('user_firsts.user_stack_count') }} as quantity
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
        {{ epoch_minute('started_at') }} as event_minute,
        {{ to_decimal('vuh', 6) }} as quantity,
        0 as is_counted_from_month_start
    from k6_runs

    union all

    select
        stack_id,
        org_slug,
        sku,
        {{ epoch_minute('event_at') }} as event_minute,
        {{ to_decimal('quantity', 6) }} as quantity,
        1 as is_counted_from_month_start
    from user_events

),

counted_from as (

    -- the minute from which each stack's SKU is metered
    select
        stack_id,
        org_slug,
        sku,
        case
            when max(is_counted_from_month_start) = 1 then {{ month_start_minute }} + {{ lookback }}
            else min(event_minute)
        end as counted_from_minute
    from events
    group by stack_id, org_slug, sku

),

window_numbers as (

    {% for w in range(1, weeks + 1) -%}
        select {{ w }} as window_number
        {% if not loop.last %}union all
        {% endif %}
    {%- endfor %}

),

candidate_windows as (

    -- each window's minutes from the SKU's first usage on; a window with none is no candidate
    select
        counted_from.stack_id,
        counted_from.org_slug,
        counted_from.sku,
        window_numbers.window_number,
        {{ as_of_minute }} - {{ lookback }} * (window_numbers.window_number - 1)
        - greatest(
            {{ as_of_minute }} - {{ lookback }} * window_numbers.window_number,
            counted_from.counted_from_minute
        ) as window_minutes
    from counted_from
    cross join window_numbers

),

window_quantities as (

    -- the window's quantity from the minute the SKU is counted from (before it: no candidate)
    select
        events.stack_id,
        events.sku,
        {{ lookback_window_number('events.event_minute', as_of_minute, lookback) }} as window_number,
        sum(events.quantity) as window_quantity
    from events
    inner join counted_from
        on
            events.stack_id = counted_from.stack_id
            and events.sku = counted_from.sku
    where
        events.event_minute >= {{ as_of_minute }} - {{ lookback * weeks }}
        and events.event_minute < {{ as_of_minute }}
        and events.event_minute >= counted_from.counted_from_minute
    group by
        events.stack_id,
        events.sku,
        {{ lookback_window_number('events.event_minute', as_of_minute, lookback) }}

),

rated as (

    select
        candidate_windows.stack_id,
        candidate_windows.org_slug,
        candidate_windows.sku,
        candidate_windows.window_number,
        candidate_windows.window_minutes,
        coalesce(window_quantities.window_quantity, 0) as window_quantity,
        {{ to_double('coalesce(window_quantities.window_quantity, 0)') }}
        / candidate_windows.window_minutes as quantity_per_minute
    from candidate_windows
    left join window_quantities
        on
            candidate_windows.stack_id = window_quantities.stack_id
            and candidate_windows.sku = window_quantities.sku
            and candidate_windows.window_number = window_quantities.window_number
    where candidate_windows.window_minutes > 0

),

ranked as (

    -- a stack and SKU with nothing in any window (it stopped long ago) is not projected
    select
        *,
        sum(window_quantity) over (partition by stack_id, sku) as band_quantity,
        row_number() over (
            partition by stack_id, sku order by quantity_per_minute, window_number
        ) as quietest_rank,
        row_number() over (
            partition by stack_id, sku order by quantity_per_minute desc, window_number asc
        ) as busiest_rank
    from rated

),

scenario_windows as (

    select
        'projected' as scenario,
        ranked.*
    from ranked
    where ranked.window_number = 1 and ranked.band_quantity > 0
    union all
    select
        'low' as scenario,
        ranked.*
    from ranked
    where ranked.quietest_rank = 1 and ranked.band_quantity > 0
    union all
    select
        'high' as scenario,
        ranked.*
    from ranked
    where ranked.busiest_rank = 1 and ranked.band_quantity > 0

)

select
    {{ forecast_month() }} as billing_month,
    scenario,
    org_slug,
    stack_id,
    sku,
    window_number,
    window_minutes,
    window_quantity,
    {{ month_end_minute }} - {{ as_of_minute }} as remaining_minutes,
    {{ rate_projection(0, 'window_quantity', 'window_minutes', remaining_minutes, scale=6) }} as added_quantity,
    case
        when right(sku, 12) = '_ingested_gb'
            then {{ rate_projection(0, 'window_quantity', 'window_minutes', remaining_minutes, scale=0) }}
    end as added_bytes
from scenario_windows
