{%- set raw_column_names = ['stack_id', 'test_run_id', 'started_at', 'ended_at', 'vus', 'browser_vus'] -%}
{%- set checks = [
    {"when": "stack_id is null", "reason": "missing_key", "column": "stack_id"},
    {"when": "test_run_id is null", "reason": "missing_key", "column": "test_run_id"},
    {"when": "started_at is null", "reason": "unparseable_timestamp", "column": "started_at"},
    {"when": "ended_at is null", "reason": "unparseable_timestamp", "column": "ended_at"},
    {"when": "ended_at < started_at", "reason": "reversed_interval", "column": "ended_at"},
    {"when": "vus is null", "reason": "missing_or_non_numeric_value", "column": "vus"},
    {"when": "vus < 0", "reason": "negative_quantity", "column": "vus"},
    {"when": "browser_vus is null", "reason": "missing_or_non_numeric_value", "column": "browser_vus"},
    {"when": "browser_vus < 0", "reason": "negative_quantity", "column": "browser_vus"},
    {"when": "started_at > " ~ grafana_cloud_as_of(), "reason": "future_timestamp", "column": "started_at"},
    {"when": "ended_at > " ~ grafana_cloud_as_of(), "reason": "future_timestamp", "column": "ended_at"},
    {"when": "not is_known_stack", "reason": "unknown_stack", "column": "stack_id"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_k6_test_runs') }}

),

stacks as (

    select * from {{ ref('base_grafana_cloud__stacks') }}

),

typed as (

    select
        -- ids
        {{ clean_text('stack_id') }} as stack_id,
        {{ clean_text('test_run_id') }} as test_run_id,

        -- timestamps
        {{ parse_utc_timestamp('started_at') }} as started_at,
        {{ parse_utc_timestamp('ended_at') }} as ended_at,

        -- numerics: an empty VU count means none of that kind (a protocol-only or browser-only
        -- run); empty is a null from CSV and may be '' in a Parquet text column
        case when {{ clean_text('vus') }} is null then 0 else {{ safe_whole_number('vus') }} end as vus,
        case
            when {{ clean_text('browser_vus') }} is null then 0
            else {{ safe_whole_number('browser_vus') }}
        end as browser_vus,

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
