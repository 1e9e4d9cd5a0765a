"""A throw-away copy of the dbt project with its own raw data and its own DuckDB file.

End-to-end tests write raw tables either as seed files (seeds/sample/<table>.csv, the sample
month's place) or into an export folder read through the var
grafana_cloud_raw_path (fast for millions of per-minute rows), run `dbt build`, and query the
marts. Every raw table that a test does not write is present with its header only, which also
checks that an empty table loads with the declared types.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

import duckdb
import yaml

ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")

# What a copy needs: everything dbt reads, nothing it writes.
PROJECT_PARTS = ["dbt_project.yml", "models", "macros", "seeds", "profiles", "tests"]
IGNORED = shutil.ignore_patterns("e2e", "__pycache__", "*.pyc", ".pytest_cache")


SOURCES = ROOT / "models" / "staging" / "grafana_cloud" / "_grafana_cloud__sources.yml"


def raw_tables() -> list[dict[str, Any]]:
    """The raw tables of the contract: the tables of the source grafana_cloud."""
    sources = yaml.safe_load(SOURCES.read_text())["sources"]
    return next(source for source in sources if source["name"] == "grafana_cloud")["tables"]


def raw_contract() -> dict[str, dict[str, str]]:
    """Raw table name -> {column: type}, from the source grafana_cloud (the input contract)."""
    return {
        table["name"]: {column["name"]: column["data_type"] for column in table["columns"]}
        for table in raw_tables()
    }


def optional_columns(table: str) -> list[str]:
    """A raw table's optional columns, from its source table's meta.optional_columns."""
    definition = next(candidate for candidate in raw_tables() if candidate["name"] == table)
    return definition.get("config", {}).get("meta", {}).get("optional_columns", [])


@dataclass
class BuildResult:
    returncode: int
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class Project:
    def __init__(self, directory: Path, mode: str = "seeds", keep_sample: bool = False) -> None:
        """Copy the project into `directory`. mode "seeds": raw tables are seed files;
        "export": an export folder read through grafana_cloud_raw_path. Raw tables start empty
        (header only) unless keep_sample keeps the sample month (seeds mode)."""
        if mode not in ("seeds", "export"):
            raise ValueError(mode)
        directory.mkdir(parents=True, exist_ok=True)
        self.dir = directory
        self.mode = mode
        self.database = directory / "warehouse.duckdb"
        self.export_dir = directory / "export"
        self.last_build: BuildResult | None = None  # the output of the latest build(), for its warnings
        for part in PROJECT_PARTS:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, directory / part, ignore=IGNORED)
            else:
                shutil.copy2(source, directory / part)
        self.contract = raw_contract()
        # Start from empty raw tables: header-only seed files (and export files), and no invoice.
        if not keep_sample:
            for table, columns in self.contract.items():
                self._write_csv(self.dir / "seeds" / "sample" / f"{table}.csv", list(columns), [])
            shutil.rmtree(self.dir / "seeds" / "billed_usage", ignore_errors=True)
        if mode == "export":
            self.export_dir.mkdir()
            for table, columns in self.contract.items():
                self._write_csv(self.export_dir / f"{table}.csv", list(columns), [])

    # -- raw data ---------------------------------------------------------------------------

    def write_rows(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Write a raw table from Python rows (a dict per row; missing keys are empty)."""
        columns = list(self.contract[table])
        target = self._raw_path(table, "csv")
        self._write_csv(target, columns, rows)

    def write_sql(self, table: str, query: str) -> None:
        """Write a raw table from a DuckDB query (export mode: as Parquet, no per-row Python)."""
        if self.mode != "export":
            raise RuntimeError("write_sql needs an export-mode project")
        (self.export_dir / f"{table}.csv").unlink(missing_ok=True)
        target = self.export_dir / f"{table}.parquet"
        with duckdb.connect() as con:
            con.execute("set TimeZone = 'UTC'")
            # the contract's columns the query has, in the contract's order: an optional column
            # (the source table's meta.optional_columns) may be left out, as a real export may
            present = {row[0] for row in con.execute(f"describe select * from ({query})").fetchall()}
            optional = optional_columns(table)
            missing = [c for c in self.contract[table] if c not in present and c not in optional]
            if missing:
                raise ValueError(f"write_sql({table}): the query lacks {missing}")
            columns = ", ".join(c for c in self.contract[table] if c in present)
            con.execute(f"copy (select {columns} from ({query})) to '{target}' (format parquet)")

    def write_invoice(self, org_slug: str, month: str, body: Any) -> Path:
        """Write a Cloud API billed-usage response where the project looks for it by default:
        seeds/billed_usage/<org>/<month>.json, or billed_usage/ beside the raw data in an export
        folder (export mode)."""
        folder = self.export_dir if self.mode == "export" else self.dir / "seeds"
        path = folder / "billed_usage" / org_slug / f"{month}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(body, indent=2))
        return path

    def write_price_book(self, rows: Iterable[Mapping[str, Any]]) -> None:
        path = self.dir / "seeds" / "reference" / "grafana_cloud_price_book.csv"
        with path.open() as handle:
            columns = next(csv.reader(handle))
        self._write_csv(path, columns, rows)

    def write_reference(self, seed: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """Replace a reference seed's rows (seeds/reference/<seed>.csv, its header kept)."""
        path = self.dir / "seeds" / "reference" / f"{seed}.csv"
        with path.open() as handle:
            columns = next(csv.reader(handle))
        self._write_csv(path, columns, rows)

    def _raw_path(self, table: str, extension: str) -> Path:
        if self.mode == "seeds":
            return self.dir / "seeds" / "sample" / f"{table}.{extension}"
        (self.export_dir / f"{table}.parquet").unlink(missing_ok=True)
        return self.export_dir / f"{table}.{extension}"

    @staticmethod
    def _write_csv(path: Path, columns: list[str], rows: Iterable[Mapping[str, Any]]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="raise")
            writer.writeheader()
            for row in rows:
                writer.writerow({key: ("" if value is None else value) for key, value in row.items()})

    # -- dbt ----------------------------------------------------------------------------------

    def dbt(self, *args: str, vars: Mapping[str, Any] | None = None) -> BuildResult:
        all_vars = dict(vars or {})
        if self.mode == "export":
            all_vars.setdefault("grafana_cloud_raw_path", str(self.export_dir))
        command = [str(DBT), *args, "--target-path", str(self.dir / "target")]
        if all_vars:
            command += ["--vars", yaml.safe_dump(all_vars, default_flow_style=True).strip()]
        env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(self.dir / "profiles"),
            "GRAFANA_CLOUD_COSTS_DUCKDB_PATH": str(self.database),
            "GRAFANA_CLOUD_COSTS_DUCKDB_TEMP_DIRECTORY": str(self.dir / "duckdb_tmp"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
            "DBT_USE_COLORS": "false",
        }
        completed = subprocess.run(
            command, cwd=self.dir, env=env, capture_output=True, text=True, check=False
        )
        return BuildResult(completed.returncode, completed.stdout + completed.stderr)

    def build(self, *extra: str, vars: Mapping[str, Any] | None = None, expect_success: bool = True) -> BuildResult:
        """dbt build (models, seeds, data tests; unit tests run in `make test-dbt`)."""
        result = self.dbt("build", "--exclude", "resource_type:unit_test", *extra, vars=vars)
        self.last_build = result
        if expect_success and not result.ok:
            raise AssertionError(f"dbt build failed in {self.dir}:\n{result.output[-6000:]}")
        return result

    # -- marts --------------------------------------------------------------------------------

    def query(self, sql: str, parameters: list[Any] | None = None) -> list[tuple]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            return con.execute(sql, parameters or []).fetchall()

    def rows(self, sql: str, parameters: list[Any] | None = None) -> list[dict[str, Any]]:
        with duckdb.connect(str(self.database), read_only=True) as con:
            cursor = con.execute(sql, parameters or [])
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]
