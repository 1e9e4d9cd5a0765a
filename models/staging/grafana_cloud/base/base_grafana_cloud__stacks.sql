-- A table, not a view: every base model of a usage table checks its rows against the usable keys
-- here, so as a view it would start a chain of five views (dbt-project-evaluator's
-- fct_chained_views_dependencies); the raw tables of organizations and stacks are small.
{{ config(materialized='table') }}

{%- set raw_column_names = [
    'stack_id', 'stack_slug', 'org_slug', 'status', 'created_at', 'deleted_at',
    'hm_instance_prom_id', 'hm_instance_graphite_id', 'hl_instance_id', 'ht_instance_id', 'hp_instance_id',
] -%}
{%- set checks = [
    {"when": "stack_id is null", "reason": "missing_key", "column": "stack_id"},
    {"when": "org_slug is null", "reason": "missing_key", "column": "org_slug"},
    {"when": "created_at is null and " ~ clean_text('raw__created_at') ~ " is not null", "reason": "unparseable_timestamp", "column": "created_at"},
    {"when": "deleted_at is null and " ~ clean_text('raw__deleted_at') ~ " is not null", "reason": "unparseable_timestamp", "column": "deleted_at"},
    {"when": "not is_known_organization", "reason": "unknown_organization", "column": "org_slug"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_stacks') }}

),

organizations as (

    select * from {{ ref('base_grafana_cloud__organizations') }}

),

typed as (

    select
        -- ids
        {{ clean_text('stack_id') }} as stack_id,
        {{ clean_text('org_slug') }} as org_slug,
        {{ clean_text('hm_instance_prom_id') }} as hm_instance_prom_id,
        {{ clean_text('hm_instance_graphite_id') }} as hm_instance_graphite_id,
        {{ clean_text('hl_instance_id') }} as hl_instance_id,
        {{ clean_text('ht_instance_id') }} as ht_instance_id,
        {{ clean_text('hp_instance_id') }} as hp_instance_id,

        -- attributes
        trim(cast(stack_slug as {{ type_text() }})) as stack_slug,
        lower({{ clean_text('status') }}) as status,

        -- timestamps (optional: empty when the export does not carry them)
        {{ parse_utc_timestamp('created_at') }} as created_at,
        {{ parse_utc_timestamp('deleted_at') }} as deleted_at,

        -- lineage
        {{ raw_columns(raw_column_names) }}

    from source

),

known_organizations as (

    -- organizations that are themselves usable
    select distinct org_slug
    from organizations
    where rejection_reason is null

),

checked as (

    select
        typed.*,
        known_organizations.org_slug is not null as is_known_organization
    from typed
    left join known_organizations
        on typed.org_slug = known_organizations.org_slug

)

select
    *,
    -- built here, after the checks, so that a query for rejected rows builds it only for them
    {{ raw_row_text(raw_column_names, prefix='raw__') }} as raw_row,
    {{ rejection_columns(checks) }}
from checked
