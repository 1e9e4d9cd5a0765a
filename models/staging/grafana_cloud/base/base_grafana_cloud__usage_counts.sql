{%- set raw_column_names = ['org_slug', 'stack_id', 'billing_month', 'meter', 'quantity', 'observed_at'] -%}
{%- set meters = ['grafana_active_users', 'irm_active_users', 'enterprise_plugin_active_users', 'k6_vuh'] -%}
{%- set checks = [
    {"when": "org_slug is null", "reason": "missing_key", "column": "org_slug"},
    {"when": "meter is null", "reason": "missing_key", "column": "meter"},
    {"when": "meter not in ('" ~ meters | join("', '") ~ "')", "reason": "invalid_value", "column": "meter"},
    {"when": "billing_month_at is null", "reason": "unparseable_timestamp", "column": "billing_month"},
    {"when": "billing_month_at != cast(" ~ month_start('billing_month_at') ~ " as timestamp)", "reason": "not_a_month_start", "column": "billing_month"},
    {"when": "observed_at is null", "reason": "unparseable_timestamp", "column": "observed_at"},
    {"when": "quantity is null", "reason": "missing_or_non_numeric_value", "column": "quantity"},
    {"when": "not " ~ is_below_infinity("quantity"), "reason": "non_finite_value", "column": "quantity"},
    {"when": "quantity < 0", "reason": "negative_quantity", "column": "quantity"},
    {"when": "observed_at > " ~ grafana_cloud_as_of(), "reason": "future_timestamp", "column": "observed_at"},
    {"when": "not is_known_organization", "reason": "unknown_organization", "column": "org_slug"},
    {"when": "stack_id is not null and stack_org_slug is null", "reason": "unknown_stack", "column": "stack_id"},
    {"when": "stack_id is not null and stack_org_slug != org_slug", "reason": "stack_of_another_organization", "column": "stack_id"},
] -%}

with

source as (

    select * from {{ grafana_cloud_raw('grafana_cloud_usage_counts') }}

),

typed as (

    select
        -- ids
        {{ clean_text('org_slug') }} as org_slug,
        {{ clean_text('stack_id') }} as stack_id,
        lower({{ clean_text('meter') }}) as meter,

        -- timestamps: billing_month is the month's first day (YYYY-MM-01)
        {{ parse_utc_timestamp('billing_month') }} as billing_month_at,
        {{ parse_utc_timestamp('observed_at') }} as observed_at,

        -- numerics
        {{ safe_cast('quantity', type_double()) }} as quantity,

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

known_stacks as (

    -- stacks that are themselves usable, with their organization
    select distinct
        stack_id,
        org_slug
    from {{ ref('base_grafana_cloud__stacks') }}
    where rejection_reason is null

),

checked as (

    select
        typed.*,
        {{ month_start('typed.billing_month_at') }} as billing_month,
        known_organizations.org_slug is not null as is_known_organization,
        known_stacks.org_slug as stack_org_slug
    from typed
    left join known_organizations
        on typed.org_slug = known_organizations.org_slug
    left join known_stacks
        on typed.stack_id = known_stacks.stack_id

)

select
    *,
    -- built here, after the checks, so that a query for rejected rows builds it only for them
    {{ raw_row_text(raw_column_names, prefix='raw__') }} as raw_row,
    {{ rejection_columns(checks) }}
from checked
