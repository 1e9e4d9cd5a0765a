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

events as (

    select * from {{ ref('int_usage_forecast_events') }}

),

counted_from as (

    -- the minute from which each stack's SKU is metered
    select
        stack_id,
        org_slug,
        sku,
        case
            when max(is_counted_from_month_start) = 1 then {{ month_start_minute }} + {{ lookback }}
            else min(first_event_minute)
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
