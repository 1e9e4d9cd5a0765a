-- The recomputed invoice: one line per organization, month, SKU and charge type (usage, and the
-- platform fee), priced with the price-book row in effect on the month's first day for the
-- organization's plan.
{{ org_charges_priced(ref('int_org_usage_aggregated')) }}
