-- The month's billing percentiles per stack, the billable series they imply under the
-- organization's included DPM per series, and how much of the month the samples cover. The two
-- percentiles come from models of their own (one aggregate each over the per-minute model,
-- recomputed for the months a daily load touched: DECISIONLOG D29, D32); this model only joins
-- their few rows per stack-month, so it is rebuilt whole on every run.
with

series_percentiles as (

    select * from {{ ref('int_metrics_series_percentiled') }}

),

dpm_percentiles as (

    select * from {{ ref('int_metrics_dpm_percentiled') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

organizations as (

    select * from {{ ref('stg_grafana_cloud__organizations') }}

),

stack_starts as (

    -- a stack created mid-month is expected to report only from its first sample on
    select
        stack_id,
        min(first_sampled_minute) as first_sampled_minute
    from series_percentiles
    group by stack_id

),

covered as (

    -- The minutes the month should have had samples for: from the month's start (or the stack's
    -- first sample) to the month's end (or the as-of time, for a month still open).
    select
        series_percentiles.*,
        {{ minutes_between(
            'greatest(cast(series_percentiles.billing_month as timestamp), stack_starts.first_sampled_minute)',
            'least(cast(' ~ next_month_start('series_percentiles.billing_month') ~ ' as timestamp), '
                ~ grafana_cloud_as_of() ~ ')'
        ) }} as expected_minutes
    from series_percentiles
    inner join stack_starts
        on series_percentiles.stack_id = stack_starts.stack_id

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
