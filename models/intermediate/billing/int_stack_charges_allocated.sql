-- The cost fact's rows: usage charges are computed per organization (allowances and rounding
-- apply to the org) and allocated back to its stacks in proportion to each stack's quantity, in
-- exact cents (and micro-units of quantity) that add up to the org's line. Org-level charges (the
-- platform fee) stay at the organization, with no stack.
{{ stack_charges_allocated(
    charges=ref('int_org_charges_priced'),
    stack_usage=ref('int_stack_usage_unioned'),
) }}
