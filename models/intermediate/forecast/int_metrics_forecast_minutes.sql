-- Every minute of the open month for each stack and forecast scenario: the minutes observed so
-- far, and the remaining minutes projected by repeating a look-back window minute by minute at
-- the same minute of the week (window minute m fills m + k x 7 days, for each k that lands
-- from the as-of minute on and before the month's end; the as-of minute is projected even when a
-- sample falls on it, so that each minute of the month counts once). The scenario `projected` repeats the
-- latest window; `low` and `high` the window whose own billable series are the lowest and the
-- highest of the last four (ties: the latest), DECISIONLOG D61, D62. A stack with no minute in
-- the chosen window (it stopped reporting) gets no projected minute: its month-to-date
-- percentiles stand, as the bill takes the percentile over the minutes that have samples.
{%- set lookback = forecast_lookback_minutes() %}
{%- set weeks = forecast_band_weeks() %}
{%- set as_of_minute = epoch_minute(grafana_cloud_as_of()) %}
{%- set month_end_minute = epoch_minute('cast(' ~ next_month_start(forecast_month()) ~ ' as timestamp)') %}
{#- the repeats needed: the remaining month (at most 31 days) from the oldest window -#}
{%- set repeats = (31 * 1440) // lookback + weeks + 1 %}
{%- set window_billable_series = billable_series(
    'windows.p95_active_series', 'windows.p95_dpm', 'organizations.included_dpm_per_series'
) %}
with

per_minute as (

    select * from {{ ref('int_metrics_usage_per_minute') }}
    where
        sampled_day >= {{ days_before('cast(' ~ grafana_cloud_as_of() ~ ' as date)', (lookback * weeks) // 1440 + 1) }}

),

windows as (

    select * from {{ ref('int_metrics_forecast_weeks') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

organizations as (

    select * from {{ ref('stg_grafana_cloud__organizations') }}

),

ranked as (

    select
        windows.stack_id,
        windows.window_number,
        row_number() over (
            partition by windows.stack_id
            order by
                {{ window_billable_series }},
                windows.window_number
        ) as quietest_rank,
        row_number() over (
            partition by windows.stack_id
            order by
                {{ window_billable_series }} desc,
                windows.window_number
        ) as busiest_rank
    from windows
    inner join stacks
        on windows.stack_id = stacks.stack_id
    inner join organizations
        on stacks.org_slug = organizations.org_slug

),

scenario_windows as (

    select
        stack_id,
        'projected' as scenario,
        window_number
    from ranked
    where window_number = 1
    union all
    select
        stack_id,
        'low' as scenario,
        window_number
    from ranked
    where quietest_rank = 1
    union all
    select
        stack_id,
        'high' as scenario,
        window_number
    from ranked
    where busiest_rank = 1

),

repeats as (

    {% for k in range(1, repeats + 1) -%}
        select {{ k }} as repeat_number
        {% if not loop.last %}union all
        {% endif %}
    {%- endfor %}

),

window_minutes as (

    select
        stack_id,
        {{ epoch_minute('sampled_minute') }} as minute_number,
        {{ lookback_window_number(epoch_minute('sampled_minute'), as_of_minute, lookback) }} as window_number,
        active_series,
        dpm
    from per_minute
    where
        {{ epoch_minute('sampled_minute') }} >= {{ as_of_minute }} - {{ lookback * weeks }}
        and {{ epoch_minute('sampled_minute') }} < {{ as_of_minute }}

),

projected as (

    select
        scenario_windows.scenario,
        window_minutes.stack_id,
        window_minutes.minute_number + {{ lookback }} * repeats.repeat_number as minute_number,
        window_minutes.active_series,
        window_minutes.dpm,
        true as is_projected
    from window_minutes
    inner join scenario_windows
        on
            window_minutes.stack_id = scenario_windows.stack_id
            and window_minutes.window_number = scenario_windows.window_number
    cross join repeats
    where
        window_minutes.minute_number + {{ lookback }} * repeats.repeat_number >= {{ as_of_minute }}
        and window_minutes.minute_number + {{ lookback }} * repeats.repeat_number < {{ month_end_minute }}

),

scenarios as (

    select 'projected' as scenario
    union all
    select 'low' as scenario
    union all
    select 'high' as scenario

),

observed as (

    select
        scenarios.scenario,
        per_minute.stack_id,
        {{ epoch_minute('per_minute.sampled_minute') }} as minute_number,
        per_minute.active_series,
        per_minute.dpm,
        false as is_projected
    from per_minute
    cross join scenarios
    where
        per_minute.billing_month = {{ forecast_month() }}
        -- before the as-of minute (a table loaded before the as-of time may hold later samples);
        -- the as-of minute itself is projected, so that the month has each minute once
        and {{ epoch_minute('per_minute.sampled_minute') }} < {{ as_of_minute }}

),

unioned as (

    select * from observed
    union all
    select * from projected

)

select
    {{ forecast_month() }} as billing_month,
    unioned.scenario,
    stacks.org_slug,
    unioned.stack_id,
    organizations.included_dpm_per_series,
    unioned.minute_number,
    unioned.active_series,
    unioned.dpm,
    unioned.is_projected
from unioned
inner join stacks
    on unioned.stack_id = stacks.stack_id
inner join organizations
    on stacks.org_slug = organizations.org_slug
