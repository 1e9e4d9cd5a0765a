"""Print the alerts of the last `dbt build` (fct_grafana_cloud_alerts), for a person or a cron job.

    grafana-cloud-costs alerts [--org acme] [--json] [--database target/grafana_cloud_costs.duckdb]
    make alerts [ORG=acme] [JSON=1]

Budgets exceeded or projected to be (seeds/reference/grafana_cloud_budgets.csv), usage limits
projected to be exceeded (grafana_cloud_usage_limits.csv), stacks with no spike headroom left,
and days of anomalous usage, most severe first. --json prints one JSON array of the alerts'
columns instead, for machines.

Exit codes, so that a cron job can page:
  0  no critical alert (warnings and info may have been printed)
  1  at least one critical alert (a budget or usage limit already crossed)
  2  the alerts could not be read: no database, or a build without fct_grafana_cloud_alerts
     (bad arguments also exit 2)
`make alerts` fails whenever the command does, with make's own status 2.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import duckdb

from grafana_cloud_costs.bill import table

DEFAULT_DATABASE = os.environ.get("GRAFANA_CLOUD_COSTS_DUCKDB_PATH", "target/grafana_cloud_costs.duckdb")

EXIT_OK, EXIT_CRITICAL, EXIT_UNREADABLE = 0, 1, 2

COLUMNS = [
    "alert_id",
    "alert_type",
    "severity",
    "billing_month",
    "as_of",
    "org_slug",
    "stack_id",
    "stack_slug_pattern",
    "sku",
    "usage_date",
    "observed_value",
    "threshold_value",
    "value_unit",
    "message",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--org", action="append", help="only this organization's alerts (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the alerts as a JSON array")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="DuckDB file written by dbt build")


def json_value(value: object) -> object:
    if isinstance(value, Decimal):
        # exact figures as numbers: integers stay integers, the rest keep their decimals
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat(sep=" ") if isinstance(value, datetime.datetime) else value.isoformat()
    return value


def read_alerts(database: str, orgs: list[str] | None) -> list[dict[str, object]]:
    con = duckdb.connect(database, read_only=True)
    try:
        where = ""
        parameters: list[object] = []
        if orgs:
            where = "where org_slug in (" + ", ".join("?" for _ in orgs) + ")"
            parameters = list(orgs)
        cursor = con.execute(
            f"""
            select {", ".join(COLUMNS)}
            from fct_grafana_cloud_alerts
            {where}
            order by
                case severity when 'critical' then 0 when 'warning' then 1 else 2 end,
                alert_type, org_slug, billing_month, stack_slug_pattern nulls first,
                stack_id nulls first, sku nulls first, usage_date nulls first
            """,
            parameters,
        )
        return [dict(zip(COLUMNS, row)) for row in cursor.fetchall()]
    finally:
        con.close()


def run(args: argparse.Namespace) -> int:
    if not Path(args.database).exists():
        print(f"No database at {args.database}: run `make build` first.", file=sys.stderr)
        return EXIT_UNREADABLE
    try:
        alerts = read_alerts(args.database, args.org)
    except duckdb.CatalogException:
        print(
            f"{args.database} has no fct_grafana_cloud_alerts: build it with `make build` first.",
            file=sys.stderr,
        )
        return EXIT_UNREADABLE
    critical = sum(1 for alert in alerts if alert["severity"] == "critical")

    if args.json:
        print(json.dumps([{key: json_value(value) for key, value in alert.items()} for alert in alerts], indent=2))
    elif not alerts:
        print("No alerts.")
    else:
        as_of = alerts[0]["as_of"]
        counts = {
            severity: sum(1 for alert in alerts if alert["severity"] == severity)
            for severity in ("critical", "warning", "info")
        }
        summary = ", ".join(f"{count} {severity}" for severity, count in counts.items() if count)
        print(f"\nGrafana Cloud alerts as of {as_of:%Y-%m-%d %H:%M} UTC: {summary}\n")
        rows = [
            (alert["severity"], alert["alert_type"], alert["billing_month"].strftime("%Y-%m"), alert["message"])
            for alert in alerts
        ]
        print(table(["severity", "alert", "month", "message"], rows, right=set()))
        print()
    return EXIT_CRITICAL if critical else EXIT_OK
