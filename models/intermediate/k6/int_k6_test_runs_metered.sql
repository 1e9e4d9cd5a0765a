-- Each k6 test run with its billed minutes and virtual user hours; a run belongs to the month
-- it started in.
with

runs as (

    select * from {{ ref('stg_grafana_cloud__k6_test_runs') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

metered as (

    select
        stack_id,
        test_run_id,
        started_at,
        ended_at,
        vus,
        browser_vus,
        {{ k6_billed_minutes('started_at', 'ended_at') }} as billed_minutes
    from runs

)

select
    {{ month_start('metered.started_at') }} as billing_month,
    stacks.org_slug,
    metered.stack_id,
    metered.test_run_id,
    metered.started_at,
    metered.ended_at,
    metered.vus,
    metered.browser_vus,
    metered.billed_minutes,
    {{ k6_vuh('metered.vus', 'metered.browser_vus', 'metered.billed_minutes') }} as vuh
from metered
inner join stacks
    on metered.stack_id = stacks.stack_id
