-- Bytes and GB ingested per stack, signal and month; an interval counts in the month it starts.
with

intervals as (

    select * from {{ ref('stg_grafana_cloud__ingestion_usage') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

monthly as (

    select
        {{ month_start('usage_start') }} as billing_month,
        stack_id,
        signal,
        sum(ingested_bytes) as ingested_bytes,
        count(*) as interval_count
    from intervals
    group by {{ month_start('usage_start') }}, stack_id, signal

)

select
    monthly.billing_month,
    stacks.org_slug,
    monthly.stack_id,
    monthly.signal,
    monthly.ingested_bytes,
    {{ bytes_to_gb('monthly.ingested_bytes') }} as ingested_gb,
    monthly.interval_count
from monthly
inner join stacks
    on monthly.stack_id = stacks.stack_id
