"""Print the recomputed Grafana Cloud bill from the marts of the last `dbt build`.

    grafana-cloud-costs bill [--month 2024-09] [--database target/grafana_cloud_costs.duckdb]

It reads the DuckDB file the default profile writes (GRAFANA_CLOUD_COSTS_DUCKDB_PATH overrides it)
and prints, for the latest month (or --month): the metrics bill per organization and stack, and
the whole bill per organization and service.
"""

from __future__ import annotations

import argparse
import os
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

DEFAULT_DATABASE = os.environ.get("GRAFANA_CLOUD_COSTS_DUCKDB_PATH", "target/grafana_cloud_costs.duckdb")


def table(headers: list[str], rows: list[tuple], right: set[int]) -> str:
    """A plain-text table; columns whose index is in `right` are right-aligned."""
    cells = [headers] + [[format_cell(value) for value in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        return "  ".join(
            value.rjust(widths[i]) if i in right else value.ljust(widths[i]) for i, value in enumerate(row)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(cells[0]), rule] + [line(row) for row in cells[1:]])


def format_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", help="billing month as YYYY-MM (default: the latest in the data)")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="DuckDB file written by dbt build")


def run(args: argparse.Namespace) -> int:
    if not Path(args.database).exists():
        print(f"No database at {args.database}: run `make build` first.", file=sys.stderr)
        return 1
    con = duckdb.connect(args.database, read_only=True)

    month = args.month
    if month is None:
        latest = con.execute("select max(billing_month) from fct_grafana_cloud_costs").fetchone()[0]
        if latest is None:
            print("fct_grafana_cloud_costs is empty: no usage was loaded.", file=sys.stderr)
            return 1
        month = latest.strftime("%Y-%m")
    month_start = f"{month}-01"

    metrics = con.execute(
        """
        select
            usage.org_slug,
            stacks.stack_slug || ' (' || usage.stack_id || ')' as stack,
            round(usage.billable_series, 0)::bigint as billable_series,
            costs.cost_usd
        from fct_grafana_cloud_metrics_usage as usage
        left join dim_grafana_cloud_stacks as stacks on usage.stack_id = stacks.stack_id
        left join fct_grafana_cloud_costs as costs
            on costs.billing_month = usage.billing_month
            and costs.stack_id = usage.stack_id
            and costs.sku = 'metrics_active_series'
        where usage.billing_month = cast(? as date)
        order by usage.org_slug, usage.stack_id
        """,
        [month_start],
    ).fetchall()

    by_service = con.execute(
        """
        select
            org_slug,
            service,
            sum(cost_usd) as cost_usd
        from fct_grafana_cloud_costs
        where billing_month = cast(? as date)
        group by org_slug, service
        order by org_slug, service
        """,
        [month_start],
    ).fetchall()

    totals = con.execute(
        """
        select org_slug, sum(cost_usd) as cost_usd
        from fct_grafana_cloud_costs
        where billing_month = cast(? as date)
        group by org_slug
        order by org_slug
        """,
        [month_start],
    ).fetchall()

    print(f"\nGrafana Cloud bill for {month} (recomputed from usage)\n")
    print("Metrics, per stack")
    print(table(["org", "stack", "billable series", "cost USD"], metrics, right={2, 3}))
    print("\nPer organization and service")
    print(table(["org", "service", "cost USD"], by_service, right={2}))
    print("\nTotal per organization")
    print(table(["org", "cost USD"], totals, right={1}))
    print()
    return 0

