-- Each stack's usage per SKU and UTC day over the anomaly training window (the
-- grafana_cloud_anomaly_training_days x 7 complete days before the as-of day): metrics as the
-- day's mean per-minute billable series, logs, traces and profiles as the day's GB.
with

minutes as (

    select * from {{ ref('int_metrics_usage_per_minute') }}

),

ingestion as (

    select * from {{ ref('stg_grafana_cloud__ingestion_usage') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

organizations as (

    select * from {{ ref('stg_grafana_cloud__organizations') }}

),

training_window as (

    select
        {{ epoch_day(grafana_cloud_as_of()) }} as as_of_day_number,
        {{ epoch_day(grafana_cloud_as_of()) }}
        - {{ number_var('grafana_cloud_anomaly_training_days') }} * 7 as first_day_number

),

metrics_daily as (

    select
        minutes.stack_id,
        'metrics_active_series' as sku,
        minutes.sampled_day as usage_date,
        -- six decimals, as GB: the day's mean reads the same whatever the summation order
        round(avg({{ billable_series(
            'minutes.active_series', 'minutes.dpm', 'organizations.included_dpm_per_series'
        ) }}), 6) as usage_quantity,
        count(*) as reading_count
    from minutes
    inner join stacks
        on minutes.stack_id = stacks.stack_id
    inner join organizations
        on stacks.org_slug = organizations.org_slug
    cross join training_window
    where
        {{ epoch_day('minutes.sampled_day') }} >= training_window.first_day_number
        and {{ epoch_day('minutes.sampled_day') }} < training_window.as_of_day_number
    group by minutes.stack_id, minutes.sampled_day

),

ingestion_daily as (

    select
        ingestion.stack_id,
        ingestion.signal || '_ingested_gb' as sku,
        cast(ingestion.usage_start as date) as usage_date,
        {{ to_double(bytes_to_gb('sum(ingestion.ingested_bytes)')) }} as usage_quantity,
        count(*) as reading_count
    from ingestion
    cross join training_window
    where
        {{ epoch_day('ingestion.usage_start') }} >= training_window.first_day_number
        and {{ epoch_day('ingestion.usage_start') }} < training_window.as_of_day_number
    group by ingestion.stack_id, ingestion.signal, cast(ingestion.usage_start as date)

),

unioned as (

    select * from metrics_daily
    union all
    select * from ingestion_daily

)

select
    stacks.org_slug,
    unioned.stack_id,
    stacks.stack_slug,
    unioned.sku,
    unioned.usage_date,
    {{ epoch_day('unioned.usage_date') }} as usage_day_number,
    unioned.usage_quantity,
    unioned.reading_count
from unioned
inner join stacks
    on unioned.stack_id = stacks.stack_id
