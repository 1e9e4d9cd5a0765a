"""Compare the marts of a DuckDB build with those of a Spark build of the same input, row by row.

    python scripts/compare_engines.py --duckdb target/grafana_cloud_costs.duckdb \
        --spark-warehouse target-spark/warehouse

Every table of the DuckDB target schema (`main`, the marts) must exist on Spark with the same
columns, types and rows. Spark's tables are read from the Parquet files its warehouse holds
(<warehouse>/<schema>.db/<table>/), with DuckDB, so no second Spark session is started.

How values are compared:
- decimals (money, billing quantities) exactly, at their declared scale: to the cent for USD;
- doubles (percentiles, coverage) after rounding both sides to DOUBLE_DIGITS (6) decimals, since
  two engines may add or interpolate doubles in a different order (last-bit differences);
- everything else (text, integers, dates, timestamps, booleans) exactly;
- the run metadata column detected_at (when the run found a quarantined row) is left out.
Rows are compared as multisets (order does not matter; duplicates count). Any difference is
reported with the mart and the rows found on only one side; the exit code is 1.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

DOUBLE_DIGITS = 6
RUN_METADATA = {"detected_at"}
# Spark writes its TIMESTAMP (UTC instants) as Parquet timestamps adjusted to UTC, which DuckDB
# reads as TIMESTAMP WITH TIME ZONE; both hold the same UTC instant.
EQUIVALENT_TYPES = {"TIMESTAMP WITH TIME ZONE": "TIMESTAMP"}


@dataclass
class MartComparison:
    mart: str
    duckdb_rows: int = 0
    spark_rows: int = 0
    problems: list[str] = field(default_factory=list)
    only_in_duckdb: list[tuple] = field(default_factory=list)
    only_in_spark: list[tuple] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.problems or self.only_in_duckdb or self.only_in_spark)

    def describe(self, limit: int = 10) -> str:
        lines = [f"{self.mart}: {self.duckdb_rows} rows on DuckDB, {self.spark_rows} on Spark"]
        lines += [f"  {problem}" for problem in self.problems]
        for side, rows in (("DuckDB", self.only_in_duckdb), ("Spark", self.only_in_spark)):
            if rows:
                lines.append(f"  {len(rows)} row(s) only on {side} ({', '.join(self.columns)}):")
                lines += [f"    {row}" for row in rows[:limit]]
                if len(rows) > limit:
                    lines.append(f"    ... and {len(rows) - limit} more")
        return "\n".join(lines)


def _normalise(value: Any, data_type: str) -> Any:
    if value is None:
        return None
    if data_type == "DOUBLE":
        rounded = round(float(value), DOUBLE_DIGITS)
        return 0.0 if rounded == 0 else rounded  # -0.0 and 0.0 are the same
    if data_type.startswith("DECIMAL"):
        return Decimal(value)
    return value


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return [(row[0], row[1]) for row in con.execute(f"describe select * from {relation}").fetchall()]


def spark_table_path(warehouse: Path, schema: str, table: str) -> Path:
    """Where Spark keeps a managed table's files (the default database has no .db folder)."""
    return warehouse / table if schema == "default" else warehouse / f"{schema}.db" / table


def compare(duckdb_path: Path, spark_warehouse: Path, schema: str = "main") -> list[MartComparison]:
    results = []
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        marts = [
            row[0]
            for row in con.execute(
                "select table_name from information_schema.tables"
                " where table_schema = ? and table_type = 'BASE TABLE' order by table_name",
                [schema],
            ).fetchall()
        ]
        for mart in marts:
            result = MartComparison(mart)
            results.append(result)
            duck_columns = [(n, t) for n, t in _columns(con, f"{schema}.{mart}") if n not in RUN_METADATA]
            result.columns = [name for name, _ in duck_columns]
            folder = spark_table_path(spark_warehouse, schema, mart)
            if not folder.is_dir():
                result.problems.append(f"missing on Spark: no table folder {folder}")
                continue
            files = sorted(str(path) for path in folder.rglob("*.parquet"))
            duck_rows = con.execute(
                f"select {', '.join(result.columns)} from {schema}.{mart}"
            ).fetchall()
            if files:
                source = f"read_parquet({[f for f in files]!r}, hive_partitioning = true)"
                spark_columns = {n: t for n, t in _columns(con, source)}
                missing = [n for n in result.columns if n not in spark_columns]
                extra = sorted(set(spark_columns) - set(result.columns) - RUN_METADATA)
                if missing or extra:
                    result.problems.append(f"columns differ: missing on Spark {missing}, only on Spark {extra}")
                    continue
                for name, duck_type in duck_columns:
                    spark_type = EQUIVALENT_TYPES.get(spark_columns[name], spark_columns[name])
                    if spark_type != duck_type:
                        result.problems.append(f"column {name}: {duck_type} on DuckDB, {spark_type} on Spark")
                selected = ", ".join(f"cast({n} as {t}) as {n}" for n, t in duck_columns)
                spark_rows = con.execute(f"select {selected} from {source}").fetchall()
            else:
                spark_rows = []  # Spark writes no data file for an empty table
            types = [t for _, t in duck_columns]
            left = Counter(tuple(_normalise(v, t) for v, t in zip(row, types)) for row in duck_rows)
            right = Counter(tuple(_normalise(v, t) for v, t in zip(row, types)) for row in spark_rows)
            result.duckdb_rows, result.spark_rows = len(duck_rows), len(spark_rows)
            result.only_in_duckdb = sorted((left - right).elements(), key=repr)
            result.only_in_spark = sorted((right - left).elements(), key=repr)
    return results


def report(results: list[MartComparison]) -> str:
    width = max((len(r.mart) for r in results), default=4)
    lines = [f"{'mart'.ljust(width)}  {'DuckDB':>7}  {'Spark':>7}  result"]
    for r in results:
        lines.append(f"{r.mart.ljust(width)}  {r.duckdb_rows:>7}  {r.spark_rows:>7}  {'same' if r.ok else 'DIFFERENT'}")
    for r in results:
        if not r.ok:
            lines.append("")
            lines.append(r.describe())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duckdb", required=True, type=Path, help="the DuckDB build's database file")
    parser.add_argument("--spark-warehouse", required=True, type=Path, help="the Spark build's warehouse folder")
    parser.add_argument("--schema", default="main", help="the marts' schema (default: main)")
    args = parser.parse_args(argv)
    results = compare(args.duckdb, args.spark_warehouse, args.schema)
    print(report(results))
    if not results:
        print(f"no table in schema {args.schema} of {args.duckdb}", file=sys.stderr)
        return 1
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
