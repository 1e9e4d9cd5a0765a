"""An open month on crafted raw data: the as-of time (AS_OF) falls inside September 2024.

Reusable by any end-to-end test of the open month (the forecast, the spike headroom, budgets and
alerts): `write_open_month(project)` writes every raw table into an export-mode harness Project,
and `OPEN_MONTH_VARS` are the build vars (grafana_cloud_as_of). Rows dated after the as-of time
would be quarantined as future_timestamp, so every table stops before it. History starts on
2024-08-01, so that August is a closed month and the last four weeks are all there.

Organizations (all on the pro plan, 1 included DPM per series; one stack each unless said):

    steady    steady-1  20,000 series (and DPM) all along; logs 100,000,000 bytes every hour
    stepup    stepup-1  12,000 series, 30,000 from 2024-09-15 12:00 (half a day before the as-of)
    stepdown  stepdown-1 30,000 series, 12,000 from 2024-09-12 00:00
    spiky     spiky-1   20,000 series, 50,000 for the 100 minutes from 2024-09-10 10:00
    young     young-1   created 2024-09-13 00:00: 20,000 series and 300,000,000 log bytes an hour
                        from then on (three days observed, fewer than the seven-day look-back)
    shared    shared-a  15,001 series; logs 100,000,000 bytes every hour; Grafana users u1..u5
                        logged in on 2024-09-02 (and in August), u6 on 2024-09-10, u7 on
                        2024-09-12
              shared-b  10,002 series; k6 runs: 2024-09-04 10:00-11:00 at 60 VUs (60 VUh),
                        2024-09-11 10:00-15:00 at 100 VUs (500 VUh)
"""

from __future__ import annotations

from typing import Any

AS_OF = "2024-09-16 00:00:00"
OPEN_MONTH_VARS: dict[str, Any] = {"grafana_cloud_as_of": AS_OF}
HISTORY_START = "2024-08-01 00:00:00"

ORGS = ["steady", "stepup", "stepdown", "spiky", "young", "shared"]

STACKS = [
    ("steady-1", "steady", "2024-01-01 00:00:00"),
    ("stepup-1", "stepup", "2024-01-01 00:00:00"),
    ("stepdown-1", "stepdown", "2024-01-01 00:00:00"),
    ("spiky-1", "spiky", "2024-01-01 00:00:00"),
    ("young-1", "young", "2024-09-13 00:00:00"),
    ("shared-a", "shared", "2024-01-01 00:00:00"),
    ("shared-b", "shared", "2024-01-01 00:00:00"),
]


def _series(stack_id: str, start: str, value_sql: str) -> str:
    """One sample a minute from `start` to the as-of time (exclusive); DPM = series (1 per series)."""
    return f"""
        select
            '{stack_id}' as stack_id,
            strftime(ts, '%Y-%m-%d %H:%M:%S') as sampled_at,
            {value_sql} as active_series,
            ({value_sql}) / 60.0 as samples_per_second
        from range(timestamp '{start}', timestamp '{AS_OF}', interval 1 minute) as t(ts)
    """


def _hourly_bytes(stack_id: str, signal: str, start: str, bytes_per_hour: int) -> str:
    return f"""
        select
            '{stack_id}' as stack_id,
            '{signal}' as signal,
            strftime(ts, '%Y-%m-%d %H:%M:%S') as usage_start,
            {bytes_per_hour} as ingested_bytes
        from range(timestamp '{start}', timestamp '{AS_OF}', interval 1 hour) as t(ts)
    """


def write_open_month(project: Any) -> None:
    """Write the open month's raw tables into an export-mode harness Project."""
    project.write_rows(
        "grafana_cloud_organizations",
        [
            {"org_slug": org, "org_name": org.title(), "plan": "pro", "included_dpm_per_series": 1}
            for org in ORGS
        ],
    )
    project.write_rows(
        "grafana_cloud_stacks",
        [
            {"stack_id": stack, "stack_slug": stack, "org_slug": org, "status": "active", "created_at": created}
            for stack, org, created in STACKS
        ],
    )
    metrics = [
        _series("steady-1", HISTORY_START, "20000"),
        _series("stepup-1", HISTORY_START, "case when ts >= timestamp '2024-09-15 12:00:00' then 30000 else 12000 end"),
        _series("stepdown-1", HISTORY_START, "case when ts >= timestamp '2024-09-12 00:00:00' then 12000 else 30000 end"),
        _series(
            "spiky-1",
            HISTORY_START,
            "case when ts >= timestamp '2024-09-10 10:00:00' and ts < timestamp '2024-09-10 11:40:00'"
            " then 50000 else 20000 end",
        ),
        _series("young-1", "2024-09-13 00:00:00", "20000"),
        _series("shared-a", HISTORY_START, "15001"),
        _series("shared-b", HISTORY_START, "10002"),
    ]
    project.write_sql("grafana_cloud_metrics_usage", " union all ".join(metrics))
    ingestion = [
        _hourly_bytes("steady-1", "logs", HISTORY_START, 100_000_000),
        _hourly_bytes("young-1", "logs", "2024-09-13 00:00:00", 300_000_000),
        _hourly_bytes("shared-a", "logs", HISTORY_START, 100_000_000),
    ]
    project.write_sql("grafana_cloud_ingestion_usage", " union all ".join(ingestion))
    logins = [("shared-a", f"u{n}", "2024-08-05 09:00:00") for n in range(1, 6)]
    logins += [("shared-a", f"u{n}", "2024-09-02 09:00:00") for n in range(1, 6)]
    logins += [("shared-a", "u6", "2024-09-10 09:00:00"), ("shared-a", "u7", "2024-09-12 09:00:00")]
    project.write_rows(
        "grafana_cloud_user_activity",
        [
            {"stack_id": stack, "user_id": user, "activity_at": at, "activity_type": "login"}
            for stack, user, at in logins
        ],
    )
    project.write_rows(
        "grafana_cloud_k6_test_runs",
        [
            {"stack_id": "shared-b", "test_run_id": "r1", "started_at": "2024-09-04 10:00:00",
             "ended_at": "2024-09-04 11:00:00", "vus": 60, "browser_vus": 0},
            {"stack_id": "shared-b", "test_run_id": "r2", "started_at": "2024-09-11 10:00:00",
             "ended_at": "2024-09-11 15:00:00", "vus": 100, "browser_vus": 0},
        ],
    )
