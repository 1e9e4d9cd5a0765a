{#
    The instant after which no usage can exist yet: the var grafana_cloud_as_of (a UTC timestamp
    such as "2024-10-01 00:00:00"), or, when empty, the time the dbt run started (UTC). Rows dated
    after it are quarantined as future_timestamp. The var is quoted as a literal, never spliced.
#}
{% macro grafana_cloud_as_of() -%}
    {%- set as_of = var('grafana_cloud_as_of', '') -%}
    {%- if not as_of -%}
        {%- set as_of = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    cast({{ grafana_cloud_costs.sql_string(as_of) }} as timestamp)
{%- endmacro %}


{#
    When this dbt run started, UTC, to the microsecond, as a timestamp literal: the quarantine's
    detected_at, and the loaded_at of every row an incremental model writes in the run (the
    primary-key test of those models checks the days of the latest load: DECISIONLOG D34).
#}
{% macro grafana_cloud_run_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp)
{%- endmacro %}
