-- A table, not a view: every base model of a usage table checks its rows against the usable keys
-- here, so as a view it would start a chain of five views (dbt-project-evaluator's
-- fct_chained_views_dependencies); the raw tables of organizations and stacks are small.
{{ config(materialized='table') }}

{%- set raw_column_names = ['org_slug', 'org_name', 'plan', 'included_dpm_per_series'] -%}
{%- set checks = [
    {"when": "org_slug is null", "reason": "missing_key", "column": "org_slug"},
    {"when": "plan is null or plan not in ('free', 'trial', 'pro', 'advanced')", "reason": "invalid_value", "column": "plan"},
    {"when": "included_dpm_per_series is null or included_dpm_per_series not in (1, 4)", "reason": "invalid_value", "column": "included_dpm_per_series"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_organizations') }}

),

typed as (

    select
        -- ids
        {{ clean_text('org_slug') }} as org_slug,

        -- attributes
        trim(cast(org_name as {{ type_text() }})) as org_name,
        lower(trim(cast(plan as {{ type_text() }}))) as plan,

        -- numerics: empty (null from CSV, or '' in a Parquet text column) means Grafana's
        -- default of 1 included DPM per series
        case
            when {{ clean_text('included_dpm_per_series') }} is null then 1
            else {{ safe_whole_number('included_dpm_per_series') }}
        end as included_dpm_per_series,

        -- lineage
        {{ raw_columns(raw_column_names) }}

    from source

)

select
    *,
    -- built here, after the checks, so that a query for rejected rows builds it only for them
    {{ raw_row_text(raw_column_names, prefix='raw__') }} as raw_row,
    {{ rejection_columns(checks) }}
from typed
