"""The README documents what the project promises: every mart and column, raw table and var.

A column added to a mart contract, or a var added to dbt_project.yml, without a word in the
README fails here, so the documentation cannot silently fall behind the code.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def marts() -> list[dict]:
    files = sorted((ROOT / "models" / "marts").glob("**/_*__models.yml"))
    return [model for path in files for model in yaml.safe_load(path.read_text())["models"]]


def section(title: str) -> str:
    match = re.search(rf"^### `{re.escape(title)}`\n(.*?)(?=^### |^## )", README, flags=re.S | re.M)
    assert match, f"README has no section ### `{title}`"
    return match.group(1)


@pytest.mark.parametrize("mart", marts(), ids=lambda mart: mart["name"])
def test_readme_describes_every_mart_column(mart: dict) -> None:
    text = section(mart["name"])
    missing = [column["name"] for column in mart["columns"] if f"`{column['name']}`" not in text]
    assert missing == [], f"README section for {mart['name']} does not mention {missing}"


def test_readme_lists_every_raw_table_and_column() -> None:
    seeds = yaml.safe_load((ROOT / "seeds" / "_seeds.yml").read_text())["seeds"]
    contract = README.split("## Input contract", 1)[1].split("\n## ", 1)[0]
    for seed in seeds:
        assert f"`{seed['name']}`" in contract, seed["name"]
        for column in seed["config"]["column_types"]:
            assert f"`{column}`" in contract, f"{seed['name']}.{column}"


def test_readme_lists_every_var() -> None:
    variables = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
    settings = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    missing = [name for name in variables if f"`{name}`" not in settings]
    assert missing == [], f"README Settings does not document {missing}"


def test_readme_shows_the_two_commands_first() -> None:
    first_block = README.split("```", 2)[1]
    assert "make build" in first_block and "make test" in first_block
