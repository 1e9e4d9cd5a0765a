{%- set raw_column_names = ['stack_id', 'stack_slug', 'org_slug'] -%}
{%- set checks = [
    {"when": "stack_id is null", "reason": "missing_key", "column": "stack_id"},
    {"when": "org_slug is null", "reason": "missing_key", "column": "org_slug"},
    {"when": "not is_known_organization", "reason": "unknown_organization", "column": "org_slug"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_stacks') }}

),

typed as (

    select
        -- ids
        {{ clean_text('stack_id') }} as stack_id,
        {{ clean_text('org_slug') }} as org_slug,

        -- attributes
        trim(cast(stack_slug as {{ type_text() }})) as stack_slug,

        -- lineage
        {{ raw_columns(raw_column_names) }}

    from source

),

known_organizations as (

    -- organizations that are themselves usable
    select distinct org_slug
    from {{ ref('base_grafana_cloud__organizations') }}
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
