-- The open month's projected charges per stack and forecast scenario: each organization's
-- projected line allocated to its stacks in exact cents by the macro that allocates the bill
-- (stack_charges_allocated), so stack figures add up to the organization's, DECISIONLOG D60.
{{ stack_charges_allocated(
    charges=ref('int_org_charges_forecast_priced'),
    stack_usage=ref('int_stack_usage_forecast_unioned'),
    keys=['scenario'],
) }}
