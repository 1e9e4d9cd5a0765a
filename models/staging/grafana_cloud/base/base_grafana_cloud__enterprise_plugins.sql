{%- set raw_column_names = ['stack_id', 'plugin_id', 'installed_at', 'uninstalled_at'] -%}
{%- set checks = [
    {"when": "stack_id is null", "reason": "missing_key", "column": "stack_id"},
    {"when": "plugin_id is null", "reason": "missing_key", "column": "plugin_id"},
    {"when": "installed_at is null", "reason": "unparseable_timestamp", "column": "installed_at"},
    {"when": "uninstalled_at_text is not null and uninstalled_at is null", "reason": "unparseable_timestamp", "column": "uninstalled_at"},
    {"when": "uninstalled_at < installed_at", "reason": "reversed_interval", "column": "uninstalled_at"},
    {"when": "installed_at > " ~ grafana_cloud_as_of(), "reason": "future_timestamp", "column": "installed_at"},
    {"when": "not is_known_stack", "reason": "unknown_stack", "column": "stack_id"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_enterprise_plugins') }}

),

stacks as (

    select * from {{ ref('base_grafana_cloud__stacks') }}

),

typed as (

    select
        -- ids
        {{ clean_text('stack_id') }} as stack_id,
        {{ clean_text('plugin_id') }} as plugin_id,

        -- timestamps: an empty uninstalled_at means still installed
        {{ parse_utc_timestamp('installed_at') }} as installed_at,
        {{ parse_utc_timestamp('uninstalled_at') }} as uninstalled_at,
        {{ clean_text('uninstalled_at') }} as uninstalled_at_text,

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
