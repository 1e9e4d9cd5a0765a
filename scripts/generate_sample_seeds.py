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

The metrics are sampled every 5 minutes (a real export has one sample per minute) to keep the seed
small; a handful of exact duplicate rows show that duplicates collapse. Everything is computed in
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
    ('101', 'acme-prod', 'acme'),
    ('102', 'acme-dev', 'acme'),
    ('201', 'globex-eu', 'globex'),
    ('202', 'globex-us', 'globex')
) as t(stack_id, stack_slug, org_slug)
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
    from generate_series(timestamp '2024-09-01 00:00:00', timestamp '2024-09-30 23:55:00', interval 5 minute)
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
        * (0.98 + 0.04 * {noise("epoch(g.sampled_at)::bigint // 300 + cast(p.stack_id as bigint) * 7919")})
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
-- a few exact duplicates, as a re-delivered export would have
union all
select stack_id, strftime(sampled_at, '%Y-%m-%d %H:%M:%S'), round(series)::bigint,
    round(round(series) * dpm_per_series / 60, 2)
from samples
where stack_id = '101' and sampled_at between timestamp '2024-09-03 10:00:00' and timestamp '2024-09-03 10:10:00'
order by stack_id, sampled_at
"""


def main() -> None:
    SEEDS.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    tables = {
        "grafana_cloud_organizations": ORGANIZATIONS,
        "grafana_cloud_stacks": STACKS,
        "grafana_cloud_metrics_usage": METRICS,
    }
    for name, query in tables.items():
        path = SEEDS / f"{name}.csv"
        con.execute(f"copy ({query}) to '{path}' (header, delimiter ',')")
        rows = con.execute(f"select count(*) from read_csv('{path}')").fetchone()[0]
        print(f"wrote {path.relative_to(SEEDS.parent.parent)} ({rows} rows)")


if __name__ == "__main__":
    main()
