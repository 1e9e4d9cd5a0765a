{#
    The minutes a k6 test run is billed: its duration rounded up to the next whole minute (a
    30.01-minute run bills 31), or, for runs that started before the var
    grafana_cloud_k6_minute_rounding_from (2023-07-13), up to the next whole hour.
    Computed in whole microseconds, so there is no floating-point edge at a minute boundary.
#}
{% macro k6_billed_minutes(started_at, ended_at) -%}
    {%- set duration_us = '(' ~ grafana_cloud_costs.epoch_microseconds(ended_at) ~ ' - ' ~ grafana_cloud_costs.epoch_microseconds(started_at) ~ ')' -%}
    case
        when {{ started_at }} < cast({{ grafana_cloud_costs.sql_string(var('grafana_cloud_k6_minute_rounding_from')) }} as timestamp)
            then {{ grafana_cloud_costs.ceiling_divide(duration_us, 3600000000) }} * 60
        else {{ grafana_cloud_costs.ceiling_divide(duration_us, 60000000) }}
    end
{%- endmacro %}


{#
    Virtual user hours of a run: (protocol VUs + browser VUs x the var
    grafana_cloud_k6_browser_vu_factor, 10) x billed minutes / 60, to six decimals
    (100 VUs x 10 minutes = 16.666667 VUh; organizations are billed on two decimals).
#}
{% macro k6_vuh(vus, browser_vus, billed_minutes) -%}
    {%- set vu_minutes = '(' ~ vus ~ ' + ' ~ grafana_cloud_costs.number_var('grafana_cloud_k6_browser_vu_factor') ~ ' * ' ~ browser_vus ~ ') * (' ~ billed_minutes ~ ')' -%}
    {{ grafana_cloud_costs.to_decimal('round(' ~ grafana_cloud_costs.to_double(vu_minutes) ~ ' / 60, 6)', 6) }}
{%- endmacro %}
