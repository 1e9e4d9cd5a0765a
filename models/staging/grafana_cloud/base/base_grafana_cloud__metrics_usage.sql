{%- set raw_column_names = ['stack_id', 'sampled_at', 'active_series', 'samples_per_second'] -%}
{%- set checks = [
    {"when": "stack_id is null", "reason": "missing_key", "column": "stack_id"},
    {"when": "sampled_at is null", "reason": "unparseable_timestamp", "column": "sampled_at"},
    {"when": "active_series is null", "reason": "missing_or_non_numeric_value", "column": "active_series"},
    {"when": "not " ~ is_below_infinity("active_series"), "reason": "non_finite_value", "column": "active_series"},
    {"when": "active_series < 0", "reason": "negative_quantity", "column": "active_series"},
    {"when": "samples_per_second is null", "reason": "missing_or_non_numeric_value", "column": "samples_per_second"},
    {"when": "not " ~ is_below_infinity("samples_per_second"), "reason": "non_finite_value", "column": "samples_per_second"},
    {"when": "samples_per_second < 0", "reason": "negative_quantity", "column": "samples_per_second"},
    {"when": "sampled_at > " ~ grafana_cloud_as_of(), "reason": "future_timestamp", "column": "sampled_at"},
    {"when": "not is_known_stack", "reason": "unknown_stack", "column": "stack_id"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_metrics_usage') }}

),

stacks as (

    select * from {{ ref('base_grafana_cloud__stacks') }}

),

typed as (

    select
        -- ids
        {{ clean_text('stack_id') }} as stack_id,

        -- timestamps
        {{ parse_utc_timestamp('sampled_at') }} as sampled_at,

        -- numerics
        {{ safe_cast('active_series', type_double()) }} as active_series,
        {{ safe_cast('samples_per_second', type_double()) }} as samples_per_second,

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
