"""grafana-cloud-costs: extract an export folder from Grafana Cloud, print or explain a built bill, alert.

    grafana-cloud-costs extract --org acme --from 2024-09-01 [--to 2024-10-01] --out DIR
    grafana-cloud-costs bill [--month 2024-09]
    grafana-cloud-costs explain STACK [--month 2024-09]
    grafana-cloud-costs forecast [--org acme]
    grafana-cloud-costs alerts [--org acme] [--json]

`grafana-cloud-costs COMMAND --help` describes each.
"""

from __future__ import annotations

import argparse
import sys

from grafana_cloud_costs import alerts, bill, explain, extract, forecast

COMMANDS = {
    "extract": (extract, "pull organizations, stacks, usage and billed usage into an export folder"),
    "bill": (bill, "print the recomputed bill of a month from the last `dbt build`"),
    "explain": (explain, "explain one stack's bill for one month, line by line"),
    "forecast": (forecast, "print the open month's bill so far, its month-end forecast and spike headroom"),
    "alerts": (alerts, "print the budget, usage-limit, headroom and anomaly alerts; exit 1 if any is critical"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="grafana-cloud-costs", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module, summary) in COMMANDS.items():
        sub = subparsers.add_parser(
            name, help=summary, description=module.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
        )
        module.add_arguments(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
