"""DuckDB and Spark explain a bill's change and price the scrape-interval what-if alike
(`make test-spark`; not part of `make test`).

The two closed months of tests/e2e/test_cost_changes.py (a price change, an allowance change, a
series-driven and a DPM-driven organization, a line new and an organization gone, two DPM-bound
stacks), built once on each engine; every mart is compared row by row, and the two marts of issue
16 items 4-5 must hold the hand-worked rows on Spark too.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "tests" / "spark"))

pytest.importorskip("pyspark", reason="make setup-spark installs dbt-spark and PySpark")

from harness import Project  # noqa: E402
from test_engines_agree import assert_engines_agree, spark_build  # noqa: E402


def test_cost_changes_and_savings_agree(tmp_path: Path) -> None:
    import test_cost_changes as changes

    project = Project(tmp_path / "changes", mode="export")
    changes.plant(project)
    project.build()
    spark_build(project, "--exclude", "resource_type:unit_test")
    assert_engines_agree(project, "cost changes and scrape-interval savings (two closed months)")
    # the comparison is not of two empty tables: the DuckDB side holds the hand-worked rows
    assert project.query("select count(*) from fct_grafana_cloud_cost_changes") == [(len(changes.EXPECTED_CHANGES),)]
    assert project.query("select count(*) from fct_grafana_cloud_scrape_interval_savings") == [(2,)]
