-- The open month's projected billing quantity per organization, SKU and forecast scenario: the
-- sum over its stacks, by the macro that aggregates the bill (org_usage_aggregated: GB converted
-- once from the summed bytes), DECISIONLOG D60.
{{ org_usage_aggregated(ref('int_stack_usage_forecast_unioned'), keys=['scenario']) }}
