"""How an export folder may hold a raw table, and what stops the build instead of a wrong bill.

A table is one file (.parquet or .csv), a folder of such files, or a folder of part files as Spark
writes one (<table>.parquet/part-*.parquet beside _SUCCESS); a table in two forms, or a path with
glob characters, stops the build with a message. Parquet and CSV of the same values agree, also on
empty text and on fractions.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb

from harness import Project
from test_repeatability import snapshot

ORGS = "select 'o' as org_slug, 'O' as org_name, 'pro' as plan, '' as included_dpm_per_series"
STACKS = "select * from (values ('s1', 'o-s1', 'o'), ('s2', 'o-s2', 'o')) as t(stack_id, stack_slug, org_slug)"
# one day of per-minute samples on two stacks, a spike on s2
METRICS = """
    select
        stack_id,
        strftime(ts, '%Y-%m-%d %H:%M:%S') as sampled_at,
        case when stack_id = 's2' and hour(ts) = 9 then 50000.0 else 12000.0 end as active_series,
        200.0 as samples_per_second
    from range(timestamp '2024-09-03', timestamp '2024-09-04', interval 1 minute) as t(ts),
        (values ('s1'), ('s2')) as s(stack_id)
"""


def export_project(tmp_path: Path) -> Project:
    project = Project(tmp_path, mode="export")
    project.write_sql("grafana_cloud_organizations", ORGS)
    project.write_sql("grafana_cloud_stacks", STACKS)
    project.write_sql("grafana_cloud_metrics_usage", METRICS)
    return project


def test_a_spark_part_folder_reads_like_one_file(tmp_path: Path) -> None:
    single = export_project(tmp_path / "single")
    single.build()
    parts = export_project(tmp_path / "parts")
    # the same rows as a folder of two part files and Spark's _SUCCESS marker
    metrics = parts.export_dir / "grafana_cloud_metrics_usage.parquet"
    metrics.unlink()
    metrics.mkdir()
    with duckdb.connect() as con:
        for part, stack_id in enumerate(["s1", "s2"]):
            con.execute(
                f"copy (select * from ({METRICS}) where stack_id = '{stack_id}')"
                f" to '{metrics}/part-0000{part}-c000.snappy.parquet' (format parquet)"
            )
    (metrics / "_SUCCESS").touch()
    parts.build()
    left, right = snapshot(single), snapshot(parts)
    assert left == right
    # 2 stacks x 1,440 minutes
    assert parts.query("select sum(sample_count) from fct_grafana_cloud_metrics_usage") == [(2880,)]


def test_a_table_in_two_forms_stops_the_build(tmp_path: Path) -> None:
    project = export_project(tmp_path)
    # a stale CSV beside the Parquet file
    (project.export_dir / "grafana_cloud_metrics_usage.csv").write_text(
        "stack_id,sampled_at,active_series,samples_per_second\ns1,2024-09-03 00:00:00,1,1\n"
    )
    result = project.build(expect_success=False)
    assert not result.ok
    table = project.export_dir / "grafana_cloud_metrics_usage"
    assert (
        f"Raw table 'grafana_cloud_metrics_usage' is under grafana_cloud_raw_path '{project.export_dir}'"
        f" in more than one form: {table}.parquet (1 file), {table}.csv (1 file)"
    ) in result.output
    assert "keep one form" in result.output


def test_a_path_with_glob_characters_is_refused(tmp_path: Path) -> None:
    project = export_project(tmp_path)
    bracketed = tmp_path / "export [2024-09]"
    shutil.move(project.export_dir, bracketed)
    project.export_dir = bracketed
    result = project.build(expect_success=False)
    assert not result.ok
    assert f"The grafana_cloud_raw_path '{bracketed}' contains [ ], which the file readers take as wildcards" in result.output


def test_parquet_and_csv_agree_on_empty_text_and_fractions(tmp_path: Path) -> None:
    """'' in a Parquet text column is empty, as an empty CSV field is; a fractional count rounds
    half away from zero from text and from a double alike."""
    k6 = (
        "select 's1' as stack_id, 'r1' as test_run_id, '2024-09-03 10:00:00' as started_at,"
        " '2024-09-03 10:30:00' as ended_at, {vus} as vus, {browser_vus} as browser_vus"
    )
    ingestion = (
        "select 's1' as stack_id, 'logs' as signal, '2024-09-03 10:00:00' as usage_start,"
        " {bytes} as ingested_bytes"
    )
    results = {}
    for form in ("parquet", "csv"):
        project = export_project(tmp_path / form)
        if form == "parquet":
            project.write_sql("grafana_cloud_k6_test_runs", k6.format(vus="10.5", browser_vus="''"))
            project.write_sql("grafana_cloud_ingestion_usage", ingestion.format(bytes="cast(122.5 as double)"))
        else:
            project.write_rows("grafana_cloud_organizations", [{"org_slug": "o", "org_name": "O", "plan": "pro"}])
            project.write_rows("grafana_cloud_k6_test_runs", [{
                "stack_id": "s1", "test_run_id": "r1", "started_at": "2024-09-03 10:00:00",
                "ended_at": "2024-09-03 10:30:00", "vus": "10.5",
            }])
            project.write_rows("grafana_cloud_ingestion_usage", [{
                "stack_id": "s1", "signal": "logs", "usage_start": "2024-09-03 10:00:00", "ingested_bytes": "122.5",
            }])
        project.build()
        assert project.query("select count(*) from audit_grafana_cloud_rejected_rows") == [(0,)], form
        results[form] = (
            project.query("select included_dpm_per_series from dim_grafana_cloud_organizations"),
            project.query("select vus, browser_vus, vuh from intermediate.int_k6_test_runs_metered"),
            project.query("select ingested_bytes from intermediate.int_ingestion_usage_monthly"),
        )
    # empty included DPM is Grafana's default of 1; 10.5 VUs round to 11 and empty browser VUs
    # are none: 11 x 30 min / 60 = 5.5 VUh; 122.5 bytes round to 123
    assert results["parquet"] == results["csv"] == (
        [(1,)],
        [(11, 0, Decimal("5.500000"))],
        [(123,)],
    )
