"""DuckDB and Spark forecast the same open month (`make test-spark`; not part of `make test`).

The open month of tests/e2e/open_month.py (as-of 2024-09-16 00:00 inside September 2024, history
from August) is built once with the DuckDB target and once with the Spark target, and every mart
is compared row by row (scripts/compare_engines.py), the month-end forecast and the spike
headroom included: the projection's epoch-minute arithmetic, the percentiles over observed and
projected minutes, the rates and the bill's pricing macros must give the same cents on both.
The exact figures themselves are asserted on DuckDB by tests/e2e/test_forecast.py.
"""

from __future__ import annotations

from pathlib import Path

from test_engines_agree import assert_engines_agree, spark_build

from harness import Project  # noqa: E402  (tests/e2e is on sys.path through test_engines_agree)
from open_month import OPEN_MONTH_VARS, write_open_month  # noqa: E402


def test_open_month_forecast_agrees(tmp_path: Path) -> None:
    project = Project(tmp_path / "open_month", mode="export")
    write_open_month(project)
    project.build(vars=OPEN_MONTH_VARS)
    spark_build(project, "--exclude", "resource_type:unit_test", vars=OPEN_MONTH_VARS)
    assert_engines_agree(project, "an open month: the month-end forecast and the spike headroom")
    forecast = project.query("select count(*) from main.fct_grafana_cloud_month_forecast")[0][0]
    headroom = project.query("select count(*) from main.fct_grafana_cloud_spike_headroom")[0][0]
    assert forecast > 0 and headroom > 0
