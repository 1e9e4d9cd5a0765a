-- The per-sample models group by a 64-bit hash of stack_id and map it back to the stack
-- (compact_key, DECISIONLOG D30): two usable stacks sharing a hash would merge their samples.
-- Each returned row is such a pair's key and the stacks that share it.
with

stack_keys as (
    select distinct
        stack_id,
        {{ grafana_cloud_costs.compact_key(['stack_id']) }} as stack_key
    from {{ ref('base_grafana_cloud__stacks') }}
    where rejection_reason is null
)

select
    stack_key,
    count(*) as stack_count,
    min(stack_id) as first_stack_id,
    max(stack_id) as last_stack_id
from stack_keys
group by stack_key
having count(*) > 1
