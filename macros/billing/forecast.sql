{#
    The month-end forecast's formulas (DECISIONLOG D61-D63). Times are whole minutes since the
    Unix epoch ("epoch minutes"), so that projecting a minute a week ahead is integer arithmetic
    on every engine.
#}

{# The epoch minute a timestamp falls in (floor). #}
{% macro epoch_minute(timestamp) -%}
    {{ grafana_cloud_costs.floor_divide(grafana_cloud_costs.epoch_microseconds(timestamp), 60000000) }}
{%- endmacro %}


{# The open month the forecast projects: the month of the as-of time (the only month ending after it). #}
{% macro forecast_month() -%}
    {{ grafana_cloud_costs.month_start(grafana_cloud_costs.grafana_cloud_as_of()) }}
{%- endmacro %}


{# The look-back, in minutes: the var grafana_cloud_forecast_lookback_days (7) x 1,440. #}
{% macro forecast_lookback_minutes() -%}
    {{- return((grafana_cloud_costs.number_var('grafana_cloud_forecast_lookback_days') | int) * 1440) -}}
{%- endmacro %}


{# How many look-back windows the band compares: the var grafana_cloud_forecast_band_weeks (4). #}
{% macro forecast_band_weeks() -%}
    {{- return(grafana_cloud_costs.number_var('grafana_cloud_forecast_band_weeks') | int) -}}
{%- endmacro %}


{# The minutes of a billing month: 40,320 (28 days) to 44,640 (31 days). #}
{% macro minutes_in_month(billing_month) -%}
    {{ grafana_cloud_costs.minutes_between(
        'cast(' ~ billing_month ~ ' as timestamp)',
        'cast(' ~ grafana_cloud_costs.next_month_start(billing_month) ~ ' as timestamp)'
    ) }}
{%- endmacro %}


{#
    The look-back window (1 = the latest) an epoch minute before the as-of minute falls in:
    window w holds the minutes [as_of - w x L, as_of - (w - 1) x L).
#}
{% macro lookback_window_number(minute, as_of_minute, lookback_minutes) -%}
    {{ grafana_cloud_costs.ceiling_divide('(' ~ as_of_minute ~ ') - (' ~ minute ~ ')', lookback_minutes) }}
{%- endmacro %}


{#
    The minutes of a month whose values cannot move its billed percentile: for N minutes,
    N - 1 - ceil(q x (N - 1)) with q the var grafana_cloud_billing_quantile (the percentile
    interpolates between the values at ranks floor and ceil of q x (N - 1), counted from 0; the
    values above the ceil rank can rise freely). q is read as an exact decimal, so the ceil has no
    floating-point edge: 2,015 / 2,087 / 2,159 / 2,231 minutes for 28 / 29 / 30 / 31 days at 0.95.
#}
{% macro forgiven_minutes(minute_count) -%}
    cast(
        ({{ minute_count }}) - 1
        - ceil({{ grafana_cloud_costs.to_decimal(grafana_cloud_costs.number_var('grafana_cloud_billing_quantile'), 6) }} * (({{ minute_count }}) - 1))
        as bigint
    )
{%- endmacro %}


{# The spikes a month can still absorb: the forgiven minutes not yet used, never below zero. #}
{% macro headroom_minutes(forgiven_minutes, minutes_above_level) -%}
    greatest(({{ forgiven_minutes }}) - ({{ minutes_above_level }}), 0)
{%- endmacro %}


{#
    A quantity metered as it happens (bytes, VUh, new users) projected to the month's end: what
    the month has so far, plus the window's quantity per minute for every remaining minute,
    rounded half up to `scale` decimals in exact integer arithmetic. Zero added without a window.
#}
{% macro rate_projection(month_to_date, window_quantity, window_minutes, remaining_minutes, scale=6) -%}
    {%- set wide = grafana_cloud_costs.type_wide_integer() -%}
    ({{ month_to_date }}) + case
        when ({{ window_minutes }}) > 0 and ({{ remaining_minutes }}) > 0
            then {{ grafana_cloud_costs.round_divide(
                'cast(round(' ~ window_quantity ~ ' * ' ~ 10 ** scale ~ ', 0) as ' ~ wide ~ ') * (' ~ remaining_minutes ~ ')',
                '(' ~ window_minutes ~ ') * ' ~ 10 ** scale,
                scale
            ) }}
        else 0
    end
{%- endmacro %}
