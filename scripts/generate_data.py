"""Write a realistic synthetic Grafana Cloud export folder, for load tests and benchmarks.

Usage (or `make data STACKS=1000 MONTHS=1 OUT=target/data`):

    .venv/bin/python scripts/generate_data.py --stacks 1000 --months 1 --out target/data \
        [--seed 42] [--start 2024-09] [--format parquet|csv] \
        [--days-from 1] [--days-to 10] [--tables grafana_cloud_metrics_usage,...]

The folder is what `dbt build --vars '{grafana_cloud_raw_path: <out>}'` reads:

    <out>/grafana_cloud_organizations.parquet     1..12 stacks per org (~1 org per 7 stacks; the
                                                  first four orgs, pro, advanced, free and trial,
                                                  hold 1..4 so a small set has every plan); plans
                                                  mostly pro, some advanced (most of them with 4
                                                  included DPM per series), a few free and trial
    <out>/grafana_cloud_stacks.parquet            stack_id is the text of a 6-digit number
    <out>/grafana_cloud_metrics_usage/<day>.parquet  one file per UTC day (incremental loads add
                                                  day files): one sample per stack and minute at
                                                  the stack's scrape second, with daily
                                                  seasonality, a trend, noise, spikes of 10 min to
                                                  5 days (some forgiven by the 95th percentile,
                                                  some not; some raise only DPM), ~0.5 % missing
                                                  minutes (short outages), ~0.2 % exact duplicate
                                                  rows, ~0.3 % extra samples at another second of
                                                  the same minute and ~0.05 % conflicting
                                                  duplicates (same stack and instant, other
                                                  values); a few stacks start or stop mid-period,
                                                  ~2 % have no metrics at all
    <out>/grafana_cloud_ingestion_usage.parquet   hourly bytes per stack and signal (logs,
                                                  traces, profiles), with bursts and gaps
    <out>/grafana_cloud_user_activity.parquet     logins of users to one or more stacks of their
                                                  org, IRM actions, users only on an OnCall
                                                  schedule, inactive users
    <out>/grafana_cloud_enterprise_plugins.parquet installs before and during the period, some
                                                  uninstalled mid-month (empty = still installed)
    <out>/grafana_cloud_k6_test_runs.parquet      protocol and browser VUs (some browser only),
                                                  runs of a few seconds to a few hours

Every row obeys the input contract (no negative quantities, no unknown stacks, no null keys,
ended_at >= started_at, uninstalled_at >= installed_at), so the project's quarantine stays
empty. Parquet timestamps are TIMESTAMP (UTC, no zone); CSV ones are 'YYYY-MM-DD HH:MM:SS'.

--days-from/--days-to (1-based days counted from the first day of --start; the default is every
day of --months, and a day past them is allowed) limit which day files of the metrics folder are
written; the other tables always cover the whole period. With --tables a caller writes only
some tables: `--tables grafana_cloud_metrics_usage --days-from 31 --days-to 31` appends the
day after a one-month set, exactly as a two-month set would have it.

Determinism: everything is computed inside DuckDB SQL from integer hashes of (seed, purpose,
key...) (`hash()` is stable for a given DuckDB version) and every file is written sorted by all of
its columns, so the same arguments give byte-identical files on this DuckDB version, whatever the
thread count, and a day file does not depend on which other days are written. The values of
one stack do not depend on --days-from/--days-to, but they do on --stacks (the org layout) and
--start (trends).
"""

from __future__ import annotations

import argparse
import time
from datetime import date, timedelta
from pathlib import Path

import duckdb

METRICS = "grafana_cloud_metrics_usage"
SMALL_TABLES = [
    "grafana_cloud_organizations",
    "grafana_cloud_stacks",
    "grafana_cloud_ingestion_usage",
    "grafana_cloud_user_activity",
    "grafana_cloud_enterprise_plugins",
    "grafana_cloud_k6_test_runs",
]
TABLES = SMALL_TABLES[:2] + [METRICS] + SMALL_TABLES[2:]
# The public column order of each table (the source grafana_cloud, models/staging/grafana_cloud/_grafana_cloud__sources.yml).
COLUMNS = {
    "grafana_cloud_organizations": "org_slug, org_name, plan, included_dpm_per_series",
    "grafana_cloud_stacks": "stack_id, stack_slug, org_slug",
    METRICS: "stack_id, sampled_at, active_series, samples_per_second",
    "grafana_cloud_ingestion_usage": "stack_id, signal, usage_start, ingested_bytes",
    "grafana_cloud_user_activity": "stack_id, user_id, activity_at, activity_type",
    "grafana_cloud_enterprise_plugins": "stack_id, plugin_id, installed_at, uninstalled_at",
    "grafana_cloud_k6_test_runs": "stack_id, test_run_id, started_at, ended_at, vus, browser_vus",
}
TIMESTAMP_COLUMNS = {
    "sampled_at", "usage_start", "activity_at", "installed_at", "uninstalled_at", "started_at", "ended_at",
}

# The model of the period, built once per run: orgs, stacks and per-stack parameters. Every
# random draw is rnd('<purpose>', key1, key2), uniform in [0, 1).
SETUP = """
create table orgs as
with sizes as (
    -- 1..12 stacks per org (the first four orgs, one per plan, hold 1..4 so that a small set has them all)
    select k, 1 + floor(rnd('org_size', k, 0) * case when k < 4 then 4 else 12 end)::int as size
    from range(0, {stacks}) as t(k)
),
placed as (
    select k, size, (sum(size) over (order by k) - size)::bigint as first_stack from sizes
),
named as (
    select
        k as org_no,
        first_stack,
        least(first_stack + size, {stacks}) as end_stack,
        {words}[k % {n_words} + 1] as word,
        k // {n_words} as lap,
        rnd('plan', k, 0) as u_plan,
        rnd('dpm', k, 0) as u_dpm
    from placed
    where first_stack < {stacks}
)
select
    org_no,
    first_stack,
    end_stack,
    word || case when lap > 0 then '-' || (lap + 1) else '' end as org_slug,
    upper(word[1]) || replace(word[2:], '-', ' ')
        || case when lap > 0 then ' ' || (lap + 1) else '' end
        || ' ' || ['Inc', 'GmbH', 'Ltd', 'Corp', 'SA', 'BV'][org_no % 6 + 1] as org_name,
    -- the first orgs cover every plan, so that even a tiny set has each case
    case
        when org_no = 0 then 'pro'
        when org_no = 1 then 'advanced'
        when org_no = 2 then 'free'
        when org_no = 3 then 'trial'
        when u_plan < 0.72 then 'pro'
        when u_plan < 0.90 then 'advanced'
        when u_plan < 0.96 then 'free'
        else 'trial'
    end as plan,
    case when (org_no = 1 or (org_no > 3 and u_plan >= 0.72 and u_plan < 0.90)) and u_dpm < 0.6
        then 4 else 1 end::bigint as included_dpm_per_series
from named;

create table stacks as
select
    s.i as stack_no,
    cast(100000 + s.i * 10 + floor(rnd('stack_id', s.i, 0) * 10)::int as varchar) as stack_id,
    o.org_slug || '-' || ['prod', 'dev', 'staging', 'eu', 'us', 'ops', 'test', 'ml'][(s.i - o.first_stack) % 8 + 1]
        || case when s.i - o.first_stack >= 8 then ((s.i - o.first_stack) // 8 + 1)::varchar else '' end
        as stack_slug,
    o.org_slug,
    o.org_no,
    o.plan,
    s.i - o.first_stack as stack_in_org,
    o.end_stack - o.first_stack as org_stack_count
from range(0, {stacks}) as s(i)
inner join orgs as o on s.i >= o.first_stack and s.i < o.end_stack;

create table profiles as
select
    stack_no,
    stack_id,
    stack_no = 0 or rnd('has_metrics', stack_no, 0) >= 0.02 as has_metrics,
    -- log-uniform 800 .. 320k active series; free and trial orgs stay small
    exp(ln(800) + rnd('series', stack_no, 0) * ln(400)) * case when plan in ('free', 'trial') then 0.1 else 1 end
        as base_series,
    -- DPM per series from the scrape intervals (60 s -> 1, 30 s -> 2, 15 s -> 4, 10 s -> 6)
    [1, 1, 1, 1, 2, 2, 2, 4, 4, 6][floor(rnd('dpm', stack_no, 0) * 10)::int + 1]
        * (0.9 + 0.2 * rnd('dpm_mix', stack_no, 0)) as dpm_per_series,
    0.03 + 0.25 * rnd('amplitude', stack_no, 0) as amplitude,
    rnd('phase', stack_no, 0) * 1440 as phase_minutes,
    0.005 + 0.03 * rnd('noise', stack_no, 0) as noise,
    -0.05 + 0.15 * rnd('growth', stack_no, 0) as growth_per_30_days,
    case when rnd('offset', stack_no, 0) < 0.4 then 0 else floor(rnd('second', stack_no, 0) * 60)::int end
        as scrape_second,
    case when rnd('late_start', stack_no, 0) < 0.03
        then timestamp '{start}' + to_minutes(floor(rnd('start_at', stack_no, 0) * 25 * 1440)::bigint) end
        as active_from,
    case when rnd('early_stop', stack_no, 0) < 0.02
        then timestamp '{start}' + to_minutes(floor((5 + rnd('stop_at', stack_no, 0) * 20) * 1440)::bigint) end
        as active_to
from stacks;

-- At most one spike per stack and epoch week, 10 min to 5 days long (log-uniform), so a day
-- sees at most the spikes of its own week and the previous one.
create table spikes as
select
    p.stack_no,
    w.week,
    timestamp '1970-01-01' + to_minutes(w.week * 7 * 1440 + floor(rnd('spike_at', p.stack_no, w.week) * 7 * 1440)::bigint)
        as spike_start,
    round(exp(ln(10) + rnd('spike_len', p.stack_no, w.week) * ln(720)))::bigint as spike_minutes,
    1.3 + 1.7 * rnd('spike_factor', p.stack_no, w.week) as spike_factor,
    rnd('spike_kind', p.stack_no, w.week) < 0.3 as dpm_only
from profiles as p
cross join range({first_week}, {last_week} + 1) as w(week)
where p.has_metrics and rnd('spike', p.stack_no, w.week) < 0.3;
"""

# One day of metrics samples. {day} is its first instant, {week} its epoch week.
METRICS_DAY = """
with
day_stacks as (
    select
        p.*,
        s0.spike_start as s0_start,
        s0.spike_start + to_minutes(s0.spike_minutes) as s0_end,
        s0.spike_factor as s0_factor,
        s0.dpm_only as s0_dpm_only,
        s1.spike_start as s1_start,
        s1.spike_start + to_minutes(s1.spike_minutes) as s1_end,
        s1.spike_factor as s1_factor,
        s1.dpm_only as s1_dpm_only
    from profiles as p
    left join spikes as s0 on p.stack_no = s0.stack_no and s0.week = {week} - 1
    left join spikes as s1 on p.stack_no = s1.stack_no and s1.week = {week}
    where p.has_metrics
),
grid as (
    select
        d.*,
        m.minute_at,
        epoch(m.minute_at)::bigint // 60 as minute_no,
        epoch(m.minute_at)::bigint // 3600 as hour_no,
        (epoch(m.minute_at)::bigint // 60) % 60 as minute_of_hour,
        case
            when m.minute_at >= d.s1_start and m.minute_at < d.s1_end then d.s1_factor
            when m.minute_at >= d.s0_start and m.minute_at < d.s0_end then d.s0_factor
            else 1.0
        end as spike_factor,
        case
            when m.minute_at >= d.s1_start and m.minute_at < d.s1_end then d.s1_dpm_only
            when m.minute_at >= d.s0_start and m.minute_at < d.s0_end then d.s0_dpm_only
            else false
        end as dpm_only
    from day_stacks as d
    cross join range(timestamp '{day}', timestamp '{day}' + interval 1 day, interval 1 minute) as m(minute_at)
    where (d.active_from is null or m.minute_at >= d.active_from)
        and (d.active_to is null or m.minute_at < d.active_to)
),
levels as (
    select
        stack_no,
        stack_id,
        minute_no,
        scrape_second,
        minute_at + to_seconds(scrape_second) as sampled_at,
        base_series
            * (1 + amplitude * sin(2 * pi() * ((minute_no % 1440) - phase_minutes) / 1440))
            * (1 + growth_per_30_days * (epoch(minute_at) - epoch(timestamp '{start}')) / 2592000)
            * (1 + noise * (2 * rnd('noise_series', stack_no, minute_no) - 1)) as series_level,
        dpm_per_series * (1 + 0.01 * (2 * rnd('noise_dpm', stack_no, minute_no) - 1)) as dpm_factor,
        spike_factor,
        dpm_only
    from grid
    -- outages: in ~3 % of the hours of a stack, 1..19 minutes in a row are missing (~0.5 %)
    where not (
        rnd('gap', stack_no, hour_no) < 0.03
        and minute_of_hour >= floor(rnd('gap_at', stack_no, hour_no) * 60)
        and minute_of_hour < floor(rnd('gap_at', stack_no, hour_no) * 60) + 1 + floor(rnd('gap_len', stack_no, hour_no) * 19)
    )
),
samples as materialized (
    select
        stack_no,
        stack_id,
        minute_no,
        scrape_second,
        sampled_at,
        round(series_level * case when dpm_only then 1 else spike_factor end) as active_series,
        round(series_level * dpm_factor * spike_factor / 60, 3) as samples_per_second
    from levels
)
select stack_id, sampled_at, active_series, samples_per_second from samples
union all
-- exact duplicate rows, as a re-delivered export has them
select stack_id, sampled_at, active_series, samples_per_second from samples
where rnd('duplicate', stack_no, minute_no) < 0.002
union all
-- an extra sample at another second of the same minute, with slightly other values
select
    stack_id,
    sampled_at + to_seconds((scrape_second + 1 + floor(rnd('extra_second', stack_no, minute_no) * 59)::int) % 60 - scrape_second),
    round(active_series * (1 + 0.01 * (2 * rnd('extra_series', stack_no, minute_no) - 1))),
    round(samples_per_second * (1 + 0.01 * (2 * rnd('extra_dpm', stack_no, minute_no) - 1)), 3)
from samples
where rnd('extra', stack_no, minute_no) < 0.003
union all
-- a conflicting duplicate: same stack and instant, other values
select
    stack_id,
    sampled_at,
    round(active_series * (1 + 0.005 * (2 * rnd('conflict_series', stack_no, minute_no) - 1))),
    round(samples_per_second * (1 + 0.005 * (2 * rnd('conflict_dpm', stack_no, minute_no) - 1)), 3)
from samples
where rnd('conflict', stack_no, minute_no) < 0.0005
order by all
"""

SMALL_QUERIES = {
    "grafana_cloud_organizations": "select org_slug, org_name, plan, included_dpm_per_series from orgs order by all",
    "grafana_cloud_stacks": "select stack_id, stack_slug, org_slug from stacks order by all",
    "grafana_cloud_ingestion_usage": """
with
signals as (
    select
        s.stack_no,
        s.stack_id,
        g.signal,
        -- bytes per hour, log-uniform 1 MB .. 5 GB for logs, less for traces and profiles
        exp(ln(1e6) + rnd('bytes_' || g.signal, s.stack_no, 0) * ln(5000)) * g.scale as bytes_per_hour,
        0.1 + 0.4 * rnd('amplitude_' || g.signal, s.stack_no, 0) as amplitude
    from stacks as s
    cross join (values ('logs', 0.8, 1.0), ('traces', 0.45, 0.5), ('profiles', 0.2, 0.2)) as g(signal, share, scale)
    where rnd('uses_' || g.signal, s.stack_no, 0) < g.share
),
hours as (
    select h.usage_start, epoch(h.usage_start)::bigint // 3600 as hour_no
    from range(timestamp '{start}', timestamp '{end}', interval 1 hour) as h(usage_start)
)
select
    s.stack_id,
    s.signal,
    h.usage_start,
    round(
        s.bytes_per_hour
        * (1 + s.amplitude * sin(2 * pi() * ((h.hour_no % 24) - 9) / 24))
        * (0.7 + 0.6 * rnd('noise_' || s.signal, s.stack_no, h.hour_no))
        * case when rnd('burst_' || s.signal, s.stack_no, h.hour_no) < 0.01 then 5 else 1 end
    )::bigint as ingested_bytes
from signals as s
cross join hours as h
where rnd('missing_' || s.signal, s.stack_no, h.hour_no) >= 0.002
order by all
""",
    "grafana_cloud_user_activity": """
with
org_users as (
    select
        o.org_no,
        o.end_stack - o.first_stack as stack_count,
        2 + floor((o.end_stack - o.first_stack) * (1 + 5 * rnd('users', o.org_no, 0)))::int as user_count,
        o.org_no < 2 or rnd('uses_irm', o.org_no, 0) < 0.45 as uses_irm
    from orgs as o
),
users as (
    select
        u.org_no,
        u.stack_count,
        u.uses_irm,
        (sum(u.user_count) over (order by u.org_no) - u.user_count + i.k)::bigint as user_no,
        i.k as user_in_org
    from org_users as u
    cross join lateral (select range as k from range(0, u.user_count)) as i
),
classified as (
    select
        *,
        cast(1000000 + user_no * 13 + floor(rnd('user_id', user_no, 0) * 13)::int as varchar) as user_id,
        case
            -- the first users of an IRM org: one only on a schedule, one active in IRM
            when uses_irm and user_in_org = 0 then 'schedule_only'
            when uses_irm and user_in_org = 1 then 'irm'
            when uses_irm and rnd('class', user_no, 0) < 0.08 then 'schedule_only'
            when uses_irm and rnd('class', user_no, 0) < 0.30 then 'irm'
            when rnd('class', user_no, 0) < 0.92 then 'viewer'
            else 'inactive'
        end as user_class,
        0.05 + 0.8 * rnd('login_rate', user_no, 0) as login_rate,
        rnd('on_call', user_no, 0) < 0.6 as on_call
    from users
),
access as (
    -- every user has a primary stack; ~35 % of the org's other stacks too
    select c.*, s.stack_no, s.stack_id, s.stack_in_org = c.user_no % c.stack_count as is_primary
    from classified as c
    inner join stacks as s on c.org_no = s.org_no
    where s.stack_in_org = c.user_no % c.stack_count or rnd('access', c.user_no, s.stack_no) < 0.35
),
days as (
    select d.day, epoch(d.day)::bigint // 86400 as day_no, dayofweek(d.day) in (0, 6) as weekend
    from range(timestamp '{start}', timestamp '{end}', interval 1 day) as d(day)
),
logins as (
    select
        a.stack_id,
        a.user_id,
        d.day + to_seconds(floor((7 + 12 * rnd('login_at', a.user_no * 1000 + a.stack_no, d.day_no)) * 3600)::bigint)
            as activity_at,
        'login' as activity_type
    from access as a
    cross join days as d
    where a.user_class in ('viewer', 'irm')
        and rnd('login', a.user_no * 1000 + a.stack_no, d.day_no)
            < a.login_rate * case when d.weekend then 0.2 else 1 end * case when a.is_primary then 1 else 0.3 end
),
irm_actions as (
    select
        a.stack_id,
        a.user_id,
        d.day + to_seconds(floor(86400 * rnd('irm_at', a.user_no * 8 + e.slot, d.day_no))::bigint) as activity_at,
        [
            'irm_alert_group_status_changed', 'irm_alert_group_status_changed', 'irm_alert_group_status_changed',
            'irm_paged', 'irm_paged', 'irm_paged_someone', 'irm_oncall_config_changed',
            'irm_incident_created', 'irm_incident_declared', 'irm_incident_edited', 'irm_incident_updated',
            'irm_incident_deleted'
        ][floor(12 * rnd('irm_type', a.user_no * 8 + e.slot, d.day_no))::int + 1] as activity_type
    from access as a
    cross join days as d
    cross join range(0, 4) as e(slot)
    where a.user_class = 'irm' and a.is_primary and rnd('irm', a.user_no * 8 + e.slot, d.day_no) < 0.12
),
schedules as (
    -- a weekly OnCall shift starting on Monday 09:00 UTC, every other week per user
    select
        a.stack_id,
        a.user_id,
        d.day + interval 9 hour as activity_at,
        'irm_on_schedule' as activity_type
    from access as a
    cross join days as d
    where a.is_primary
        and (a.user_class = 'schedule_only' or (a.user_class = 'irm' and a.on_call))
        and dayofweek(d.day) = 1
        and (d.day_no // 7 + a.user_no) % 2 = 0
),
schedule_only_fallback as (
    -- a schedule-only user is on a schedule at least once in the period
    select a.stack_id, a.user_id, timestamp '{start}' + interval 9 hour as activity_at, 'irm_on_schedule' as activity_type
    from access as a
    where a.is_primary and a.user_class = 'schedule_only'
)
select * from logins
union all select * from irm_actions
union all select * from schedules
union all select * from schedule_only_fallback
order by all
""",
    "grafana_cloud_enterprise_plugins": """
with
installs as (
    select
        s.stack_id,
        s.stack_no,
        p.slot,
        ['grafana-splunk-datasource', 'grafana-datadog-datasource', 'grafana-servicenow-datasource',
         'grafana-snowflake-datasource', 'grafana-oracle-datasource', 'grafana-mongodb-datasource',
         'grafana-dynatrace-datasource', 'grafana-jira-datasource', 'grafana-newrelic-datasource',
         'grafana-saphana-datasource'][
            (floor(rnd('plugin_id', s.stack_no, 0) * 10)::int + p.slot * (1 + floor(rnd('plugin_id', s.stack_no, 1) * 9)::int)) % 10 + 1
        ] as plugin_id,
        case
            -- half were installed before the period, half during it
            when rnd('installed_before', s.stack_no, p.slot) < 0.5
                then timestamp '{start}' - to_seconds(floor(rnd('installed_at', s.stack_no, p.slot) * 180 * 86400)::bigint + 1)
            else timestamp '{start}' + to_seconds(floor(rnd('installed_at', s.stack_no, p.slot) * {period_seconds})::bigint)
        end as installed_at
    from stacks as s
    cross join range(0, 2) as p(slot)
    where s.stack_no = 0 and p.slot = 0 or rnd('plugin', s.stack_no, p.slot) < 0.08
)
select
    stack_id,
    plugin_id,
    installed_at,
    case
        when rnd('uninstalled', stack_no, slot) < 0.4
            and installed_at + to_seconds(floor(3600 + rnd('uninstalled_after', stack_no, slot) * 40 * 86400)::bigint) < timestamp '{end}'
            then installed_at + to_seconds(floor(3600 + rnd('uninstalled_after', stack_no, slot) * 40 * 86400)::bigint)
    end as uninstalled_at
from installs
order by all
""",
    "grafana_cloud_k6_test_runs": """
with
runs as (
    select
        s.stack_id,
        s.stack_no,
        r.slot,
        d.day_no,
        d.day + to_seconds(floor((8 + 10 * rnd('k6_at', s.stack_no * 8 + r.slot, d.day_no)) * 3600)::bigint) as started_at,
        rnd('k6_kind', s.stack_no * 8 + r.slot, d.day_no) as u_kind,
        rnd('k6_length', s.stack_no * 8 + r.slot, d.day_no) as u_length,
        rnd('k6_browser', s.stack_no * 8 + r.slot, d.day_no) as u_browser
    from stacks as s
    cross join (
        select day, epoch(day)::bigint // 86400 as day_no, dayofweek(day) in (0, 6) as weekend
        from range(timestamp '{start}', timestamp '{end}', interval 1 day) as t(day)
    ) as d
    cross join range(0, 6) as r(slot)
    where (s.stack_no = 0 or rnd('uses_k6', s.stack_no, 0) < 0.2)
        and rnd('k6_run', s.stack_no * 8 + r.slot, d.day_no) < case when d.weekend then 0.03 else 0.15 end
),
shaped as (
    select
        stack_id,
        started_at,
        started_at + to_seconds(
            case
                when u_kind < 0.12 then 2 + floor(u_length * 29)                -- a few seconds
                when u_kind < 0.95 then 60 + floor(u_length * 3540)             -- 1 .. 60 minutes
                else 3600 + floor(u_length * 10800)                             -- 1 .. 4 hours
            end::bigint
        ) as ended_at,
        case when u_browser < 0.07 then 0                                         -- browser only
            else greatest(1, round(exp(rnd('k6_vus', stack_no * 8 + slot, day_no) * ln(1000))))
        end::bigint as vus,
        case when u_browser < 0.15 then 1 + floor(rnd('k6_browser_vus', stack_no * 8 + slot, day_no) * 20)
            else 0 end::bigint as browser_vus
    from runs
)
select
    stack_id,
    cast(5000000 + row_number() over (order by started_at, stack_id, ended_at, vus, browser_vus) as varchar) as test_run_id,
    started_at,
    ended_at,
    vus,
    browser_vus
from shaped
order by all
""",
}


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def connect(seed: int) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    # A uniform number in [0, 1) from 53 bits of a hash of (seed, purpose, key1, key2).
    con.execute(
        f"create macro rnd(purpose, k1, k2) as "
        f"(hash({int(seed)}::bigint, purpose::varchar, k1::bigint, k2::bigint) >> 11) / 9007199254740992.0"
    )
    return con


def copy_to(con: duckdb.DuckDBPyConnection, query: str, columns: str, path: Path, fmt: str) -> int:
    """Write a query's rows to one file; CSV timestamps as 'YYYY-MM-DD HH:MM:SS'. Returns the row count."""
    if fmt == "csv":
        names = [name.strip() for name in columns.split(",")]
        columns = ", ".join(
            f"strftime({name}, '%Y-%m-%d %H:%M:%S') as {name}" if name in TIMESTAMP_COLUMNS else name
            for name in names
        )
        options = "format csv, header true"
    else:
        options = "format parquet, compression zstd"
    tmp = path.with_name(path.name + ".tmp")
    count = con.execute(f"copy (select {columns} from ({query})) to '{tmp}' ({options})").fetchone()
    tmp.replace(path)
    return int(count[0]) if count else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stacks", type=int, default=20)
    parser.add_argument("--months", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("target/data"))
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start", default="2024-09", help="first month, YYYY-MM")
    parser.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    parser.add_argument("--days-from", type=int, default=1, help="first metrics day to write (1-based)")
    parser.add_argument("--days-to", type=int, default=None, help="last metrics day to write (default: last of --months)")
    parser.add_argument("--tables", default=",".join(TABLES), help="comma-separated tables to write (default: all)")
    args = parser.parse_args()

    start = date.fromisoformat(args.start + "-01")
    end = add_months(start, args.months)
    period_days = (end - start).days
    days_to = period_days if args.days_to is None else args.days_to
    tables = [name.strip() for name in args.tables.split(",") if name.strip()]
    unknown = sorted(set(tables) - set(TABLES))
    if unknown or args.stacks < 1 or args.months < 1 or not 1 <= args.days_from <= days_to:
        parser.error(f"bad arguments (unknown tables: {unknown})" if unknown else "bad stacks/months/days range")
    days = [start + timedelta(days=index) for index in range(args.days_from - 1, days_to)]
    epoch = date(1970, 1, 1)
    names = [
        "nimbus", "orbital", "initech", "umbrella", "hooli", "stark", "wayne", "wonka", "tyrell",
        "cyberdyne", "soylent", "vandelay", "pied-piper", "aperture", "massive-dynamic", "oscorp",
        "gringotts", "monarch", "nakatomi", "virtucon", "dunder-mifflin", "prestige", "sirius",
        "zorg",
    ]
    params = {
        "stacks": args.stacks,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "period_seconds": period_days * 86400,
        "words": "[" + ", ".join(f"'{name}'" for name in names) + "]",
        "n_words": len(names),
        "first_week": (min(days[0], start) - epoch).days // 7 - 1,
        "last_week": (max(days[-1], end) - epoch).days // 7,
    }
    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:7.1f}s] {message}", flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    con = connect(args.seed)
    con.execute(SETUP.format(**params))
    orgs, stacks = con.execute("select (select count(*) from orgs), (select count(*) from stacks)").fetchone()
    log(f"{stacks} stacks in {orgs} orgs, {start:%Y-%m} + {args.months} month(s), seed {args.seed}, "
        f"{args.format} -> {args.out}")

    for table in tables:
        if table == METRICS:
            continue
        path = args.out / f"{table}.{args.format}"
        rows = copy_to(con, SMALL_QUERIES[table].format(**params), COLUMNS[table], path, args.format)
        log(f"{table}: {rows:,} rows -> {path}")

    if METRICS in tables:
        folder = args.out / METRICS
        folder.mkdir(exist_ok=True)
        total = 0
        for number, day in enumerate(days, start=1):
            day_began = time.monotonic()
            query = METRICS_DAY.format(**params, day=day.isoformat(), week=(day - epoch).days // 7)
            rows = copy_to(con, query, COLUMNS[METRICS], folder / f"{day.isoformat()}.{args.format}", args.format)
            total += rows
            log(f"{METRICS} day {number}/{len(days)} {day}: {rows:,} rows ({time.monotonic() - day_began:.1f} s)")
        log(f"{METRICS}: {total:,} rows in {len(days)} day file(s) -> {folder}")
    log("done")


if __name__ == "__main__":
    main()
