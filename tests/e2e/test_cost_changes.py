"""Why a bill changed, and what a scrape interval costs, end to end: two closed months of crafted
raw data in, exact cents out of fct_grafana_cloud_cost_changes,
fct_grafana_cloud_scrape_interval_savings and `grafana-cloud-costs explain`.

Every figure is worked out by hand below from the billing rules (../shared/docs/grafana-cloud-
billing.md) and the decomposition of DECISIONLOG D65-D67, never recomputed with the project's code.

Prices: metrics $0.008 per series in August 2024, $0.0065 from September (the shipped price book),
10,000 series included; logs and traces $0.50 per GB, 50 GB included, except logs from September
2024: 100 GB included (this test's price book); the Pro platform fee $19. Every organization is on
Pro with 1 included DPM per series, and every sample is constant over its month, so each 95th
percentile is that constant.

    org     stack  August                  September
    series  s1     20,000 series, 1 DPM    30,001 series, 1 DPM
    dpm     d1     20,000 series, 1 DPM    20,000 series, 1.5 DPM (a 40 s scrape): 30,000 billable
    mixed   m1     6,000 series, 1 DPM     5,000 series, 1 DPM; logs 80 -> 120 GB; traces 61 GB (new)
    mixed   m2     4,000 series, 1 DPM     4,000 series, 3 DPM (a 20 s scrape): 12,000 billable
    gone    g1     15,000 series, 1 DPM    nothing (the organization stopped)
    late    l1     -                       12,000 series, 1 DPM (its first month: nothing to compare)

The bills:

    series  Aug (20,000 - 10,000) x 0.008 = $80.00    Sep (30,001 - 10,000) x 0.0065 = $130.0065 -> $130.01
    dpm     Aug $80.00                                Sep (30,000 - 10,000) x 0.0065 = $130.00
    mixed   Aug 10,000 - 10,000 -> $0.00              Sep (5,000 + 12,000 - 10,000) x 0.0065 = $45.50
            logs (80 - 50) x 0.50 = $15.00            logs (120 - 100) x 0.50 = $10.00; traces 11 x 0.50 = $5.50
    gone    Aug (15,000 - 10,000) x 0.008 = $40.00    Sep -
    (+ $19.00 platform fee for each organization in each month it has usage)

The changes, by chain substitution (allowance, then price, then usage; metrics usage: series at
last month's DPM per series, then DPM):

    series metrics: price step 20,000 at Sep's price = $65.00: price -15.00; usage +65.01, all series
        (the series-changed step is 30,001, this month's usage): +50.01 = -15.00 + 65.01
    dpm metrics: price -15.00; usage +65.00, all DPM (the active series did not move): +50.00
    mixed metrics: price step 10,000 -> $0.00: price 0.00; series step 5,000 + 4,000 = 9,000, under
        the allowance: series 0.00; DPM +45.50
    mixed logs: allowance step 80 GB with 100 included = $0.00: allowance -15.00; usage +10.00
    mixed traces (new): usage +5.50
    gone metrics (gone): at August's allowance and price, usage -40.00; its stack's active series
        went to 0, so series -40.00, DPM 0.00
    gone fee (gone): usage -19.00
    every other fee: 0.00

The what-if (one row per stack-month whose DPM sets its bill: d1 and m2 in September):

    d1: 20,000 series -> (20,000 - 10,000) x 0.0065 = $65.00 instead of $130.00: saving $65.00
    m2: 5,000 + 4,000 = 9,000 series, under the 10,000 included: $0.00 instead of $45.50: saving
        $45.50 (not 8,000 x 0.0065 = $52.00: the allowance is the organization's, applied once).
        m2's share of the $45.50 as billed: 4,550 cents x 12,000 / 17,000 = 3,211.76 -> 3,211, m1
        1,338.24 -> 1,338, the leftover cent to the larger remainder (m2): $32.12 and $13.38.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from harness import ROOT, Project

GB = 1_000_000_000
AUGUST = ("2024-08-01", "2024-09-01")
SEPTEMBER = ("2024-09-01", "2024-10-01")


def constant(stack_id: str, month: tuple[str, str], series: int, dpm_per_series: float) -> str:
    return f"""
        select
            '{stack_id}' as stack_id,
            strftime(ts, '%Y-%m-%d %H:%M:%S') as sampled_at,
            cast({series} as double) as active_series,
            {series} * {dpm_per_series} / 60.0 as samples_per_second
        from range(timestamp '{month[0]}', timestamp '{month[1]}', interval 1 minute) as t(ts)
    """


def price_book() -> list[dict]:
    """The shipped price book, with the Pro logs allowance raised from 50 to 100 GB on 2024-09-01."""
    with (ROOT / "seeds" / "reference" / "grafana_cloud_price_book.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    changed = []
    for row in rows:
        if row["sku"] == "logs_ingested_gb" and row["plan"] == "pro":
            changed.append({**row, "effective_to": "2024-09-01"})
            changed.append({**row, "included_quantity": "100", "effective_from": "2024-09-01", "effective_to": ""})
        else:
            changed.append(row)
    return changed


def plant(project: Project) -> None:
    """The two months above, in an export-mode project (also built on Spark:
    tests/spark/test_changes_engines.py)."""
    project.write_price_book(price_book())
    orgs = ["series", "dpm", "mixed", "gone", "late"]
    project.write_rows(
        "grafana_cloud_organizations",
        [{"org_slug": org, "org_name": org.title(), "plan": "pro", "included_dpm_per_series": 1} for org in orgs],
    )
    stacks = {"s1": "series", "d1": "dpm", "m1": "mixed", "m2": "mixed", "g1": "gone", "l1": "late"}
    project.write_rows(
        "grafana_cloud_stacks",
        [{"stack_id": stack, "stack_slug": f"{org}-{stack}", "org_slug": org} for stack, org in stacks.items()],
    )
    project.write_sql(
        "grafana_cloud_metrics_usage",
        "\nunion all\n".join(
            [
                constant("s1", AUGUST, 20_000, 1),
                constant("s1", SEPTEMBER, 30_001, 1),
                constant("d1", AUGUST, 20_000, 1),
                constant("d1", SEPTEMBER, 20_000, 1.5),
                constant("m1", AUGUST, 6_000, 1),
                constant("m1", SEPTEMBER, 5_000, 1),
                constant("m2", AUGUST, 4_000, 1),
                constant("m2", SEPTEMBER, 4_000, 3),
                constant("g1", AUGUST, 15_000, 1),
                constant("l1", SEPTEMBER, 12_000, 1),
            ]
        ),
    )
    project.write_rows(
        "grafana_cloud_ingestion_usage",
        [
            {"stack_id": "m1", "signal": "logs", "usage_start": "2024-08-10 00:00:00", "ingested_bytes": 80 * GB},
            {"stack_id": "m1", "signal": "logs", "usage_start": "2024-09-10 00:00:00", "ingested_bytes": 120 * GB},
            {"stack_id": "m1", "signal": "traces", "usage_start": "2024-09-10 00:00:00", "ingested_bytes": 61 * GB},
        ],
    )


@pytest.fixture(scope="module")
def changes(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("cost_changes"), mode="export")
    plant(project)
    project.build()
    return project


def change_rows(project: Project) -> dict[tuple[str, str], dict]:
    rows = project.rows("select * from fct_grafana_cloud_cost_changes")
    return {(row["org_slug"], row["sku"]): row for row in rows}


D = Decimal
EFFECTS = ["cost_change_usd", "allowance_effect_usd", "price_effect_usd", "usage_effect_usd", "series_effect_usd", "dpm_effect_usd"]

# (org, sku): status, last month's cost, this month's cost, then the effects in EFFECTS' order
EXPECTED_CHANGES = {
    ("series", "metrics_active_series"): ("continued", "80.00", "130.01", "50.01", "0.00", "-15.00", "65.01", "65.01", "0.00"),
    ("series", "platform_fee"): ("continued", "19.00", "19.00", "0.00", "0.00", "0.00", "0.00", None, None),
    ("dpm", "metrics_active_series"): ("continued", "80.00", "130.00", "50.00", "0.00", "-15.00", "65.00", "0.00", "65.00"),
    ("dpm", "platform_fee"): ("continued", "19.00", "19.00", "0.00", "0.00", "0.00", "0.00", None, None),
    ("mixed", "metrics_active_series"): ("continued", "0.00", "45.50", "45.50", "0.00", "0.00", "45.50", "0.00", "45.50"),
    ("mixed", "logs_ingested_gb"): ("continued", "15.00", "10.00", "-5.00", "-15.00", "0.00", "10.00", None, None),
    ("mixed", "traces_ingested_gb"): ("new", "0.00", "5.50", "5.50", "0.00", "0.00", "5.50", None, None),
    ("mixed", "platform_fee"): ("continued", "19.00", "19.00", "0.00", "0.00", "0.00", "0.00", None, None),
    ("gone", "metrics_active_series"): ("gone", "40.00", "0.00", "-40.00", "0.00", "0.00", "-40.00", "-40.00", "0.00"),
    ("gone", "platform_fee"): ("gone", "19.00", "0.00", "-19.00", "0.00", "0.00", "-19.00", None, None),
}


def test_every_line_of_september_is_compared_with_august(changes: Project) -> None:
    rows = change_rows(changes)
    # the late organization's first month and every organization's August have no row
    assert set(rows) == set(EXPECTED_CHANGES)
    assert {row["billing_month"].isoformat() for row in rows.values()} == {"2024-09-01"}


@pytest.mark.parametrize(("key", "expected"), EXPECTED_CHANGES.items(), ids=lambda v: "-".join(v) if isinstance(v, tuple) and len(v) == 2 else None)
def test_each_change_is_split_exactly(changes: Project, key: tuple[str, str], expected: tuple) -> None:
    row = change_rows(changes)[key]
    status, previous_cost, cost, *effects = expected
    assert row["change_status"] == status
    assert row["previous_cost_usd"] == D(previous_cost)
    assert row["cost_usd"] == D(cost)
    assert [row[name] for name in EFFECTS] == [None if value is None else D(value) for value in effects]


def test_the_organizations_bills_move_by_the_sum_of_their_lines(changes: Project) -> None:
    totals = dict(
        changes.query("select org_slug, sum(cost_change_usd) from fct_grafana_cloud_cost_changes group by org_slug")
    )
    # series 149.01 - 99.00; dpm 149.00 - 99.00; mixed 80.00 - 34.00; gone 0.00 - 59.00
    assert totals == {"series": D("50.01"), "dpm": D("50.00"), "mixed": D("46.00"), "gone": D("-59.00")}
    bills = dict(
        changes.query(
            "select org_slug || ' ' || strftime(billing_month, '%Y-%m'), sum(cost_usd) from fct_grafana_cloud_costs"
            " group by all"
        )
    )
    assert bills["mixed 2024-08"] == D("34.00") and bills["mixed 2024-09"] == D("80.00")


def test_the_scrape_interval_saving_is_recomputed_through_the_bill(changes: Project) -> None:
    rows = changes.rows("select * from fct_grafana_cloud_scrape_interval_savings order by stack_id")
    # s1 and m1 bill their series (DPM equals series up to samples/s x 60 noise); August is all 1 DPM
    assert [(row["billing_month"].isoformat(), row["stack_id"]) for row in rows] == [
        ("2024-09-01", "d1"),
        ("2024-09-01", "m2"),
    ]
    d1, m2 = rows
    assert (d1["billable_series"], d1["billable_series_at_included_dpm"]) == (30_000, 20_000)
    assert (d1["org_billable_series"], d1["org_billable_series_at_included_dpm"]) == (D("30000"), D("20000"))
    assert (d1["cost_usd"], d1["cost_at_included_dpm_usd"], d1["saving_usd"]) == (D("130.00"), D("65.00"), D("65.00"))
    assert (d1["stack_cost_usd"], d1["stack_cost_at_included_dpm_usd"]) == (D("130.00"), D("65.00"))
    assert (m2["billable_series"], m2["billable_series_at_included_dpm"]) == (12_000, 4_000)
    assert (m2["org_billable_series"], m2["org_billable_series_at_included_dpm"]) == (D("17000"), D("9000"))
    assert (m2["cost_usd"], m2["cost_at_included_dpm_usd"], m2["saving_usd"]) == (D("45.50"), D("0.00"), D("45.50"))
    assert (m2["stack_cost_usd"], m2["stack_cost_at_included_dpm_usd"]) == (D("32.12"), D("0.00"))


def explain(project: Project, stack: str, month: str = "2024-09") -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "grafana_cloud_costs", "explain", stack, "--month", month, "--database", str(project.database)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )
    return completed.stdout


def test_explain_compares_the_stack_and_its_organization_with_last_month(changes: Project) -> None:
    output = explain(changes, "mixed-m2")
    lines = [line.rstrip() for line in output.splitlines()]
    start = lines.index("Compared with last month (2024-08)")
    section = lines[start:]
    assert section[1] == "  organization mixed: $34.00 -> $80.00, +$46.00"
    rows = {line.split()[0]: line.split()[1:] for line in section[4:9]}
    assert rows["metrics_active_series"] == ["$0.00", "$45.50", "+$45.50", "+$0.00", "+$0.00", "+$45.50", "+$0.00", "+$45.50"]
    assert rows["logs_ingested_gb"] == ["$15.00", "$10.00", "-$5.00", "-$15.00", "+$0.00", "+$10.00"]
    assert rows["traces_ingested_gb"] == ["(new)", "$0.00", "$5.50", "+$5.50", "+$0.00", "+$0.00", "+$5.50"]
    assert rows["platform_fee"] == ["$19.00", "$19.00", "+$0.00", "+$0.00", "+$0.00", "+$0.00"]
    assert rows["total"] == ["$34.00", "$80.00", "+$46.00", "-$15.00", "+$0.00", "+$61.00"]
    # the stack's own share: $0.00 of August's $0.00, $32.12 of September's $45.50
    share = section.index("  this stack's share of each line (charges are priced per organization, then shared)")
    assert section[share + 2].split() == ["metrics_active_series", "$0.00", "$32.12", "+$32.12"]
    assert section[share + 3].split() == ["total", "$0.00", "$32.12", "+$32.12"]
    assert section[share + 4] == "  its metrics: p95 active series 4,000.00 -> 4,000.00; billable series 4,000.00 -> 12,000.00"
    assert section[share + 5] == (
        "    (1.00 -> 3.00 billable per active series: its DPM per series moved, at the same active series)"
    )
    # the what-if, in the metrics section
    assert "    $0.00 instead of $45.50: $45.50 less (this stack's share $0.00 instead of $32.12)" in lines


def test_explain_says_when_there_is_nothing_to_compare(changes: Project) -> None:
    output = explain(changes, "l1")
    assert "  organization late has no bill for 2024-08 in the data: nothing to compare." in output


def test_explain_of_a_series_driven_stack(changes: Project) -> None:
    lines = explain(changes, "s1").splitlines()
    assert "  its metrics: p95 active series 20,000.00 -> 30,001.00; billable series 20,000.00 -> 30,001.00" in lines
    assert "    (1.00 -> 1.00 billable per active series: its active series moved, at the same DPM per series)" in lines
    row = next(line for line in lines if line.startswith("  metrics_active_series") and "+$50.01" in line)
    assert row.split()[1:] == ["$80.00", "$130.01", "+$50.01", "+$0.00", "-$15.00", "+$65.01", "+$65.01", "+$0.00"]
