{{
    config(
        materialized='incremental',
        incremental_strategy=grafana_cloud_incremental_strategy(),
        unique_key='billing_month',
        partition_by=grafana_cloud_partition_by(['billing_month']),
        on_schema_change='fail',
    )
}}

-- The month's billing percentiles per stack, the billable series they imply under the
-- organization's included DPM per series, and how much of the month the samples cover.
-- Incremental runs recompute the months that the reprocessed days fall in, whole. The DPM
-- percentile has a model of its own (int_metrics_dpm_percentiled): two exact percentiles in one
-- query exceeded a 2 GB DuckDB memory limit at 1,000 stacks before D29, and may on other engines.
-- The per-minute model is read twice, by name, not through one shared CTE: DuckDB materializes
-- a CTE referenced twice, which held the whole per-minute table in memory (1.6 GB instead of
-- 0.4 GB at 1,000 stacks, and twice the time: DECISIONLOG D32).
with

per_minute as (

    -- an incremental run recomputes the months of the days the per-minute model reprocessed:
    -- from the last day this model saw, minus the same look-back
    select * from {{ ref('int_metrics_usage_per_minute') }}
    where {{ incremental_since('billing_month', 'last_sampled_day', as_month=true) }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

organizations as (

    select * from {{ ref('stg_grafana_cloud__organizations') }}

),

percentiled as (

    select
        billing_month,
        stack_id,
        count(*) as sample_count,
        max(sampled_day) as last_sampled_day,
        {{ billing_percentile('active_series') }} as p95_active_series
    from per_minute
    group by billing_month, stack_id

),

dpm_percentiles as (

    select * from {{ ref('int_metrics_dpm_percentiled') }}

),

stack_starts as (

    -- a stack created mid-month is expected to report only from its first sample on
    select
        stack_id,
        min(sampled_minute) as first_sampled_minute
    from {{ ref('int_metrics_usage_per_minute') }}
    group by stack_id

),

covered as (

    -- The minutes the month should have had samples for: from the month's start (or the stack's
    -- first sample) to the month's end (or the as-of time, for a month still open).
    select
        percentiled.*,
        {{ minutes_between(
            'greatest(cast(percentiled.billing_month as timestamp), stack_starts.first_sampled_minute)',
            'least(cast(' ~ next_month_start('percentiled.billing_month') ~ ' as timestamp), '
                ~ grafana_cloud_as_of() ~ ')'
        ) }} as expected_minutes
    from percentiled
    inner join stack_starts
        on percentiled.stack_id = stack_starts.stack_id

)

select
    covered.billing_month,
    stacks.org_slug,
    covered.stack_id,
    covered.sample_count,
    cast(greatest(covered.expected_minutes, covered.sample_count) as bigint) as expected_sample_count,
    {{ to_double('covered.sample_count') }}
    / greatest(covered.expected_minutes, covered.sample_count) as sample_coverage,
    covered.p95_active_series,
    dpm_percentiles.p95_dpm,
    organizations.included_dpm_per_series,
    covered.last_sampled_day,
    {{ billable_series(
        'covered.p95_active_series',
        'dpm_percentiles.p95_dpm',
        'organizations.included_dpm_per_series'
    ) }} as billable_series
from covered
inner join dpm_percentiles
    on
        covered.billing_month = dpm_percentiles.billing_month
        and covered.stack_id = dpm_percentiles.stack_id
inner join stacks
    on covered.stack_id = stacks.stack_id
inner join organizations
    on stacks.org_slug = organizations.org_slug
