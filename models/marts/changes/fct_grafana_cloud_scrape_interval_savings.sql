-- What-if: the resolution you pay for. For every stack-month whose DPM sets its bill (p95 DPM /
-- included DPM per series above the p95 active series, at six decimals), the organization's metrics charge
-- recomputed as if that stack alone had sent its included DPM per series (a 60 s scrape at 1
-- DPM): its billable series become its p95 active series, every other stack keeps its own, and
-- the organization's sum goes through the bill's rounding, allowance and price (usage_cost_usd)
-- and the bill's allocation to stacks (allocate_proportionally). DECISIONLOG D65.
with

metrics_usage as (

    select * from {{ ref('fct_grafana_cloud_metrics_usage') }}

),

invoice_lines as (

    select * from {{ ref('fct_grafana_cloud_invoice_lines') }}

),

costs as (

    select * from {{ ref('fct_grafana_cloud_costs') }}

),

metrics_lines as (

    select
        billing_month,
        org_slug,
        usage_unit,
        usage_quantity,
        included_quantity,
        unit_price_usd,
        cost_usd
    from invoice_lines
    where sku = 'metrics_active_series' and charge_type = 'usage'

),

stack_costs as (

    select
        billing_month,
        stack_id,
        cost_usd
    from costs
    where sku = 'metrics_active_series' and charge_type = 'usage'

),

dpm_bound as (

    select
        billing_month,
        org_slug,
        stack_id as scenario_stack_id
    from metrics_usage
    -- at the six decimals the bill keeps per stack, so that DPM which is the series count up to
    -- floating-point noise (samples/s x 60) does not count as setting the bill
    where {{ to_decimal('billable_series', 6) }} > {{ to_decimal('p95_active_series', 6) }}

),

scenario_stacks as (

    -- each DPM-bound stack's scenario: the stacks of its organization that month, itself at its
    -- p95 active series, the others as billed (the weights of the bill's allocation)
    select
        dpm_bound.billing_month,
        dpm_bound.org_slug,
        dpm_bound.scenario_stack_id,
        metrics_usage.stack_id,
        {{ to_decimal(
            'case when metrics_usage.stack_id = dpm_bound.scenario_stack_id'
            ~ ' then metrics_usage.p95_active_series else metrics_usage.billable_series end',
            6
        ) }} as what_if_billable_series
    from dpm_bound
    inner join metrics_usage
        on
            dpm_bound.billing_month = metrics_usage.billing_month
            and dpm_bound.org_slug = metrics_usage.org_slug

),

scenario_orgs as (

    select
        billing_month,
        org_slug,
        scenario_stack_id,
        {{ to_decimal('sum(what_if_billable_series)', 9) }} as org_billable_series_at_included_dpm
    from scenario_stacks
    group by billing_month, org_slug, scenario_stack_id

),

priced as (

    select
        scenario_orgs.billing_month,
        scenario_orgs.org_slug,
        scenario_orgs.scenario_stack_id,
        scenario_orgs.org_billable_series_at_included_dpm,
        metrics_lines.usage_quantity as org_billable_series,
        metrics_lines.cost_usd,
        {{ usage_cost_usd(
            'scenario_orgs.org_billable_series_at_included_dpm',
            'metrics_lines.usage_unit',
            'metrics_lines.included_quantity',
            'metrics_lines.unit_price_usd'
        ) }} as cost_at_included_dpm_usd
    from scenario_orgs
    inner join metrics_lines
        on
            scenario_orgs.billing_month = metrics_lines.billing_month
            and scenario_orgs.org_slug = metrics_lines.org_slug

),

stack_shares as (

    select
        scenario_stacks.billing_month,
        scenario_stacks.org_slug,
        scenario_stacks.scenario_stack_id,
        scenario_stacks.stack_id,
        scenario_stacks.what_if_billable_series,
        priced.cost_at_included_dpm_usd
    from scenario_stacks
    inner join priced
        on
            scenario_stacks.billing_month = priced.billing_month
            and scenario_stacks.org_slug = priced.org_slug
            and scenario_stacks.scenario_stack_id = priced.scenario_stack_id

),

allocated as (

    {{ allocate_proportionally(
        relation='stack_shares',
        partition_by=['billing_month', 'org_slug', 'scenario_stack_id'],
        order_by='stack_id',
        weight='what_if_billable_series',
        allocations=[
            {'total': 'cost_at_included_dpm_usd', 'scale': 2, 'output': 'stack_cost_at_included_dpm_usd'},
        ],
    ) }}

),

scenario_stack_shares as (

    select
        billing_month,
        scenario_stack_id,
        stack_cost_at_included_dpm_usd
    from allocated
    where stack_id = scenario_stack_id

)

select
    -- keys
    priced.billing_month,
    priced.org_slug,
    priced.scenario_stack_id as stack_id,

    -- facts
    metrics_usage.p95_active_series,
    metrics_usage.p95_dpm,
    metrics_usage.included_dpm_per_series,
    metrics_usage.billable_series,
    metrics_usage.p95_active_series as billable_series_at_included_dpm,
    {{ to_decimal('priced.org_billable_series', 6) }} as org_billable_series,
    {{ to_decimal('priced.org_billable_series_at_included_dpm', 6) }} as org_billable_series_at_included_dpm,
    {{ to_decimal('priced.cost_usd', 2, 18) }} as cost_usd,
    {{ to_decimal('priced.cost_at_included_dpm_usd', 2, 18) }} as cost_at_included_dpm_usd,
    {{ to_decimal('priced.cost_usd - priced.cost_at_included_dpm_usd', 2, 18) }} as saving_usd,
    {{ to_decimal('stack_costs.cost_usd', 2, 18) }} as stack_cost_usd,
    {{ to_decimal('scenario_stack_shares.stack_cost_at_included_dpm_usd', 2, 18) }} as stack_cost_at_included_dpm_usd

from priced
inner join metrics_usage
    on
        priced.billing_month = metrics_usage.billing_month
        and priced.scenario_stack_id = metrics_usage.stack_id
inner join scenario_stack_shares
    on
        priced.billing_month = scenario_stack_shares.billing_month
        and priced.scenario_stack_id = scenario_stack_shares.scenario_stack_id
left join stack_costs
    on
        priced.billing_month = stack_costs.billing_month
        and priced.scenario_stack_id = stack_costs.stack_id
