"""End to end: `grafana-cloud-costs extract` from the stand-in, `dbt build` on the folder it wrote,
and the bill equals figures worked out by hand; the billed-usage JSON the stand-in served reconciles.

One organization (acme, Pro, 1 included DPM per series, as Grafana reports it), September 2024,
the stand-in's two stacks: 101 (a Prometheus instance 1101 and a Graphite instance 4101, logs 2101,
traces 3101) and 102 (Prometheus 1102, logs 2102), deleted at 2024-09-30 12:00 (its series stop).
Pro price book: $6.50 per 1,000 series over 10,000; $0.50 per GB over 50; Grafana users $8 over 3;
IRM $20 over 3; k6 $0.15 per VUh over 500; platform fee $19.

- Metrics. 101: 20,000 + 5,000 series (its two instances summed), except one hour on the 15th at
  100,000 + 5,000: 60 of 43,200 minutes, inside the forgiven top 5 % (2,160 minutes), so the p95 is
  25,000; 300 samples/s = 18,000 DPM < 25,000 series: 25,000 billable. 102: 10,000 series and 500
  samples/s = 30,000 DPM until its deletion: 30,000 billable (DPM / 1). Org: 55,000 - 10,000 =
  45,000 x $0.0065 = $292.50, split 25 : 30 in cents: 13,295.45 and 15,954.55 -> $132.95 and
  $159.55 (the leftover cent to the larger remainder).
- Logs. 101: 100,000 B/s for 720 hours = 259,200,000,000 bytes; 102: 20,000 B/s for 708 hours (until the
  30th at 12:00) = 50,976,000,000 bytes. Org 310.176 GB -> 310 - 50 = 260 x $0.50 = $130.00, split
  259.2 : 50.976 in cents: 10,863.51 and 2,136.49 -> $108.64 and $21.36.
- Traces. 101: 10,000 B/s = 25.92 GB, within the 50 included: $0.
- Grafana users (counts). The organization's month-to-date count grows to 12 (its latest sample in
  September); 101 counted 8 and 102 4: (12 - 3) x $8 = $72, 8 users and $48 to 101, 4 and $24 to 102.
- IRM users (counts): 2, within the 3 included: $0, on a stack-less line.
- k6 (counts): 101's cumulative VUh is 600 at the month's end: (600 - 500) x $0.15 = $15.00.
- Platform fee $19. Total $528.50.
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from dataset import TOKEN, ts
from standin import FIXTURES, Series, StandIn, serve

from grafana_cloud_costs import cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))
from harness import Project  # noqa: E402

SEP, OCT = ts("2024-09-01T00:00:00"), ts("2024-10-01T00:00:00")
DELETED = ts("2024-09-30T12:00:00")
SPIKE = (ts("2024-09-15T12:00:00"), ts("2024-09-15T13:00:00"))


def until_deleted(value: str):
    return lambda t: value if t < DELETED else None


def month() -> list[Series]:
    return [
        Series("grafanacloud_instance_active_series", {"id": "1101"},
               lambda t: "100000" if SPIKE[0] <= t < SPIKE[1] else "20000"),
        Series("grafanacloud_instance_active_series", {"id": "4101"}, lambda t: "5000"),
        Series("grafanacloud_instance_active_series", {"id": "1102"}, until_deleted("10000")),
        Series("grafanacloud_instance_samples_per_second", {"id": "1101"}, lambda t: "300"),
        Series("grafanacloud_instance_samples_per_second", {"id": "4101"}, lambda t: "0"),
        Series("grafanacloud_instance_samples_per_second", {"id": "1102"}, until_deleted("500")),
        Series("grafanacloud_logs_instance_bytes_received_per_second", {"id": "2101"}, lambda t: "100000"),
        Series("grafanacloud_logs_instance_bytes_received_per_second", {"id": "2102"}, until_deleted("20000")),
        Series("grafanacloud_traces_instance_bytes_received_per_second", {"id": "3101"}, lambda t: "10000"),
        Series("grafanacloud_org_metrics_included_dpm_per_series", {"org_id": "652992"}, lambda t: "1"),
        Series("grafanacloud_org_grafana_billable_users", {"org_id": "652992"},
               lambda t: str(min(12, (t - SEP) // 86400 + 1)) if t < OCT else "1"),
        Series("grafanacloud_grafana_instance_billable_users", {"stack_id": "101"}, lambda t: "8"),
        Series("grafanacloud_grafana_instance_billable_users", {"stack_id": "102"}, until_deleted("4")),
        Series("grafanacloud_org_irm_users", {"org_id": "652992"}, lambda t: "2"),
        Series("grafanacloud_k6_stack_virtual_user_hours_usage", {"stack_id": "101"},
               lambda t: "600" if t >= ts("2024-09-20T00:00:00") else "100"),
    ]


def item(dimension: str, unit: str, included: float, total: float, overage: float, amount: float,
         usages: list[tuple[int, float]]) -> dict:
    return {
        "dimensionName": dimension, "unit": unit, "includedUsage": included, "totalUsage": total,
        "overage": overage, "amountDue": amount, "periodStart": "2024-09-01T00:00:00Z",
        "periodEnd": "2024-09-30T23:59:59Z", "description": f"{dimension} - September 2024",
        "usages": [{"stackId": stack, "totalUsage": usage} for stack, usage in usages],
    }


# Grafana's invoice for the month, as the Cloud API would return it (the doc's shape)
INVOICE = {"items": [
    item("Metrics", "series", 10000, 55000, 45000, 292.5, [(101, 25000), (102, 30000)]),
    item("Logs", "GB", 50, 310.176, 260, 130, [(101, 259.2), (102, 50.976)]),
    item("Traces", "GB", 50, 25.92, 0, 0, [(101, 25.92)]),
    item("Grafana Users", "user", 3, 12, 9, 72, [(101, 8), (102, 4)]),
    item("IRM", "user", 3, 2, 0, 0, []),
    item("k6", "VUh", 500, 600, 100, 15, [(101, 600)]),
]}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    stand = StandIn(token=TOKEN, series=month())
    stand.instance_pages = [(FIXTURES / f"instances_acme_page{n}.json").read_bytes() for n in (1, 2)]
    stand.billed_usage[(2024, 9)] = json.dumps(INVOICE).encode()
    server = serve(stand)
    project = Project(tmp_path_factory.mktemp("extract_build"), mode="export")
    out = project.dir / "extracted"
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setenv("GRAFANA_CLOUD_TOKEN", TOKEN)
    try:
        code = cli.main([
            "extract", "--org", "acme", "--from", "2024-09-01", "--to", "2024-10-01", "--out", str(out),
            "--api-url", stand.url, "--prom-url", f"{stand.url}/prom", "--quiet",
        ])
    finally:
        monkeypatch.undo()
        server.shutdown()
        server.server_close()
    assert code == 0
    project.build(vars={"grafana_cloud_raw_path": str(out), "grafana_cloud_as_of": "2024-10-02 00:00:00"})
    return project, out


def test_the_bill_of_an_extracted_month_equals_the_hand_worked_figures(built) -> None:
    project, _ = built
    costs = {
        (row[0], row[1]): (row[2], row[3])
        for row in project.query(
            "select stack_id, sku, usage_quantity, cost_usd from fct_grafana_cloud_costs"
            " where org_slug = 'acme' and billing_month = date '2024-09-01'"
        )
    }
    assert costs == {
        ("101", "metrics_active_series"): (Decimal("25000.000000"), Decimal("132.95")),
        ("102", "metrics_active_series"): (Decimal("30000.000000"), Decimal("159.55")),
        ("101", "logs_ingested_gb"): (Decimal("259.200000"), Decimal("108.64")),
        ("102", "logs_ingested_gb"): (Decimal("50.976000"), Decimal("21.36")),
        ("101", "traces_ingested_gb"): (Decimal("25.920000"), Decimal("0.00")),
        ("101", "grafana_active_users"): (Decimal("8.000000"), Decimal("48.00")),
        ("102", "grafana_active_users"): (Decimal("4.000000"), Decimal("24.00")),
        (None, "irm_active_users"): (Decimal("2.000000"), Decimal("0.00")),
        ("101", "k6_vuh"): (Decimal("600.000000"), Decimal("15.00")),
        (None, "platform_fee"): (Decimal("1.000000"), Decimal("19.00")),
    }
    assert project.query("select sum(cost_usd) from fct_grafana_cloud_costs") == [(Decimal("528.50"),)]
    # the deleted stack, from the Cloud API's status and billingEndDate
    assert project.query(
        "select stack_id, status, is_deleted, cast(deleted_at as varchar) from dim_grafana_cloud_stacks order by 1"
    ) == [("101", "active", False, None), ("102", "deleted", True, "2024-09-30 12:00:00")]
    # included DPM as Grafana reports it
    assert project.query("select plan, included_dpm_per_series from dim_grafana_cloud_organizations") == [("pro", 1)]


def test_the_billed_usage_the_stand_in_served_reconciles(built) -> None:
    project, out = built
    assert json.loads((out / "billed_usage" / "acme" / "2024-09.json").read_text()) == INVOICE
    assert project.query(
        "select dimension_name, status, amount_difference_usd from fct_grafana_cloud_invoice_reconciliation"
        " order by 1"
    ) == [
        ("Grafana Users", "matched", Decimal("0.00")),
        ("IRM", "matched", Decimal("0.00")),
        ("Logs", "matched", Decimal("0.00")),
        ("Metrics", "matched", Decimal("0.00")),
        ("Traces", "matched", Decimal("0.00")),
        ("k6", "matched", Decimal("0.00")),
    ]
    statuses = project.query(
        "select sku, stack_id, status from fct_grafana_cloud_invoice_stack_reconciliation order by 1, 2"
    )
    assert statuses == [
        ("grafana_active_users", "101", "matched"),
        ("grafana_active_users", "102", "matched"),
        ("k6_vuh", "101", "matched"),
        ("logs_ingested_gb", "101", "matched"),
        ("logs_ingested_gb", "102", "matched"),
        ("metrics_active_series", "101", "matched"),
        ("metrics_active_series", "102", "matched"),
        ("traces_ingested_gb", "101", "matched"),
    ]
