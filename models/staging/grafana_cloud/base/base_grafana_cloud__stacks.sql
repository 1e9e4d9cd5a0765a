{%- set checks = [
    {"when": "stack_id is null", "reason": "missing_key", "column": "stack_id"},
    {"when": "org_slug is null", "reason": "missing_key", "column": "org_slug"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_stacks') }}

),

collapsed as (

    -- exact duplicates collapse into one row that remembers how many there were
    select
        stack_id,
        stack_slug,
        org_slug,
        count(*) as raw_row_count
    from source
    group by stack_id, stack_slug, org_slug

),

typed as (

    select
        -- ids
        {{ clean_text('stack_id') }} as stack_id,
        {{ clean_text('org_slug') }} as org_slug,

        -- attributes
        trim(cast(stack_slug as {{ type_text() }})) as stack_slug,

        -- lineage
        raw_row_count,
        {{ raw_row_text(['stack_id', 'stack_slug', 'org_slug']) }} as raw_row

    from collapsed

)

select
    *,
    {{ rejection_columns(checks) }}
from typed
