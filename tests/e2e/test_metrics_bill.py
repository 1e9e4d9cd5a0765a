"""The metrics bill, end to end: raw per-minute samples in, exact marts out.

Expected figures are worked out by hand in the comments, from the rules in
../shared/docs/grafana-cloud-billing.md, never recomputed with the project's own formulas.

Percentile boundaries. A month of n per-minute samples has its 95th percentile at rank
r = 0.95 x (n - 1), counted from 0, interpolating between floor(r) and ceil(r). A spike of L
minutes at HIGH over a BASE occupies the top L ranks, so it is fully forgiven when
ceil(r) < n - L and fully billed when floor(r) >= n - L:

    month     days  n       r         forgiven up to  billed from
    2023-02   28    40,320  38,303.05  2,015 min       2,017 min
    2024-02   29    41,760  39,671.05  2,087 min       2,089 min
    2024-09   30    43,200  41,039.05  2,159 min       2,161 min   (36 h = 2,160: 5 % of the way)
    2024-10   31    44,640  42,407.05  2,231 min       2,233 min
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness import Project

BASE = 12_000  # series; 1 DPM per series = 200 samples/s, exact in binary
HIGH = 30_000


def per_minute(
    stack_id: str,
    month_start: str,
    month_end: str,
    base: float,
    *,
    high: float | None = None,
    spike_minutes: int = 0,
    spike_start_day: int = 10,
    dpm_per_series: float = 1.0,
    step: str = "1 minute",
) -> str:
    """Samples from month_start (inclusive) to month_end (exclusive), with an optional spike."""
    high = base if high is None else high
    return f"""
        select
            '{stack_id}' as stack_id,
            strftime(ts, '%Y-%m-%d %H:%M:%S') as sampled_at,
            value as active_series,
            value * {dpm_per_series} / 60 as samples_per_second
        from (
            select
                ts,
                case
                    when ts >= timestamp '{month_start}' + interval {spike_start_day - 1} day
                        and ts < timestamp '{month_start}' + interval {spike_start_day - 1} day
                            + interval {spike_minutes} minute
                        then {high}
                    else {base}
                end as value
            from range(timestamp '{month_start}', timestamp '{month_end}', interval {step}) as t(ts)
        )
    """


MONTH_BOUNDS = {
    "2023-02": ("2023-02-01", "2023-03-01"),
    "2024-02": ("2024-02-01", "2024-03-01"),
    "2024-08": ("2024-08-01", "2024-09-01"),
    "2024-09": ("2024-09-01", "2024-10-01"),
    "2024-10": ("2024-10-01", "2024-11-01"),
}

# stack, month, spike minutes, expected sample_count, expected p95 active series (hand-worked)
SPIKES = [
    ("feb23_2015", "2023-02", 2015, 40_320, BASE),
    ("feb23_2017", "2023-02", 2017, 40_320, HIGH),
    ("feb23_36h", "2023-02", 2160, 40_320, HIGH),  # 36 h is more than 5 % of a 28-day month
    ("feb24_2087", "2024-02", 2087, 41_760, BASE),
    ("feb24_2089", "2024-02", 2089, 41_760, HIGH),
    ("sep_2159", "2024-09", 2159, 43_200, BASE),
    ("sep_36h", "2024-09", 2160, 43_200, BASE + 0.05 * (HIGH - BASE)),  # 12,900
    ("sep_2161", "2024-09", 2161, 43_200, HIGH),
    ("oct_2231", "2024-10", 2231, 44_640, BASE),
    ("oct_2233", "2024-10", 2233, 44_640, HIGH),
    ("oct_36h", "2024-10", 2160, 44_640, BASE),  # 36 h is less than 5 % of a 31-day month
]


@pytest.fixture(scope="module")
def metrics(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("metrics"), mode="export")
    project.write_rows(
        "grafana_cloud_organizations",
        [
            {"org_slug": "spikes", "org_name": "Spikes", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "constant", "org_name": "Constant", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "shared", "org_name": "Shared", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "free", "org_name": "Free", "plan": "free", "included_dpm_per_series": 1},
            {"org_slug": "trial", "org_name": "Trial", "plan": "trial", "included_dpm_per_series": 1},
            {"org_slug": "repriced", "org_name": "Repriced", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "adv4", "org_name": "Advanced 4 DPM", "plan": "advanced", "included_dpm_per_series": 4},
            {"org_slug": "pro1", "org_name": "Pro 1 DPM", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "api", "org_name": "Cloud API example", "plan": "pro", "included_dpm_per_series": ""},
            {"org_slug": "midnight", "org_name": "Midnight", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "notfinite", "org_name": "Not finite", "plan": "pro", "included_dpm_per_series": 1},
        ],
    )
    stacks = [{"stack_id": stack, "stack_slug": stack, "org_slug": "spikes"} for stack, *_ in SPIKES]
    stacks += [
        {"stack_id": "const", "stack_slug": "const", "org_slug": "constant"},
        {"stack_id": "shared_a", "stack_slug": "shared-a", "org_slug": "shared"},
        {"stack_id": "shared_b", "stack_slug": "shared-b", "org_slug": "shared"},
        {"stack_id": "shared_c", "stack_slug": "shared-c", "org_slug": "shared"},
        {"stack_id": "free1", "stack_slug": "free1", "org_slug": "free"},
        {"stack_id": "trial1", "stack_slug": "trial1", "org_slug": "trial"},
        {"stack_id": "repriced1", "stack_slug": "repriced1", "org_slug": "repriced"},
        {"stack_id": "adv4_6dpm", "stack_slug": "adv4-6dpm", "org_slug": "adv4"},
        {"stack_id": "adv4_2dpm", "stack_slug": "adv4-2dpm", "org_slug": "adv4"},
        {"stack_id": "pro1_6dpm", "stack_slug": "pro1-6dpm", "org_slug": "pro1"},
        {"stack_id": "api1", "stack_slug": "api1", "org_slug": "api"},
        {"stack_id": "mid1", "stack_slug": "mid1", "org_slug": "midnight"},
        {"stack_id": "inf1", "stack_slug": "inf1", "org_slug": "notfinite"},
    ]
    project.write_rows("grafana_cloud_stacks", stacks)

    sep = MONTH_BOUNDS["2024-09"]
    parts = [
        per_minute(stack, *MONTH_BOUNDS[month], BASE, high=HIGH, spike_minutes=minutes)
        for stack, month, minutes, *_ in SPIKES
    ]
    parts += [
        per_minute("const", *sep, 20_000),
        per_minute("shared_a", *sep, 5_040),
        per_minute("shared_b", *sep, 5_040),
        per_minute("shared_c", *sep, 5_040),
        per_minute("free1", *sep, 60_000),
        per_minute("trial1", *sep, 60_000),
        per_minute("repriced1", *MONTH_BOUNDS["2024-08"], 60_000),
        per_minute("repriced1", *sep, 60_000),
        per_minute("adv4_6dpm", *sep, 12_000, dpm_per_series=6),
        per_minute("adv4_2dpm", *sep, 12_000, dpm_per_series=2),
        per_minute("pro1_6dpm", *sep, 12_000, dpm_per_series=6),
        per_minute("api1", *sep, 129_755.72, dpm_per_series=0, step="1 hour"),
        # a sample at exactly 00:00:00 UTC on the 1st belongs to the month it starts
        """
        select * from (values
            ('mid1', '2024-09-01 00:00:00', 50.0, 0.0),
            ('mid1', '2024-09-30 23:59:00', 100.0, 0.0),
            ('mid1', '2024-10-01 00:00:00', 200.0, 0.0),
            ('mid1', '2024-10-01 00:01:00', 300.0, 0.0)
        ) as t(stack_id, sampled_at, active_series, samples_per_second)
        """,
        # 19 hourly samples of 21,000 .. 39,000 series at 1 DPM per series, then a +Inf series
        # sample and a NaN samples/s sample, which Grafana's query (... < Inf) leaves out
        """
        select
            'inf1' as stack_id,
            strftime(timestamp '2024-09-02 00:00:00' + to_hours(i), '%Y-%m-%d %H:%M:%S') as sampled_at,
            cast(21000 + 1000 * i as double) as active_series,
            (21000 + 1000 * i) / 60.0 as samples_per_second
        from range(19) as t(i)
        union all
        select * from (values
            ('inf1', '2024-09-02 19:00:00', cast('inf' as double), 100 / 60.0),
            ('inf1', '2024-09-02 20:00:00', 50000.0, cast('nan' as double))
        )
        """,
    ]
    project.write_sql("grafana_cloud_metrics_usage", "\nunion all\n".join(parts))
    project.build()
    return project


def usage(project: Project, stack_id: str, month: str = "2024-09-01") -> dict:
    rows = project.rows(
        "select * from fct_grafana_cloud_metrics_usage where stack_id = ? and billing_month = cast(? as date)",
        [stack_id, month],
    )
    assert len(rows) == 1, f"expected one row for {stack_id} {month}, got {rows}"
    return rows[0]


def stack_cost(project: Project, stack_id: str, month: str = "2024-09-01") -> Decimal:
    rows = project.query(
        "select cost_usd from fct_grafana_cloud_costs where stack_id = ? and billing_month = cast(? as date)"
        " and sku = 'metrics_active_series'",
        [stack_id, month],
    )
    assert len(rows) == 1, rows
    return rows[0][0]


def org_line(project: Project, org_slug: str, month: str = "2024-09-01") -> dict:
    rows = project.rows(
        "select * from fct_grafana_cloud_invoice_lines where org_slug = ? and billing_month = cast(? as date)"
        " and sku = 'metrics_active_series'",
        [org_slug, month],
    )
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(("stack_id", "month", "spike_minutes", "sample_count", "p95"), SPIKES)
def test_spikes_are_forgiven_up_to_five_percent_of_the_month(
    metrics: Project, stack_id: str, month: str, spike_minutes: int, sample_count: int, p95: float
) -> None:
    row = usage(metrics, stack_id, MONTH_BOUNDS[month][0])
    assert row["sample_count"] == sample_count
    assert row["p95_active_series"] == pytest.approx(p95, abs=1e-6)
    # 1 DPM per series: DPM follows the series exactly, so billable = p95 series
    assert row["p95_dpm"] == pytest.approx(p95, abs=1e-6)
    assert row["billable_series"] == pytest.approx(p95, abs=1e-6)


def test_constant_usage_bills_the_constant(metrics: Project) -> None:
    row = usage(metrics, "const")
    assert row["sample_count"] == 43_200
    assert row["p95_active_series"] == 20_000
    assert row["p95_dpm"] == 20_000
    assert row["billable_series"] == 20_000
    # (20,000 - 10,000 included) x $6.50 / 1,000 in September 2024
    assert stack_cost(metrics, "const") == Decimal("65.00")


def test_infinite_and_nan_samples_are_left_out_as_grafana_does(metrics: Project) -> None:
    row = usage(metrics, "inf1")
    # 19 finite samples; rank 0.95 x 18 = 17.1 -> 38,000 + 0.1 x 1,000 = 38,100 (series and DPM)
    assert row["sample_count"] == 19
    assert row["p95_active_series"] == pytest.approx(38_100)
    assert row["p95_dpm"] == pytest.approx(38_100)
    # 38,100 - 10,000 included = 28,100 x $6.50 / 1,000 = $182.65
    assert org_line(metrics, "notfinite")["cost_usd"] == Decimal("182.65")
    # both rows are in the quarantine, the build did not fail, and a warning names them
    assert metrics.query(
        "select column_name, raw_row_count from audit_grafana_cloud_rejected_rows"
        " where stack_id = 'inf1' and reason = 'non_finite_value' order by column_name"
    ) == [("active_series", 1), ("samples_per_second", 1)]
    output = metrics.last_build.output
    assert "Metrics samples of +Inf or NaN, left out of the bill" in output
    assert "stack inf1, active_series is not a number below +Inf" in output


def test_a_sample_at_midnight_on_the_first_belongs_to_the_new_month(metrics: Project) -> None:
    september = usage(metrics, "mid1", "2024-09-01")
    october = usage(metrics, "mid1", "2024-10-01")
    assert september["sample_count"] == 2  # 09-01 00:00 and 09-30 23:59
    assert october["sample_count"] == 2  # 10-01 00:00 and 10-01 00:01
    # two samples: rank 0.95 x 1 -> 50 + 0.95 x 50 = 97.5 and 200 + 0.95 x 100 = 295
    assert september["p95_active_series"] == pytest.approx(97.5)
    assert october["p95_active_series"] == pytest.approx(295.0)


def test_stacks_share_the_org_allowance_and_cents_add_up(metrics: Project) -> None:
    line = org_line(metrics, "shared")
    # 3 x 5,040 = 15,120 series; minus 10,000 included = 5,120 x $0.0065 = $33.28
    assert line["billed_usage_quantity"] == Decimal("15120")
    assert line["billable_quantity"] == Decimal("5120")
    assert line["cost_usd"] == Decimal("33.28")
    # 3,328 cents / 3 = 1,109.33 each; the leftover cent goes to the first stack by id
    assert stack_cost(metrics, "shared_a") == Decimal("11.10")
    assert stack_cost(metrics, "shared_b") == Decimal("11.09")
    assert stack_cost(metrics, "shared_c") == Decimal("11.09")


@pytest.mark.parametrize("org_slug", ["free", "trial"])
def test_free_and_trial_orgs_are_never_billed_but_usage_is_reported(metrics: Project, org_slug: str) -> None:
    line = org_line(metrics, org_slug)
    assert line["billed_usage_quantity"] == Decimal("60000")
    assert line["billable_quantity"] == 0
    assert line["cost_usd"] == Decimal("0.00")
    assert usage(metrics, f"{org_slug}1")["billable_series"] == 60_000
    assert stack_cost(metrics, f"{org_slug}1") == Decimal("0.00")


def test_price_change_between_two_months(metrics: Project) -> None:
    # 60,000 series - 10,000 included = 50,000: $8 per 1k in August 2024, $6.50 from September
    assert org_line(metrics, "repriced", "2024-08-01")["cost_usd"] == Decimal("400.00")
    assert org_line(metrics, "repriced", "2024-09-01")["cost_usd"] == Decimal("325.00")
    assert org_line(metrics, "repriced", "2024-08-01")["unit_price_usd"] == Decimal("0.008")
    assert org_line(metrics, "repriced", "2024-09-01")["unit_price_usd"] == Decimal("0.0065")


def test_included_dpm_per_series_of_one_and_four(metrics: Project) -> None:
    # 12,000 series at 6 DPM per series = 72,000 DPM
    assert usage(metrics, "adv4_6dpm")["p95_dpm"] == 72_000
    assert usage(metrics, "adv4_6dpm")["billable_series"] == 18_000  # 72,000 / 4 > 12,000
    assert usage(metrics, "adv4_2dpm")["billable_series"] == 12_000  # 24,000 / 4 < 12,000
    assert usage(metrics, "pro1_6dpm")["billable_series"] == 72_000  # 72,000 / 1
    # advanced: 30,000 - 10,000 = 20,000 x 0.0065 = $130.00; pro: 62,000 x 0.0065 = $403.00
    assert org_line(metrics, "adv4")["cost_usd"] == Decimal("130.00")
    assert org_line(metrics, "pro1")["cost_usd"] == Decimal("403.00")


def test_cloud_api_example_rounds_usage_before_the_allowance(metrics: Project) -> None:
    line = org_line(metrics, "api")
    # 129,755.72 series -> 129,756; minus 10,000 = 119,756 x $6.50 / 1,000 = $778.414 -> $778.41
    assert line["usage_quantity"] == Decimal("129755.72")
    assert line["billed_usage_quantity"] == Decimal("129756")
    assert line["included_quantity"] == Decimal("10000")
    assert line["billable_quantity"] == Decimal("119756")
    assert line["cost_usd"] == Decimal("778.41")
    # an empty included_dpm_per_series means Grafana's default of 1
    assert usage(metrics, "api1")["included_dpm_per_series"] == 1


def test_stack_costs_add_up_to_every_org_line(metrics: Project) -> None:
    mismatches = metrics.query(
        """
        select lines.org_slug, lines.billing_month, lines.cost_usd, sum(costs.cost_usd)
        from fct_grafana_cloud_invoice_lines as lines
        left join fct_grafana_cloud_costs as costs
            using (billing_month, org_slug, sku, charge_type)
        group by all
        having lines.cost_usd is distinct from sum(costs.cost_usd)
        """
    )
    assert mismatches == []
    # one line per org and month with usage: spikes in 4 months, midnight and repriced in 2,
    # constant, shared, free, trial, adv4, pro1, api and notfinite in 1
    metrics_lines = metrics.query(
        "select count(*) from fct_grafana_cloud_invoice_lines where sku = 'metrics_active_series'"
    )
    assert metrics_lines[0][0] == 4 + 2 + 2 + 8


@pytest.fixture(scope="module")
def invoice_doc(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The worked examples of grafana-cloud-metrics-invoice.txt, written as seed files.

    That page prices at $8 per 1k series without an allowance (and no platform fee), so this
    project gets its own price book saying exactly that.
    """
    project = Project(tmp_path_factory.mktemp("invoice_doc"), mode="seeds")
    project.write_price_book(
        [
            {
                "sku": "metrics_active_series",
                "service": "Metrics",
                "category": "Hosted Metrics Usage",
                "usage_unit": "active_series",
                "unit_price_usd": "0.008",
                "included_quantity": "0",
                "plan": "pro",
                "effective_from": "2020-01-01",
                "effective_to": "",
            },
            {
                "sku": "platform_fee",
                "service": "Platform",
                "category": "Platform Fee",
                "usage_unit": "month",
                "unit_price_usd": "0",
                "included_quantity": "0",
                "plan": "pro",
                "effective_from": "2020-01-01",
                "effective_to": "",
            },
        ]
    )
    project.write_rows(
        "grafana_cloud_organizations",
        [
            {"org_slug": org, "org_name": org, "plan": "pro", "included_dpm_per_series": 1}
            for org in ("scenario_a", "scenario_b", "spike")
        ],
    )
    project.write_rows(
        "grafana_cloud_stacks",
        [{"stack_id": org, "stack_slug": org, "org_slug": org} for org in ("scenario_a", "scenario_b", "spike")],
    )

    def hourly(stack_id: str, series_at_hour, dpm_per_series: int) -> list[dict]:
        rows = []
        for hour in range(30 * 24):
            day, hour_of_day = divmod(hour, 24)
            series = series_at_hour(hour)
            rows.append(
                {
                    "stack_id": stack_id,
                    "sampled_at": f"2024-09-{day + 1:02d}T{hour_of_day:02d}:00:00Z",
                    "active_series": series,
                    "samples_per_second": series * dpm_per_series / 60,
                }
            )
        return rows

    project.write_rows(
        "grafana_cloud_metrics_usage",
        # Scenario A: 50,000 series at a 60 s scrape interval (1 DPM)
        hourly("scenario_a", lambda hour: 50_000, 1)
        # Scenario B: 50,000 series at a 30 s scrape interval (2 DPM)
        + hourly("scenario_b", lambda hour: 50_000, 2)
        # "normally around 6,000 active series but spike up to 30,000 for a total of 24 hours"
        + hourly("spike", lambda hour: 30_000 if 240 <= hour < 264 else 6_000, 1),
    )
    project.build()
    return project


def test_metrics_invoice_scenario_a(invoice_doc: Project) -> None:
    # 50,000 x (1 DPM / 1 included) x $8 / 1,000 = $400 / month
    assert org_line(invoice_doc, "scenario_a")["cost_usd"] == Decimal("400.00")


def test_metrics_invoice_scenario_b(invoice_doc: Project) -> None:
    # 50,000 x (2 DPM / 1 included) x $8 / 1,000 = $800 / month
    assert usage(invoice_doc, "scenario_b")["billable_series"] == pytest.approx(100_000)
    assert org_line(invoice_doc, "scenario_b")["cost_usd"] == Decimal("800.00")


def test_metrics_invoice_spike_example(invoice_doc: Project) -> None:
    # a 24-hour spike to 30,000 is forgiven: billed at the rate of 6,000 series
    assert usage(invoice_doc, "spike")["p95_active_series"] == 6_000
    assert org_line(invoice_doc, "spike")["cost_usd"] == Decimal("48.00")
