"""The documentation covers what the project promises: every mart and column, raw table and var.

A column added to a mart contract, a raw column added to the seed contract, or a var added to
dbt_project.yml without a word in the docs fails here, so the documentation cannot silently fall
behind the code. Where each lives: every mart column in docs/outputs.md, every raw table and column
in docs/input-contract.md, every var in the README's "Settings"; every mart also has a row in the
README's "Outputs" table. Every model's description shows an example query, run here against the
sample build, and every macro in macros/ is described in macros/_macros.yml with its arguments.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()
OUTPUTS = (ROOT / "docs" / "outputs.md").read_text()
INPUT_CONTRACT = (ROOT / "docs" / "input-contract.md").read_text()


def models() -> list[dict]:
    """Every model of the project's YAML files."""
    found = []
    for path in sorted((ROOT / "models").rglob("*.yml")):
        found += (yaml.safe_load(path.read_text()) or {}).get("models", [])
    return found


def marts() -> list[dict]:
    """Every model of the marts folder's YAML files (the public outputs)."""
    models = []
    for path in sorted((ROOT / "models" / "marts").rglob("*.yml")):
        models += (yaml.safe_load(path.read_text()) or {}).get("models", [])
    return models


def section(text: str, title: str) -> str:
    match = re.search(rf"^### `{re.escape(title)}`\n(.*?)(?=^#{{1,3}} |\Z)", text, flags=re.S | re.M)
    assert match, f"docs/outputs.md has no section ### `{title}`"
    return match.group(1)


def readme_section(title: str) -> str:
    assert f"\n## {title}\n" in README, f"README has no section ## {title}"
    return README.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


@pytest.mark.parametrize("mart", marts(), ids=lambda mart: mart["name"])
def test_outputs_describe_every_mart_column(mart: dict) -> None:
    text = section(OUTPUTS, mart["name"])
    missing = [column["name"] for column in mart["columns"] if f"`{column['name']}`" not in text]
    assert missing == [], f"docs/outputs.md section for {mart['name']} does not mention {missing}"


def test_readme_outputs_table_lists_every_mart() -> None:
    table = readme_section("Outputs")
    missing = [mart["name"] for mart in marts() if f"[`{mart['name']}`]" not in table]
    assert missing == [], f"README Outputs table has no row for {missing}"
    assert "make docs" in table


def test_input_contract_lists_every_raw_table_and_column() -> None:
    sources = yaml.safe_load(
        (ROOT / "models" / "staging" / "grafana_cloud" / "_grafana_cloud__sources.yml").read_text()
    )["sources"]
    raw = next(source for source in sources if source["name"] == "grafana_cloud")
    for table in raw["tables"]:
        assert f"`{table['name']}`" in INPUT_CONTRACT, table["name"]
        for column in table["columns"]:
            assert f"`{column['name']}`" in INPUT_CONTRACT, f"{table['name']}.{column['name']}"
    # and the reference seeds, edited by hand
    seeds = yaml.safe_load((ROOT / "seeds" / "_seeds.yml").read_text())["seeds"]
    for seed in seeds:
        assert f"`{seed['name']}`" in INPUT_CONTRACT, seed["name"]
        for column in seed["config"]["column_types"]:
            assert f"`{column}`" in INPUT_CONTRACT, f"{seed['name']}.{column}"


def test_readme_lists_every_var() -> None:
    variables = yaml.safe_load((ROOT / "dbt_project.yml").read_text())["vars"]
    settings = readme_section("Settings")
    missing = [name for name in variables if f"`{name}`" not in settings]
    assert missing == [], f"README Settings does not document {missing}"


def test_readme_shows_the_two_commands_first() -> None:
    first_block = README.split("```", 2)[1]
    assert "make build" in first_block and "make test" in first_block
    intro, first_section = README.split("\n## ", 2)[:2]
    assert "Grafana Cloud bill for 2024-09" in intro, "the sample bill comes right after the two commands"
    assert first_section.startswith("Connect to Grafana Cloud\n")


def test_readme_is_a_users_guide_in_the_issues_order() -> None:
    """What it is, the two commands and the sample bill (above), then these sections in this
    order; detail that a user's guide does not need lives in docs/ and bench/README.md."""
    titles = re.findall(r"^## (.*)$", README, flags=re.M)
    expected = [
        "Connect to Grafana Cloud",
        "Load your own export",
        "Why is this stack's bill what it is?",
        "Reconcile with Grafana's invoice",
        "When the build fails",
        "Settings",
        "Outputs",
        "Commands",
    ]
    assert [title for title in titles if title in expected] == expected, titles
    lines = len(README.splitlines())
    assert lines <= 350, f"README has {lines} lines: a user's guide of about 300; move detail to docs/"


@pytest.mark.parametrize("model", models(), ids=lambda model: model["name"])
def test_every_model_shows_an_example_query_that_runs_on_the_sample(model: dict, sample_project) -> None:
    queries = re.findall(r"```sql\n(.*?)```", model.get("description", ""), flags=re.S)
    assert queries, f"{model['name']}: no example query (a ```sql block) in its description"
    for query in queries:
        assert model["name"] in query, f"{model['name']}: the example does not read the model itself"
        sample_project.query(query)  # raises if the query does not run on the sample build


def test_every_macro_is_described_with_its_arguments() -> None:
    documented = {
        macro["name"]: macro
        for macro in yaml.safe_load((ROOT / "macros" / "_macros.yml").read_text())["macros"]
    }
    problems = []
    for path in sorted((ROOT / "macros").rglob("*.sql")):
        for name, signature in re.findall(r"{%-?\s*macro\s+(\w+)\((.*?)\)\s*-?%}", path.read_text(), flags=re.S):
            macro = documented.get(name)
            if macro is None or not macro.get("description", "").strip():
                problems.append(f"{name} ({path.relative_to(ROOT)}): no description")
                continue
            # a dispatched variant (default__, duckdb__, spark__) takes its macro's arguments
            if re.match(r"(default|duckdb|spark)__", name):
                continue
            arguments = [argument.split("=")[0].strip() for argument in signature.split(",") if argument.strip()]
            described = [argument["name"] for argument in macro.get("arguments", [])]
            if arguments != described:
                problems.append(f"{name}: arguments {arguments}, described {described}")
    assert problems == [], problems
