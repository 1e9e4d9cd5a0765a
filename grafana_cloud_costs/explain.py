"""Explain one stack's Grafana Cloud bill for one month, line by line, from the built marts.

    grafana-cloud-costs explain STACK_ID [--month 2024-09] [--database PATH]
    make explain STACK=101 MONTH=2024-09

For metrics it shows the two 95th percentiles and which one is billed, how much of the month the
percentile forgave (the top 5 % of samples) and the busiest hours, whether they were forgiven or
billed, and how the organization's charge was shared among its stacks. For every other product it
shows the stack's usage, its share of the organization's line and the cents it got.
"""

from __future__ import annotations

import argparse
import os
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

DEFAULT_DATABASE = os.environ.get("GRAFANA_CLOUD_COSTS_DUCKDB_PATH", "target/grafana_cloud_costs.duckdb")


def money(value: Decimal | None) -> str:
    return "-" if value is None else f"${value:,.2f}"


def number(value: float | Decimal | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stack_id", help="the stack to explain (stack_id, or its slug)")
    parser.add_argument("--month", help="billing month YYYY-MM (default: the stack's latest)")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="DuckDB file written by dbt build")


def run(args: argparse.Namespace) -> int:
    if not Path(args.database).exists():
        print(f"No database at {args.database}: run `make build` first.", file=sys.stderr)
        return 1
    con = duckdb.connect(args.database, read_only=True)

    stack = con.execute(
        "select stack_id, stack_slug, org_slug, org_name, plan from dim_grafana_cloud_stacks"
        " where stack_id = ? or stack_slug = ?",
        [args.stack_id, args.stack_id],
    ).fetchone()
    if stack is None:
        known = ", ".join(row[0] for row in con.execute("select stack_id from dim_grafana_cloud_stacks order by 1").fetchall())
        print(f"Stack {args.stack_id!r} is not in dim_grafana_cloud_stacks (known: {known}).", file=sys.stderr)
        return 1
    stack_id, stack_slug, org_slug, org_name, plan = stack

    if args.month:
        month = f"{args.month}-01"
    else:
        latest = con.execute(
            "select max(billing_month) from fct_grafana_cloud_costs where stack_id = ?", [stack_id]
        ).fetchone()[0]
        if latest is None:
            print(f"Stack {stack_id} has no costs in fct_grafana_cloud_costs.", file=sys.stderr)
            return 1
        month = latest.isoformat()

    print(f"\nStack {stack_id} ({stack_slug}) of {org_name} ({org_slug}, {plan} plan), {month[:7]}\n")

    metrics = con.execute(
        "select * from fct_grafana_cloud_metrics_usage where stack_id = ? and billing_month = ?::date",
        [stack_id, month],
    ).fetchone()
    if metrics:
        explain_metrics(con, stack_id, org_slug, month)

    lines = con.execute(
        """
        select
            costs.service, costs.sku, costs.usage_unit, costs.usage_quantity, lines.usage_quantity,
            lines.billed_usage_quantity, lines.included_quantity, lines.billable_quantity,
            lines.unit_price_usd, lines.cost_usd, costs.cost_usd
        from fct_grafana_cloud_costs as costs
        inner join fct_grafana_cloud_invoice_lines as lines
            using (billing_month, org_slug, sku, charge_type)
        where costs.stack_id = ? and costs.billing_month = ?::date
        order by costs.cost_usd desc, costs.sku
        """,
        [stack_id, month],
    ).fetchall()
    print("Every charge of the stack (its share of the organization's line)")
    header = f"  {'sku':<31} {'stack usage':>14} {'org usage':>14} {'org billable':>13} {'org cost':>11} {'share':>7} {'stack cost':>11}"
    print(header)
    total = Decimal("0")
    for service, sku, unit, stack_usage, org_usage, billed, included, billable, price, org_cost, stack_cost in lines:
        share = (stack_usage / org_usage * 100) if org_usage else Decimal("0")
        print(
            f"  {sku:<31} {number(stack_usage):>14} {number(org_usage):>14} {number(billable):>13}"
            f" {money(org_cost):>11} {number(share, 1):>6}% {money(stack_cost):>11}"
        )
        total += stack_cost
    print(f"  {'total':<31} {'':>14} {'':>14} {'':>13} {'':>11} {'':>7} {money(total):>11}")
    fee = con.execute(
        "select cost_usd from fct_grafana_cloud_costs where org_slug = ? and billing_month = ?::date"
        " and charge_type = 'fee'",
        [org_slug, month],
    ).fetchone()
    if fee:
        print(f"\n  The organization also pays a platform fee of {money(fee[0])}, not allocated to stacks.")
    print()
    return 0


def explain_metrics(con: duckdb.DuckDBPyConnection, stack_id: str, org_slug: str, month: str) -> None:
    row = con.execute(
        """
        select sample_count, p95_active_series, p95_dpm, included_dpm_per_series, billable_series
        from fct_grafana_cloud_metrics_usage where stack_id = ? and billing_month = ?::date
        """,
        [stack_id, month],
    ).fetchone()
    sample_count, p95_series, p95_dpm, included_dpm, billable = row
    forgiven_samples = sample_count - 1 - int(0.95 * (sample_count - 1))
    bound = "active series" if p95_series >= p95_dpm / included_dpm else f"DPM / {included_dpm} included DPM per series"
    print("Metrics")
    print(f"  {sample_count:,} per-minute samples; the 95th percentile forgives the top {forgiven_samples:,}")
    print(f"  p95 active series  {number(p95_series):>14}")
    print(f"  p95 DPM            {number(p95_dpm):>14}  (/ {included_dpm} included DPM per series = {number(p95_dpm / included_dpm)})")
    print(f"  billable series    {number(billable):>14}  (bound by {bound})")

    # Spikes: runs of consecutive samples above 1.25 x the month's median. The percentile forgives
    # the top 5 % of the month's samples; spikes that together last longer set the bill.
    median, step_minutes = con.execute(
        """
        select median(active_series), median(gap) from (
            select active_series,
                date_diff('minute', lag(sampled_minute) over (order by sampled_minute), sampled_minute) as gap
            from intermediate.int_metrics_usage_per_minute
            where stack_id = ? and billing_month = ?::date
        )
        """,
        [stack_id, month],
    ).fetchone()
    step_minutes = step_minutes or 1
    threshold = 1.25 * median
    spikes = con.execute(
        """
        with flagged as (
            select sampled_minute, active_series, active_series > ? as is_spike,
                sum(case when active_series > ? then 0 else 1 end) over (order by sampled_minute) as run_id
            from intermediate.int_metrics_usage_per_minute
            where stack_id = ? and billing_month = ?::date
        )
        select min(sampled_minute), max(sampled_minute), count(*), max(active_series)
        from flagged where is_spike
        group by run_id
        having count(*) * ? >= 60
        order by 1
        """,
        [threshold, threshold, stack_id, month, step_minutes],
    ).fetchall()
    forgiven_hours = forgiven_samples * step_minutes / 60
    spike_hours = sum(count for _, _, count, _ in spikes) * step_minutes / 60
    print(f"  median active series {number(median):>11}; the billed p95 is {p95_series / median:.2f}x the median")
    if not spikes:
        print("  no spike of an hour or more above 1.25x the median: the bill is the month's normal level")
    else:
        verdict = (
            "forgiven: together shorter than" if spike_hours <= forgiven_hours else "billed: together longer than"
        )
        print(f"  spikes above 1.25x the median ({verdict} the {forgiven_hours:.1f} h the percentile forgives):")
        for first, last, count, peak in spikes:
            print(f"    {first:%Y-%m-%d %H:%M} to {last:%Y-%m-%d %H:%M}  {count * step_minutes / 60:5.1f} h  peak {number(peak, 0)}")

    org = con.execute(
        """
        select usage_quantity, billed_usage_quantity, included_quantity, billable_quantity, unit_price_usd, cost_usd
        from fct_grafana_cloud_invoice_lines
        where org_slug = ? and billing_month = ?::date and sku = 'metrics_active_series'
        """,
        [org_slug, month],
    ).fetchone()
    usage, billed, included, billable_org, price, cost = org
    print(
        f"  organization {org_slug}: {number(usage)} series -> {number(billed, 0)} - {number(included, 0)} included"
        f" = {number(billable_org, 0)} x ${price:.4f} = {money(cost)}"
    )
    print(f"  this stack's share: {number(billable)} / {number(usage)} = {number(billable / float(usage) * 100, 2)}%\n")

