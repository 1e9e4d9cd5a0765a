"""scripts/compare_engines.py finds every kind of difference (no Spark needed: the "Spark" side is
a folder of Parquet files laid out as Spark's warehouse lays out a table)."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))

from compare_engines import compare, report  # noqa: E402

MART = """
    select * from (values
        (date '2024-09-01', 'acme', '101', cast(405.87 as decimal(18, 2)), 69637.8::double, timestamp '2024-09-01 00:00:00'),
        (date '2024-09-01', 'acme', '102', cast(158.07 as decimal(18, 2)), 27121.8::double, timestamp '2024-09-01 00:00:00')
    ) as t(billing_month, org_slug, stack_id, cost_usd, p95_dpm, detected_at)
"""


def build(tmp_path: Path, spark_query: str) -> tuple[Path, Path]:
    database = tmp_path / "duck.duckdb"
    warehouse = tmp_path / "warehouse"
    folder = warehouse / "main.db" / "fct_example"
    folder.mkdir(parents=True)
    with duckdb.connect(str(database)) as con:
        con.execute("create schema if not exists main")
        con.execute(f"create table main.fct_example as {MART}")
        con.execute(f"copy ({spark_query}) to '{folder / 'part-00000.parquet'}' (format parquet)")
    return database, warehouse


def test_identical_marts_are_the_same(tmp_path: Path) -> None:
    # a last-bit difference in a double and another run time are not differences
    spark = f"select * replace (p95_dpm + 1e-9 as p95_dpm, detected_at + interval 1 hour as detected_at) from ({MART})"
    results = compare(*build(tmp_path, spark))
    assert [(r.mart, r.ok, r.duckdb_rows, r.spark_rows) for r in results] == [("fct_example", True, 2, 2)]


@pytest.mark.parametrize(
    ("spark", "expected"),
    [
        (f"select * replace (cost_usd + 0.01 as cost_usd) from ({MART}) where stack_id = '101' "
         f"union all select * from ({MART}) where stack_id = '102'", "405.88"),  # a cent
        (f"select * replace (p95_dpm + 0.001 as p95_dpm) from ({MART})", "69637.801"),  # a double
        (f"select * from ({MART}) union all select * from ({MART}) where stack_id = '102'", "1 row(s) only on Spark"),
        (f"select * from ({MART}) where stack_id = '101'", "1 row(s) only on DuckDB"),
        (f"select * replace (cast(cost_usd as double) as cost_usd) from ({MART})", "column cost_usd"),
    ],
)
def test_differences_fail_naming_the_mart_and_the_rows(tmp_path: Path, spark: str, expected: str) -> None:
    results = compare(*build(tmp_path, spark))
    assert not results[0].ok
    text = report(results)
    assert "fct_example" in text and "DIFFERENT" in text and expected in text, text


def test_a_mart_missing_on_spark_is_a_difference(tmp_path: Path) -> None:
    database, warehouse = build(tmp_path, MART)
    (warehouse / "main.db" / "fct_example" / "part-00000.parquet").unlink()
    (warehouse / "main.db" / "fct_example").rmdir()
    results = compare(database, warehouse)
    assert not results[0].ok and "missing on Spark" in report(results)
