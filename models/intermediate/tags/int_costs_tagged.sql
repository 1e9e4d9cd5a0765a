-- Each cost line assigned to a value of every tag key, as Vantage's virtual tags do: for each
-- key, the matching rule set (rules sharing tag_key and priority) with the lowest priority wins
-- and its values split the line by split_percent, in exact cents; a line that no rule of a key
-- matches is "untagged" for that key.
with

costs as (

    select * from {{ ref('int_stack_charges_allocated') }}

),

stacks as (

    select * from {{ ref('stg_grafana_cloud__stacks') }}

),

rules as (

    select * from {{ ref('stg_grafana_cloud__virtual_tag_rules') }}

),

tag_keys as (

    select distinct tag_key
    from rules

),

cost_lines as (

    select
        costs.cost_line_id,
        costs.billing_month,
        costs.org_slug,
        costs.stack_id,
        costs.service,
        costs.cost_usd,
        stacks.stack_slug
    from costs
    left join stacks
        on costs.stack_id = stacks.stack_id

),

matches as (

    select
        cost_lines.cost_line_id,
        rules.tag_key,
        min(rules.priority) as priority
    from cost_lines
    inner join rules
        on
            (rules.org_slug_filter is null or cost_lines.org_slug = rules.org_slug_filter)
            and (rules.stack_slug_pattern is null or cost_lines.stack_slug like rules.stack_slug_pattern)
            and (rules.service_filter is null or cost_lines.service = rules.service_filter)
    group by cost_lines.cost_line_id, rules.tag_key

),

assignments as (

    select
        cost_lines.cost_line_id,
        cost_lines.billing_month,
        cost_lines.cost_usd,
        tag_keys.tag_key,
        matches.priority as rule_priority,
        coalesce(rules.tag_value, 'untagged') as tag_value,
        coalesce(rules.split_percent, 100) as split_percent
    from cost_lines
    cross join tag_keys
    left join matches
        on
            cost_lines.cost_line_id = matches.cost_line_id
            and tag_keys.tag_key = matches.tag_key
    left join rules
        on
            matches.tag_key = rules.tag_key
            and matches.priority = rules.priority

),

allocated as (

    {{ allocate_proportionally(
        relation='assignments',
        partition_by=['cost_line_id', 'tag_key'],
        order_by='tag_value',
        weight='split_percent',
        allocations=[{'total': 'cost_usd', 'scale': 2, 'output': 'tagged_cost_usd'}],
    ) }}

)

select
    cost_line_id,
    billing_month,
    tag_key,
    tag_value,
    rule_priority,
    split_percent,
    {{ to_decimal('tagged_cost_usd', 2, 18) }} as cost_usd
from allocated
