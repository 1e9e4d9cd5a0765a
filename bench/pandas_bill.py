"""The metrics bill in pandas, as a user would otherwise script it (see floor.py for the rules).

    python bench/pandas_bill.py --raw DIR [--out costs.json]

Reads the metrics folder with pyarrow, de-duplicates (max of each measure per stack and instant,
then the latest instant of each UTC minute), takes the linear-interpolation 95th percentile per
stack and month, and prices the org totals with exact decimals.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd


def per_org_costs(raw: Path) -> dict[str, str]:
    samples = pd.read_parquet(
        raw / "grafana_cloud_metrics_usage",
        columns=["stack_id", "sampled_at", "active_series", "samples_per_second"],
    )
    stacks = pd.read_parquet(raw / "grafana_cloud_stacks.parquet", columns=["stack_id", "org_slug"])
    orgs = pd.read_parquet(raw / "grafana_cloud_organizations.parquet",
                           columns=["org_slug", "plan", "included_dpm_per_series"])

    # exact duplicates collapse; two readings at one instant keep the max of each measure
    instants = samples.groupby(["stack_id", "sampled_at"], sort=False, observed=True).max().reset_index()
    # the latest instant of each minute counts
    instants["minute"] = instants["sampled_at"].dt.floor("min")
    per_minute = instants.sort_values(["stack_id", "sampled_at"]).drop_duplicates(["stack_id", "minute"], keep="last")
    per_minute = per_minute.assign(
        dpm=per_minute["samples_per_second"] * 60,
        billing_month=per_minute["minute"].dt.to_period("M").dt.start_time,
    )
    p95 = (
        per_minute.groupby(["stack_id", "billing_month"], observed=True)[["active_series", "dpm"]]
        .quantile(0.95)
        .reset_index()
        .merge(stacks, on="stack_id")
        .merge(orgs, on="org_slug")
    )
    p95["billable_series"] = p95["active_series"].where(
        p95["active_series"] >= p95["dpm"] / p95["included_dpm_per_series"],
        p95["dpm"] / p95["included_dpm_per_series"],
    )

    # money: decimal(38, 6) per stack, whole series per org, cents (half away from zero)
    micro, whole, cent = Decimal("0.000001"), Decimal("1"), Decimal("0.01")
    p95["billable"] = [Decimal(repr(value)).quantize(micro, ROUND_HALF_UP) for value in p95["billable_series"]]
    costs: dict[str, str] = {}
    for (org, month, plan), group in p95.groupby(["org_slug", "billing_month", "plan"]):
        series = sum(group["billable"], Decimal(0)).quantize(whole, ROUND_HALF_UP)
        price = Decimal("0.0065") if month >= pd.Timestamp("2024-09-01") else Decimal("0.008")
        billed = plan in ("pro", "advanced")
        cost = (max(series - 10000, Decimal(0)) * price).quantize(cent, ROUND_HALF_UP) if billed else Decimal("0.00")
        costs[f"{org}|{month:%Y-%m-%d}"] = str(cost)
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    began = time.perf_counter()
    costs = per_org_costs(args.raw)
    seconds = time.perf_counter() - began
    print(f"pandas: {len(costs)} org-months, {seconds:.1f} s", file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps({"query_seconds": seconds, "costs": costs}, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
