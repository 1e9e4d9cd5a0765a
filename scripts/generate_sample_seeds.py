"""Write the sample month (September 2024) into seeds/sample/ as CSV files.

The committed CSVs are the output of this script; re-run it only to change the story:

    .venv/bin/python scripts/generate_sample_seeds.py

Two organizations and four stacks, every product used once:

- acme (Pro, 1 included DPM per series)
  - 101 acme-prod: ~60k series scraped every 60 s with daily seasonality, and a 20-hour spike to
    2.5x on the 12th that the 95th percentile forgives (it is shorter than 36 hours).
  - 102 acme-dev: ~8k series scraped every 30 s (so DPM, not series, is billed), with a 4-day
    spike to 1.6x from the 20th that the 95th percentile does not forgive.
- globex (Advanced, 4 included DPM per series)
  - 201 globex-eu: ~40k series scraped every 15 s (4 DPM: exactly what is included).
  - 202 globex-us: ~25k series scraped every 10 s (6 DPM: DPM / 4 is billed).

Beside metrics, every other product appears once:

- logs, traces and profiles ingested hourly, with a daily rhythm (acme ingests ~252 GB of logs);
- Grafana users: 5 at acme (alice logs in to both acme stacks) and 14 at globex;
- IRM users: at acme alice gets paged, bob declares an incident and frank is only on an OnCall
  schedule (an IRM user who never logs in); 5 at globex;
- an Enterprise data-source plugin installed on globex-eu on the 14th (every globex user counts),
  and one at acme that was uninstalled in August (nothing this month);
- k6 runs on acme-dev: 100 VUs for 10 minutes (16.67 VUh), 20 VUs for 7 seconds (billed as a full
  minute), a browser run of 5 browser VUs for 30.01 minutes (billed 31 minutes, x10 per browser
  VU) and a 2-hour soak test of 300 VUs; one small run at globex.

The metrics have one sample per stack and minute, as a real export, with about 0.3 % of the minutes
missing and a handful of exact duplicate rows (they collapse). Everything is computed in
DuckDB from integer arithmetic, so the output is the same on every machine.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "sample"

# A deterministic pseudo-random number in [0, 1) from an integer (a linear congruential step).
NOISE = "(((({n}) * 1103515245 + 12345) % 2147483648) / 2147483648.0)"


def noise(expression: str) -> str:
    return NOISE.format(n=expression)


ORGANIZATIONS = """
select * from (values
    ('acme', 'Acme Corp', 'pro', 1),
    ('globex', 'Globex Inc', 'advanced', 4)
) as t(org_slug, org_name, plan, included_dpm_per_series)
"""

STACKS = """
select * from (values
    ('101', 'acme-prod', 'acme', 'active', '2023-03-01 09:00:00', null, '1101', null, '2101', '3101', null),
    ('102', 'acme-dev', 'acme', 'active', '2023-06-12 14:30:00', null, '1102', '4102', '2102', null, null),
    ('201', 'globex-eu', 'globex', 'active', '2022-11-20 08:15:00', null, '1201', null, '2201', '3201', '5201'),
    ('202', 'globex-us', 'globex', 'active', '2024-02-05 16:45:00', null, '1202', null, '2202', null, null)
) as t(
    stack_id, stack_slug, org_slug, status, created_at, deleted_at,
    hm_instance_prom_id, hm_instance_graphite_id, hl_instance_id, ht_instance_id, hp_instance_id
)
"""

METRICS = f"""
with
profiles as (
    select * from (values
        -- stack, base series, DPM per series, spike start, spike hours, spike factor
        ('101', 60000, 1.0, timestamp '2024-09-12 06:00:00', 20, 2.5),
        ('102', 8000, 2.0, timestamp '2024-09-20 00:00:00', 96, 1.6),
        ('201', 40000, 4.0, null, 0, 1.0),
        ('202', 25000, 6.0, null, 0, 1.0)
    ) as t(stack_id, base_series, dpm_per_series, spike_start, spike_hours, spike_factor)
),
grid as (
    select generate_series as sampled_at
    from generate_series(timestamp '2024-09-01 00:00:00', timestamp '2024-09-30 23:59:00', interval 1 minute)
),
samples as (
    select
        p.stack_id,
        g.sampled_at,
        p.dpm_per_series,
        p.base_series
        -- daily seasonality: +-15 %, peaking mid-afternoon UTC
        * (1 + 0.15 * sin(2 * pi() * (extract(hour from g.sampled_at) * 60 + extract(minute from g.sampled_at) - 540) / 1440))
        -- +-2 % noise
        * (0.98 + 0.04 * {noise("epoch(g.sampled_at)::bigint // 60 + cast(p.stack_id as bigint) * 7919")})
        * case
            when g.sampled_at >= p.spike_start
                and g.sampled_at < p.spike_start + p.spike_hours * interval 1 hour
                then p.spike_factor
            else 1
        end as series
    from profiles as p
    cross join grid as g
)
select
    stack_id,
    strftime(sampled_at, '%Y-%m-%d %H:%M:%S') as sampled_at,
    round(series)::bigint as active_series,
    round(round(series) * dpm_per_series / 60, 2) as samples_per_second
from samples
-- about 0.3 % of the minutes are missing, as in a real export
where {noise("epoch(sampled_at)::bigint // 60 * 31 + cast(stack_id as bigint)")} >= 0.003
-- a few exact duplicates, as a re-delivered export would have
union all
select stack_id, strftime(sampled_at, '%Y-%m-%d %H:%M:%S'), round(series)::bigint,
    round(round(series) * dpm_per_series / 60, 2)
from samples
where stack_id = '101' and sampled_at between timestamp '2024-09-03 10:00:00' and timestamp '2024-09-03 10:10:00'
order by stack_id, sampled_at
"""

INGESTION = f"""
with
profiles as (
    select * from (values
        -- stack, signal, GB per day
        ('101', 'logs', 8.4),
        ('101', 'traces', 2.0),
        ('102', 'logs', 0.35),
        ('201', 'logs', 5.0),
        ('201', 'traces', 3.0),
        ('201', 'profiles', 1.0),
        ('202', 'logs', 3.0),
        ('202', 'profiles', 0.6)
    ) as t(stack_id, signal, gb_per_day)
),
hours as (
    select generate_series as usage_start
    from generate_series(timestamp '2024-09-01 00:00:00', timestamp '2024-09-30 23:00:00', interval 1 hour)
)
select
    p.stack_id,
    p.signal,
    strftime(h.usage_start, '%Y-%m-%d %H:%M:%S') as usage_start,
    round(
        p.gb_per_day * 1e9 / 24
        * (1 + 0.3 * sin(2 * pi() * (extract(hour from h.usage_start) - 9) / 24))
        * (0.9 + 0.2 * {noise("epoch(h.usage_start)::bigint // 3600 + cast(p.stack_id as bigint) * 31 + length(p.signal)")})
    )::bigint as ingested_bytes
from profiles as p
cross join hours as h
order by p.stack_id, p.signal, h.usage_start
"""

USER_ACTIVITY = f"""
with
acme_logins as (
    select * from (values
        ('101', 'alice'), ('102', 'alice'), ('101', 'bob'), ('101', 'carol'), ('102', 'dan'),
        ('101', 'erin')
    ) as t(stack_id, user_id)
),
globex_logins as (
    -- g01..g14 log in to globex-eu; every third also to globex-us
    select '201' as stack_id, 'g' || lpad(cast(i as varchar), 2, '0') as user_id
    from range(1, 15) as r(i)
    union all
    select '202', 'g' || lpad(cast(i as varchar), 2, '0') from range(1, 15) as r(i) where i % 3 = 0
),
logins as (
    -- each user logs in on a few working days, at a stable pseudo-random time
    select
        l.stack_id,
        l.user_id,
        timestamp '2024-09-02 08:00:00' + interval (d * 7 + (hash(l.user_id) % 3)) day
            + interval (hash(l.user_id || l.stack_id) % 480) minute as activity_at,
        'login' as activity_type
    from (select * from acme_logins union all select * from globex_logins) as l
    cross join range(0, 4) as w(d)
),
irm as (
    select * from (values
        ('101', 'alice', timestamp '2024-09-09 03:12:00', 'irm_paged'),
        ('101', 'alice', timestamp '2024-09-09 03:20:41', 'irm_alert_group_status_changed'),
        ('101', 'bob', timestamp '2024-09-17 14:02:10', 'irm_incident_declared'),
        ('101', 'frank', timestamp '2024-09-01 00:00:00', 'irm_on_schedule'),
        ('201', 'g01', timestamp '2024-09-05 11:00:00', 'irm_oncall_config_changed'),
        ('201', 'g02', timestamp '2024-09-12 22:45:00', 'irm_paged_someone'),
        ('201', 'g03', timestamp '2024-09-12 22:46:30', 'irm_incident_created'),
        ('202', 'g04', timestamp '2024-09-21 06:30:00', 'irm_incident_updated'),
        ('201', 'g15', timestamp '2024-09-01 00:00:00', 'irm_on_schedule')
    ) as t(stack_id, user_id, activity_at, activity_type)
)
select stack_id, user_id, strftime(activity_at, '%Y-%m-%d %H:%M:%S') as activity_at, activity_type
from (select * from logins union all select * from irm)
order by activity_at, stack_id, user_id
"""

ENTERPRISE_PLUGINS = """
select * from (values
    ('201', 'grafana-splunk-datasource', '2024-09-14 10:00:00', null),
    ('101', 'grafana-datadog-datasource', '2024-07-01 09:00:00', '2024-08-20 17:30:00')
) as t(stack_id, plugin_id, installed_at, uninstalled_at)
"""

K6_TEST_RUNS = """
select * from (values
    ('102', '9001', '2024-09-04 10:00:00', '2024-09-04 10:10:00', 100, 0),
    ('102', '9002', '2024-09-04 11:00:00', '2024-09-04 11:00:07', 20, 0),
    ('102', '9003', '2024-09-11 15:00:00', '2024-09-11 15:30:00.600', 0, 5),
    ('102', '9004', '2024-09-18 01:00:00', '2024-09-18 03:00:00', 300, 0),
    ('202', '9101', '2024-09-25 13:00:00', '2024-09-25 13:25:00', 50, 0)
) as t(stack_id, test_run_id, started_at, ended_at, vus, browser_vus)
"""

VIRTUAL_TAG_RULES = """
select * from (values
    ('team', 'platform', 1, 'acme', 'acme-prod', null, 100),
    ('team', 'developer-experience', 2, 'acme', 'acme-dev', null, 100),
    ('team', 'sre', 3, 'globex', 'globex-%', 'Metrics', 70),
    ('team', 'data', 3, 'globex', 'globex-%', 'Metrics', 30),
    ('team', 'data', 4, 'globex', null, null, 100),
    ('cost_center', 'CC-100', 1, 'acme', null, null, 100),
    ('cost_center', 'CC-200', 2, 'globex', null, null, 100)
) as t(tag_key, tag_value, priority, org_slug, stack_slug, service, split_percent)
"""


def main() -> None:
    SEEDS.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    tables = {
        "sample/grafana_cloud_organizations": ORGANIZATIONS,
        "sample/grafana_cloud_stacks": STACKS,
        "sample/grafana_cloud_metrics_usage": METRICS,
        "sample/grafana_cloud_ingestion_usage": INGESTION,
        "sample/grafana_cloud_user_activity": USER_ACTIVITY,
        "sample/grafana_cloud_enterprise_plugins": ENTERPRISE_PLUGINS,
        "sample/grafana_cloud_k6_test_runs": K6_TEST_RUNS,
        "reference/grafana_cloud_virtual_tag_rules": VIRTUAL_TAG_RULES,
    }
    for name, query in tables.items():
        path = SEEDS.parent / f"{name}.csv"
        con.execute(f"copy ({query}) to '{path}' (header, delimiter ',')")
        rows = con.execute(f"select count(*) from read_csv('{path}')").fetchone()[0]
        print(f"wrote {path.relative_to(SEEDS.parent.parent)} ({rows} rows)")


if __name__ == "__main__":
    main()
