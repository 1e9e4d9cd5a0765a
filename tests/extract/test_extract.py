"""`grafana-cloud-costs extract` against the stand-in server (tests/extract/standin.py)."""

from __future__ import annotations

import argparse
import base64
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from dataset import TOKEN, ts
from standin import FIXTURES, TOO_MANY_POINTS

from grafana_cloud_costs import extract as extract_module
from grafana_cloud_costs.client import Client, PrometheusError, RetryPolicy

TABLES = {
    "grafana_cloud_organizations/acme.csv",
    "grafana_cloud_stacks/acme.csv",
    "grafana_cloud_user_activity/acme.csv",
    "grafana_cloud_enterprise_plugins/acme.csv",
    "grafana_cloud_k6_test_runs/acme.csv",
    "billed_usage/acme/2024-09.json",
    "grafana_cloud_usage_counts/acme/2024-09.csv",
    "grafana_cloud_usage_counts/acme/2024-10.csv",
    *(f"grafana_cloud_{t}_usage/acme/{d}.csv" for t in ("metrics", "ingestion")
      for d in ("2024-09-28", "2024-09-29", "2024-09-30", "2024-10-01")),
}


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def rows(path: Path) -> list[list[str]]:
    with path.open(newline="") as handle:
        return list(csv.reader(handle))


def test_export_folder_layout_and_hand_worked_figures(extract, tmp_path):
    out = tmp_path / "out"
    code, _, err = extract(out)
    assert code == 0, err
    assert set(files(out)) == TABLES  # and no temporary file left

    assert rows(out / "grafana_cloud_organizations/acme.csv") == [
        ["org_slug", "org_name", "plan", "included_dpm_per_series"], ["acme", "Acme Corp", "pro", "4"]]
    assert rows(out / "grafana_cloud_stacks/acme.csv") == [
        ["stack_id", "stack_slug", "org_slug", "status", "created_at", "deleted_at", "hm_instance_prom_id",
         "hm_instance_graphite_id", "hl_instance_id", "ht_instance_id", "hp_instance_id"],
        ["101", "acme-prod", "acme", "active", "2023-03-01 09:00:00", "", "1101", "4101", "2101", "3101", "5101"],
        # the deleted stack: deleted_at from billingEndDate; instance ids 0 / null are empty
        ["102", "acme-dev", "acme", "deleted", "2023-06-12 14:30:00", "2024-09-30 12:00:00", "1102", "", "2102", "",
         ""],
    ]
    for table in ("user_activity", "enterprise_plugins", "k6_test_runs"):
        assert len(rows(out / f"grafana_cloud_{table}/acme.csv")) == 1  # header only
    # billed usage byte for byte as served
    assert (out / "billed_usage/acme/2024-09.json").read_bytes() == (
        FIXTURES / "billed_usage_acme_2024-09.json").read_bytes()

    day1 = rows(out / "grafana_cloud_metrics_usage/acme/2024-09-28.csv")
    assert day1[0] == ["stack_id", "sampled_at", "active_series", "samples_per_second"]
    # stack 101 = its Prometheus instance (1000 + minute) + its Graphite instance (5), summed per minute
    assert day1[1] == ["101", "2024-09-28 00:00:00", "1005", "10.75"]
    assert day1[2] == ["101", "2024-09-28 00:01:00", "1006", "10.75"]
    assert len(day1) == 1 + 2 * 1440 and day1[1441] == ["102", "2024-09-28 00:00:00", "300", "2"]

    # the gap: 30 minutes of stack 102 are absent, not zero-filled
    day2 = rows(out / "grafana_cloud_metrics_usage/acme/2024-09-29.csv")
    minutes_102 = [r[1] for r in day2[1:] if r[0] == "102"]
    assert len(minutes_102) == 1440 - 30
    assert "2024-09-29 09:59:00" in minutes_102 and "2024-09-29 10:30:00" in minutes_102
    assert not [m for m in minutes_102 if "2024-09-29 10:00:00" <= m < "2024-09-29 10:30:00"]

    # UTC day boundary: 00:00:00 of the 1st is in the new day's file
    assert rows(out / "grafana_cloud_metrics_usage/acme/2024-09-30.csv")[-1][1] == "2024-09-30 23:59:00"
    assert rows(out / "grafana_cloud_metrics_usage/acme/2024-10-01.csv")[1][1] == "2024-10-01 00:00:00"

    ingestion = rows(out / "grafana_cloud_ingestion_usage/acme/2024-09-28.csv")
    assert ingestion[0] == ["stack_id", "signal", "usage_start", "ingested_bytes"]
    by_key = {(r[0], r[1], r[2]): r[3] for r in ingestion[1:]}
    assert by_key[("101", "logs", "2024-09-28 00:00:00")] == "3600000"  # 1000 B/s x 3600 s
    assert by_key[("101", "logs", "2024-09-28 01:00:00")] == "1800000"  # half the hour missing
    assert by_key[("101", "logs", "2024-09-28 02:00:00")] == "5"  # one sample 0.075 x 60 = 4.5, half up
    assert by_key[("101", "logs", "2024-09-28 03:00:00")] == "1800"  # 0.5 B/s
    assert by_key[("101", "traces", "2024-09-28 00:00:00")] == "720000"
    assert by_key[("102", "logs", "2024-09-28 00:00:00")] == "3600"
    assert not [k for k in by_key if k[1] == "profiles"]  # no samples, no rows
    assert len(ingestion) == 1 + 3 * 24 and ingestion[1:] == sorted(
        ingestion[1:], key=lambda r: (int(r[0]), r[1], r[2]))

    header = ["org_slug", "stack_id", "billing_month", "meter", "quantity", "observed_at"]
    assert rows(out / "grafana_cloud_usage_counts/acme/2024-09.csv") == [
        header,
        ["acme", "", "2024-09-01", "grafana_active_users", "71", "2024-09-30 23:59:00"],
        ["acme", "", "2024-09-01", "irm_active_users", "8", "2024-09-30 23:59:00"],  # last sample before the 1st
        ["acme", "101", "2024-09-01", "grafana_active_users", "7", "2024-09-30 23:59:00"],
        ["acme", "102", "2024-09-01", "k6_vuh", "2.5", "2024-09-30 11:59:00"],  # id 1102 mapped to its stack
    ]
    assert rows(out / "grafana_cloud_usage_counts/acme/2024-10.csv") == [
        header,
        ["acme", "", "2024-10-01", "grafana_active_users", "95", "2024-10-01 23:59:00"],
        ["acme", "", "2024-10-01", "irm_active_users", "9", "2024-10-01 00:00:00"],  # 00:00 of the 1st: October
        ["acme", "101", "2024-10-01", "grafana_active_users", "1", "2024-10-01 23:59:00"],
    ]
    # unknown instance ids are counted and named
    assert "9999 (3 samples)" in err and "777 (5760 samples)" in err
    assert "no billed usage for 2024-10 (HTTP 404)" in err


def test_instance_pages_are_followed(extract, standin, tmp_path):
    code, _, err = extract(tmp_path / "out")
    assert code == 0, err
    pages = [r.params.get("page") for r in standin.requests if r.path == "/api/instances"]
    assert pages == [None, "2"]
    assert all(r.params["orgSlug"] == "acme" and r.params["includeDeleted"] == "true"
               for r in standin.requests if r.path == "/api/instances")


def test_next_page_link_form_is_followed(extract, standin, tmp_path):
    first = json.loads(standin.instance_pages[0])
    for key in ("page", "pages"):
        del first[key]
    first["metadata"] = {"pagination": {"nextPage": "/api/instances?orgSlug=acme&includeDeleted=true&page=2"}}
    second = json.loads(standin.instance_pages[1])
    for key in ("page", "pages"):
        del second[key]
    second["metadata"] = {"pagination": {"nextPage": None}}
    standin.instance_pages = [json.dumps(first).encode(), json.dumps(second).encode()]
    code, _, err = extract(tmp_path / "out", "--dry-run")
    code, _, err = extract(tmp_path / "out")
    assert code == 0, err
    assert len(rows(tmp_path / "out/grafana_cloud_stacks/acme.csv")) == 3


def test_no_request_over_11000_points_and_chunks_do_not_overlap(extract, standin, tmp_path):
    code, _, err = extract(tmp_path / "out", start="2024-09-25", end="2024-10-05")
    assert code == 0, err
    requests = standin.query_ranges()
    assert requests and all((int(r.params["end"]) - int(r.params["start"])) // 60 + 1 <= 11_000 for r in requests)
    assert all(r.params["step"] == "60s" for r in requests)
    chunks = [(int(r.params["start"]), int(r.params["end"]))
              for r in standin.query_ranges("grafanacloud_instance_active_series")]
    assert chunks == [(ts("2024-09-25T00:00:00"), ts("2024-10-01T23:59:00")),
                      (ts("2024-10-02T00:00:00"), ts("2024-10-04T23:59:00"))]


def test_an_over_long_request_reports_the_prometheus_error(standin):
    client = Client(org_slug="acme", token=TOKEN, token_env="GRAFANA_CLOUD_TOKEN", api_url=standin.url,
                    prom_url=f"{standin.url}/prom", timeout=5, retry=RetryPolicy(0, 0.001, 0.01))
    client.org_id = standin.org_id
    start = ts("2024-09-01T00:00:00")
    with client, pytest.raises(PrometheusError) as caught:
        client.prom_query_range("grafanacloud_instance_active_series", start, start + 8 * 86_400, 60)
    assert caught.value.error_type == "bad_data"
    assert caught.value.error == TOO_MANY_POINTS
    assert "bad_data" in str(caught.value) and TOO_MANY_POINTS in str(caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)


def test_429_with_retry_after_is_waited_then_succeeds(extract, standin, tmp_path):
    standin.fail_next(429, 1, {"Retry-After": "1"})
    code, _, err = extract(tmp_path / "out")
    assert code == 0, err
    first, second = standin.requests[:2]
    assert first.path == second.path == "/api/orgs/acme"
    assert second.at - first.at >= 0.9  # Retry-After: 1 honoured (the back-off alone is 1 ms)
    assert "HTTP 429" in err


def test_500_is_retried_then_succeeds_and_gives_up_after_max_retries(extract, standin, tmp_path):
    standin.fail_next(500, 2)
    code, _, err = extract(tmp_path / "a")
    assert code == 0, err
    assert [r.path for r in standin.requests[:3]] == ["/api/orgs/acme"] * 3

    standin.fail_next(503, 10)
    code, _, err = extract(tmp_path / "b", "--max-retries", "2")
    assert code == 1
    assert "HTTP 503" in err and "gave up after 2 retries" in err


def test_401_names_the_scopes_and_the_org(extract, standin, tmp_path):
    standin.token = "glc_some_other_token"
    code, out, err = extract(tmp_path / "out")
    assert code == 1
    for needed in ("billing-metrics:read", "orgs:read", "stacks:read", "'acme'", "GRAFANA_CLOUD_TOKEN", "HTTP 401"):
        assert needed in err
    assert TOKEN not in err + out


def test_401_of_prometheus_is_reported_too(extract, standin, tmp_path):
    standin.org_id = "1"  # the Basic user the stand-in expects is not the org's id: Prometheus says 401
    code, _, err = extract(tmp_path / "out")
    assert code == 1
    assert "billing Prometheus answered HTTP 401" in err and "billing-metrics:read" in err


def test_prom_user_sets_another_basic_user(extract, standin, tmp_path):
    standin.org_id = "65299211"  # a basicAuthUser that is not the org's id, as in Grafana's data-source example
    code, _, err = extract(tmp_path / "out", "--prom-user", "65299211")
    assert code == 0, err
    prom = standin.query_ranges()
    assert prom and all(
        r.auth == "Basic " + base64.b64encode(f"65299211:{TOKEN}".encode()).decode() for r in prom
    )


def test_missing_token_names_the_variable(extract, monkeypatch, tmp_path):
    monkeypatch.delenv("GRAFANA_CLOUD_TOKEN")
    code, _, err = extract(tmp_path / "out")
    assert code == 1 and "GRAFANA_CLOUD_TOKEN" in err


def test_interrupted_run_resumes_to_byte_identical_files(extract, standin, tmp_path):
    code, _, err = extract(tmp_path / "whole")
    assert code == 0, err
    whole = files(tmp_path / "whole")

    standin.requests.clear()
    standin.die_after = 14  # the server fails hard mid-way: 500 to everything after
    code, _, err = extract(tmp_path / "resumed", "--chunk-days", "1", "--max-retries", "1")
    assert code == 1 and "HTTP 500" in err
    partial = files(tmp_path / "resumed")
    assert 0 < len(partial) < len(whole)
    assert all(partial[name] == whole[name] for name in partial if name in whole)  # whole files only
    assert not [name for name in partial if name.endswith(".tmp")]

    standin.die_after = None
    code, _, err = extract(tmp_path / "resumed", "--chunk-days", "1")
    assert code == 0, err
    assert files(tmp_path / "resumed") == whole


def test_second_run_fetches_only_what_is_missing_or_recent(extract, standin, tmp_path):
    code, _, err = extract(tmp_path / "out", "--refetch-days", "1")
    assert code == 0, err
    first = files(tmp_path / "out")
    standin.requests.clear()
    code, _, err = extract(tmp_path / "out", "--refetch-days", "1")
    assert code == 0, err
    assert files(tmp_path / "out") == first
    # 09-28 to 09-30 are kept; 10-01 (within --refetch-days of --to) is fetched again
    assert [int(r.params["start"]) for r in standin.query_ranges("grafanacloud_instance_active_series")] == [
        ts("2024-10-01T00:00:00")]
    # the counts of a month not wholly inside the range (both, here) are asked again
    assert [int(r.params["start"]) for r in standin.query_ranges("grafanacloud_org_irm_users")] == [
        ts("2024-09-28T00:00:00"), ts("2024-10-01T00:00:00")]
    # September's billed usage is kept; October's, missing (404), is asked again
    assert [r.params["month"] for r in standin.requests if r.path.endswith("/billed-usage")] == ["10"]
    # organizations and stacks are always refetched
    assert [r.path for r in standin.requests[:3]] == ["/api/orgs/acme", "/api/instances", "/api/instances"]


def test_dry_run_fetches_nothing_and_lists_the_requests(extract, standin, tmp_path):
    code, out, err = extract(tmp_path / "out", "--dry-run", start="2024-09-25", end="2024-10-05")
    assert code == 0, err
    assert standin.requests == []
    assert not (tmp_path / "out").exists()
    lines = out.splitlines()
    assert lines[0].startswith("# acme: ")
    assert sum("query=grafanacloud_instance_active_series&" in line for line in lines) == 2
    assert any("/api/orgs/acme/billed-usage?month=9&year=2024" in line for line in lines)
    assert all("points" not in line or int(line.split(" points")[0].rsplit(" ", 1)[1]) <= 11_000 for line in lines)


def test_dry_run_needs_no_token(extract, standin, monkeypatch, tmp_path):
    monkeypatch.delenv("GRAFANA_CLOUD_TOKEN")
    code, out, _ = extract(tmp_path / "out", "--dry-run")
    assert code == 0 and "query_range" in out and standin.requests == []


def test_the_token_is_never_written_logged_or_in_an_error(extract, standin, tmp_path):
    basic = base64.b64encode(f"{standin.org_id}:{TOKEN}".encode()).decode()
    texts = []
    standin.fail_next(429, 1, {"Retry-After": "0"})
    standin.fail_next(500, 1)
    texts += extract(tmp_path / "out")[1:]
    texts += extract(tmp_path / "out", "--dry-run")[1:]
    standin.fail_next(500, 10)
    texts += extract(tmp_path / "fail", "--max-retries", "1")[1:]
    standin._failures.clear()
    standin.token = "glc_other"
    texts += extract(tmp_path / "fail")[1:]
    client = Client(org_slug="acme", token=TOKEN, token_env="X", api_url="http://127.0.0.1:9", prom_url="x",
                    timeout=1, retry=RetryPolicy(0, 0.001, 0.001))
    with pytest.raises(Exception) as caught:
        client.api_get("/api/orgs/acme")  # connection refused
    texts += [str(caught.value), repr(caught.value), repr(client)]
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    for name, content in files(tmp_path).items():
        assert TOKEN.encode() not in content and basic.encode() not in content, name
    for text in texts:
        assert TOKEN not in text and basic not in text
    assert any("HTTP 401" in text for text in texts)


def test_included_dpm_falls_back_to_billed_usage(extract, standin, tmp_path):
    standin.series = [s for s in standin.series if s.metric != "grafanacloud_org_metrics_included_dpm_per_series"]
    code, _, err = extract(tmp_path / "out")
    assert code == 0, err
    assert rows(tmp_path / "out/grafana_cloud_organizations/acme.csv")[1][3] == "1"  # orgRates.includedDPM of hm


def test_metric_names_can_be_overridden(extract, standin, tmp_path):
    code, _, err = extract(tmp_path / "out", "--logs-metric", "grafanacloud_logs_instance_billable_bytes_received_per_second")
    assert code == 0, err
    assert "grafanacloud_logs_instance_billable_bytes_received_per_second" in {
        r.params["query"] for r in standin.query_ranges()}
    assert not [r for r in rows(tmp_path / "out/grafana_cloud_ingestion_usage/acme/2024-09-28.csv") if r[1] == "logs"]


@pytest.mark.parametrize("org_json, expected", [
    ({"subscriptions": {"current": {"product": "grafana-cloud-pro"}}}, "pro"),
    ({"subscriptions": {"current": {"product": "grafana-cloud-ss-advanced"}}, "wpPlan": "free"}, "advanced"),
    ({"wpPlan": "grafana-cloud-free"}, "free"),
    ({"wpPlan": "", "contractType": "grafana-cloud-advanced"}, "advanced"),
    ({"trialStartDate": "2024-09-01T00:00:00Z", "trialEndDate": "2024-10-15T00:00:00Z",
      "subscriptions": {"current": {"product": "grafana-cloud-pro"}}}, "trial"),
    ({"subscriptions": {"current": {"product": "grafana-cloud-free-trial"}}}, "trial"),
    ({}, "pro"),
])
def test_plan_mapping(org_json, expected):
    options = argparse.Namespace(plan=None, end=extract_module.parse_when("2024-10-01", "--to"))
    assert extract_module.org_plan(org_json, extract_module.OrgConfig("acme"), options) == expected
    options.plan = "advanced"
    assert extract_module.org_plan(org_json, extract_module.OrgConfig("acme"), options) == "advanced"
    options.plan = None
    assert extract_module.org_plan(org_json, extract_module.OrgConfig("acme", plan="free"), options) == "free"


def test_config_lists_the_orgs_and_org_selects_among_them(tmp_path):
    config = tmp_path / "orgs.toml"
    config.write_text('[[orgs]]\nslug = "acme"\ntoken_env = "ACME_TOKEN"\n\n'
                      '[[orgs]]\nslug = "globex"\ntoken_env = "GLOBEX_TOKEN"\nplan = "advanced"\n')
    parser = argparse.ArgumentParser()
    extract_module.add_arguments(parser)

    def parse(*extra: str):
        args = parser.parse_args(["--from", "2024-09-01", "--to", "2024-10-01", "--out", str(tmp_path), *extra])
        return extract_module.parse_options(args)

    everything = parse("--config", str(config))
    assert [(o.slug, o.token_env, o.plan) for o in everything.orgs] == [
        ("acme", "ACME_TOKEN", None), ("globex", "GLOBEX_TOKEN", "advanced")]
    assert [o.slug for o in parse("--config", str(config), "--org", "globex").orgs] == ["globex"]
    assert [o.slug for o in parse("--org", "acme,globex").orgs] == ["acme", "globex"]
    assert parse("--org", "acme").orgs[0].token_env == "GRAFANA_CLOUD_TOKEN"
    with pytest.raises(extract_module.ExtractError, match="initech"):
        parse("--config", str(config), "--org", "initech")
    with pytest.raises(extract_module.ExtractError, match="chunk-days"):
        parse("--org", "acme", "--chunk-days", "8")
    with pytest.raises(extract_module.ExtractError, match="must be after"):
        parse("--org", "acme", "--to", "2024-08-01")


def test_datetimes_are_utc():
    parse = extract_module.parse_when
    assert extract_module.fmt_ts(parse("2024-09-01", "x")) == "2024-09-01 00:00:00"
    assert extract_module.fmt_ts(parse("2024-09-01T10:30", "x")) == "2024-09-01 10:30:00"
    assert extract_module.fmt_ts(parse("2024-09-01T12:30:00+02:00", "x")) == "2024-09-01 10:30:00"
    assert extract_module.fmt_ts(parse("2024-09-01T10:30:00Z", "x")) == "2024-09-01 10:30:00"


def test_the_console_script_is_installed():
    script = Path(sys.executable).parent / "grafana-cloud-costs"
    result = subprocess.run([str(script), "extract", "--help"], capture_output=True, text=True, check=True)
    assert "grafana_cloud_metrics_usage/<org>/<YYYY-MM-DD>.csv" in result.stdout
    assert "billing-metrics:read" in result.stdout
