"""Explain one stack's Grafana Cloud bill for one month, line by line, from the built marts.

    grafana-cloud-costs explain STACK_ID [--month 2024-09] [--database PATH]
    make explain STACK=101 MONTH=2024-09

For metrics it shows the two 95th percentiles and which one is billed, how much of the month the
percentile forgave (the top 5 % of samples) and the busiest hours, whether they were forgiven or
billed, and how the organization's charge was shared among its stacks. For every other product it
shows the stack's usage, its share of the organization's line and the cents it got.

A stack whose DPM sets its bill also gets the what-if of fct_grafana_cloud_scrape_interval_savings
(its organization's charge had it sent its included DPM per series). "Compared with last month"
then shows the organization's change on every line, split as fct_grafana_cloud_cost_changes splits
it (allowance, price and usage effects; for metrics the usage effect as series and DPM effects),
since charges are priced per organization; and the stack's own share of each line in both months,
with, for metrics, how its active series and its billable series per active series moved.
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


def signed_money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{'-' if value < 0 else '+'}${abs(value):,.2f}"


def previous_month(month: str) -> str:
    """YYYY-MM-01 of the calendar month before `month` (YYYY-MM-01)."""
    year, mon = int(month[:4]), int(month[5:7])
    year, mon = (year - 1, 12) if mon == 1 else (year, mon - 1)
    return f"{year:04d}-{mon:02d}-01"


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether the build has the mart (a database built before it existed has not)."""
    return bool(
        con.execute("select count(*) from information_schema.tables where table_name = ?", [name]).fetchone()[0]
    )


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
    if has_table(con, "fct_grafana_cloud_cost_changes"):
        explain_changes(con, stack_id, org_slug, month)
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
    print(f"  this stack's share: {number(billable)} / {number(usage)} = {number(billable / float(usage) * 100, 2)}%")
    if has_table(con, "fct_grafana_cloud_scrape_interval_savings"):
        saving = con.execute(
            """
            select billable_series_at_included_dpm, org_billable_series_at_included_dpm, cost_usd,
                cost_at_included_dpm_usd, saving_usd, stack_cost_usd, stack_cost_at_included_dpm_usd
            from fct_grafana_cloud_scrape_interval_savings where stack_id = ? and billing_month = ?::date
            """,
            [stack_id, month],
        ).fetchone()
        if saving:
            at_series, at_org, cost, at_cost, saved, stack_cost, at_stack_cost = saving
            scrape = "a 60 s scrape" if included_dpm == 1 else "its included DPM"
            print(
                f"  at {included_dpm} DPM per series ({scrape}): {number(at_series)} billable series; the organization"
                f" {number(at_org)} series,\n    {money(at_cost)} instead of {money(cost)}: {money(saved)} less"
                f" (this stack's share {money(at_stack_cost)} instead of {money(stack_cost)})"
            )
    print()



def explain_changes(con: duckdb.DuckDBPyConnection, stack_id: str, org_slug: str, month: str) -> None:
    """The organization's change from last month, line by line and effect by effect, and the
    stack's own share of each line in both months."""
    before = previous_month(month)
    print(f"Compared with last month ({before[:7]})")
    rows = con.execute(
        """
        select sku, change_status, previous_cost_usd, cost_usd, cost_change_usd, allowance_effect_usd,
            price_effect_usd, usage_effect_usd, series_effect_usd, dpm_effect_usd
        from fct_grafana_cloud_cost_changes
        where org_slug = ? and billing_month = ?::date
        order by abs(cost_change_usd) desc, sku
        """,
        [org_slug, month],
    ).fetchall()
    if not rows:
        print(f"  organization {org_slug} has no bill for {before[:7]} in the data: nothing to compare.\n")
        return
    previous_total = sum(row[2] for row in rows)
    total = sum(row[3] for row in rows)
    print(f"  organization {org_slug}: {money(previous_total)} -> {money(total)}, {signed_money(total - previous_total)}")
    print("  each line's change = allowance + price + usage effects; for metrics, usage = series + DPM effects")
    print(
        f"  {'sku':<31} {before[:7]:>10} {month[:7]:>10} {'change':>10} {'allowance':>10} {'price':>10}"
        f" {'usage':>10} {'series':>10} {'DPM':>10}"
    )
    sums = [Decimal("0")] * 4
    for sku, status, previous_cost, cost, change, allowance, price, usage, series, dpm in rows:
        label = sku if status == "continued" else f"{sku} ({status})"
        line = (
            f"  {label:<31} {money(previous_cost):>10} {money(cost):>10} {signed_money(change):>10}"
            f" {signed_money(allowance):>10} {signed_money(price):>10} {signed_money(usage):>10}"
            f" {signed_money(series):>10} {signed_money(dpm):>10}"
        )
        print(line.rstrip())
        sums = [a + b for a, b in zip(sums, (change, allowance, price, usage))]
    print(
        f"  {'total':<31} {money(previous_total):>10} {money(total):>10} {signed_money(sums[0]):>10}"
        f" {signed_money(sums[1]):>10} {signed_money(sums[2]):>10} {signed_money(sums[3]):>10}"
    )

    shares = con.execute(
        """
        select sku,
            sum(case when billing_month = ?::date then cost_usd else 0 end),
            sum(case when billing_month = ?::date then cost_usd else 0 end)
        from fct_grafana_cloud_costs
        where stack_id = ? and billing_month in (?::date, ?::date)
        group by sku
        order by sku
        """,
        [before, month, stack_id, before, month],
    ).fetchall()
    print(f"\n  this stack's share of each line (charges are priced per organization, then shared)")
    print(f"  {'sku':<31} {before[:7]:>10} {month[:7]:>10} {'change':>10}")
    for sku, previous_cost, cost in shares:
        print(f"  {sku:<31} {money(previous_cost):>10} {money(cost):>10} {signed_money(cost - previous_cost):>10}")
    previous_total = sum(row[1] for row in shares)
    total = sum(row[2] for row in shares)
    print(f"  {'total':<31} {money(previous_total):>10} {money(total):>10} {signed_money(total - previous_total):>10}")

    metrics = con.execute(
        """
        select billing_month, p95_active_series, billable_series
        from fct_grafana_cloud_metrics_usage
        where stack_id = ? and billing_month in (?::date, ?::date)
        """,
        [stack_id, before, month],
    ).fetchall()
    by_month = {row[0].isoformat(): row[1:] for row in metrics}
    if by_month:
        series_before, billable_before = by_month.get(before, (0.0, 0.0))
        series_now, billable_now = by_month.get(month, (0.0, 0.0))
        density_before = billable_before / series_before if series_before else None
        density_now = billable_now / series_now if series_now else None
        if density_before is None or density_now is None:
            verdict = "a new stack" if density_before is None else "a stack gone"
        elif series_before == series_now and abs(density_before - density_now) < 1e-9:
            verdict = "unchanged"
        elif series_before == series_now:
            verdict = "its DPM per series moved, at the same active series"
        elif abs(density_before - density_now) < 1e-9:
            verdict = "its active series moved, at the same DPM per series"
        else:
            verdict = "both its active series and its DPM per series moved"
        print(
            f"  its metrics: p95 active series {number(series_before)} -> {number(series_now)};"
            f" billable series {number(billable_before)} -> {number(billable_now)}"
        )
        print(f"    ({number(density_before)} -> {number(density_now)} billable per active series: {verdict})")
    print()
