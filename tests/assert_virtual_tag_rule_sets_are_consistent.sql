-- A virtual tag rule set (the rules sharing tag_key and priority) must split exactly 100 % and
-- must filter the same costs on every row; otherwise costs would be lost or double counted.
with

rules as (

    select * from {{ ref('stg_grafana_cloud__virtual_tag_rules') }}

),

signed as (

    select
        tag_key,
        priority,
        split_percent,
        coalesce(org_slug_filter, '<any>')
        || ' / ' || coalesce(stack_slug_pattern, '<any>')
        || ' / ' || coalesce(service_filter, '<any>') as filter_signature
    from rules

)

select
    tag_key,
    priority,
    sum(split_percent) as split_percent_total,
    count(distinct filter_signature) as filter_variant_count
from signed
group by tag_key, priority
having sum(split_percent) != 100 or count(distinct filter_signature) != 1
