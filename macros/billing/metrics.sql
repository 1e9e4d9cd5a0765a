{# Data points per minute from Grafana's samples-per-second gauge (billing doc: DPM = sps x 60). #}
{% macro samples_per_second_to_dpm(samples_per_second) -%}
    ({{ samples_per_second }} * 60)
{%- endmacro %}


{#
    The billing percentile of a month's per-minute samples: the 95th percentile with linear
    interpolation between closest ranks (Prometheus quantile_over_time(0.95, ...)). The quantile
    is the var grafana_cloud_billing_quantile (default 0.95). A group is one stack's month: at most
    31 x 24 x 60 = 44,640 per-minute samples, the bound that lets DuckDB keep only the top values.
#}
{% macro billing_percentile(expression) -%}
    {{ grafana_cloud_costs.percentile_linear(
        expression,
        grafana_cloud_costs.number_var('grafana_cloud_billing_quantile'),
        max_group_rows=31 * 24 * 60
    ) }}
{%- endmacro %}


{#
    Billable series of a stack and month:
    max(p95 active series, p95 DPM / included DPM per series).
#}
{% macro billable_series(p95_active_series, p95_dpm, included_dpm_per_series) -%}
    greatest({{ p95_active_series }}, {{ p95_dpm }} / {{ included_dpm_per_series }})
{%- endmacro %}
