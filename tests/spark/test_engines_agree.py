"""DuckDB and Spark compute the same marts (`make test-spark`; not part of `make test`).

Each scenario is one throw-away copy of the project (tests/e2e/harness.py) with its raw data,
built once with the DuckDB target and once with the Spark target (a local PySpark session,
profiles/profiles.yml `spark`), each engine with its own --target-path and warehouse. Every mart
is then compared row by row (scripts/compare_engines.py: money and quantities exactly, doubles
after rounding to 6 decimals).

Scenarios, chosen to be few because a Spark build of the project takes a couple of minutes:
- the sample month from the seeds, with `dbt build` running every unit and data test on Spark;
- users and VUh billed from Grafana's month-to-date counts (tests/e2e/test_usage_counts.py), with
  organization-level lines that have no stack;
- every bad-input case of every raw table (tests/e2e/test_bad_input.py) in an export folder of
  CSV files, the quarantine and its raw-row text included, built on Spark with ANSI mode on (Spark 4's and Databricks' default,
  which dbt-spark otherwise switches off): malformed values must be rejected, not raise;
- daily Parquet exports loaded incrementally (insert_overwrite of day partitions on Spark,
  delete+insert on DuckDB) in two runs with a re-delivered day, from an export folder and an
  invoice whose paths and names carry quotes and spaces;
- the same daily exports through a Spark Thrift Server (profiles.yml `spark_cluster`, dbt-spark's
  `thrift` method, as against a cluster): a local HiveThriftServer2 started from PySpark's jars,
  in a working directory of its own, so that every path dbt hands it must stand on its own.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Mapping

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(ROOT / "scripts"))

from compare_engines import compare, report  # noqa: E402
from harness import DBT, BuildResult, Project  # noqa: E402

pytest.importorskip("pyspark", reason="make setup-spark installs dbt-spark and PySpark")

ANSI_WRAPPER = Path(__file__).with_name("dbt_ansi.py")


def spark_dbt(project: Project, *args: str, vars: Mapping[str, Any] | None = None, ansi: bool = False,
              server: "ThriftServer | None" = None) -> BuildResult:
    """Run dbt on the Spark target in the project's folder: its own target path and warehouse
    (a local session), or the `spark_cluster` target against a Thrift Server."""
    all_vars = dict(vars or {})
    if project.mode == "export":
        all_vars.setdefault("grafana_cloud_raw_path", str(project.export_dir))
    spark_dir = project.dir / "target-spark"
    runner = [sys.executable, str(ANSI_WRAPPER)] if ansi else [str(DBT)]
    target = "spark_cluster" if server else "spark"
    command = [*runner, *args, "--target", target, "--target-path", str(spark_dir)]
    if all_vars:
        command += ["--vars", yaml.safe_dump(all_vars, default_flow_style=True).strip()]
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project.dir / "profiles"),
        "GRAFANA_CLOUD_COSTS_SPARK_WAREHOUSE": str(spark_dir / "warehouse"),
        "GRAFANA_CLOUD_COSTS_SPARK_METASTORE": str(spark_dir / "metastore_db"),
        "SPARK_LOCAL_IP": os.environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_USE_COLORS": "false",
    }
    if server:
        # the marts in `main`, as on DuckDB, so that compare() finds them under <warehouse>/main.db
        env |= {"SPARK_HOST": "127.0.0.1", "SPARK_PORT": str(server.port), "GRAFANA_CLOUD_COSTS_SPARK_SCHEMA": "main"}
    completed = subprocess.run(command, cwd=project.dir, env=env, capture_output=True, text=True, check=False)
    return BuildResult(completed.returncode, completed.stdout + completed.stderr)


def spark_build(project: Project, *extra: str, vars: Mapping[str, Any] | None = None, ansi: bool = False,
                server: "ThriftServer | None" = None) -> BuildResult:
    result = spark_dbt(project, "build", *extra, vars=vars, ansi=ansi, server=server)
    if not result.ok:
        raise AssertionError(f"Spark dbt build failed in {project.dir}:\n{result.output[-8000:]}")
    return result


def assert_engines_agree(project: Project, scenario: str, warehouse: Path | None = None) -> None:
    results = compare(project.database, warehouse or project.dir / "target-spark" / "warehouse")
    summary = report(results)
    print(f"\n== {scenario}\n{summary}")
    assert results, "no mart to compare"
    assert all(r.ok for r in results), f"DuckDB and Spark differ ({scenario}):\n{summary}"


# -- the sample month, every test -------------------------------------------------------------


def test_sample_month_every_test_passes_and_marts_agree(tmp_path: Path) -> None:
    project = Project(tmp_path / "sample", mode="seeds", keep_sample=True)
    duck = project.dbt("build")  # unit tests included, as `make test-dbt` runs them
    assert duck.ok, duck.output[-6000:]
    spark = spark_dbt(project, "build")
    assert spark.ok, spark.output[-8000:]
    assert "Completed successfully" in spark.output
    assert_engines_agree(project, "sample month (seeds)")


# -- every bad input, ANSI mode on -----------------------------------------------------------------


def test_bad_input_is_quarantined_alike_with_ansi_mode_on(tmp_path: Path) -> None:
    import test_bad_input as bad

    # From an export folder of CSV files, as real exports arrive: dbt's seed loader for Spark (agate)
    # turns a cell of only spaces into NULL where DuckDB's keeps the spaces, which would show in
    # the quarantine's raw_row text (DECISIONLOG D45).
    project = Project(tmp_path / "bad", mode="export")
    bad.plant(project)
    variables = {"grafana_cloud_as_of": bad.AS_OF, "grafana_cloud_max_rejected_rows": bad.TOTAL_QUARANTINED}
    project.build(vars=variables)
    spark = spark_build(project, "--exclude", "resource_type:unit_test", vars=variables, ansi=True)
    assert_engines_agree(project, "bad input, quarantined (export folder of CSV files, Spark in ANSI mode)")
    # no invoice in this export folder: reconciliation is optional, but the build says so
    assert f"no billed-usage file found (looked for file:{project.export_dir}/billed_usage/*/*.json)" in spark.output


# -- users and VUh from Grafana's counts -----------------------------------------------------------


def test_usage_counts_bill_alike(tmp_path: Path) -> None:
    import test_usage_counts as counts

    project = Project(tmp_path / "counts", mode="export")
    counts.plant(project)
    variables = {"grafana_cloud_as_of": counts.AS_OF}
    project.build(vars=variables)
    spark = spark_build(project, "--exclude", "resource_type:unit_test", vars=variables)
    assert "mixed 2024-09-01 grafana_active_users: detail rows give 4" in spark.output
    assert_engines_agree(project, "users and VUh from Grafana's counts (stack-less lines included)")


# -- daily exports, incremental, quotes and spaces ---------------------------------------------

AS_OF = "2024-10-04 00:00:00"


def write_day(project: Project, day: date, bump: float = 0.0) -> None:
    """One Parquet file of per-minute samples (typed timestamps) for one day."""
    import duckdb

    folder = project.export_dir / "grafana_cloud_metrics_usage"
    folder.mkdir(exist_ok=True)
    (project.export_dir / "grafana_cloud_metrics_usage.csv").unlink(missing_ok=True)
    query = f"""
        select
            stack_id,
            ts as sampled_at,
            round(base * (1 + 0.2 * sin(epoch(ts) / 3600.0))
                * case when day(ts) = 12 and stack_id = '1' then 3 else 1 end) + {bump} as active_series,
            round(base * dpm / 60.0, 2) as samples_per_second
        from range(timestamp '{day}', timestamp '{day + timedelta(days=1)}', interval 1 minute) as t(ts)
        cross join (values ('1', 20000, 1.0), ('2', 8000, 2.0), ('3', 40000, 6.0)) as s(stack_id, base, dpm)
        where minute(ts) != 17 or hour(ts) != 3
        union all
        select '2', timestamp '{day} 08:00:30', 8000, 266.67
    """
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        target = str(folder / f"{day}.parquet").replace("'", "''")
        con.execute(f"copy ({query}) to '{target}' (format parquet)")


def write_static_tables(project: Project) -> None:
    project.write_rows(
        "grafana_cloud_organizations",
        [
            {"org_slug": "o'brien", "org_name": "O'Brien & Sons", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "adv", "org_name": 'Advanced "4"', "plan": "advanced", "included_dpm_per_series": 4},
        ],
    )
    project.write_rows(
        "grafana_cloud_stacks",
        [
            {"stack_id": "1", "stack_slug": "it's-prod", "org_slug": "o'brien"},
            {"stack_id": "2", "stack_slug": "back\\slash", "org_slug": "o'brien"},
            {"stack_id": "3", "stack_slug": "adv-3", "org_slug": "adv"},
        ],
    )
    # an export written before the optional stack columns and grafana_cloud_usage_counts existed:
    # both readers take the absent columns as null and the absent table as empty
    stacks = project.export_dir / "grafana_cloud_stacks.csv"
    stacks.write_text("\n".join(",".join(row.split(",")[:3]) for row in stacks.read_text().splitlines()) + "\n")
    (project.export_dir / "grafana_cloud_usage_counts.csv").unlink()
    project.write_rows(
        "grafana_cloud_k6_test_runs",
        [
            {"stack_id": "1", "test_run_id": "r1", "started_at": "2024-09-02T10:00:00Z",
             "ended_at": "2024-09-02T12:30:00.600+02:00", "vus": 100, "browser_vus": ""},
            {"stack_id": "3", "test_run_id": "r2", "started_at": "2024-09-03 10:00:00",
             "ended_at": "2024-09-03 10:07:00", "vus": "", "browser_vus": 3},
        ],
    )
    invoice = project.export_dir / "billed_usage" / "o'brien" / "2024-09.json"
    invoice.parent.mkdir(parents=True, exist_ok=True)
    invoice.write_text(json.dumps({"items": [{
        "dimensionName": "Metrics", "unit": "series", "includedUsage": 10000, "totalUsage": 33600,
        "overage": 23600, "amountDue": 153.4, "periodStart": "2024-09-01T00:00:00Z",
        "periodEnd": "2024-09-30T23:59:59Z",
        "usages": [{"stackId": 1, "stackName": "it's-prod", "totalUsage": 24000}],
    }]}, indent=2))


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def build_daily_exports_on_both_engines(tmp_path: Path, scenario: str, server: "ThriftServer | None" = None) -> Project:
    """Days 1-10, then the rest and a corrected day 9, on DuckDB and on Spark (a local session,
    or a Thrift Server); every mart compared after the second run."""
    project = Project(tmp_path / "a project", mode="export")
    folder = tmp_path / "it's an export folder"
    project.export_dir.rename(folder)
    project.export_dir = folder
    write_static_tables(project)
    # the hand-written invoice is not meant to match to the cent: only that both engines read it alike
    variables = {"grafana_cloud_as_of": AS_OF, "grafana_cloud_reconciliation_tolerance_usd": 1000000}

    for day in days(date(2024, 9, 1), date(2024, 9, 10)):
        write_day(project, day)
    project.build(vars=variables)
    spark_build(project, "--exclude", "resource_type:unit_test", vars=variables, server=server)

    for day in days(date(2024, 9, 11), date(2024, 10, 3)):
        write_day(project, day)
    write_day(project, date(2024, 9, 9), bump=7)  # a corrected re-delivery inside the look-back
    project.build(vars=variables)
    second = spark_build(project, "--exclude", "resource_type:unit_test", vars=variables, server=server)
    assert "incremental model staging.stg_grafana_cloud__metrics_usage" in second.output
    assert_engines_agree(project, scenario, server.warehouse if server else None)
    # and the figures are real: two months of three stacks, the invoice read from its folder
    assert project.query("select count(*) from fct_grafana_cloud_metrics_usage") == [(6,)]
    assert project.query("select count(*) from fct_grafana_cloud_invoice_reconciliation where org_slug = 'o''brien'")[0][0] > 0
    return project


def test_incremental_daily_exports_agree(tmp_path: Path) -> None:
    build_daily_exports_on_both_engines(tmp_path, "daily Parquet exports, two incremental runs (export folder)")


# -- the same daily exports through a Spark Thrift Server ------------------------------------------


class ThriftServer:
    """A local Spark Thrift Server (HiveThriftServer2 from PySpark's own jars), as a cluster would
    run one: its warehouse, metastore and working directory are its own, not the project's."""

    def __init__(self, home: Path) -> None:
        import pyspark

        self.home = home
        self.warehouse = home / "warehouse"
        self.log = home / "thriftserver.log"
        with socket.socket() as probe:  # a free port
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        spark_home = Path(pyspark.__file__).parent
        command = [
            str(spark_home / "bin" / "spark-submit"),
            "--class", "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
            "--master", "local[2]", "--driver-memory", "2g",
            "--conf", "spark.sql.session.timeZone=UTC",
            "--conf", f"spark.sql.warehouse.dir={self.warehouse}",
            "--conf", f"spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName={home / 'metastore_db'};create=true",
            "--conf", "spark.sql.shuffle.partitions=4",
            "--conf", "spark.ui.enabled=false",
            "--hiveconf", f"hive.server2.thrift.port={self.port}",
            "--hiveconf", "hive.server2.thrift.bind.host=127.0.0.1",
            "spark-internal",
        ]
        env = {**os.environ, "SPARK_HOME": str(spark_home), "SPARK_LOCAL_IP": "127.0.0.1"}
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, cwd=home, env=env, stdout=log, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 180
        while "HiveThriftServer2 started" not in self.log.read_text(errors="replace"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"the Spark Thrift Server did not start; its log:\n{self.log.read_text()[-4000:]}")
            time.sleep(1)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def thrift_server(tmp_path: Path):
    home = tmp_path / "thrift server"
    home.mkdir()
    server = ThriftServer(home)
    try:
        yield server
    finally:
        server.stop()


def test_a_spark_thrift_server_builds_the_daily_exports_alike(tmp_path: Path, thrift_server: ThriftServer) -> None:
    project = build_daily_exports_on_both_engines(
        tmp_path, "daily Parquet exports through a Spark Thrift Server", server=thrift_server
    )
    # the server wrote the tables, in its own warehouse: nothing under the project's
    assert not (project.dir / "target-spark" / "warehouse").exists()
    assert any((thrift_server.warehouse / "main.db").iterdir())
    # a relative path is resolved by the server, in its own folder, and the log says where
    relative = spark_dbt(project, "run-operation", "spark_absolute_path", "--args", "{path: seeds/billed_usage}",
                         server=thrift_server)
    assert relative.ok, relative.output[-3000:]
    assert (f"the relative path 'seeds/billed_usage' is read by the Spark server as "
            f"{thrift_server.home}/seeds/billed_usage (its working directory") in relative.output
