"""Write Cloud API billed-usage responses for a month from the built marts.

    .venv/bin/python scripts/write_sample_billed_usage.py --month 2024-09 --out seeds/billed_usage

Produces <out>/<org_slug>/<YYYY-MM>.json in the shape of Grafana's
GET /api/orgs/<org>/billed-usage?month=M&year=Y response ({"items": [...]}, one item per billed
dimension with its usages[] per stack). The sample invoice shipped in seeds/billed_usage/ was
written this way from the sample month, so the recomputation matches it by construction; the
end-to-end tests reconcile hand-written invoices (Grafana's own example figures) instead.
"""

from __future__ import annotations

import argparse
import calendar
import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb

# The dimension name Grafana's response uses for each SKU (first name in the mapping seed).
DIMENSIONS = {
    "metrics_active_series": ("Metrics", "series"),
    "logs_ingested_gb": ("Logs", "GB"),
    "traces_ingested_gb": ("Traces", "GB"),
    "profiles_ingested_gb": ("Profiles", "GB"),
    "grafana_active_users": ("Grafana Users", "users"),
    "irm_active_users": ("IRM", "users"),
    "enterprise_plugin_active_users": ("Enterprise Plugins", "users"),
    "k6_vuh": ("k6", "VUh"),
}


def number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    normalized = value.normalize()
    return int(normalized) if normalized == normalized.to_integral() else float(normalized)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--month", required=True, help="YYYY-MM")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--database", default="target/grafana_cloud_costs.duckdb")
    args = parser.parse_args()

    year, month = (int(part) for part in args.month.split("-"))
    start = date(year, month, 1)
    last_day = calendar.monthrange(year, month)[1]
    con = duckdb.connect(args.database, read_only=True)

    lines = con.execute(
        """
        select org_slug, sku, category, usage_quantity, included_quantity, billable_quantity,
            unit_price_usd, cost_usd
        from fct_grafana_cloud_invoice_lines
        where billing_month = ? and charge_type = 'usage' and plan in ('pro', 'advanced')
        order by org_slug, sku
        """,
        [start],
    ).fetchall()
    stacks = con.execute(
        """
        select costs.org_slug, costs.sku, costs.stack_id, stacks.stack_slug, costs.usage_quantity
        from fct_grafana_cloud_costs as costs
        left join dim_grafana_cloud_stacks as stacks using (stack_id)
        where costs.billing_month = ? and costs.charge_type = 'usage'
        order by costs.stack_id
        """,
        [start],
    ).fetchall()
    metrics = {
        stack_id: (p95_series, p95_dpm, included_dpm)
        for stack_id, p95_series, p95_dpm, included_dpm in con.execute(
            "select stack_id, p95_active_series, p95_dpm, included_dpm_per_series"
            " from fct_grafana_cloud_metrics_usage where billing_month = ?",
            [start],
        ).fetchall()
    }

    responses: dict[str, list[dict]] = {}
    for org_slug, sku, category, usage, included, billable, price, cost in lines:
        if sku not in DIMENSIONS:
            continue
        name, unit = DIMENSIONS[sku]
        rate = price * 1000 if sku == "metrics_active_series" else price
        usages = []
        for stack_org, stack_sku, stack_id, stack_slug, stack_usage in stacks:
            if (stack_org, stack_sku) != (org_slug, sku):
                continue
            entry = {"stackId": int(stack_id) if stack_id.isdigit() else stack_id, "stackName": stack_slug,
                     "totalUsage": number(stack_usage)}
            if sku == "metrics_active_series" and stack_id in metrics:
                entry["activeSeries"] = round(metrics[stack_id][0], 2)
                entry["dpm"] = round(metrics[stack_id][1], 2)
            if sku.endswith("_gb"):
                entry["ingestUsage"] = number(stack_usage)
            usages.append(entry)
        item = {
            "dimensionName": name,
            "unit": unit,
            "includedUsage": number(included),
            "totalUsage": number(usage),
            "overage": number(billable),
            "orgRates": {"tiers": [{"min": 0, "rate": number(rate)}]},
            "amountDue": number(cost),
            "periodStart": f"{start:%Y-%m-%d}T00:00:00Z",
            "periodEnd": f"{start:%Y-%m}-{last_day:02d}T23:59:59Z",
            "description": f"{category} - {start:%B %Y}",
            "usages": usages,
        }
        if sku == "metrics_active_series":
            item["orgRates"]["includedDPM"] = next(
                (value[2] for key, value in metrics.items() if any(s[2] == key and s[0] == org_slug for s in stacks)),
                1,
            )
        responses.setdefault(org_slug, []).append(item)

    for org_slug, items in responses.items():
        path = args.out / org_slug / f"{args.month}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"items": items}, indent=2) + "\n")
        print(f"wrote {path} ({len(items)} dimensions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
