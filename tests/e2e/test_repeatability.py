"""Repeatable builds, a stable public interface, and vars that cannot inject SQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness import Project

# The public marts: their columns and types are what analysts and dashboards depend on. A change
# here must be deliberate (and documented in docs/outputs.md), never a side effect.
PUBLIC_COLUMNS = {
    "fct_grafana_cloud_costs": [
        ("billing_month", "DATE"), ("org_slug", "VARCHAR"), ("stack_id", "VARCHAR"), ("sku", "VARCHAR"),
        ("charge_type", "VARCHAR"), ("service", "VARCHAR"), ("category", "VARCHAR"), ("usage_unit", "VARCHAR"),
        ("usage_quantity", "DECIMAL(38,6)"), ("included_quantity", "DECIMAL(38,6)"),
        ("billable_quantity", "DECIMAL(38,6)"), ("unit_price_usd", "DECIMAL(18,8)"), ("cost_usd", "DECIMAL(18,2)"),
    ],
    "fct_grafana_cloud_metrics_usage": [
        ("billing_month", "DATE"), ("org_slug", "VARCHAR"), ("stack_id", "VARCHAR"), ("sample_count", "BIGINT"),
        ("expected_sample_count", "BIGINT"), ("sample_coverage", "DOUBLE"), ("p95_active_series", "DOUBLE"),
        ("p95_dpm", "DOUBLE"), ("included_dpm_per_series", "BIGINT"), ("billable_series", "DOUBLE"),
    ],
    "fct_grafana_cloud_invoice_lines": [
        ("billing_month", "DATE"), ("org_slug", "VARCHAR"), ("sku", "VARCHAR"), ("charge_type", "VARCHAR"),
        ("plan", "VARCHAR"), ("service", "VARCHAR"), ("category", "VARCHAR"), ("usage_unit", "VARCHAR"),
        ("usage_quantity", "DECIMAL(38,6)"), ("billed_usage_quantity", "DECIMAL(38,6)"),
        ("included_quantity", "DECIMAL(38,6)"), ("billable_quantity", "DECIMAL(38,6)"),
        ("unit_price_usd", "DECIMAL(18,8)"), ("cost_usd", "DECIMAL(18,2)"),
    ],
    "fct_grafana_cloud_cost_changes": [
        ("billing_month", "DATE"), ("org_slug", "VARCHAR"), ("sku", "VARCHAR"), ("charge_type", "VARCHAR"),
        ("plan", "VARCHAR"), ("service", "VARCHAR"), ("category", "VARCHAR"), ("usage_unit", "VARCHAR"),
        ("change_status", "VARCHAR"), ("previous_usage_quantity", "DECIMAL(38,6)"),
        ("usage_quantity", "DECIMAL(38,6)"), ("series_changed_usage_quantity", "DECIMAL(38,6)"),
        ("previous_included_quantity", "DECIMAL(38,6)"), ("included_quantity", "DECIMAL(38,6)"),
        ("previous_unit_price_usd", "DECIMAL(18,8)"), ("unit_price_usd", "DECIMAL(18,8)"),
        ("previous_cost_usd", "DECIMAL(18,2)"), ("cost_usd", "DECIMAL(18,2)"), ("cost_change_usd", "DECIMAL(18,2)"),
        ("allowance_effect_usd", "DECIMAL(18,2)"), ("price_effect_usd", "DECIMAL(18,2)"),
        ("usage_effect_usd", "DECIMAL(18,2)"), ("series_effect_usd", "DECIMAL(18,2)"),
        ("dpm_effect_usd", "DECIMAL(18,2)"),
    ],
    "fct_grafana_cloud_scrape_interval_savings": [
        ("billing_month", "DATE"), ("org_slug", "VARCHAR"), ("stack_id", "VARCHAR"), ("p95_active_series", "DOUBLE"),
        ("p95_dpm", "DOUBLE"), ("included_dpm_per_series", "BIGINT"), ("billable_series", "DOUBLE"),
        ("billable_series_at_included_dpm", "DOUBLE"), ("org_billable_series", "DECIMAL(38,6)"),
        ("org_billable_series_at_included_dpm", "DECIMAL(38,6)"), ("cost_usd", "DECIMAL(18,2)"),
        ("cost_at_included_dpm_usd", "DECIMAL(18,2)"), ("saving_usd", "DECIMAL(18,2)"),
        ("stack_cost_usd", "DECIMAL(18,2)"), ("stack_cost_at_included_dpm_usd", "DECIMAL(18,2)"),
    ],
    "fct_grafana_cloud_usage": [
        ("billing_month", "DATE"), ("org_slug", "VARCHAR"), ("stack_id", "VARCHAR"), ("usage_metric", "VARCHAR"),
        ("service", "VARCHAR"), ("usage_unit", "VARCHAR"), ("usage_quantity", "DECIMAL(38,6)"),
    ],
    "fct_grafana_cloud_costs_by_tag": [
        ("billing_month", "DATE"), ("tag_key", "VARCHAR"), ("tag_value", "VARCHAR"), ("cost_usd", "DECIMAL(18,2)"),
        ("cost_line_count", "BIGINT"),
    ],
    "fct_grafana_cloud_invoice_reconciliation": [
        ("billing_month", "DATE"), ("org_slug", "VARCHAR"), ("dimension_name", "VARCHAR"), ("sku", "VARCHAR"),
        ("recomputed_usage_quantity", "DECIMAL(38,6)"), ("recomputed_billed_usage_quantity", "DECIMAL(38,6)"),
        ("recomputed_included_quantity", "DECIMAL(38,6)"), ("recomputed_billable_quantity", "DECIMAL(38,6)"),
        ("recomputed_amount_usd", "DECIMAL(18,2)"), ("invoiced_total_usage", "DECIMAL(38,6)"),
        ("invoiced_included_usage", "DECIMAL(38,6)"), ("invoiced_overage", "DECIMAL(38,6)"),
        ("invoiced_amount_due", "DECIMAL(18,2)"), ("usage_difference", "DECIMAL(38,6)"),
        ("overage_difference", "DECIMAL(38,6)"), ("amount_difference_usd", "DECIMAL(18,2)"), ("status", "VARCHAR"),
    ],
    "fct_grafana_cloud_invoice_stack_reconciliation": [
        ("billing_month", "DATE"), ("org_slug", "VARCHAR"), ("sku", "VARCHAR"), ("stack_id", "VARCHAR"),
        ("stack_name", "VARCHAR"), ("recomputed_usage_quantity", "DECIMAL(38,6)"),
        ("invoiced_total_usage", "DECIMAL(38,6)"), ("usage_difference", "DECIMAL(38,6)"), ("status", "VARCHAR"),
    ],
    "fct_grafana_cloud_month_forecast": [
        ("billing_month", "DATE"), ("org_slug", "VARCHAR"), ("stack_id", "VARCHAR"), ("sku", "VARCHAR"),
        ("service", "VARCHAR"), ("category", "VARCHAR"), ("usage_unit", "VARCHAR"), ("as_of", "TIMESTAMP"),
        ("month_to_date_usage", "DECIMAL(38,6)"), ("month_to_date_cost_usd", "DECIMAL(18,2)"),
        ("projected_usage", "DECIMAL(38,6)"), ("projected_cost_usd", "DECIMAL(18,2)"),
        ("projected_cost_low_usd", "DECIMAL(18,2)"), ("projected_cost_high_usd", "DECIMAL(18,2)"),
        ("projected_usage_low", "DECIMAL(38,6)"), ("projected_usage_high", "DECIMAL(38,6)"),
    ],
    "fct_grafana_cloud_spike_headroom": [
        ("billing_month", "DATE"), ("stack_id", "VARCHAR"), ("org_slug", "VARCHAR"), ("as_of", "TIMESTAMP"),
        ("month_minutes", "BIGINT"), ("observed_minutes", "BIGINT"), ("projected_minutes", "BIGINT"),
        ("forgiven_minutes", "BIGINT"), ("minutes_above_projected_level", "BIGINT"), ("headroom_minutes", "BIGINT"),
        ("spike_cost_threshold_series", "DECIMAL(38,6)"), ("spike_cost_threshold_dpm", "DECIMAL(38,6)"),
    ],
    "dim_grafana_cloud_organizations": [
        ("org_slug", "VARCHAR"), ("org_name", "VARCHAR"), ("plan", "VARCHAR"), ("is_billed", "BOOLEAN"),
        ("included_dpm_per_series", "BIGINT"), ("stack_count", "BIGINT"),
    ],
    "dim_grafana_cloud_stacks": [
        ("stack_id", "VARCHAR"), ("org_slug", "VARCHAR"), ("stack_slug", "VARCHAR"), ("org_name", "VARCHAR"),
        ("plan", "VARCHAR"), ("status", "VARCHAR"), ("is_deleted", "BOOLEAN"), ("created_at", "TIMESTAMP"),
        ("deleted_at", "TIMESTAMP"),
    ],
    "dim_grafana_cloud_users": [
        ("user_id", "VARCHAR"), ("first_active_month", "DATE"), ("last_active_month", "DATE"),
        ("active_month_count", "BIGINT"), ("org_count", "BIGINT"), ("stack_count", "BIGINT"),
        ("stack_ids", "VARCHAR"), ("is_grafana_user", "BOOLEAN"), ("is_irm_user", "BOOLEAN"),
        ("first_activity_at", "TIMESTAMP"), ("last_activity_at", "TIMESTAMP"),
    ],
    "fct_grafana_cloud_alerts": [
        ("alert_id", "VARCHAR"), ("alert_type", "VARCHAR"), ("severity", "VARCHAR"), ("billing_month", "DATE"),
        ("as_of", "TIMESTAMP"), ("org_slug", "VARCHAR"), ("stack_id", "VARCHAR"), ("stack_slug_pattern", "VARCHAR"),
        ("sku", "VARCHAR"), ("usage_date", "DATE"), ("observed_value", "DECIMAL(38,6)"),
        ("threshold_value", "DECIMAL(38,6)"), ("value_unit", "VARCHAR"), ("message", "VARCHAR"),
    ],
    "audit_grafana_cloud_rejected_rows": [
        ("source_table", "VARCHAR"), ("reason", "VARCHAR"), ("column_name", "VARCHAR"), ("org_slug", "VARCHAR"),
        ("stack_id", "VARCHAR"), ("row_key", "VARCHAR"), ("raw_row", "VARCHAR"), ("raw_row_count", "BIGINT"),
        ("detected_at", "TIMESTAMP"),
    ],
    "audit_grafana_cloud_row_counts": [
        ("source_table", "VARCHAR"), ("raw_row_count", "BIGINT"), ("staged_row_count", "BIGINT"),
        ("quarantined_row_count", "BIGINT"), ("collapsed_duplicate_row_count", "BIGINT"),
        ("exact_duplicate_row_count", "BIGINT"), ("merged_row_count", "BIGINT"), ("conflicting_key_count", "BIGINT"),
    ],
}
# columns that record when a run happened, not what it computed (as_of is the run's start when the
# var grafana_cloud_as_of is empty)
RUN_METADATA = {"detected_at", "as_of"}


def snapshot(project: Project) -> dict[str, list[tuple]]:
    tables = {}
    for mart, columns in PUBLIC_COLUMNS.items():
        names = ", ".join(name for name, _ in columns if name not in RUN_METADATA)
        tables[mart] = project.query(f"select {names} from main.{mart} order by all")
    return tables


def test_public_marts_keep_their_columns_and_types(sample_project: Project) -> None:
    for mart, expected in PUBLIC_COLUMNS.items():
        actual = sample_project.query(
            "select column_name, data_type from information_schema.columns"
            " where table_schema = 'main' and table_name = ? order by ordinal_position",
            [mart],
        )
        assert actual == expected, mart
    marts = {
        row[0]
        for row in sample_project.query("select table_name from information_schema.tables where table_schema = 'main'")
    }
    assert marts == set(PUBLIC_COLUMNS), "a public mart was added or removed: update PUBLIC_COLUMNS and docs/outputs.md"


def test_two_builds_in_a_row_give_identical_marts(sample_project: Project) -> None:
    first = snapshot(sample_project)
    assert all(first[mart] for mart in ("fct_grafana_cloud_costs", "fct_grafana_cloud_costs_by_tag"))
    sample_project.build()
    second = snapshot(sample_project)
    for mart in PUBLIC_COLUMNS:
        assert first[mart] == second[mart], f"{mart} changed between two identical builds"


def minimal_raw(project: Project) -> None:
    project.write_rows(
        "grafana_cloud_organizations",
        [{"org_slug": "o'brien", "org_name": "O'Brien & Sons", "plan": "pro", "included_dpm_per_series": 1}],
    )
    project.write_rows("grafana_cloud_stacks", [{"stack_id": "1", "stack_slug": "it's-prod", "org_slug": "o'brien"}])
    project.write_rows(
        "grafana_cloud_metrics_usage",
        [{"stack_id": "1", "sampled_at": "2024-09-01 00:00:00", "active_series": 20000, "samples_per_second": 0}],
    )
    project.write_rows(
        "grafana_cloud_k6_test_runs",
        [{"stack_id": "1", "test_run_id": "1", "started_at": "2024-09-02 10:00:00",
          "ended_at": "2024-09-02 10:01:00", "vus": 1, "browser_vus": 0}],
    )


def test_paths_and_slugs_with_quotes_and_spaces_work(tmp_path: Path) -> None:
    project = Project(tmp_path / "a project", mode="export")
    folder = tmp_path / "it's an export folder"
    project.export_dir.rename(folder)
    project.export_dir = folder
    minimal_raw(project)
    invoices = tmp_path / "invoices 'quoted'"
    (invoices / "o'brien").mkdir(parents=True)
    (invoices / "o'brien" / "2024-09.json").write_text(
        '{"items": [{"dimensionName": "Metrics", "includedUsage": 10000, "totalUsage": 20000, "overage": 10000,'
        ' "amountDue": 65.0, "periodStart": "2024-09-01T00:00:00Z", "periodEnd": "2024-09-30T23:59:59Z",'
        ' "usages": []}]}'
    )
    project.build(vars={"grafana_cloud_billed_usage_path": str(invoices), "grafana_cloud_as_of": "2024-10-01 00:00:00"})
    assert project.query("select org_slug, cost_usd from fct_grafana_cloud_invoice_lines where sku = 'metrics_active_series'") == [
        ("o'brien", pytest.approx(65))
    ]
    assert sorted(project.query("select org_slug, dimension_name, status from fct_grafana_cloud_invoice_reconciliation")) == [
        ("o'brien", "Metrics", "matched"),
        ("o'brien", "k6_vuh", "missing_in_invoice"),  # 0.02 VUh, $0: reported, not an error
    ]


@pytest.mark.parametrize(
    "var_name",
    [
        "grafana_cloud_raw_path",
        "grafana_cloud_billed_usage_path",
        "grafana_cloud_as_of",
        "grafana_cloud_k6_minute_rounding_from",
        "grafana_cloud_bytes_per_gb",
    ],
)
def test_a_var_cannot_inject_sql(tmp_path: Path, var_name: str) -> None:
    project = Project(tmp_path, mode="export")
    minimal_raw(project)
    attack = "x'); create table main.injected as select 1; --"
    result = project.build(vars={var_name: attack}, expect_success=False)
    # the value is one literal: a path that does not exist, or a time that does not parse
    if project.database.exists():
        assert project.query(
            "select count(*) from information_schema.tables where table_name = 'injected'"
        ) == [(0,)]
    if var_name == "grafana_cloud_raw_path":
        assert not result.ok
        assert f"was not found under grafana_cloud_raw_path '{attack}'" in result.output
    elif var_name in ("grafana_cloud_as_of", "grafana_cloud_k6_minute_rounding_from"):
        # a time that does not parse, as a whole literal
        assert not result.ok
        assert "Conversion Error" in result.output
    elif var_name == "grafana_cloud_bytes_per_gb":
        assert not result.ok
        assert f"The var grafana_cloud_bytes_per_gb must be a number; got {attack}." in result.output
    else:
        # no invoice under that path: nothing to reconcile, and the build succeeds, saying so
        assert result.ok, result.output[-3000:]
        assert f"no billed-usage file found (looked for {attack}/*/*.json)" in result.output
        assert "reconciliation marts will be empty" in result.output
