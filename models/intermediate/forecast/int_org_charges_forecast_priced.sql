-- The open month's projected invoice lines per forecast scenario, priced by the macro that prices
-- the bill (org_charges_priced: price book, allowances, rounding, cents), DECISIONLOG D60.
{{ org_charges_priced(ref('int_org_usage_forecast_aggregated'), keys=['scenario']) }}
