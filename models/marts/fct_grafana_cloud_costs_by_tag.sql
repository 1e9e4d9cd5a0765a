with

tagged as (

    select * from {{ ref('int_costs_tagged') }}

)

select
    -- keys
    billing_month,
    tag_key,
    tag_value,

    -- facts
    {{ to_decimal("sum(cost_usd)", 2, 18) }} as cost_usd,
    count(distinct cost_line_id) as cost_line_count

from tagged
group by billing_month, tag_key, tag_value
