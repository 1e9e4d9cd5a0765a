"""Incremental daily loads give the same marts as a full refresh.

An export folder receives one metrics file per day. The project is built after days 1-10, again
after days 11-20 arrive (with day 9 re-delivered with corrected values, inside the look-back), and
again after the rest (crossing into October). Its marts must equal those of a single full-refresh
build on the final folder, row for row.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from harness import Project
from test_repeatability import snapshot

AS_OF = "2024-10-04 00:00:00"
FIRST_DAY = date(2024, 9, 1)
LAST_DAY = date(2024, 10, 3)


def write_day(project: Project, day: date, bump: float = 0.0) -> None:
    """One Parquet file of per-minute samples for one day, as a daily export would be."""
    folder = project.export_dir / "grafana_cloud_metrics_usage"
    folder.mkdir(exist_ok=True)
    (project.export_dir / "grafana_cloud_metrics_usage.csv").unlink(missing_ok=True)
    query = f"""
        select
            stack_id,
            -- typed TIMESTAMP in Parquet, as an export would carry it
            ts as sampled_at,
            round(base * (1 + 0.2 * sin(epoch(ts) / 3600.0)) * case when day(ts) = 12 and stack_id = 's1'
                then 3 else 1 end) + {bump} as active_series,
            round(base * dpm / 60.0, 2) as samples_per_second
        from range(timestamp '{day}', timestamp '{day + timedelta(days=1)}', interval 1 minute) as t(ts)
        cross join (values ('s1', 20000, 1.0), ('s2', 8000, 2.0), ('s3', 40000, 6.0)) as s(stack_id, base, dpm)
        -- a few minutes missing and a duplicate, as real exports have
        where minute(ts) != 17 or hour(ts) != 3
        union all
        select 's2', timestamp '{day} 08:00:30', 8000, 266.67
    """
    with duckdb.connect() as con:
        con.execute(f"copy ({query}) to '{folder / f'{day}.parquet'}' (format parquet)")


def write_static_tables(project: Project) -> None:
    project.write_rows(
        "grafana_cloud_organizations",
        [
            {"org_slug": "pro", "org_name": "Pro", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "adv", "org_name": "Advanced", "plan": "advanced", "included_dpm_per_series": 4},
        ],
    )
    project.write_rows(
        "grafana_cloud_stacks",
        [
            {"stack_id": "s1", "stack_slug": "pro-1", "org_slug": "pro"},
            {"stack_id": "s2", "stack_slug": "pro-2", "org_slug": "pro"},
            {"stack_id": "s3", "stack_slug": "adv-3", "org_slug": "adv"},
        ],
    )


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.fixture(scope="module")
def incremental_and_full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Project, Project, list[str]]:
    incremental = Project(tmp_path_factory.mktemp("incremental"), mode="export")
    write_static_tables(incremental)
    runs = []
    variables = {"grafana_cloud_as_of": AS_OF}
    for day in days(FIRST_DAY, date(2024, 9, 10)):
        write_day(incremental, day)
    runs.append(incremental.build(vars=variables).output)
    for day in days(date(2024, 9, 11), date(2024, 9, 20)):
        write_day(incremental, day)
    write_day(incremental, date(2024, 9, 9), bump=7)  # a corrected re-delivery inside the look-back
    runs.append(incremental.build(vars=variables).output)
    for day in days(date(2024, 9, 21), LAST_DAY):
        write_day(incremental, day)
    runs.append(incremental.build(vars=variables).output)

    full = Project(tmp_path_factory.mktemp("full_refresh"), mode="export")
    write_static_tables(full)
    for day in days(FIRST_DAY, LAST_DAY):
        write_day(full, day, bump=7 if day == date(2024, 9, 9) else 0)
    full.build("--full-refresh", vars=variables)
    return incremental, full, runs


def test_incremental_runs_are_incremental(incremental_and_full) -> None:
    _, _, runs = incremental_and_full
    # the first run creates the tables; the next two only merge the reprocessed days in
    assert "incremental model staging.stg_grafana_cloud__metrics_usage" in runs[1]
    assert "incremental model intermediate.int_metrics_usage_per_minute" in runs[2]


def test_incremental_sequence_equals_full_refresh(incremental_and_full) -> None:
    incremental, full, _ = incremental_and_full
    left, right = snapshot(incremental), snapshot(full)
    for mart, rows in right.items():
        assert left[mart] == rows, f"{mart} differs between the incremental sequence and a full refresh"
    # and the figures are real: two months for three stacks
    assert len(right["fct_grafana_cloud_metrics_usage"]) == 6


def test_incremental_intermediate_tables_equal_full_refresh(incremental_and_full) -> None:
    incremental, full, _ = incremental_and_full
    # loaded_at says which run wrote a day, so it differs by design (test below)
    for table, order, columns in [
        ("staging.stg_grafana_cloud__metrics_usage", "stack_id, sampled_at", "* exclude (loaded_at)"),
        ("intermediate.int_metrics_usage_per_minute", "stack_id, sampled_minute", "* exclude (loaded_at)"),
        ("intermediate.int_metrics_series_percentiled", "stack_id, billing_month", "*"),
        ("intermediate.int_metrics_dpm_percentiled", "stack_id, billing_month", "*"),
        ("intermediate.int_metrics_usage_percentiled", "stack_id, billing_month", "*"),
    ]:
        assert incremental.query(f"select {columns} from {table} order by {order}") == full.query(
            f"select {columns} from {table} order by {order}"
        ), table


def test_each_load_stamps_the_days_it_wrote(incremental_and_full) -> None:
    incremental, full, _ = incremental_and_full
    for table in ["staging.stg_grafana_cloud__metrics_usage", "intermediate.int_metrics_usage_per_minute"]:
        loads = incremental.query(
            f"select loaded_at, min(sampled_day), max(sampled_day) from {table} group by loaded_at order by loaded_at"
        )
        # run 1 wrote Sep 1-10; run 2 replaced the look-back from Sep 8 (10 - 2 days), Sep 8-20;
        # run 3 from Sep 18; what a later run rewrote carries the later stamp
        assert [(first, last) for _, first, last in loads] == [
            (date(2024, 9, 1), date(2024, 9, 7)),
            (date(2024, 9, 8), date(2024, 9, 17)),
            (date(2024, 9, 18), LAST_DAY),
        ], table
        # a full refresh writes every day in one load
        assert full.query(f"select count(distinct loaded_at) from {table}") == [(1,)], table


def test_a_full_refresh_writes_each_day_in_one_run_of_rows(incremental_and_full) -> None:
    # DuckDB keeps ~32 KB of version data per 2,048-row vector that a delete touches: a day spread
    # over the whole table made replacing the look-back days run out of memory at 414M rows
    # (DECISIONLOG D31). A full refresh therefore writes the rows in day order: each day's rows
    # are one contiguous range of row ids.
    _, full, _ = incremental_and_full
    for table in ["staging.stg_grafana_cloud__metrics_usage", "intermediate.int_metrics_usage_per_minute"]:
        spread = full.query(
            f"select sampled_day, count(*), max(rowid) - min(rowid) + 1 from {table}"
            " group by sampled_day having count(*) != max(rowid) - min(rowid) + 1"
        )
        assert spread == [], f"{table}: days not contiguous (day, rows, row id span): {spread[:5]}"
        assert full.query(f"select count(distinct sampled_day) from {table}") == [(33,)]


def test_a_re_delivered_day_inside_the_look_back_replaces_the_old_one(incremental_and_full) -> None:
    incremental, _, _ = incremental_and_full
    # day 9 was loaded in the first run and re-delivered 7 series higher in the second
    rows = incremental.query(
        "select count(*), count(distinct sampled_at) from staging.stg_grafana_cloud__metrics_usage"
        " where sampled_day = '2024-09-09' and stack_id = 's1'"
    )
    assert rows == [(1439, 1439)]  # 1,440 minutes less the one missing at 03:17, no duplicate


def test_missing_export_table_names_the_table_and_the_path(tmp_path: Path) -> None:
    project = Project(tmp_path, mode="export")
    (project.export_dir / "grafana_cloud_k6_test_runs.csv").unlink()
    result = project.build(expect_success=False)
    assert not result.ok
    assert (
        f"Raw table 'grafana_cloud_k6_test_runs' was not found under grafana_cloud_raw_path '{project.export_dir}'"
        in result.output
    )
    assert f"{project.export_dir}/grafana_cloud_k6_test_runs.parquet" in result.output
    # switched off by its feature var, the same folder builds
    project.build(vars={"grafana_cloud_using_k6": False})


def test_the_key_test_of_a_daily_load_checks_every_row_of_the_days_it_wrote(tmp_path: Path) -> None:
    # The primary-key test of the day-incremental models reads only the days of the latest load
    # (DECISIONLOG D34): days 1-5, then 6-7 with the look-back from day 3. A duplicate planted on
    # day 4 with an old stamp is found; one planted on day 1, which the load did not touch and
    # the earlier load's test checked, is out of the test's scope.
    project = Project(tmp_path, mode="export")
    write_static_tables(project)
    variables = {"grafana_cloud_as_of": AS_OF}
    for day in days(FIRST_DAY, date(2024, 9, 5)):
        write_day(project, day)
    project.build(vars=variables)
    for day in days(date(2024, 9, 6), date(2024, 9, 7)):
        write_day(project, day)
    project.build(vars=variables)
    with duckdb.connect(str(project.database)) as con:
        for day in ["2024-09-01", "2024-09-04"]:
            con.execute(
                "insert into intermediate.int_metrics_usage_per_minute"
                " select * replace (timestamp '2000-01-01' as loaded_at) from intermediate.int_metrics_usage_per_minute"
                f" where stack_id = 's1' and sampled_minute = timestamp '{day} 12:00:00'"
            )
    result = project.dbt("test", "--select", "test_name:primary_key,int_metrics_usage_per_minute", vars=variables)
    assert not result.ok
    assert "Got 1 result, configured to fail if != 0" in result.output, result.output[-3000:]
    # both planted duplicates are there; the test reports the one in its scope
    assert project.query(
        "select cast(sampled_minute as date) from intermediate.int_metrics_usage_per_minute"
        " group by stack_id, sampled_minute having count(*) > 1 order by 1"
    ) == [(date(2024, 9, 1),), (date(2024, 9, 4),)]
