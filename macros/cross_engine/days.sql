{#
    Whole days as integers, for day arithmetic that reads the same on DuckDB and Spark: the days
    since 1970-01-01 of a date (or of the UTC day a timestamp falls in). Two dates are the same
    weekday when their day numbers differ by a multiple of 7.
#}
{% macro epoch_day(expression) -%}
    {{ grafana_cloud_costs.floor_divide(
        grafana_cloud_costs.epoch_microseconds('cast(cast(' ~ expression ~ ' as date) as timestamp)'),
        86400000000
    ) }}
{%- endmacro %}
