-- The billing percentiles of each of the last look-back windows (the var
-- grafana_cloud_forecast_lookback_days, 7 days; window 1 ends at the as-of minute, window w holds
-- [as_of - w x 7 days, as_of - (w - 1) x 7 days)), per stack, for the last
-- grafana_cloud_forecast_band_weeks (4) windows: what the forecast ranks to find the quietest and
-- the busiest week (DECISIONLOG D62). One aggregate over the per-minute model and nothing else
-- (DECISIONLOG D32).
{%- set lookback = forecast_lookback_minutes() %}
{%- set weeks = forecast_band_weeks() %}
{%- set as_of_minute = epoch_minute(grafana_cloud_as_of()) %}
with

per_minute as (

    -- the days of the windows (one day more for an as-of time within a day), then the minutes
    select * from {{ ref('int_metrics_usage_per_minute') }}
    where
        sampled_day >= {{ days_before('cast(' ~ grafana_cloud_as_of() ~ ' as date)', (lookback * weeks) // 1440 + 1) }}
        and {{ epoch_minute('sampled_minute') }} >= {{ as_of_minute }} - {{ lookback * weeks }}
        and {{ epoch_minute('sampled_minute') }} < {{ as_of_minute }}

),

windowed as (

    select
        stack_id,
        {{ lookback_window_number(epoch_minute('sampled_minute'), as_of_minute, lookback) }} as window_number,
        active_series,
        dpm
    from per_minute

)

select
    {{ forecast_month() }} as billing_month,
    stack_id,
    window_number,
    count(*) as minute_count,
    {{ billing_percentile('active_series') }} as p95_active_series,
    {{ billing_percentile('dpm') }} as p95_dpm
from windowed
group by stack_id, window_number
