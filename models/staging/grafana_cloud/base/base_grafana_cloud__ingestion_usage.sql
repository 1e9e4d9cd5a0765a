{%- set raw_column_names = ['stack_id', 'signal', 'usage_start', 'ingested_bytes'] -%}
{%- set checks = [
    {"when": "stack_id is null", "reason": "missing_key", "column": "stack_id"},
    {"when": "signal is null or signal not in ('logs', 'traces', 'profiles')", "reason": "invalid_value", "column": "signal"},
    {"when": "usage_start is null", "reason": "unparseable_timestamp", "column": "usage_start"},
    {"when": "ingested_bytes is null", "reason": "missing_or_non_numeric_value", "column": "ingested_bytes"},
    {"when": "ingested_bytes < 0", "reason": "negative_quantity", "column": "ingested_bytes"},
    {"when": "usage_start > " ~ grafana_cloud_as_of(), "reason": "future_timestamp", "column": "usage_start"},
    {"when": "not is_known_stack", "reason": "unknown_stack", "column": "stack_id"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_ingestion_usage') }}

),

stacks as (

    select * from {{ ref('base_grafana_cloud__stacks') }}

),

typed as (

    select
        -- ids
        {{ clean_text('stack_id') }} as stack_id,
        lower({{ clean_text('signal') }}) as signal,

        -- timestamps
        {{ parse_utc_timestamp('usage_start') }} as usage_start,

        -- numerics
        {{ safe_whole_number('ingested_bytes') }} as ingested_bytes,

        -- lineage
        {{ raw_columns(raw_column_names) }}

    from source

),

known_stacks as (

    -- stacks that are themselves usable (an unknown or rejected stack bills nobody)
    select distinct stack_id
    from stacks
    where rejection_reason is null

),

checked as (

    select
        typed.*,
        known_stacks.stack_id is not null as is_known_stack
    from typed
    left join known_stacks
        on typed.stack_id = known_stacks.stack_id

)

select
    *,
    -- built here, after the checks, so that a query for rejected rows builds it only for them
    {{ raw_row_text(raw_column_names, prefix='raw__') }} as raw_row,
    {{ rejection_columns(checks) }}
from checked
