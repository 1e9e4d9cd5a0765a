"""The floor: the metrics bill as ONE hand-written DuckDB query over a raw export folder.

    python bench/floor.py --raw DIR [--variant NAME] [--out costs.json]   # time one variant
    python bench/floor.py --raw DIR --check [NAME,...]                    # compare variants' rows

The bill (../shared/docs/grafana-cloud-billing.md): samples are de-duplicated (exact duplicates
collapse; two readings of one stack at one instant keep the max of each measure; when several
samples fall in one UTC minute the latest one counts), p95 (as quantile_cont, from each group's
top values: see `stack_month_tops`) of active series and of DPM (samples_per_second x 60) per
stack and UTC month, billable_series = greatest(p95 series,
p95 DPM / included DPM per series), the org's sum rounded to whole series, minus 10,000 included
(never below 0), times $0.0065 per series from September 2024 ($0.008 before), rounded to cents;
free and trial orgs cost 0. Quantities are summed as decimal(38, 6) per stack and money is exact
decimal arithmetic, as in the dbt models, so the result can be compared to the cent.

Each variant is a different way to write the de-duplication (the `per_minute` relation); the rest
of the query is shared. DuckDB runs with the settings of the dbt profile (2 threads, 2 GB memory
limit), so the floor and dbt are measured on equal terms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import duckdb

# Every variant reads `samples` (the raw rows) and yields stack_id, minute, active_series, dpm.
VARIANTS: dict[str, str] = {
    # group by stack and instant (max of each measure), then the latest instant per minute
    "two_level_arg_max": """
        select stack_id, date_trunc('minute', sampled_at) as minute,
            arg_max(active_series, sampled_at) as active_series,
            arg_max(samples_per_second, sampled_at) * 60 as dpm
        from (
            select stack_id, sampled_at, max(active_series) as active_series,
                max(samples_per_second) as samples_per_second
            from samples group by stack_id, sampled_at
        )
        group by stack_id, date_trunc('minute', sampled_at)""",
    # two_level_arg_max grouped by a 64-bit hash of the stack, mapped back through the stacks
    # table, as the dbt models do (DECISIONLOG D30): at 10,000 stacks (414M rows) every grouping
    # or window partition on the text stack_id ran out of a 2 GB (and 3 GB) memory limit
    "two_level_hash_key": """
        select k.stack_id, m.minute, m.active_series, m.dpm
        from (
            select stack_key, date_trunc('minute', sampled_at) as minute,
                arg_max(active_series, sampled_at) as active_series,
                arg_max(samples_per_second, sampled_at) * 60 as dpm
            from (
                select hash(stack_id) as stack_key, sampled_at, max(active_series) as active_series,
                    max(samples_per_second) as samples_per_second
                from samples group by hash(stack_id), sampled_at
            )
            group by stack_key, date_trunc('minute', sampled_at)
        ) as m
        inner join (select distinct stack_id, hash(stack_id) as stack_key from stacks) as k
            on m.stack_key = k.stack_key""",
    # one aggregate: the arg_max key (instant, value) breaks ties at the latest instant by the max
    "arg_max_struct_key": """
        select stack_id, date_trunc('minute', sampled_at) as minute,
            arg_max(active_series, (sampled_at, active_series)) as active_series,
            arg_max(samples_per_second, (sampled_at, samples_per_second)) * 60 as dpm
        from samples
        group by stack_id, date_trunc('minute', sampled_at)""",
    # the same with max() of a struct instead of arg_max
    "max_struct": """
        select stack_id, minute, latest_series.v as active_series, latest_sps.v * 60 as dpm
        from (
            select stack_id, date_trunc('minute', sampled_at) as minute,
                max({'t': sampled_at, 'v': active_series}) as latest_series,
                max({'t': sampled_at, 'v': samples_per_second}) as latest_sps
            from samples
            group by stack_id, date_trunc('minute', sampled_at)
        )""",
    # minute as an integer (epoch microseconds // 60e6) instead of date_trunc in the group key
    "arg_max_struct_key_int_minute": """
        select stack_id, make_timestamp(minute_us * 60000000) as minute, active_series, dpm
        from (
            select stack_id, epoch_us(sampled_at) // 60000000 as minute_us,
                arg_max(active_series, (sampled_at, active_series)) as active_series,
                arg_max(samples_per_second, (sampled_at, samples_per_second)) * 60 as dpm
            from samples
            group by stack_id, epoch_us(sampled_at) // 60000000
        )""",
    # collapse per instant, then row_number() over the minute, keep the latest
    "row_number_window": """
        select stack_id, minute, active_series, samples_per_second * 60 as dpm
        from (
            select stack_id, sampled_at, date_trunc('minute', sampled_at) as minute,
                max(active_series) as active_series, max(samples_per_second) as samples_per_second
            from samples group by stack_id, sampled_at
        )
        qualify row_number() over (partition by stack_id, minute order by sampled_at desc) = 1""",
    # collapse per instant, then DISTINCT ON (stack, minute) ordered by the instant
    "distinct_on": """
        select distinct on (stack_id, minute) stack_id, minute, active_series, samples_per_second * 60 as dpm
        from (
            select stack_id, sampled_at, date_trunc('minute', sampled_at) as minute,
                max(active_series) as active_series, max(samples_per_second) as samples_per_second
            from samples group by stack_id, sampled_at
        )
        order by stack_id, minute, sampled_at desc""",
    # one window pass per stack: peers (same instant) give the max, lead() finds a minute's last row
    "lead_window": """
        select stack_id, date_trunc('minute', sampled_at) as minute, active_series, samples_per_second * 60 as dpm
        from (
            select stack_id, sampled_at,
                max(active_series) over peers as active_series,
                max(samples_per_second) over peers as samples_per_second,
                lead(sampled_at) over (partition by stack_id order by sampled_at) as next_at
            from samples
            window peers as (partition by stack_id order by sampled_at range between current row and current row)
        )
        where next_at is null or date_trunc('minute', next_at) <> date_trunc('minute', sampled_at)""",
    # lead_window with the stack as a small integer (from the stacks table): a fixed-size sort key
    "lead_window_int_stack": """
        select stack_id, date_trunc('minute', sampled_at) as minute, active_series, samples_per_second * 60 as dpm
        from (
            select k.stack_id, m.sampled_at,
                max(m.active_series) over peers as active_series,
                max(m.samples_per_second) over peers as samples_per_second,
                lead(m.sampled_at) over (partition by k.stack_no order by m.sampled_at) as next_at
            from samples as m
            inner join (select stack_id, row_number() over (order by stack_id) as stack_no from stacks) as k
                on m.stack_id = k.stack_id
            window peers as (partition by k.stack_no order by m.sampled_at range between current row and current row)
        )
        where next_at is null or date_trunc('minute', next_at) <> date_trunc('minute', sampled_at)""",
    # what the dbt models did before DECISIONLOG D28 (kept for the record): collapse exact
    # duplicates (4-column group by), round-trip the timestamp through text, max per instant,
    # latest per minute
    "dbt_models_today": """
        select stack_id, date_trunc('minute', sampled_at) as minute,
            arg_max(active_series, sampled_at) as active_series,
            arg_max(samples_per_second * 60, sampled_at) as dpm
        from (
            select stack_id, sampled_at, max(active_series) as active_series,
                max(samples_per_second) as samples_per_second
            from (
                select nullif(trim(cast(stack_id as varchar)), '') as stack_id,
                    case
                        when regexp_matches(cast(sampled_at as varchar), '[0-9]:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)? ?([zZ]|[+-][0-9]{2}(:?[0-9]{2})?)$')
                            then timezone('UTC', try_cast(cast(sampled_at as varchar) as timestamptz))
                        else try_cast(cast(sampled_at as varchar) as timestamp)
                    end as sampled_at,
                    try_cast(active_series as double) as active_series,
                    try_cast(samples_per_second as double) as samples_per_second
                from (
                    select stack_id, sampled_at, active_series, samples_per_second, count(*) as raw_row_count
                    from samples group by stack_id, sampled_at, active_series, samples_per_second
                )
            )
            group by stack_id, sampled_at
        )
        group by stack_id, date_trunc('minute', sampled_at)""",
    # WRONG on purpose (for the record): arg_max by instant alone picks an arbitrary reading when
    # two readings share the latest instant
    "naive_arg_max_wrong": """
        select stack_id, date_trunc('minute', sampled_at) as minute,
            arg_max(active_series, sampled_at) as active_series,
            arg_max(samples_per_second, sampled_at) * 60 as dpm
        from samples
        group by stack_id, date_trunc('minute', sampled_at)""",
}
# the reference every variant's per-minute rows are compared with: two group-bys, the plainest
# correct formulation, on the hashed stack so that it also runs at 10,000 stacks
REFERENCE = "two_level_hash_key"
# the variants a large run (over 2,000 stack-months) times by default
FAST_VARIANTS = ["lead_window", "lead_window_int_stack", "two_level_arg_max", "two_level_hash_key"]

BILL = """
with
samples as (
    select stack_id, sampled_at, active_series, samples_per_second
    from read_parquet({metrics}, union_by_name = true)
),
stacks as (select stack_id, org_slug from read_parquet({stacks})),
per_minute as ({per_minute}),
-- p95 with linear interpolation, as quantile_cont, from the top 2,235 values of each stack-month
-- (the most that rank 0.95 x (n - 1) can reach below the maximum with n <= 44,640 minutes):
-- quantile_cont keeps every value and exceeds the 2 GB memory limit at 1,000 stacks
stack_month_tops as (
    select stack_id, date_trunc('month', minute)::date as billing_month,
        count(*) as n, (count(*) - 1) * 0.95::double as r,
        max(active_series, 2235) as top_series, max(dpm, 2235) as top_dpm
    from per_minute
    group by all
),
stack_months as (
    select stack_id, billing_month,
        top_series[(n - floor(r))::bigint]
            + (r - floor(r)) * (top_series[(n - ceil(r))::bigint] - top_series[(n - floor(r))::bigint])
            as p95_active_series,
        top_dpm[(n - floor(r))::bigint]
            + (r - floor(r)) * (top_dpm[(n - ceil(r))::bigint] - top_dpm[(n - floor(r))::bigint]) as p95_dpm
    from stack_month_tops
),
org_months as (
    select s.org_slug, m.billing_month, o.plan,
        round(sum(greatest(m.p95_active_series, m.p95_dpm / o.included_dpm_per_series)::decimal(38, 6)), 0)
            as billed_series
    from stack_months as m
    inner join stacks as s on m.stack_id = s.stack_id
    inner join read_parquet({orgs}) as o on s.org_slug = o.org_slug
    group by all
)
select org_slug, billing_month::varchar as billing_month,
    case when plan in ('pro', 'advanced') then
        round(greatest(billed_series - 10000, 0)
            * case when billing_month >= date '2024-09-01' then 0.0065 else 0.008 end::decimal(18, 8), 2)
    else 0 end::decimal(18, 2)::varchar as cost_usd
from org_months
order by all
"""


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def connect() -> duckdb.DuckDBPyConnection:
    """DuckDB with the dbt profile's settings (profiles/profiles.yml)."""
    con = duckdb.connect()
    con.execute(f"set memory_limit = '{os.environ.get('GRAFANA_CLOUD_COSTS_DUCKDB_MEMORY_LIMIT', '2GB')}'")
    con.execute(f"set threads = {int(os.environ.get('GRAFANA_CLOUD_COSTS_DUCKDB_THREADS', '2'))}")
    con.execute("set preserve_insertion_order = false")
    con.execute("set TimeZone = 'UTC'")
    temp = os.environ.get("GRAFANA_CLOUD_COSTS_DUCKDB_TEMP_DIRECTORY")
    if temp:
        con.execute(f"set temp_directory = {sql_string(temp)}")
    return con


def bill_sql(raw: Path, variant: str) -> str:
    return BILL.format(
        metrics=sql_string(str(raw / "grafana_cloud_metrics_usage" / "*.parquet")),
        stacks=sql_string(str(raw / "grafana_cloud_stacks.parquet")),
        orgs=sql_string(str(raw / "grafana_cloud_organizations.parquet")),
        per_minute=VARIANTS[variant],
    )


def check(raw: Path, variants: list[str]) -> dict[str, int]:
    """Per-minute rows of each variant unlike the reference: 0 when the row count and an
    order-independent checksum (sum of row hashes) are equal, else -1."""
    con = connect()
    metrics = sql_string(str(raw / "grafana_cloud_metrics_usage" / "*.parquet"))
    con.execute(f"create view samples as select * from read_parquet({metrics}, union_by_name = true)")
    con.execute(f"create view stacks as select * from read_parquet({sql_string(str(raw / 'grafana_cloud_stacks.parquet'))})")

    def fingerprint(name: str) -> tuple[int, int]:
        row = con.execute(
            f"select count(*), sum(hash(stack_id, minute, active_series, dpm)::hugeint) from ({VARIANTS[name]})"
        ).fetchone()
        return (int(row[0]), int(row[1] or 0)) if row else (0, 0)

    reference = fingerprint(REFERENCE)
    differences: dict[str, int] = {}
    for name in variants:
        began = time.perf_counter()
        differences[name] = 0 if (name == REFERENCE or fingerprint(name) == reference) else -1
        print(f"  {name:32s} {'same rows as' if differences[name] == 0 else 'DIFFERENT rows from'} {REFERENCE}"
              f" ({time.perf_counter() - began:.1f} s)", flush=True)
    return differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raw", type=Path, required=True)
    parser.add_argument("--variant", choices=sorted(VARIANTS), default=REFERENCE)
    parser.add_argument("--out", type=Path, help="write {org_slug|billing_month: cost_usd} and the query time here")
    parser.add_argument("--check", nargs="?", const=",".join(VARIANTS), metavar="VARIANTS",
                        help="compare these variants' per-minute rows (default: all) with the reference")
    args = parser.parse_args()
    if args.check:
        differences = check(args.raw, [name for name in args.check.split(",") if name])
        if args.out:
            args.out.write_text(json.dumps(differences, indent=2))
        return
    began = time.perf_counter()
    rows = connect().execute(bill_sql(args.raw, args.variant)).fetchall()
    seconds = time.perf_counter() - began
    costs = {f"{org}|{month}": cost for org, month, cost in rows}
    print(f"{args.variant}: {len(costs)} org-months, total ${sum(float(c) for c in costs.values()):,.2f},"
          f" query {seconds:.2f} s", file=sys.stderr)
    if args.out:
        args.out.write_text(json.dumps({"query_seconds": seconds, "costs": costs}, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
