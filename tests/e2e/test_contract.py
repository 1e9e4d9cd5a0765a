"""The input contract is the source grafana_cloud; the sample seeds load the same columns and types.

The readers of an export take each column's type from the source's data_type; the sample seeds
(seeds/sample, loaded only when no export folder is given) declare column_types so that a file
holding only a header still loads. The two must agree, column for column.
"""

from __future__ import annotations

import yaml

from harness import ROOT, raw_contract


def test_every_sample_seed_declares_the_source_columns_and_types() -> None:
    seeds = {seed["name"]: seed for seed in yaml.safe_load((ROOT / "seeds" / "_seeds.yml").read_text())["seeds"]}
    for table, columns in raw_contract().items():
        assert (ROOT / "seeds" / "sample" / f"{table}.csv").exists(), f"no sample seed for {table}"
        assert seeds[table]["config"]["column_types"] == columns, table


def test_every_sample_seed_is_a_table_of_the_source() -> None:
    contract = raw_contract()
    sample = sorted(path.stem for path in (ROOT / "seeds" / "sample").glob("*.csv"))
    assert sample == sorted(contract)
