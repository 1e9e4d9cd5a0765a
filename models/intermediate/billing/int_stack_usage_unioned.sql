-- The billing quantity of every usage SKU per stack and month, one tall table. Each product's
-- intermediate model computes its quantity; this model only stacks them up. Stack quantities add
-- up to the organization's quantity (to six decimals), and are the weights used to allocate its
-- charge. GB SKUs also carry their bytes, from which the organization's GB are converted once.
-- Users and VUh come from the detail tables, or, for organization-months that only Grafana's
-- month-to-date counts describe, from those counts (a stack-less row when no stack was counted).
with

metrics as (

    select * from {{ ref('int_metrics_usage_percentiled') }}

),

ingestion as (

    select * from {{ ref('int_ingestion_usage_monthly') }}

),

users as (

    select * from {{ ref('int_users_stack_allocated') }}

),

k6_runs as (

    select * from {{ ref('int_k6_test_runs_metered') }}

),

counted as (

    -- the users and VUh of organization-months that only Grafana's counts describe
    select * from {{ ref('int_usage_counts_stack_allocated') }}

),

unioned as (

    select
        billing_month,
        org_slug,
        stack_id,
        'metrics_active_series' as sku,
        {{ to_decimal('billable_series', 6) }} as usage_quantity,
        cast(null as {{ type_wide_integer() }}) as ingested_bytes
    from metrics

    union all

    select
        billing_month,
        org_slug,
        stack_id,
        signal || '_ingested_gb' as sku,
        ingested_gb as usage_quantity,
        cast(ingested_bytes as {{ type_wide_integer() }}) as ingested_bytes
    from ingestion

    union all

    select
        billing_month,
        org_slug,
        stack_id,
        sku,
        active_users as usage_quantity,
        cast(null as {{ type_wide_integer() }}) as ingested_bytes
    from users

    union all

    select
        billing_month,
        org_slug,
        stack_id,
        'k6_vuh' as sku,
        sum(vuh) as usage_quantity,
        cast(null as {{ type_wide_integer() }}) as ingested_bytes
    from k6_runs
    group by billing_month, org_slug, stack_id

    union all

    select
        billing_month,
        org_slug,
        stack_id,
        sku,
        usage_quantity,
        cast(null as {{ type_wide_integer() }}) as ingested_bytes
    from counted

)

select
    billing_month,
    org_slug,
    stack_id,
    sku,
    {{ to_decimal('usage_quantity', 6) }} as usage_quantity,
    ingested_bytes
from unioned
