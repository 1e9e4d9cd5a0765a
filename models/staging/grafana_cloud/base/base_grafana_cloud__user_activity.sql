{%- set raw_column_names = ['stack_id', 'user_id', 'activity_at', 'activity_type'] -%}
{%- set activity_types = [
    'login',
    'irm_alert_group_status_changed', 'irm_oncall_config_changed', 'irm_paged', 'irm_paged_someone',
    'irm_incident_created', 'irm_incident_declared', 'irm_incident_edited', 'irm_incident_updated',
    'irm_incident_deleted', 'irm_on_schedule',
] -%}
{%- set checks = [
    {"when": "stack_id is null", "reason": "missing_key", "column": "stack_id"},
    {"when": "user_id is null", "reason": "missing_key", "column": "user_id"},
    {"when": "activity_at is null", "reason": "unparseable_timestamp", "column": "activity_at"},
    {"when": "activity_type is null or activity_type not in ('" ~ activity_types | join("', '") ~ "')", "reason": "invalid_value", "column": "activity_type"},
    {"when": "activity_at > " ~ grafana_cloud_as_of(), "reason": "future_timestamp", "column": "activity_at"},
    {"when": "not is_known_stack", "reason": "unknown_stack", "column": "stack_id"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_user_activity') }}

),

stacks as (

    select * from {{ ref('base_grafana_cloud__stacks') }}

),

typed as (

    select
        -- ids
        {{ clean_text('stack_id') }} as stack_id,
        {{ clean_text('user_id') }} as user_id,

        -- timestamps
        {{ parse_utc_timestamp('activity_at') }} as activity_at,

        -- attributes
        lower({{ clean_text('activity_type') }}) as activity_type,

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
