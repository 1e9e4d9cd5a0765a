"""Budgets, usage limits, spike headroom and usage anomalies, end to end, as of a time inside a month.

As of 2024-09-20 00:00 UTC September is open: 19 of its 30 days observed, 11 to come. Every
figure is worked out by hand below from the shipped price book (Pro: $6.50 per 1,000 series above
10,000; logs $0.50 per GB above 50; platform fee $19) and the forecast's rules (issue 16: a
constant usage projects to itself; GB repeat the last 7 days' daily average on each remaining
day).

acme (pro): acme-prod (101) 20,000 series every minute, 10 GB of logs a day; acme-dev (102) 10,000
series. Metrics: 30,000 - 10,000 = 20,000 x $0.0065 = $130.00 month to date and projected (a
constant usage), shared 2:1, $86.67 and $43.33. Logs: 190 GB month to date -> (190 - 50) x $0.50 =
$70.00; projected 190 + 11 x 10 = 300 GB -> (300 - 50) x $0.50 = $125.00, all acme-prod's.
Month to date: acme-prod $156.67, acme-dev $43.33, the organization $219.00 with the platform fee;
projected: $211.67, $43.33, $274.00.

globex (pro): globex-eu (201) and globex-us (202) ingest logs from 2024-08-01 (a Thursday): 10 GB
a day, but the Thursdays before September 19th alternate 11 (1 Aug), 10, 12, 10, 12, 10, 12 (12
Sep): mean 77 / 7 = 11, sample standard deviation sqrt(6 / 6) = 1, the expected range 8 to 14.
On Thursday 19 September globex-eu ingests 14.5 GB (3.5 deviations: an anomaly) and globex-us
13.5 (2.5: none). Wednesdays are all 10 GB (six since 7 August): no anomaly on the 18th.

Spike headroom: globex-eu has 10,000 series but for the 2,400 minutes from 2024-09-02 00:00, when
they rise from 20,000 by one a minute (20,000 ... 22,399); the last 7 days (10,000) repeat over
the 15,840 minutes to come. Of the month's 43,200 minutes sorted, the 95th percentile lies at
rank 0.95 x 43,199 = 41,039.05: the spike's 240th and 241st values (the first 40,800 are
10,000), 20,239 + 0.05 x 1 = 20,239.05 series. The 2,160 spike minutes from 20,240 up are above
it, one more than the 43,199 - 41,040 = 2,159 the percentile forgives: no headroom left (0)
(spike_headroom_exhausted). globex-us's constant 10,000 series have none above: 2,159 left.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from harness import Project

AS_OF = "2024-09-20 00:00:00"
GB = 1_000_000_000


def globex_logs() -> list[dict]:
    thursdays = {date(2024, 8, 1): 11, date(2024, 8, 8): 10, date(2024, 8, 15): 12, date(2024, 8, 22): 10,
                 date(2024, 8, 29): 12, date(2024, 9, 5): 10, date(2024, 9, 12): 12}
    rows = []
    day = date(2024, 8, 1)
    while day <= date(2024, 9, 19):
        for stack_id, last_thursday in (("201", 14.5), ("202", 13.5)):
            gb = last_thursday if day == date(2024, 9, 19) else thursdays.get(day, 10)
            rows.append({"stack_id": stack_id, "signal": "logs", "usage_start": f"{day} 00:00:00",
                         "ingested_bytes": int(gb * GB)})
        day += timedelta(days=1)
    return rows


@pytest.fixture(scope="module")
def alerts_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("alerts"), mode="export")
    project.write_rows(
        "grafana_cloud_organizations",
        [
            {"org_slug": "acme", "org_name": "Acme", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "globex", "org_name": "Globex", "plan": "pro", "included_dpm_per_series": 1},
        ],
    )
    project.write_rows(
        "grafana_cloud_stacks",
        [
            {"stack_id": "101", "stack_slug": "acme-prod", "org_slug": "acme"},
            {"stack_id": "102", "stack_slug": "acme-dev", "org_slug": "acme"},
            {"stack_id": "201", "stack_slug": "globex-eu", "org_slug": "globex"},
            {"stack_id": "202", "stack_slug": "globex-us", "org_slug": "globex"},
        ],
    )
    # one sample a minute up to the as-of time; 100 samples/s = 6,000 DPM, below the series
    project.write_sql(
        "grafana_cloud_metrics_usage",
        """
        select stacks.stack_id, strftime(minutes.ts, '%Y-%m-%d %H:%M:%S') as sampled_at,
               stacks.series as active_series, 100.0 as samples_per_second
        from (values ('101', 20000.0), ('102', 10000.0), ('202', 10000.0)) as stacks (stack_id, series)
        cross join generate_series(
            timestamp '2024-09-01 00:00:00', timestamp '2024-09-19 23:59:00', interval 1 minute
        ) as minutes (ts)
        union all
        -- globex-eu: 10,000 series, and a 2,400-minute spike rising from 20,000 by one a minute
        select '201', strftime(ts, '%Y-%m-%d %H:%M:%S'),
               case
                   when ts >= timestamp '2024-09-02 00:00:00' and ts < timestamp '2024-09-03 16:00:00'
                       then 20000.0 + date_diff('minute', timestamp '2024-09-02 00:00:00', ts)
                   else 10000.0
               end,
               100.0
        from generate_series(
            timestamp '2024-09-01 00:00:00', timestamp '2024-09-19 23:59:00', interval 1 minute
        ) as minutes (ts)
        """,
    )
    acme_logs = [
        {"stack_id": "101", "signal": "logs", "usage_start": f"2024-09-{day:02d} 00:00:00", "ingested_bytes": 10 * GB}
        for day in range(1, 20)
    ]
    project.write_rows("grafana_cloud_ingestion_usage", acme_logs + globex_logs())
    project.write_reference(
        "grafana_cloud_budgets",
        [
            # ended before September (exclusive end): not applied, although $274 > $100
            {"org_slug": "acme", "stack_slug": "", "monthly_budget_usd": "100.00",
             "effective_from": "2024-01-01", "effective_to": "2024-09-01"},
            # $219.00 month to date < $250 < $274.00 projected: budget_forecast_exceeded
            {"org_slug": "acme", "stack_slug": "", "monthly_budget_usd": "250.00",
             "effective_from": "2024-09-01", "effective_to": ""},
            # acme-prod: $156.67 month to date > $150: budget_exceeded (critical)
            {"org_slug": "acme", "stack_slug": "acme-prod%", "monthly_budget_usd": "150.00",
             "effective_from": "2024-09-01", "effective_to": ""},
            # in effect on 1 September: $43.33 < $100, no alert
            {"org_slug": "acme", "stack_slug": "acme-dev", "monthly_budget_usd": "100.00",
             "effective_from": "2024-01-01", "effective_to": "2024-09-15"},
            # starts mid-month, so only from October: no alert although $43.33 > $40
            {"org_slug": "acme", "stack_slug": "acme-dev", "monthly_budget_usd": "40.00",
             "effective_from": "2024-09-15", "effective_to": ""},
        ],
    )
    project.write_reference(
        "grafana_cloud_usage_limits",
        [
            # 190 GB month to date < 250 < 300 GB projected: a warning
            {"org_slug": "acme", "stack_slug": "acme-prod", "sku": "logs_ingested_gb", "usage_limit": "250",
             "effective_from": "2024-09-01", "effective_to": ""},
            # 30,000 series already above 25,000: critical
            {"org_slug": "acme", "stack_slug": "", "sku": "metrics_active_series", "usage_limit": "25000",
             "effective_from": "2024-09-01", "effective_to": ""},
            # acme-dev's 10,000 series stay under 20,000: no alert
            {"org_slug": "acme", "stack_slug": "acme-dev", "sku": "metrics_active_series", "usage_limit": "20000",
             "effective_from": "2024-09-01", "effective_to": ""},
        ],
    )
    project.build(vars={"grafana_cloud_as_of": AS_OF})
    return project


def alerts(project: Project) -> list[dict]:
    return project.rows(
        """
        select alert_type, severity, billing_month, org_slug, stack_id, stack_slug_pattern, sku,
               usage_date, observed_value, threshold_value, value_unit, message
        from fct_grafana_cloud_alerts
        order by alert_type, org_slug, stack_slug_pattern nulls first, stack_id, sku
        """
    )


def test_alerts_that_fire_and_alerts_that_do_not(alerts_project: Project) -> None:
    september = date(2024, 9, 1)
    found = [
        (a["alert_type"], a["severity"], a["org_slug"], a["stack_id"], a["stack_slug_pattern"], a["sku"],
         a["usage_date"], a["observed_value"], a["threshold_value"], a["value_unit"])
        for a in alerts(alerts_project)
    ]
    assert found == [
        ("budget_exceeded", "critical", "acme", None, "acme-prod%", None, None,
         Decimal("156.67"), Decimal("150"), "usd"),
        ("budget_forecast_exceeded", "warning", "acme", None, None, None, None,
         Decimal("274.00"), Decimal("250"), "usd"),
        ("spike_headroom_exhausted", "warning", "globex", "201", None, "metrics_active_series", None,
         Decimal("2160"), Decimal("2159"), "minutes"),
        ("usage_anomaly", "warning", "globex", "201", None, "logs_ingested_gb", date(2024, 9, 19),
         Decimal("14.5"), Decimal("14"), "gb"),
        ("usage_limit_forecast_exceeded", "critical", "acme", None, None, "metrics_active_series", None,
         Decimal("30000"), Decimal("25000"), "active_series"),
        ("usage_limit_forecast_exceeded", "warning", "acme", None, "acme-prod", "logs_ingested_gb", None,
         Decimal("300"), Decimal("250"), "gb"),
    ]
    assert {a["billing_month"] for a in alerts(alerts_project)} == {september}


def test_messages_say_what_crossed_what(alerts_project: Project) -> None:
    messages = [a["message"] for a in alerts(alerts_project)]
    assert messages == [
        "acme: the month-to-date cost of stacks like 'acme-prod%', $156.67, is above its monthly budget of"
        " $150.00 (projected $211.67)",
        "acme: the projected cost of the whole organization, $274.00, is above its monthly budget of $250.00"
        " (month to date $219.00)",
        "globex-eu (201): no spike headroom left in 2024-09: 2160 minutes above the projected billable level"
        " against 2159 forgiven by the 95th percentile; a further spike raises the bill",
        "globex-eu (201): logs_ingested_gb on 2024-09-19 was 14.50 gb, 3.50 standard deviations above the"
        " mean of the 7 previous same weekdays (expected 8.00 to 14.00)",
        "acme: the projected metrics_active_series of the whole organization, 30000.00 active_series, is"
        " above its usage limit of 25000.00 (month to date 30000.00)",
        "acme: the projected logs_ingested_gb of stacks like 'acme-prod', 300.00 gb, is above its usage"
        " limit of 250.00 (month to date 190.00)",
    ]


def test_headroom_behind_the_alert(alerts_project: Project) -> None:
    headroom = alerts_project.rows(
        """
        select stack_id, forgiven_minutes, minutes_above_projected_level, headroom_minutes,
               spike_cost_threshold_series
        from fct_grafana_cloud_spike_headroom
        where stack_id in ('201', '202')
        order by stack_id
        """
    )
    assert [tuple(row.values()) for row in headroom] == [
        ("201", 2159, 2160, 0, Decimal("20239.05")),
        ("202", 2159, 0, 2159, Decimal("10000")),
    ]


def test_anomaly_scores_of_the_detection_days(alerts_project: Project) -> None:
    scored = alerts_project.rows(
        """
        select stack_id, sku, usage_date, usage_quantity, training_set_size, training_avg,
               anomaly_score, is_anomalous
        from intermediate.int_usage_daily_anomaly_scored
        where sku = 'logs_ingested_gb'
        order by stack_id, usage_date
        """
    )
    assert [
        (r["stack_id"], r["usage_date"], r["usage_quantity"], r["training_set_size"], r["training_avg"],
         r["anomaly_score"], r["is_anomalous"])
        for r in scored
    ] == [
        # acme-prod: only September's two Wednesdays and Thursdays, fewer than 7 (score 0: constant)
        ("101", date(2024, 9, 18), 10.0, 2, 10.0, 0.0, False),
        ("101", date(2024, 9, 19), 10.0, 2, 10.0, 0.0, False),
        # six Wednesdays since 7 August, all 10 GB: below the minimum, and score 0 anyway
        ("201", date(2024, 9, 18), 10.0, 6, 10.0, 0.0, False),
        ("201", date(2024, 9, 19), 14.5, 7, 11.0, pytest.approx(3.5), True),
        ("202", date(2024, 9, 18), 10.0, 6, 10.0, 0.0, False),
        ("202", date(2024, 9, 19), 13.5, 7, 11.0, pytest.approx(2.5), False),
    ]


def cli(project: Project, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "grafana_cloud_costs", "alerts", "--database", str(project.database), *args],
        capture_output=True, text=True, check=False,
        cwd=Path(__file__).resolve().parents[2],
    )


def test_cli_exits_1_on_a_critical_alert_and_prints_json(alerts_project: Project) -> None:
    printed = cli(alerts_project)
    assert printed.returncode == 1, printed.stderr
    assert "Grafana Cloud alerts as of 2024-09-20 00:00 UTC: 2 critical, 4 warning" in printed.stdout
    as_json = cli(alerts_project, "--json")
    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    assert [(a["severity"], a["alert_type"]) for a in document] == [
        ("critical", "budget_exceeded"),
        ("critical", "usage_limit_forecast_exceeded"),
        ("warning", "budget_forecast_exceeded"),
        ("warning", "spike_headroom_exhausted"),
        ("warning", "usage_anomaly"),
        ("warning", "usage_limit_forecast_exceeded"),
    ]
    first = document[0]
    assert first["observed_value"] == 156.67 and first["threshold_value"] == 150
    assert first["billing_month"] == "2024-09-01" and first["as_of"] == "2024-09-20 00:00:00"
    assert first["stack_slug_pattern"] == "acme-prod%" and first["stack_id"] is None


def test_cli_exits_0_without_a_critical_alert(alerts_project: Project) -> None:
    globex = cli(alerts_project, "--org", "globex", "--json")
    assert globex.returncode == 0, globex.stderr
    assert [a["alert_type"] for a in json.loads(globex.stdout)] == ["spike_headroom_exhausted", "usage_anomaly"]
    nobody = cli(alerts_project, "--org", "initech")
    assert (nobody.returncode, nobody.stdout.strip()) == (0, "No alerts.")


def test_cli_exits_2_without_a_database(tmp_path: Path) -> None:
    missing = subprocess.run(
        [sys.executable, "-m", "grafana_cloud_costs", "alerts", "--database", str(tmp_path / "none.duckdb")],
        capture_output=True, text=True, check=False,
    )
    assert missing.returncode == 2
    assert "run `make build` first" in missing.stderr
