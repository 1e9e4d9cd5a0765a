-- The per-sample models group by a 64-bit hash of stack_id and map it back to the stack
-- (compact_key, DECISIONLOG D30): two usable stacks sharing a hash would merge their samples.
-- Each returned row is such a pair's key and the stacks that share it.
select
    stack_key,
    count(*) as stack_count,
    min(stack_id) as first_stack_id,
    max(stack_id) as last_stack_id
from {{ grafana_cloud_costs.stack_keys_relation() }} as stack_keys
group by stack_key
having count(*) > 1
