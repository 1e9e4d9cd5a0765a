"""Bad input never bills silently.

Every bad-input case of every raw table is planted in one project. Built as is, the build must
fail with a message naming each table, reason, column and count; built with the var
grafana_cloud_max_rejected_rows raised, it must finish with every bad row in the quarantine, none
of them in a cost, and raw = staged + quarantined + collapsed for every table.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness import BuildResult, Project

AS_OF = "2024-10-01 00:00:00"

ORGANIZATIONS = [
    {"org_slug": "good", "org_name": "Good", "plan": "pro", "included_dpm_per_series": 1},
    {"org_slug": "good", "org_name": "Good", "plan": "pro", "included_dpm_per_series": 1},  # exact duplicate
    {"org_slug": "flip", "org_name": "Flip", "plan": "pro", "included_dpm_per_series": 1},
    {"org_slug": "flip", "org_name": "Flip", "plan": "advanced", "included_dpm_per_series": 4},  # conflict
    {"org_slug": "", "org_name": "No slug", "plan": "pro", "included_dpm_per_series": 1},
    {"org_slug": "   ", "org_name": "Blank slug", "plan": "pro", "included_dpm_per_series": 1},
    {"org_slug": "ent", "org_name": "Enterprise?", "plan": "enterprise", "included_dpm_per_series": 1},
    {"org_slug": "dpm2", "org_name": "Two DPM", "plan": "pro", "included_dpm_per_series": 2},
]
STACKS = [
    {"stack_id": "1", "stack_slug": "good-1", "org_slug": "good"},
    {"stack_id": "1", "stack_slug": "good-1", "org_slug": "good"},  # exact duplicate
    {"stack_id": "2", "stack_slug": "flip-2", "org_slug": "flip"},
    {"stack_id": "3", "stack_slug": "moved", "org_slug": "good"},
    {"stack_id": "3", "stack_slug": "moved", "org_slug": "flip"},  # conflict: which org?
    {"stack_id": "", "stack_slug": "no-id", "org_slug": "good"},
    {"stack_id": "4", "stack_slug": "no-org", "org_slug": ""},
    {"stack_id": "5", "stack_slug": "ghost", "org_slug": "ghost"},  # unknown organization
    {"stack_id": "6", "stack_slug": "of-rejected-org", "org_slug": "ent"},  # its org is rejected
    # the optional lifecycle columns: a text that is given must parse
    {"stack_id": "7", "stack_slug": "bad-created", "org_slug": "good", "created_at": "last tuesday"},
    {"stack_id": "8", "stack_slug": "bad-deleted", "org_slug": "good", "status": "deleted", "deleted_at": "2024-02-30 00:00:00"},
]
METRICS = [
    {"stack_id": "1", "sampled_at": "2024-09-10 10:00:00", "active_series": 100, "samples_per_second": 1},
    {"stack_id": "1", "sampled_at": "2024-09-10 10:00:00", "active_series": 100, "samples_per_second": 1},  # dup
    {"stack_id": "1", "sampled_at": "2024-09-10 10:01:00", "active_series": 100, "samples_per_second": 1},
    {"stack_id": "1", "sampled_at": "2024-09-10 10:01:00", "active_series": 150, "samples_per_second": 1},  # conflict
    {"stack_id": "", "sampled_at": "2024-09-10 10:02:00", "active_series": 100, "samples_per_second": 1},
    {"stack_id": "99", "sampled_at": "2024-09-10 10:03:00", "active_series": 100, "samples_per_second": 1},
    {"stack_id": "5", "sampled_at": "2024-09-10 10:03:00", "active_series": 100, "samples_per_second": 1},
    {"stack_id": "1", "sampled_at": "2024-09-10 10:04:00", "active_series": -100, "samples_per_second": 1},
    {"stack_id": "1", "sampled_at": "2024-09-10 10:05:00", "active_series": 100, "samples_per_second": -1},
    {"stack_id": "1", "sampled_at": "10/09/2024 10:06", "active_series": 100, "samples_per_second": 1},
    {"stack_id": "1", "sampled_at": "2024-10-05 00:00:00", "active_series": 100, "samples_per_second": 1},
    # RFC 3339 forms the engines' casts reject as written: 10:00 UTC and 10:01 UTC again
    {"stack_id": "1", "sampled_at": "2024-09-10t10:00:00z", "active_series": 100, "samples_per_second": 1},  # dup
    {"stack_id": "1", "sampled_at": "2024-09-10 12:01:00 +02:00", "active_series": 150, "samples_per_second": 1},
    # +Inf and NaN: left out as Grafana's query (... < Inf) leaves them out, not counted against the limit
    {"stack_id": "1", "sampled_at": "2024-09-10 10:08:00", "active_series": "inf", "samples_per_second": 1},
    {"stack_id": "1", "sampled_at": "2024-09-10 10:09:00", "active_series": 100, "samples_per_second": "nan"},
]
INGESTION = [
    {"stack_id": "1", "signal": "logs", "usage_start": "2024-09-10 10:00:00", "ingested_bytes": 1000},
    {"stack_id": "1", "signal": "logs", "usage_start": "2024-09-10 10:00:00", "ingested_bytes": 1000},  # dup
    {"stack_id": "1", "signal": "logs", "usage_start": "2024-09-10 11:00:00", "ingested_bytes": 1000},
    {"stack_id": "1", "signal": "logs", "usage_start": "2024-09-10 11:00:00", "ingested_bytes": 2000},  # conflict
    {"stack_id": "", "signal": "logs", "usage_start": "2024-09-10 12:00:00", "ingested_bytes": 1000},
    {"stack_id": "99", "signal": "logs", "usage_start": "2024-09-10 12:00:00", "ingested_bytes": 1000},
    {"stack_id": "1", "signal": "events", "usage_start": "2024-09-10 12:00:00", "ingested_bytes": 1000},
    {"stack_id": "1", "signal": "traces", "usage_start": "2024-09-10 12:00:00", "ingested_bytes": -5},
    {"stack_id": "1", "signal": "traces", "usage_start": "yesterday", "ingested_bytes": 5},
    {"stack_id": "1", "signal": "traces", "usage_start": "2024-10-02 00:00:00", "ingested_bytes": 5},
]
ACTIVITY = [
    {"stack_id": "1", "user_id": "u1", "activity_at": "2024-09-10 10:00:00", "activity_type": "login"},
    {"stack_id": "1", "user_id": "u1", "activity_at": "2024-09-10 10:00:00", "activity_type": "login"},  # dup
    {"stack_id": "1", "user_id": "", "activity_at": "2024-09-10 10:00:00", "activity_type": "login"},
    {"stack_id": "", "user_id": "u2", "activity_at": "2024-09-10 10:00:00", "activity_type": "login"},
    {"stack_id": "99", "user_id": "u3", "activity_at": "2024-09-10 10:00:00", "activity_type": "login"},
    {"stack_id": "1", "user_id": "u4", "activity_at": "2024-09-10 10:00:00", "activity_type": "logout"},
    {"stack_id": "1", "user_id": "u5", "activity_at": "2024-13-45 10:00:00", "activity_type": "login"},
    {"stack_id": "1", "user_id": "u6", "activity_at": "2024-11-01 00:00:00", "activity_type": "irm_paged"},
]
PLUGINS = [
    {"stack_id": "1", "plugin_id": "p", "installed_at": "2024-09-01 00:00:00", "uninstalled_at": ""},
    {"stack_id": "1", "plugin_id": "p", "installed_at": "2024-09-01 00:00:00", "uninstalled_at": ""},  # dup
    {"stack_id": "1", "plugin_id": "q", "installed_at": "2024-09-02 00:00:00", "uninstalled_at": "2024-09-03 00:00:00"},
    {"stack_id": "1", "plugin_id": "q", "installed_at": "2024-09-02 00:00:00", "uninstalled_at": "2024-09-04 00:00:00"},  # conflict
    {"stack_id": "1", "plugin_id": "", "installed_at": "2024-09-02 00:00:00", "uninstalled_at": ""},
    {"stack_id": "99", "plugin_id": "p", "installed_at": "2024-09-02 00:00:00", "uninstalled_at": ""},
    {"stack_id": "1", "plugin_id": "r", "installed_at": "soon", "uninstalled_at": ""},
    {"stack_id": "1", "plugin_id": "s", "installed_at": "2024-09-02 00:00:00", "uninstalled_at": "never"},
    {"stack_id": "1", "plugin_id": "t", "installed_at": "2024-09-05 00:00:00", "uninstalled_at": "2024-09-04 00:00:00"},
    {"stack_id": "1", "plugin_id": "u", "installed_at": "2024-12-01 00:00:00", "uninstalled_at": ""},
]
K6_RUNS = [
    {"stack_id": "1", "test_run_id": "r1", "started_at": "2024-09-10 10:00:00", "ended_at": "2024-09-10 10:10:00", "vus": 10, "browser_vus": 0},
    {"stack_id": "1", "test_run_id": "r1", "started_at": "2024-09-10 10:00:00", "ended_at": "2024-09-10 10:10:00", "vus": 10, "browser_vus": 0},  # dup
    {"stack_id": "1", "test_run_id": "r2", "started_at": "2024-09-10 11:00:00", "ended_at": "2024-09-10 11:10:00", "vus": 10, "browser_vus": 0},
    {"stack_id": "1", "test_run_id": "r2", "started_at": "2024-09-10 11:00:00", "ended_at": "2024-09-10 11:20:00", "vus": 10, "browser_vus": 0},  # conflict
    {"stack_id": "1", "test_run_id": "", "started_at": "2024-09-10 10:00:00", "ended_at": "2024-09-10 10:10:00", "vus": 10, "browser_vus": 0},
    {"stack_id": "99", "test_run_id": "r3", "started_at": "2024-09-10 10:00:00", "ended_at": "2024-09-10 10:10:00", "vus": 10, "browser_vus": 0},
    {"stack_id": "1", "test_run_id": "r4", "started_at": "2024-09-10 10:00:00", "ended_at": "2024-09-10 10:10:00", "vus": -10, "browser_vus": 0},
    {"stack_id": "1", "test_run_id": "r5", "started_at": "2024-09-10 10:00:00", "ended_at": "2024-09-10 10:10:00", "vus": 10, "browser_vus": -1},
    {"stack_id": "1", "test_run_id": "r6", "started_at": "noon", "ended_at": "2024-09-10 10:10:00", "vus": 10, "browser_vus": 0},
    {"stack_id": "1", "test_run_id": "r7", "started_at": "2024-09-10 10:00:00", "ended_at": "2024-09-10 09:00:00", "vus": 10, "browser_vus": 0},
    {"stack_id": "1", "test_run_id": "r8", "started_at": "2024-10-10 10:00:00", "ended_at": "2024-10-10 10:10:00", "vus": 10, "browser_vus": 0},
]

def count(org: str = "good", stack: str = "", month: str = "2024-09-01", meter: str = "grafana_active_users",
          quantity: object = 5, observed: str = "2024-09-30 12:00:00") -> dict:
    return {"org_slug": org, "stack_id": stack, "billing_month": month, "meter": meter,
            "quantity": quantity, "observed_at": observed}


USAGE_COUNTS = [
    count(),
    count(),  # exact duplicate
    count(stack="1", quantity=3),
    count(stack="1", quantity=4),  # conflict: the same observation read twice, resolved to the highest
    count(org=""),
    count(meter=""),
    count(meter="logins"),
    count(month="September"),
    count(month="2024-09-15"),
    count(observed="later"),
    count(quantity="many"),
    count(quantity="inf"),  # non-finite: quarantined, not counted against the limit
    count(quantity=-1),
    count(observed="2024-10-05 00:00:00"),
    count(org="ghost"),
    count(stack="99"),
    count(stack="2"),  # stack 2 belongs to flip
]

TABLES = {
    "grafana_cloud_organizations": ORGANIZATIONS,
    "grafana_cloud_stacks": STACKS,
    "grafana_cloud_metrics_usage": METRICS,
    "grafana_cloud_ingestion_usage": INGESTION,
    "grafana_cloud_user_activity": ACTIVITY,
    "grafana_cloud_enterprise_plugins": PLUGINS,
    "grafana_cloud_k6_test_runs": K6_RUNS,
    "grafana_cloud_usage_counts": USAGE_COUNTS,
}

# (table, reason, column, rows): every planted bad row, worked out by hand
EXPECTED_QUARANTINE = [
    ("grafana_cloud_organizations", "missing_key", "org_slug", 2),
    ("grafana_cloud_organizations", "invalid_value", "plan", 1),
    ("grafana_cloud_organizations", "invalid_value", "included_dpm_per_series", 1),
    ("grafana_cloud_stacks", "missing_key", "stack_id", 1),
    ("grafana_cloud_stacks", "missing_key", "org_slug", 1),
    ("grafana_cloud_stacks", "unknown_organization", "org_slug", 2),
    ("grafana_cloud_stacks", "unparseable_timestamp", "created_at", 1),
    ("grafana_cloud_stacks", "unparseable_timestamp", "deleted_at", 1),
    ("grafana_cloud_metrics_usage", "missing_key", "stack_id", 1),
    ("grafana_cloud_metrics_usage", "unknown_stack", "stack_id", 2),
    ("grafana_cloud_metrics_usage", "negative_quantity", "active_series", 1),
    ("grafana_cloud_metrics_usage", "negative_quantity", "samples_per_second", 1),
    ("grafana_cloud_metrics_usage", "unparseable_timestamp", "sampled_at", 1),
    ("grafana_cloud_metrics_usage", "future_timestamp", "sampled_at", 1),
    ("grafana_cloud_metrics_usage", "non_finite_value", "active_series", 1),
    ("grafana_cloud_metrics_usage", "non_finite_value", "samples_per_second", 1),
    ("grafana_cloud_ingestion_usage", "missing_key", "stack_id", 1),
    ("grafana_cloud_ingestion_usage", "unknown_stack", "stack_id", 1),
    ("grafana_cloud_ingestion_usage", "invalid_value", "signal", 1),
    ("grafana_cloud_ingestion_usage", "negative_quantity", "ingested_bytes", 1),
    ("grafana_cloud_ingestion_usage", "unparseable_timestamp", "usage_start", 1),
    ("grafana_cloud_ingestion_usage", "future_timestamp", "usage_start", 1),
    ("grafana_cloud_user_activity", "missing_key", "user_id", 1),
    ("grafana_cloud_user_activity", "missing_key", "stack_id", 1),
    ("grafana_cloud_user_activity", "unknown_stack", "stack_id", 1),
    ("grafana_cloud_user_activity", "invalid_value", "activity_type", 1),
    ("grafana_cloud_user_activity", "unparseable_timestamp", "activity_at", 1),
    ("grafana_cloud_user_activity", "future_timestamp", "activity_at", 1),
    ("grafana_cloud_enterprise_plugins", "missing_key", "plugin_id", 1),
    ("grafana_cloud_enterprise_plugins", "unknown_stack", "stack_id", 1),
    ("grafana_cloud_enterprise_plugins", "unparseable_timestamp", "installed_at", 1),
    ("grafana_cloud_enterprise_plugins", "unparseable_timestamp", "uninstalled_at", 1),
    ("grafana_cloud_enterprise_plugins", "reversed_interval", "uninstalled_at", 1),
    ("grafana_cloud_enterprise_plugins", "future_timestamp", "installed_at", 1),
    ("grafana_cloud_k6_test_runs", "missing_key", "test_run_id", 1),
    ("grafana_cloud_k6_test_runs", "unknown_stack", "stack_id", 1),
    ("grafana_cloud_k6_test_runs", "negative_quantity", "vus", 1),
    ("grafana_cloud_k6_test_runs", "negative_quantity", "browser_vus", 1),
    ("grafana_cloud_k6_test_runs", "unparseable_timestamp", "started_at", 1),
    ("grafana_cloud_k6_test_runs", "reversed_interval", "ended_at", 1),
    ("grafana_cloud_k6_test_runs", "future_timestamp", "started_at", 1),
    ("grafana_cloud_usage_counts", "missing_key", "org_slug", 1),
    ("grafana_cloud_usage_counts", "missing_key", "meter", 1),
    ("grafana_cloud_usage_counts", "invalid_value", "meter", 1),
    ("grafana_cloud_usage_counts", "unparseable_timestamp", "billing_month", 1),
    ("grafana_cloud_usage_counts", "not_a_month_start", "billing_month", 1),
    ("grafana_cloud_usage_counts", "unparseable_timestamp", "observed_at", 1),
    ("grafana_cloud_usage_counts", "missing_or_non_numeric_value", "quantity", 1),
    ("grafana_cloud_usage_counts", "non_finite_value", "quantity", 1),
    ("grafana_cloud_usage_counts", "negative_quantity", "quantity", 1),
    ("grafana_cloud_usage_counts", "future_timestamp", "observed_at", 1),
    ("grafana_cloud_usage_counts", "unknown_organization", "org_slug", 1),
    ("grafana_cloud_usage_counts", "unknown_stack", "stack_id", 1),
    ("grafana_cloud_usage_counts", "stack_of_another_organization", "stack_id", 1),
]
# non_finite_value metrics samples are quarantined but not counted against
# grafana_cloud_max_rejected_rows (a non-finite count is counted)
NOT_COUNTED = {("grafana_cloud_metrics_usage", "non_finite_value")}
TOTAL_QUARANTINED = sum(rows for table, reason, _, rows in EXPECTED_QUARANTINE if (table, reason) not in NOT_COUNTED)

# per table: exact duplicate rows and rows merged into a conflicting reading (planted by hand)
EXPECTED_COLLAPSED = {
    "grafana_cloud_organizations": (1, 1),
    "grafana_cloud_stacks": (1, 1),
    "grafana_cloud_metrics_usage": (2, 2),  # 10:00 x3 (once written 't..z'); 10:01 x3 (once '+02:00')
    "grafana_cloud_ingestion_usage": (1, 1),
    "grafana_cloud_user_activity": (1, 0),
    "grafana_cloud_enterprise_plugins": (1, 1),
    "grafana_cloud_k6_test_runs": (1, 1),
    "grafana_cloud_usage_counts": (1, 1),
}


# keys whose readings differed, where not one per merged row: metrics' 10:01 merges two rows
CONFLICTING_KEYS = {"grafana_cloud_metrics_usage": 1}


def plant(project: Project) -> None:
    for table, rows in TABLES.items():
        project.write_rows(table, rows)


@pytest.fixture(scope="module")
def rejected_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    project = Project(tmp_path_factory.mktemp("bad_default"), mode="seeds")
    plant(project)
    return project.build(vars={"grafana_cloud_as_of": AS_OF}, expect_success=False)


@pytest.fixture(scope="module")
def quarantined(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("bad_allowed"), mode="seeds")
    plant(project)
    project.build(vars={"grafana_cloud_as_of": AS_OF, "grafana_cloud_max_rejected_rows": TOTAL_QUARANTINED})
    return project


def test_by_default_the_build_fails_naming_table_reason_and_count(rejected_build: BuildResult) -> None:
    assert not rejected_build.ok
    assert f"{TOTAL_QUARANTINED} raw row(s) were quarantined" in rejected_build.output
    for table, reason, column, rows in EXPECTED_QUARANTINE:
        line = f"{table}: {reason} ({column}): {rows} {'row' if rows == 1 else 'rows'}"
        if (table, reason) in NOT_COUNTED:
            assert line not in rejected_build.output, line
        else:
            assert line in rejected_build.output, line
    assert "grafana_cloud_max_rejected_rows" in rejected_build.output
    assert "select * from audit_grafana_cloud_rejected_rows" in rejected_build.output


def test_raising_the_limit_finishes_and_keeps_every_rejected_row(quarantined: Project) -> None:
    found = quarantined.query(
        "select source_table, reason, column_name, sum(raw_row_count) from audit_grafana_cloud_rejected_rows"
        " group by all order by all"
    )
    assert found == sorted(EXPECTED_QUARANTINE)


def test_quarantined_rows_carry_their_key_and_raw_text(quarantined: Project) -> None:
    rows = quarantined.rows(
        "select * from audit_grafana_cloud_rejected_rows"
        " where source_table = 'grafana_cloud_metrics_usage' and reason = 'negative_quantity'"
        " and column_name = 'active_series'"
    )
    assert len(rows) == 1
    assert rows[0]["stack_id"] == "1"
    assert rows[0]["row_key"] == "stack_id=1 | sampled_at=2024-09-10 10:04:00"
    assert "active_series=-100" in rows[0]["raw_row"]
    assert rows[0]["detected_at"] is not None


def test_no_rejected_row_reaches_a_cost(quarantined: Project) -> None:
    # stack 1 is the only usable stack of org good; its September metrics: 100 (10:00) and
    # 150 (10:01, the conflict resolved upwards) -> p95 = 100 + 0.95 x 50 = 147.5
    usage = quarantined.rows("select * from fct_grafana_cloud_metrics_usage")
    assert [(row["stack_id"], row["sample_count"]) for row in usage] == [("1", 2)]
    assert usage[0]["p95_active_series"] == pytest.approx(147.5)
    stacks_with_costs = {row[0] for row in quarantined.query("select distinct stack_id from fct_grafana_cloud_costs")}
    assert stacks_with_costs <= {"1", "2", "3", None}
    # ingestion: 1,000 bytes at 10:00 and 2,000 (the conflict, upwards) at 11:00
    assert quarantined.query(
        "select ingested_bytes from intermediate.int_ingestion_usage_monthly where signal = 'logs'"
    ) == [(3000,)]
    # k6: r1 (10 min) and r2 (the conflict resolved to the widest run: 20 min)
    assert dict(
        quarantined.query("select test_run_id, billed_minutes from intermediate.int_k6_test_runs_metered")
    ) == {"r1": 10, "r2": 20}
    # plugins: q's conflicting removal times resolve to the latest
    assert quarantined.query(
        "select uninstalled_at from staging.stg_grafana_cloud__enterprise_plugins where plugin_id = 'q'"
    )[0][0].isoformat() == "2024-09-04T00:00:00"


def test_conflicting_organization_resolves_to_the_plan_that_bills_more(quarantined: Project) -> None:
    assert quarantined.query(
        "select plan, included_dpm_per_series from dim_grafana_cloud_organizations where org_slug = 'flip'"
    ) == [("advanced", 4)]


def test_conservation_raw_equals_staged_plus_quarantined_plus_collapsed(quarantined: Project) -> None:
    counts = {row["source_table"]: row for row in quarantined.rows("select * from audit_grafana_cloud_row_counts")}
    quarantined_by_table: dict[str, int] = {}
    for table, _, _, rows in EXPECTED_QUARANTINE:
        quarantined_by_table[table] = quarantined_by_table.get(table, 0) + rows
    for table, rows in TABLES.items():
        exact, merged = EXPECTED_COLLAPSED[table]
        row = counts[table]
        assert row["raw_row_count"] == len(rows), table
        assert row["quarantined_row_count"] == quarantined_by_table[table], table
        assert row["exact_duplicate_row_count"] == exact, table
        assert row["merged_row_count"] == merged, table
        assert row["conflicting_key_count"] == CONFLICTING_KEYS.get(table, merged), table
        assert len(rows) == row["staged_row_count"] + row["quarantined_row_count"] + exact + merged, table


def test_non_finite_samples_are_reported_as_warnings(quarantined: Project) -> None:
    output = quarantined.last_build.output
    assert "Metrics samples of +Inf or NaN, left out of the bill" in output
    assert "grafana_cloud_metrics_usage: stack 1, active_series is not a number below +Inf" in output
    assert "grafana_cloud_metrics_usage: stack 1, samples_per_second is not a number below +Inf" in output


def test_conflicts_are_reported_as_warnings(rejected_build: BuildResult) -> None:
    assert "Conflicting duplicates in grafana_cloud_metrics_usage were resolved" in rejected_build.output
    assert "stack_id 1 at 2024-09-10 10:01:00" in rejected_build.output


def test_a_missing_price_fails_naming_sku_plan_and_month(tmp_path) -> None:
    project = Project(tmp_path, mode="seeds")
    project.write_rows("grafana_cloud_organizations", [ORGANIZATIONS[0]])
    project.write_rows("grafana_cloud_stacks", [STACKS[0]])
    # the shipped price book starts in November 2021
    project.write_rows(
        "grafana_cloud_metrics_usage",
        [{"stack_id": "1", "sampled_at": "2019-05-10 10:00:00", "active_series": 50_000, "samples_per_second": 1}],
    )
    result = project.build(expect_success=False)
    assert not result.ok
    assert "billed usage line(s) have no price-book row in effect" in result.output
    assert "sku metrics_active_series, plan pro, month 2019-05: 1 row" in result.output
    assert "sku platform_fee, plan pro, month 2019-05: 1 row" in result.output
    # nothing was priced: the cost fact was never built, so no null or zero cost exists
    assert project.query(
        "select count(*) from information_schema.tables where table_name = 'fct_grafana_cloud_costs'"
    ) == [(0,)]


def test_a_price_book_unit_without_a_rounding_rule_fails_the_build(tmp_path) -> None:
    project = Project(tmp_path, mode="seeds")
    project.write_rows("grafana_cloud_organizations", [ORGANIZATIONS[0]])
    project.write_rows("grafana_cloud_stacks", [STACKS[0]])
    project.write_rows(
        "grafana_cloud_metrics_usage",
        [{"stack_id": "1", "sampled_at": "2024-09-10 10:00:00", "active_series": 50_000, "samples_per_second": 1}],
    )
    price_book = project.dir / "seeds" / "reference" / "grafana_cloud_price_book.csv"
    # "series" instead of "active_series": usage would no longer be rounded to whole series
    price_book.write_text(price_book.read_text().replace(",active_series,", ",series,"))
    result = project.build(expect_success=False)
    assert not result.ok
    assert "4 price-book row(s) have a usage_unit that the var grafana_cloud_usage_rounding_digits" in result.output
    assert "sku metrics_active_series, plan pro: usage_unit series: 2 rows" in result.output
    assert "sku metrics_active_series, plan advanced: usage_unit series: 2 rows" in result.output
    assert project.query(
        "select count(*) from information_schema.tables where table_name = 'fct_grafana_cloud_costs'"
    ) == [(0,)]


def test_doubtful_reference_data_is_warned_and_billed_as_given(tmp_path) -> None:
    project = Project(tmp_path, mode="seeds")
    project.write_rows(
        "grafana_cloud_organizations",
        [{"org_slug": "pro4", "org_name": "Pro with 4 DPM", "plan": "pro", "included_dpm_per_series": 4}],
    )
    project.write_rows("grafana_cloud_stacks", [{"stack_id": "1", "stack_slug": "pro4-1", "org_slug": "pro4"}])
    # 20,000 series at 4 DPM each: p95 DPM 80,000 / 4 included = 20,000 billable series
    project.write_rows(
        "grafana_cloud_metrics_usage",
        [{"stack_id": "1", "sampled_at": "2024-09-10 10:00:00", "active_series": 20_000, "samples_per_second": 80_000 / 60}],
    )
    price_book = project.dir / "seeds" / "reference" / "grafana_cloud_price_book.csv"
    # a k6 price dated mid-month: in effect from the next month's first day
    price_book.write_text(
        price_book.read_text().replace("k6_vuh,k6,k6 Virtual User Hours,vuh,0.15,500,pro,2021-11-01,",
                                       "k6_vuh,k6,k6 Virtual User Hours,vuh,0.15,500,pro,2021-11-15,")
    )
    result = project.build()
    assert "Organizations with 4 included DPM per series on a plan other than Advanced" in result.output
    assert "org_slug pro4 (plan pro)" in result.output
    assert "Price-book rows dated within a month" in result.output
    assert "sku k6_vuh, plan pro: 2021-11-15 to open" in result.output
    # billed with the 4 DPM as given: (20,000 - 10,000) x $6.50 / 1,000 = $65.00
    assert project.query(
        "select billable_quantity, cost_usd from fct_grafana_cloud_invoice_lines where sku = 'metrics_active_series'"
    ) == [(Decimal("10000"), Decimal("65.00"))]


def test_patchy_months_are_warned_and_mid_month_stacks_are_not(tmp_path) -> None:
    project = Project(tmp_path, mode="export")
    project.write_rows("grafana_cloud_organizations", [ORGANIZATIONS[0]])
    project.write_rows(
        "grafana_cloud_stacks",
        [
            {"stack_id": "patchy", "stack_slug": "patchy", "org_slug": "good"},
            {"stack_id": "late", "stack_slug": "late", "org_slug": "good"},
        ],
    )
    project.write_sql(
        "grafana_cloud_metrics_usage",
        """
        -- patchy: every minute of September 1-15 only (21,600 of 43,200 minutes)
        select 'patchy' as stack_id, strftime(ts, '%Y-%m-%d %H:%M:%S') as sampled_at,
            1000.0 as active_series, 10.0 as samples_per_second
        from range(timestamp '2024-09-01', timestamp '2024-09-16', interval 1 minute) as t(ts)
        union all
        -- late: created on the 21st at 12:00, every minute since, but 2 missing
        select 'late', strftime(ts, '%Y-%m-%d %H:%M:%S'), 1000.0, 10.0
        from range(timestamp '2024-09-21 12:00:00', timestamp '2024-10-01', interval 1 minute) as t(ts)
        where ts not in (timestamp '2024-09-25 00:00:00', timestamp '2024-09-25 00:01:00')
        """,
    )
    result = project.build()
    coverage = {row[0]: row[1:] for row in project.query(
        "select stack_id, sample_count, expected_sample_count, sample_coverage from fct_grafana_cloud_metrics_usage"
    )}
    assert coverage["patchy"] == (21_600, 43_200, 0.5)
    # 9.5 days x 1,440 = 13,680 minutes expected from the first sample on, 13,678 present
    assert coverage["late"][:2] == (13_678, 13_680)
    assert coverage["late"][2] == pytest.approx(13_678 / 13_680)
    assert "stack_id patchy in 2024-09: 21600 of 43200 minutes sampled" in result.output
    assert "stack_id late in" not in result.output
    assert "WARN=1" in result.output


def test_cost_of_the_planted_good_rows(quarantined: Project) -> None:
    # org good (pro): 147.5 series < 10,000 included -> $0 metrics; 1 Grafana user (u1) < 3
    # included -> $0; plugin p installed on stack 1 all month -> u1 is a plugin user: $55; and the
    # $19 platform fee. The quarantined users (u3 on an unknown stack, u4, u5, u6) count nowhere.
    costs = dict(quarantined.query(
        "select sku, sum(cost_usd) from fct_grafana_cloud_costs where org_slug = 'good'"
        " and billing_month = '2024-09-01' group by sku"
    ))
    assert costs == {
        "metrics_active_series": Decimal("0.00"),
        "logs_ingested_gb": Decimal("0.00"),
        "grafana_active_users": Decimal("0.00"),
        "enterprise_plugin_active_users": Decimal("55.00"),
        "k6_vuh": Decimal("0.00"),
        "platform_fee": Decimal("19.00"),
    }
