"""The recomputed bill against Grafana's invoice (Cloud API billed-usage responses).

Grafana's own example figures (../shared/docs/grafana-cloud-billing.md) are written as an invoice
by hand and must reconcile with usage that produces them; the sample invoice must reconcile with
the sample month; and a fixture with one wrong amount must fail the build naming the line.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from harness import ROOT, Project

GB = 1_000_000_000


def item(name: str, total, included, overage, amount, usages: list[dict] | None = None) -> dict:
    return {
        "dimensionName": name,
        "unit": "units",
        "includedUsage": included,
        "totalUsage": total,
        "overage": overage,
        "orgRates": {"tiers": [{"min": 0, "rate": 1}]},
        "amountDue": amount,
        "periodStart": "2024-09-01T00:00:00Z",
        "periodEnd": "2024-09-30T23:59:59Z",
        "description": f"{name} - September 2024",
        "usages": usages or [],
    }


@pytest.fixture(scope="module")
def api_example(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("api_example"), mode="export")
    project.write_rows(
        "grafana_cloud_organizations",
        [{"org_slug": "api", "org_name": "API", "plan": "pro", "included_dpm_per_series": 1}],
    )
    project.write_rows(
        "grafana_cloud_stacks",
        [{"stack_id": "11", "stack_slug": "api-a", "org_slug": "api"},
         {"stack_id": "12", "stack_slug": "api-b", "org_slug": "api"}],
    )
    # 100,000.50 + 29,755.22 = 129,755.72 billable series (constant, no DPM)
    project.write_sql(
        "grafana_cloud_metrics_usage",
        """
        select stack_id, strftime(ts, '%Y-%m-%d %H:%M:%S') as sampled_at, series as active_series,
            0.0 as samples_per_second
        from range(timestamp '2024-09-01', timestamp '2024-10-01', interval 1 hour) as t(ts)
        cross join (values ('11', 100000.50), ('12', 29755.22)) as s(stack_id, series)
        """,
    )
    project.write_rows(
        "grafana_cloud_ingestion_usage",
        [{"stack_id": "11", "signal": "logs", "usage_start": "2024-09-02 00:00:00", "ingested_bytes": 251_021_000_000}],
    )
    project.write_rows(
        "grafana_cloud_user_activity",
        [{"stack_id": "11", "user_id": f"user{n}", "activity_at": "2024-09-03 09:00:00", "activity_type": "login"}
         for n in range(14)],
    )
    # Grafana's figures, as the Cloud API example states them
    project.write_invoice(
        "api",
        "2024-09",
        {
            "items": [
                item("Metrics", 129755.72, 10000, 119756, 778.41,
                     [{"stackId": 11, "stackName": "api-a", "totalUsage": 100000.5},
                      {"stackId": 12, "stackName": "api-b", "totalUsage": 29755.22}]),
                item("Logs", 251.021, 50, 201, 100.50,
                     [{"stackId": 11, "stackName": "api-a", "totalUsage": 251.021}]),
                item("Grafana Users", 14, 3, 11, 88.00),
                # a dimension this project does not model, at no cost
                item("Synthetic Monitoring", 0, 100000, 0, 0),
            ]
        },
    )
    project.build()
    return project


def test_cloud_api_example_reconciles(api_example: Project) -> None:
    rows = {
        row["dimension_name"]: row
        for row in api_example.rows("select * from fct_grafana_cloud_invoice_reconciliation")
    }
    assert {name: row["status"] for name, row in rows.items()} == {
        "Metrics": "matched",
        "Logs": "matched",
        "Grafana Users": "matched",
        "Synthetic Monitoring": "unmapped_dimension",
    }
    metrics = rows["Metrics"]
    assert metrics["recomputed_usage_quantity"] == Decimal("129755.72")
    assert metrics["invoiced_total_usage"] == Decimal("129755.72")
    assert metrics["recomputed_billable_quantity"] == metrics["invoiced_overage"] == Decimal("119756")
    assert metrics["recomputed_amount_usd"] == metrics["invoiced_amount_due"] == Decimal("778.41")
    assert metrics["amount_difference_usd"] == 0
    assert rows["Logs"]["recomputed_amount_usd"] == Decimal("100.50")
    assert rows["Grafana Users"]["recomputed_amount_usd"] == Decimal("88.00")


def test_cloud_api_example_stacks_reconcile(api_example: Project) -> None:
    assert sorted(
        api_example.query(
            "select sku, stack_id, recomputed_usage_quantity, invoiced_total_usage, status"
            " from fct_grafana_cloud_invoice_stack_reconciliation"
        )
    ) == [
        ("logs_ingested_gb", "11", Decimal("251.021"), Decimal("251.021"), "matched"),
        ("metrics_active_series", "11", Decimal("100000.5"), Decimal("100000.5"), "matched"),
        ("metrics_active_series", "12", Decimal("29755.22"), Decimal("29755.22"), "matched"),
    ]


def test_the_sample_invoice_matches_the_sample_month(sample_project: Project) -> None:
    project = sample_project
    statuses = project.query(
        "select org_slug, status, count(*) from fct_grafana_cloud_invoice_reconciliation group by all order by all"
    )
    assert statuses == [("acme", "matched", 6), ("globex", "matched", 8)]
    assert project.query(
        "select status, count(*) from fct_grafana_cloud_invoice_stack_reconciliation group by all"
    ) == [("matched", 23)]


def test_a_wrong_invoice_amount_fails_the_build_naming_the_line(tmp_path: Path) -> None:
    project = Project(tmp_path, mode="seeds", keep_sample=True)
    fixture = ROOT / "tests" / "fixtures" / "billed_usage_mismatch"
    result = project.build(vars={"grafana_cloud_billed_usage_path": str(fixture)}, expect_success=False)
    assert not result.ok
    assert "1 invoice line(s) differ from the recomputed bill" in result.output
    assert "org acme, 2024-09, Logs: recomputed $106.50, invoiced $110.50 (amount_mismatch): 1 row" in result.output
    line = project.rows(
        "select * from fct_grafana_cloud_invoice_reconciliation where dimension_name = 'Logs' and org_slug = 'acme'"
    )[0]
    assert line["amount_difference_usd"] == Decimal("-4.00")
    assert line["status"] == "amount_mismatch"
