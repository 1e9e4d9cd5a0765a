-- The month-to-date count of each key (organization, stack or none, month, meter) that counts:
-- its latest observation. Grafana's counts only grow within a month, and the latest one is what
-- the month is billed on (an earlier observation is a partial month).
with

observations as (

    select * from {{ ref('stg_grafana_cloud__usage_counts') }}

)

select
    billing_month,
    org_slug,
    stack_id,
    meter,
    {{ value_at_latest('quantity', 'observed_at') }} as quantity,
    max(observed_at) as observed_at,
    count(*) as observation_count
from observations
group by billing_month, org_slug, stack_id, meter
