-- The billing quantity of every usage SKU per organization and month: the sum over its stacks.
-- A user counts once per organization however many stacks they use (the stacks' user shares add
-- up to the organization's count). GB are converted once from the organization's summed bytes,
-- with nine decimals, so that no stack's rounding can move the organization across a whole GB
-- (DECISIONLOG D50).
{{ org_usage_aggregated(ref('int_stack_usage_unioned')) }}
