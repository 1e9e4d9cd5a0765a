"""Print the open month's bill so far, its month-end forecast and the spike headroom, from the
marts of the last `dbt build`.

    grafana-cloud-costs forecast [--org acme [--org globex]] [--stacks 5] [--database target/grafana_cloud_costs.duckdb]

It reads the DuckDB file the default profile writes (GRAFANA_CLOUD_COSTS_DUCKDB_PATH overrides it)
and prints, for the open month (the month of the build's as-of time, var grafana_cloud_as_of):
per organization and service the month-to-date cost and the projected month-end cost with its
band (from the quietest to the busiest of the last four weeks), each organization's total, and
the stacks nearest to exhausting their spike headroom (fct_grafana_cloud_spike_headroom).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import duckdb

from grafana_cloud_costs.bill import DEFAULT_DATABASE, table


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--org", action="append", default=[], metavar="SLUG",
        help="only this organization (repeat, or separate slugs with commas; default: all)",
    )
    parser.add_argument("--stacks", type=int, default=5, help="stacks to list by headroom (default: 5)")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="DuckDB file written by dbt build")


def run(args: argparse.Namespace) -> int:
    if not Path(args.database).exists():
        print(f"No database at {args.database}: run `make build` first.", file=sys.stderr)
        return 1
    orgs = sorted({slug.strip() for value in args.org for slug in value.split(",") if slug.strip()})
    con = duckdb.connect(args.database, read_only=True)
    org_filter = "and org_slug in (select unnest(?::varchar[]))" if orgs else ""
    parameters = [orgs] if orgs else []

    header = con.execute(
        f"select min(billing_month), min(as_of), count(*) from fct_grafana_cloud_month_forecast where true {org_filter}",
        parameters,
    ).fetchone()
    if not header[2]:
        scope = f" for {', '.join(orgs)}" if orgs else ""
        print(
            f"fct_grafana_cloud_month_forecast has no line{scope}: no usage in the month of the as-of time "
            "(build with --vars '{grafana_cloud_as_of: \"YYYY-MM-DD HH:MM:SS\"}' for another)."
        )
        return 0
    month, as_of = header[0].strftime("%Y-%m"), header[1]

    by_service = con.execute(
        f"""
        select
            org_slug,
            service,
            sum(month_to_date_cost_usd),
            sum(projected_cost_usd),
            sum(projected_cost_low_usd),
            sum(projected_cost_high_usd)
        from fct_grafana_cloud_month_forecast
        where true {org_filter}
        group by org_slug, service
        order by org_slug, service
        """,
        parameters,
    ).fetchall()
    totals = con.execute(
        f"""
        select
            org_slug,
            sum(month_to_date_cost_usd),
            sum(projected_cost_usd),
            sum(projected_cost_low_usd),
            sum(projected_cost_high_usd)
        from fct_grafana_cloud_month_forecast
        where true {org_filter}
        group by org_slug
        order by org_slug
        """,
        parameters,
    ).fetchall()
    headroom = con.execute(
        f"""
        select
            headroom.org_slug,
            coalesce(stacks.stack_slug || ' (' || headroom.stack_id || ')', headroom.stack_id),
            headroom.headroom_minutes,
            headroom.forgiven_minutes,
            round(headroom.spike_cost_threshold_series, 0)::bigint
        from fct_grafana_cloud_spike_headroom as headroom
        left join dim_grafana_cloud_stacks as stacks on headroom.stack_id = stacks.stack_id
        where true {org_filter.replace('org_slug', 'headroom.org_slug')}
        order by headroom.headroom_minutes, headroom.org_slug, headroom.stack_id
        limit {max(args.stacks, 0)}
        """,
        parameters,
    ).fetchall()

    columns = ["month to date USD", "projected USD", "low USD", "high USD"]
    print(f"\nGrafana Cloud forecast for {month} (as of {as_of:%Y-%m-%d %H:%M} UTC)\n")
    print("Per organization and service")
    print(table(["org", "service", *columns], by_service, right={2, 3, 4, 5}))
    print("\nTotal per organization")
    print(table(["org", *columns], totals, right={1, 2, 3, 4}))
    print("\nStacks nearest to exhausting their spike headroom (metrics)")
    print(
        table(
            ["org", "stack", "headroom min", "forgiven min", "spike costs above (series)"],
            headroom,
            right={2, 3, 4},
        )
    )
    print()
    return 0
