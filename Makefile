# grafana_cloud_costs: `make build` runs the pipeline on the sample data, `make test` runs every test.
# Both set everything up first (a .venv with the pinned requirements); only python3 and make are needed.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DBT := $(BIN)/dbt

export DBT_PROFILES_DIR := $(CURDIR)/profiles
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: help setup build bill explain forecast alerts extract docs test test-dbt test-e2e lint clean sample-seeds setup-spark build-spark test-spark

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/activate:
	@echo "==> creating $(VENV)"
	$(PYTHON) -m venv $(VENV)

# The project's own package (pyproject.toml: the `grafana-cloud-costs` command) is installed
# editable and without dependencies: those are the exact pins of requirements.txt.
$(VENV)/.requirements.stamp: requirements.txt pyproject.toml | $(BIN)/activate
	@echo "==> installing pinned requirements and the grafana-cloud-costs package into $(VENV)"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

setup: $(VENV)/.requirements.stamp  ## create .venv, install the pinned requirements and the grafana-cloud-costs command

# RAW_PATH=<folder> builds from an export folder instead of the sample seeds (README: "Load your own export").
# The sample and an export build into different DuckDB files, so that the incremental models never
# mix two sources; the sample, which never changes, is always rebuilt whole.
RAW_PATH ?=
DBT_VARS := $(if $(RAW_PATH),--vars '{grafana_cloud_raw_path: "$(abspath $(RAW_PATH))"}',--full-refresh)
export GRAFANA_CLOUD_COSTS_DUCKDB_PATH ?= $(if $(RAW_PATH),target/export.duckdb,target/grafana_cloud_costs.duckdb)

build: setup  ## run the pipeline on the sample data (or RAW_PATH=<export folder>) and print the bill
	@echo "==> dbt build ($(if $(RAW_PATH),export folder $(RAW_PATH),sample seeds), DuckDB file $(GRAFANA_CLOUD_COSTS_DUCKDB_PATH))"
	$(DBT) build $(DBT_VARS)
	@$(MAKE) --no-print-directory bill

bill: setup  ## print the latest month's bill from the last build (MONTH=YYYY-MM for another)
	@$(BIN)/grafana-cloud-costs bill $(if $(MONTH),--month $(MONTH),)

explain: setup  ## explain one stack's bill: make explain STACK=<id or slug> [MONTH=YYYY-MM]
	@$(BIN)/grafana-cloud-costs explain $(STACK) $(if $(MONTH),--month $(MONTH),)

forecast: setup  ## the open month so far, its month-end forecast with a band, and spike headroom: make forecast [ORG=acme]
	@$(BIN)/grafana-cloud-costs forecast $(foreach org,$(subst $(comma), ,$(ORG)),--org $(org))

# Exit status 1 when any alert is critical (grafana_cloud_costs/alerts.py), for a cron job.
alerts: setup  ## print the alerts of the last build (budgets, usage limits, headroom, anomalies): make alerts [ORG=acme] [JSON=1]
	@$(BIN)/grafana-cloud-costs alerts $(foreach org,$(subst $(comma), ,$(ORG)),--org $(org)) $(if $(JSON),--json,)

# ORG holds one or more slugs (spaces or commas); without ORG, every org of CONFIG. The token comes
# from $$GRAFANA_CLOUD_TOKEN (or the config's token_env per org).
comma := ,
extract: setup  ## pull an export folder from Grafana Cloud: make extract ORG=acme FROM=2024-09-01 OUT=<folder> [TO=... CONFIG=...]
	@test -n "$(FROM)" -a -n "$(OUT)" || { echo "usage: make extract ORG=<slug[,slug]> FROM=YYYY-MM-DD OUT=<folder> [TO=YYYY-MM-DD] [CONFIG=<file.toml>]"; exit 2; }
	$(BIN)/grafana-cloud-costs extract $(foreach org,$(subst $(comma), ,$(ORG)),--org $(org)) \
		--from $(FROM) --out $(OUT) $(if $(TO),--to $(TO)) $(if $(CONFIG),--config $(CONFIG))

# The docs site as one self-contained HTML file (dbt docs generate --static), from the sample
# build's DuckDB file: built first if it does not exist (catalog.json reads the built tables).
DOCS_DUCKDB_PATH := target/grafana_cloud_costs.duckdb
docs: setup  ## the docs site (every model, column, test, lineage) as one HTML file: target/static_index.html
	@test -f $(DOCS_DUCKDB_PATH) || { echo "==> $(DOCS_DUCKDB_PATH) not found: building the sample first"; \
		GRAFANA_CLOUD_COSTS_DUCKDB_PATH=$(DOCS_DUCKDB_PATH) $(DBT) build --full-refresh --target duckdb; }
	@echo "==> dbt docs generate --static (DuckDB file $(DOCS_DUCKDB_PATH))"
	GRAFANA_CLOUD_COSTS_DUCKDB_PATH=$(DOCS_DUCKDB_PATH) $(DBT) docs generate --static --target duckdb
	@echo "==> docs site: $(CURDIR)/target/static_index.html (open it in a browser; no server needed)"

test: setup  ## every test: dbt unit + data tests, pytest end-to-end tests, sqlfluff and dbt-score lint
	@$(MAKE) --no-print-directory test-dbt
	@$(MAKE) --no-print-directory test-e2e
	@$(MAKE) --no-print-directory lint

test-dbt: setup  ## dbt build on the sample data: unit tests, models, data tests
	@echo "==> dbt build with unit and data tests"
	$(DBT) build --full-refresh

# Each end-to-end test builds its own copy of the project (dbt is one Python process per build):
# pytest-xdist runs the test modules on both cores, a module's shared build staying on one worker.
PYTEST_WORKERS ?= 2
test-e2e: setup  ## pytest end-to-end tests (each builds the project on crafted inputs) and the extractor's tests
	@echo "==> pytest end-to-end tests and extractor tests ($(PYTEST_WORKERS) workers)"
	$(BIN)/python -m pytest tests/e2e tests/extract -n $(PYTEST_WORKERS) --dist loadscope --durations=15

lint: setup  ## sqlfluff lint (dbt templater, DuckDB target), then dbt-score (metadata, project score >= 9.5)
	@echo "==> sqlfluff lint"
	$(BIN)/sqlfluff lint models macros tests
	@echo "==> dbt-score lint (pyproject.toml [tool.dbt-score])"
	$(DBT) parse --quiet --target-path target/dbt-score
	$(BIN)/dbt-score lint --manifest target/dbt-score/manifest.json

# -- Apache Spark (dbt-spark with a local PySpark session; not part of `make build` or `make test`) --

SPARK_ENV := SPARK_LOCAL_IP=$${SPARK_LOCAL_IP:-127.0.0.1}

$(VENV)/.spark-requirements.stamp: requirements-spark.txt $(VENV)/.requirements.stamp
	@command -v java >/dev/null || { echo "Spark needs Java 17 or 21 on the PATH (e.g. apt-get install openjdk-17-jre-headless)"; exit 1; }
	@echo "==> installing pinned Spark requirements into $(VENV) (dbt-spark, PySpark)"
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.txt -r requirements-spark.txt
	@touch $@

setup-spark: $(VENV)/.spark-requirements.stamp  ## install dbt-spark and PySpark (exact pins in requirements-spark.txt; needs Java 17)

build-spark: setup-spark  ## the pipeline on the sample data (or RAW_PATH=<export folder>) on a local Spark (target-spark/)
	@echo "==> dbt build ($(if $(RAW_PATH),export folder $(RAW_PATH),sample seeds), Spark target)"
	$(SPARK_ENV) $(DBT) build --target spark --target-path target-spark $(DBT_VARS)

test-spark: setup-spark  ## build on DuckDB and on Spark (sample + e2e scenarios), compare every mart row by row
	@echo "==> DuckDB vs Spark: pytest tests/spark (a few minutes per scenario)"
	$(SPARK_ENV) $(BIN)/python -m pytest tests/spark -v -s -p no:cacheprovider

sample-seeds: setup  ## regenerate seeds/sample from scripts/generate_sample_seeds.py
	$(BIN)/python scripts/generate_sample_seeds.py

clean:  ## remove build output (keeps .venv)
	rm -rf target target-spark logs .pytest_cache

# -- synthetic data and benchmark (scripts/generate_data.py, bench/; not part of `make test`) -----

.PHONY: data bench

data: STACKS ?= 20
data: MONTHS ?= 1
data: OUT ?= target/data
data: SEED ?= 42
data: START ?= 2024-09
data: FORMAT ?= parquet
data: setup  ## synthetic export: make data STACKS=20 MONTHS=1 OUT=target/data [SEED START FORMAT DAYS_FROM DAYS_TO TABLES]
	$(BIN)/python scripts/generate_data.py --stacks $(STACKS) --months $(MONTHS) --out $(OUT) \
		--seed $(SEED) --start $(START) --format $(FORMAT) \
		$(if $(DAYS_FROM),--days-from $(DAYS_FROM)) $(if $(DAYS_TO),--days-to $(DAYS_TO)) $(if $(TABLES),--tables $(TABLES))

$(VENV)/.bench-requirements.stamp: requirements-bench.txt $(VENV)/.requirements.stamp
	@echo "==> installing pinned benchmark requirements into $(VENV)"
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-bench.txt
	@touch $@

bench: STACKS ?= 1000
bench: MONTHS ?= 1
bench: REPEAT ?= 3
bench: $(VENV)/.bench-requirements.stamp  ## dbt vs a one-query DuckDB floor vs pandas: make bench [STACKS=1000 MONTHS=1 REPEAT=3 VARIANTS PANDAS REF MEMORY_LIMIT]
	$(BIN)/python bench/run.py --stacks $(STACKS) --months $(MONTHS) --repeat $(REPEAT) \
		$(if $(SEED),--seed $(SEED)) $(if $(VARIANTS),--variants $(VARIANTS)) \
		$(if $(PANDAS),--pandas $(PANDAS)) $(if $(REF),--ref $(REF)) $(if $(MEMORY_LIMIT),--memory-limit $(MEMORY_LIMIT))
