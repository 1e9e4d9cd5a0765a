"""DuckDB and Spark forecast the same open month (`make test-spark`; not part of `make test`).

The open month of tests/e2e/open_month.py (as-of 2024-09-16 00:00 inside September 2024, history
from August) is built once with the DuckDB target and once with the Spark target, and every mart
is compared row by row (scripts/compare_engines.py), the month-end forecast, the spike
headroom and the alerts (with budgets and a usage limit that fire) included: the projection's epoch-minute arithmetic, the percentiles over observed and
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
    # budgets and a usage limit that fire, so that fct_grafana_cloud_alerts is compared with rows:
    # steady's $84.00 month to date is above $10; stepup's stacks (the platform fee not theirs)
    # cost $13.00 so far, below $15, and $18.85 projected, above; spiky's 20,000 series are above
    # 15,000 already (stepup's step also uses up its spike headroom)
    project.write_reference("grafana_cloud_budgets", [
        {"org_slug": "steady", "stack_slug": "", "monthly_budget_usd": "10.00", "effective_from": "2024-09-01"},
        {"org_slug": "stepup", "stack_slug": "stepup-%", "monthly_budget_usd": "15.00", "effective_from": "2024-09-01"},
    ])
    project.write_reference("grafana_cloud_usage_limits", [
        {"org_slug": "spiky", "stack_slug": "", "sku": "metrics_active_series", "usage_limit": "15000",
         "effective_from": "2024-09-01"},
    ])
    project.build(vars=OPEN_MONTH_VARS)
    spark_build(project, "--exclude", "resource_type:unit_test", vars=OPEN_MONTH_VARS)
    assert_engines_agree(project, "an open month: the month-end forecast and the spike headroom")
    forecast = project.query("select count(*) from main.fct_grafana_cloud_month_forecast")[0][0]
    headroom = project.query("select count(*) from main.fct_grafana_cloud_spike_headroom")[0][0]
    assert forecast > 0 and headroom > 0
    alert_types = {row[0] for row in project.query("select alert_type from main.fct_grafana_cloud_alerts")}
    assert alert_types == {
        "budget_exceeded", "budget_forecast_exceeded", "usage_limit_forecast_exceeded", "spike_headroom_exhausted"
    }, alert_types
