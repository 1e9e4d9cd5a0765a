"""dbt-project-evaluator's rules, checked on the manifest (no package hub is reachable here).

`dbt parse` writes target/manifest.json into a temporary target path, once with the sample seeds
and once in export mode (grafana_cloud_raw_path set), because the lineage differs: the base
models read the seeds in the one and nothing dbt can see in the other. Each rule below is the
evaluator's model of the same name (docs/rules/*.md of dbt-labs/dbt-project-evaluator) where one
exists, or a rule of this project (../shared/docs/style.md) where it goes further, and yields
violation ids. tests/project_rules_exceptions.yml lists the violations that are accepted, each
with its reason, like the evaluator's dbt_project_evaluator_exceptions seed; the test fails on a
violation that is not listed and on a listed exception that no longer occurs, so the file never
keeps an excuse for something already fixed.

Rules of the evaluator not checked, because nothing here can break them: exposures (there are
none), public models without contracts (no model declares access: public; every mart has an
enforced contract all the same), source freshness (raw data is a closed export, not a loaded
table with a timestamp to watch), test coverage (implied by the primary-key rule).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path, PurePosixPath

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DBT = Path(sys.executable).with_name("dbt")
EXCEPTIONS_FILE = ROOT / "tests" / "project_rules_exceptions.yml"
PROJECT = "grafana_cloud_costs"

MAX_PARENTS = 6  # fct_too_many_joins: too_many_joins_threshold 7 flags 7 or more parents
MAX_LEAF_CHILDREN = 2  # fct_model_fanout: models_fanout_threshold 3 flags 3 or more
MAX_VIEW_CHAIN = 4  # fct_chained_views_dependencies: chained_views_threshold
DIMENSION_KEYS = ("org_slug", "stack_id", "user_id")
PREFIXES = {"staging": ("stg_", "base_"), "intermediate": ("int_",), "marts": ("fct_", "dim_", "audit_")}


class Manifest:
    def __init__(self, manifest: dict) -> None:
        self.raw = manifest
        self.models = {
            uid: node
            for uid, node in manifest["nodes"].items()
            if node["resource_type"] == "model" and node["package_name"] == PROJECT
        }
        self.sources = {uid: s for uid, s in manifest["sources"].items() if s["package_name"] == PROJECT}
        self.tests = [node for node in manifest["nodes"].values() if node["resource_type"] == "test"]
        self.unit_tests = list(manifest.get("unit_tests", {}).values())
        # the DAG without tests: models, seeds, snapshots, sources
        self.parents: dict[str, set[str]] = defaultdict(set)
        self.children: dict[str, set[str]] = defaultdict(set)
        for uid, node in manifest["nodes"].items():
            if node["resource_type"] in ("model", "seed", "snapshot"):
                for parent in node["depends_on"].get("nodes", []):
                    if parent.split(".")[0] in ("model", "seed", "snapshot", "source"):
                        self.parents[uid].add(parent)
                        self.children[parent].add(uid)

    def name(self, uid: str) -> str:
        node = self.raw["nodes"].get(uid) or self.raw["sources"].get(uid)
        if uid.startswith("source."):
            return f"source:{node['source_name']}.{node['name']}"
        return node["name"]

    def folder(self, uid: str) -> PurePosixPath:
        return PurePosixPath(self.models[uid]["original_file_path"]).parent

    def layer(self, uid: str) -> str:
        """staging, intermediate, marts (the folder under models/), source, seed or other."""
        kind = uid.split(".")[0]
        if kind != "model":
            return kind
        parts = self.folder(uid).parts
        return parts[1] if len(parts) > 1 and parts[1] in PREFIXES else "other"

    def is_view(self, uid: str) -> bool:
        node = self.models.get(uid)
        return node is not None and node["config"]["materialized"] in ("view", "ephemeral")


# -- the rules: each yields the ids of its violations ---------------------------------------------


def root_models(m: Manifest) -> Iterator[str]:
    """fct_root_models: a model with no parent cannot be traced to a source or a model."""
    for uid in m.models:
        if not m.parents[uid]:
            yield m.name(uid)


def rejoining_of_upstream_concepts(m: Manifest) -> Iterator[str]:
    """fct_rejoining_of_upstream_concepts: parent -> between -> child and parent -> child, where
    `between` has no other child (its SQL could be a CTE of `child`)."""
    for parent in list(m.children):
        direct = m.children[parent]
        for between in direct:
            if len(m.children[between]) != 1:
                continue
            (child,) = m.children[between]
            if child in direct and child.startswith("model."):
                yield f"{m.name(parent)} > {m.name(between)} > {m.name(child)}"


def direct_join_to_source(m: Manifest) -> Iterator[str]:
    """fct_direct_join_to_source: a model reads both a source and a model."""
    for uid in m.models:
        kinds = {parent.split(".")[0] for parent in m.parents[uid]}
        if "source" in kinds and "model" in kinds:
            yield m.name(uid)


def marts_or_intermediate_dependent_on_source(m: Manifest) -> Iterator[str]:
    """fct_marts_or_intermediate_dependent_on_source: only staging reads sources."""
    for uid in m.models:
        if m.layer(uid) in ("intermediate", "marts"):
            for parent in sorted(m.parents[uid]):
                if parent.startswith("source."):
                    yield f"{m.name(uid)} < {m.name(parent)}"


def staging_reads_only_sources_or_base_models(m: Manifest) -> Iterator[str]:
    """fct_staging_dependent_on_staging and fct_staging_dependent_on_marts_or_intermediate:
    a staging model reads sources, seeds (reference data) or base_ models, nothing else."""
    for uid in m.models:
        if m.layer(uid) != "staging":
            continue
        for parent in sorted(m.parents[uid]):
            if parent.split(".")[0] in ("source", "seed"):
                continue
            if parent in m.models and m.layer(parent) == "staging" and m.name(parent).startswith("base_"):
                continue
            yield f"{m.name(uid)} < {m.name(parent)}"


def marts_never_read_staging(m: Manifest) -> Iterator[str]:
    """The project's layering (issue 15 item 3): marts read intermediate models or other marts."""
    for uid in m.models:
        if m.layer(uid) == "marts":
            for parent in sorted(m.parents[uid]):
                if parent.split(".")[0] == "source" or (parent in m.models and m.layer(parent) == "staging"):
                    yield f"{m.name(uid)} < {m.name(parent)}"


def multiple_sources_joined(m: Manifest) -> Iterator[str]:
    """fct_multiple_sources_joined: one source per model."""
    for uid in m.models:
        if sum(parent.startswith("source.") for parent in m.parents[uid]) > 1:
            yield m.name(uid)


def source_fanout(m: Manifest) -> Iterator[str]:
    """fct_source_fanout: a source is read by one model."""
    for uid in m.sources:
        if len(m.children[uid]) > 1:
            yield m.name(uid)


def unused_sources(m: Manifest) -> Iterator[str]:
    """fct_unused_sources."""
    for uid in m.sources:
        if not m.children[uid]:
            yield m.name(uid)


def duplicate_sources(m: Manifest) -> Iterator[str]:
    """fct_duplicate_sources: two source definitions of one relation."""
    seen: dict[tuple, str] = {}
    for uid, source in sorted(m.sources.items()):
        key = (source.get("database"), source.get("schema"), source.get("identifier") or source["name"])
        if key in seen:
            yield f"{seen[key]} = {m.name(uid)}"
        seen.setdefault(key, m.name(uid))


HARD_CODED = re.compile(r"\b(?:from|join)\s+((?:\"?[a-z_][\w$]*\"?\.){1,2}\"?[a-z_][\w$]*\"?)", re.I)
JINJA_OR_COMMENT = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|--[^\n]*|/\*.*?\*/", re.S)


def hard_coded_references(m: Manifest) -> Iterator[str]:
    """fct_hard_coded_references: a relation named in SQL instead of through ref() or source()."""
    for uid, node in m.models.items():
        for match in HARD_CODED.finditer(JINJA_OR_COMMENT.sub(" ", node["raw_code"])):
            yield f"{m.name(uid)}: {match.group(1)}"


def model_fanout(m: Manifest) -> Iterator[str]:
    """fct_model_fanout: a model with 3 or more direct children that are leaves."""
    for uid in m.models:
        leaves = [c for c in m.children[uid] if c in m.models and not m.children[c]]
        if len(leaves) > MAX_LEAF_CHILDREN:
            yield m.name(uid)


def chained_views_dependencies(m: Manifest) -> Iterator[str]:
    """fct_chained_views_dependencies: a model more than 4 steps below a node through views only."""

    @cache
    def longest_view_chain(uid: str) -> int:
        """Steps from uid up to the farthest ancestor reached through views only."""
        return max(
            (1 + (longest_view_chain(p) if m.is_view(p) else 0) for p in m.parents[uid]),
            default=0,
        )

    for uid in m.models:
        if longest_view_chain(uid) > MAX_VIEW_CHAIN:
            yield m.name(uid)


def too_many_joins(m: Manifest) -> Iterator[str]:
    """fct_too_many_joins: 7 or more direct parents."""
    for uid in m.models:
        if len(m.parents[uid]) > MAX_PARENTS:
            yield m.name(uid)


def model_naming_conventions(m: Manifest) -> Iterator[str]:
    """fct_model_naming_conventions and fct_model_directories: the prefix matches the folder
    (stg_/base_ under models/staging, base_ only in a base/ folder, int_ under
    models/intermediate, fct_/dim_/audit_ under models/marts, audit_ only in marts/audit); a
    staging model that reads a source sits in the folder named after that source."""
    for uid in m.models:
        name, layer, folder = m.name(uid), m.layer(uid), m.folder(uid)
        if layer not in PREFIXES or not name.startswith(PREFIXES[layer]):
            yield f"{name}: prefix in {folder}"
        elif (name.startswith("base_") != (folder.name == "base")) or (
            name.startswith("audit_") != (folder.name == "audit")
        ):
            yield f"{name}: prefix in {folder}"
        for parent in m.parents[uid]:
            if parent.startswith("source.") and layer == "staging":
                source_name = m.sources[parent]["source_name"]
                if source_name not in folder.parts:
                    yield f"{name}: not under models/staging/{source_name}"


def primary_key_tests(m: Manifest) -> Iterator[str]:
    """fct_missing_primary_key_tests: the project's primary_key test, or unique and not_null on
    one column."""
    tested: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for test in m.tests:
        model, kind = test.get("attached_node"), (test.get("test_metadata") or {}).get("name")
        if model and kind:
            tested[model][kind].add(test.get("column_name") or "")
    for uid in m.models:
        kinds = tested[uid]
        if not kinds["primary_key"] and not (kinds["unique"] & kinds["not_null"]):
            yield m.name(uid)


def yaml_beside_models(m: Manifest) -> Iterator[str]:
    """fct_test_directories: a model's YAML (its description, data tests and unit tests) is the
    `_<name>__models.yml` in the model's own folder."""
    for uid, node in m.models.items():
        folder = m.folder(uid)
        patch = node.get("patch_path") and PurePosixPath(node["patch_path"].split("://", 1)[1])
        if not patch or patch.parent != folder or not re.fullmatch(r"_\w+__models\.yml", patch.name):
            yield f"{m.name(uid)}: {patch or 'no YAML'}"
    for test in m.tests:
        model = test.get("attached_node")
        if model in m.models and PurePosixPath(test["original_file_path"]).parent != m.folder(model):
            if test["original_file_path"].endswith(".yml"):
                yield f"{m.name(model)}: {test['original_file_path']}"
    for unit in m.unit_tests:
        model = unit["depends_on"]["nodes"][0]
        if model in m.models and PurePosixPath(unit["original_file_path"]).parent != m.folder(model):
            yield f"{m.name(model)}: {unit['original_file_path']}"


def undocumented_models(m: Manifest) -> Iterator[str]:
    """fct_undocumented_models and documentation coverage: every model and column described."""
    for uid, node in m.models.items():
        if not node["description"].strip():
            yield m.name(uid)
        for column in node["columns"].values():
            if not (column.get("description") or "").strip():
                yield f"{m.name(uid)}.{column['name']}"


def undocumented_sources(m: Manifest) -> Iterator[str]:
    """fct_undocumented_sources and fct_undocumented_source_tables."""
    for uid, source in m.sources.items():
        if not (source.get("source_description") or "").strip() or not source["description"].strip():
            yield m.name(uid)


def fact_dimension_relationships(m: Manifest) -> Iterator[str]:
    """Every fct_ column org_slug, stack_id or user_id has a relationships test to the dim_ whose
    key it is (a null, as an org-level charge's stack_id, passes that test)."""
    dimension_of: dict[str, str] = {}
    for uid, node in m.models.items():
        if m.name(uid).startswith("dim_"):
            for test in m.tests:
                if test.get("attached_node") == uid and (test.get("test_metadata") or {}).get("name") == "primary_key":
                    columns = test["test_metadata"]["kwargs"].get("columns", [])
                    if len(columns) == 1 and columns[0] in DIMENSION_KEYS:
                        dimension_of[columns[0]] = uid
    related: set[tuple[str, str, str]] = set()
    for test in m.tests:
        if (test.get("test_metadata") or {}).get("name") == "relationships":
            kwargs = test["test_metadata"]["kwargs"]
            target = next((d for d in m.models if f"'{m.name(d)}'" in kwargs["to"]), None)
            if kwargs.get("field") == test.get("column_name"):
                related.add((test.get("attached_node"), test.get("column_name"), target))
    for uid, node in m.models.items():
        if m.name(uid).startswith("fct_"):
            for column in node["columns"]:
                if column in dimension_of and (uid, column, dimension_of[column]) not in related:
                    yield f"{m.name(uid)}.{column} -> {m.name(dimension_of[column])}"


RULES: dict[str, Callable[[Manifest], Iterator[str]]] = {
    "fct_root_models": root_models,
    "fct_rejoining_of_upstream_concepts": rejoining_of_upstream_concepts,
    "fct_direct_join_to_source": direct_join_to_source,
    "fct_marts_or_intermediate_dependent_on_source": marts_or_intermediate_dependent_on_source,
    "staging_reads_only_sources_or_base_models": staging_reads_only_sources_or_base_models,
    "marts_never_read_staging": marts_never_read_staging,
    "fct_multiple_sources_joined": multiple_sources_joined,
    "fct_source_fanout": source_fanout,
    "fct_unused_sources": unused_sources,
    "fct_duplicate_sources": duplicate_sources,
    "fct_hard_coded_references": hard_coded_references,
    "fct_model_fanout": model_fanout,
    "fct_chained_views_dependencies": chained_views_dependencies,
    "fct_too_many_joins": too_many_joins,
    "fct_model_naming_conventions": model_naming_conventions,
    "fct_missing_primary_key_tests": primary_key_tests,
    "fct_test_directories": yaml_beside_models,
    "fct_undocumented_models": undocumented_models,
    "fct_undocumented_sources": undocumented_sources,
    "fact_dimension_relationships": fact_dimension_relationships,
}

MODES = {"sample": None, "export": "export_folder"}


@pytest.fixture(scope="module")
def manifests(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Manifest]:
    """The manifest of each mode, from `dbt parse` into a temporary target path."""
    parsed = {}
    for mode, folder in MODES.items():
        target = tmp_path_factory.mktemp(f"parse_{mode}")
        command = [str(DBT), "parse", "--target-path", str(target), "--log-path", str(target)]
        if folder:
            command += ["--vars", f"{{grafana_cloud_raw_path: '{target / folder}'}}"]
        result = subprocess.run(
            command, cwd=ROOT, capture_output=True, text=True,
            env={**os.environ, "DBT_PROFILES_DIR": str(ROOT / "profiles")},
        )
        assert result.returncode == 0, result.stdout + result.stderr
        parsed[mode] = Manifest(json.loads((target / "manifest.json").read_text()))
    return parsed


def exceptions() -> dict[tuple[str, str], str]:
    """(rule, violation id) -> reason; an entry names one `id` or a list of `ids`."""
    accepted = {}
    for entry in yaml.safe_load(EXCEPTIONS_FILE.read_text())["exceptions"]:
        assert entry["rule"] in RULES, f"{EXCEPTIONS_FILE.name}: unknown rule {entry['rule']}"
        assert (entry.get("reason") or "").strip(), f"{EXCEPTIONS_FILE.name}: {entry} has no reason"
        for id_ in entry.get("ids") or [entry["id"]]:
            assert (entry["rule"], id_) not in accepted, f"{EXCEPTIONS_FILE.name}: {id_} listed twice"
            accepted[(entry["rule"], id_)] = entry["reason"]
    return accepted


@pytest.mark.parametrize("rule", RULES)
def test_rule(rule: str, manifests: dict[str, Manifest]) -> None:
    found = {violation for m in manifests.values() for violation in RULES[rule](m)}
    accepted = {id_ for (rule_, id_) in exceptions() if rule_ == rule}
    assert sorted(found - accepted) == [], f"{rule}: violations not listed in {EXCEPTIONS_FILE.name}"
    assert sorted(accepted - found) == [], f"{rule}: stale exceptions in {EXCEPTIONS_FILE.name}, remove them"


# -- the rules themselves, on a made-up DAG that breaks each of them once -------------------------


def fake_manifest() -> Manifest:
    def model(name: str, folder: str, parents: list[str], materialized: str = "table", **extra) -> dict:
        return {
            "resource_type": "model", "package_name": PROJECT, "name": name,
            "original_file_path": f"models/{folder}/{name}.sql", "config": {"materialized": materialized},
            "depends_on": {"nodes": parents}, "raw_code": extra.get("raw_code", "select 1"),
            "description": "d", "columns": extra.get("columns", {}),
            "patch_path": f"{PROJECT}://models/{folder}/_{folder.split('/')[-1]}__models.yml",
        }

    def test(name: str, model_id: str, column: str | None = None, **kwargs) -> dict:
        return {
            "resource_type": "test", "package_name": PROJECT, "name": f"{name}_{model_id}_{column}",
            "attached_node": model_id, "column_name": column, "depends_on": {"nodes": [model_id]},
            "test_metadata": {"name": name, "kwargs": kwargs}, "original_file_path": "x.yml",
        }

    src = "source.p.raw.orders"
    nodes = {
        "model.p.stg_orders": model("stg_orders", "staging/raw", [src]),
        "model.p.stg_reads_stg": model("stg_reads_stg", "staging/raw", ["model.p.stg_orders"]),
        "model.p.int_a": model("int_a", "intermediate/x", ["model.p.stg_orders"]),
        "model.p.int_b": model("int_b", "intermediate/x", ["model.p.stg_orders", "model.p.int_a"]),
        "model.p.int_mixed": model("int_mixed", "intermediate/x", [src, "model.p.int_b"]),
        "model.p.lonely": model("lonely", "intermediate/x", [], raw_code="select * from raw.orders"),
        "model.p.dim_orgs": model("dim_orgs", "marts", ["model.p.int_b"]),
        "model.p.fct_orders": model(
            "fct_orders", "marts", ["model.p.stg_orders"], columns={"org_slug": {"name": "org_slug", "description": ""}}
        ),
    }
    tests = [test("primary_key", uid, None, columns=["id"]) for uid in nodes if "lonely" not in uid]
    tests.append(test("primary_key", "model.p.dim_orgs", None, columns=["org_slug"]))
    nodes.update({f"test.p.{i}": t for i, t in enumerate(tests)})
    sources = {src: {"package_name": PROJECT, "source_name": "raw", "name": "orders", "database": "d",
                     "schema": "raw", "identifier": "orders", "description": "", "source_description": ""}}
    return Manifest({"nodes": nodes, "sources": sources, "unit_tests": {}})


@pytest.mark.parametrize(
    "rule, expected",
    [
        ("fct_root_models", {"lonely"}),
        ("fct_rejoining_of_upstream_concepts", {"stg_orders > int_a > int_b"}),
        ("fct_direct_join_to_source", {"int_mixed"}),
        ("fct_marts_or_intermediate_dependent_on_source", {"int_mixed < source:raw.orders"}),
        ("staging_reads_only_sources_or_base_models", {"stg_reads_stg < stg_orders"}),
        ("marts_never_read_staging", {"fct_orders < stg_orders"}),
        ("fct_source_fanout", {"source:raw.orders"}),
        ("fct_hard_coded_references", {"lonely: raw.orders"}),
        ("fct_model_naming_conventions", {"lonely: prefix in models/intermediate/x"}),
        ("fct_missing_primary_key_tests", {"lonely"}),
        ("fct_undocumented_models", {"fct_orders.org_slug"}),
        ("fct_undocumented_sources", {"source:raw.orders"}),
        ("fact_dimension_relationships", {"fct_orders.org_slug -> dim_orgs"}),
    ],
)
def test_rule_finds_its_violation(rule: str, expected: set[str]) -> None:
    assert set(RULES[rule](fake_manifest())) == expected
