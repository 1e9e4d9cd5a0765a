"""A generated export folder (scripts/generate_data.py, `make data`) builds cleanly, and the same
data as Parquet and as CSV gives identical marts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harness import ROOT, Project
from test_repeatability import snapshot

STACKS, DAYS = 20, 3


def generate(out: Path, file_format: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "generate_data.py"), "--stacks", str(STACKS), "--days-to", str(DAYS),
         "--format", file_format, "--out", str(out)],
        check=True,
        capture_output=True,
        text=True,
    )


def build_from(tmp_path: Path, folder: Path) -> Project:
    project = Project(tmp_path, mode="export")
    project.export_dir = folder
    project.build()
    return project


@pytest.fixture(scope="module")
def parquet_and_csv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Project]:
    data = tmp_path_factory.mktemp("generated")
    generate(data / "parquet", "parquet")
    generate(data / "csv", "csv")
    return (
        build_from(tmp_path_factory.mktemp("from_parquet"), data / "parquet"),
        build_from(tmp_path_factory.mktemp("from_csv"), data / "csv"),
    )


def test_generated_data_builds_with_nothing_quarantined(parquet_and_csv) -> None:
    parquet, _ = parquet_and_csv
    assert parquet.query("select count(*) from audit_grafana_cloud_rejected_rows") == [(0,)]
    counts = {row["source_table"]: row for row in parquet.rows("select * from audit_grafana_cloud_row_counts")}
    metrics = counts["grafana_cloud_metrics_usage"]
    # about 20 stacks x 3 days x 1,440 minutes, with missing minutes, duplicates and extra samples
    assert 70_000 < metrics["raw_row_count"] < 90_000
    assert metrics["exact_duplicate_row_count"] > 0
    # every product shows up in the cost fact
    services = {row[0] for row in parquet.query("select distinct service from fct_grafana_cloud_costs")}
    assert services >= {"Metrics", "Logs", "Traces", "Profiles", "Grafana", "IRM", "k6", "Platform"}
    # the bill is the sum of its stack lines, per organization
    assert parquet.query(
        """
        select count(*) from (
            select lines.org_slug, lines.sku, lines.cost_usd, sum(costs.cost_usd) as allocated
            from fct_grafana_cloud_invoice_lines as lines
            left join fct_grafana_cloud_costs as costs using (billing_month, org_slug, sku, charge_type)
            group by all
        ) where cost_usd is distinct from allocated
        """
    ) == [(0,)]


def test_csv_and_parquet_exports_give_identical_marts(parquet_and_csv) -> None:
    parquet, csv = parquet_and_csv
    left, right = snapshot(parquet), snapshot(csv)
    for mart, rows in left.items():
        assert rows == right[mart], f"{mart} differs between the Parquet and the CSV export"
    assert len(left["fct_grafana_cloud_costs"]) > 50
