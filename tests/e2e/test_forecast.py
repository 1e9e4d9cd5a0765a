"""The month-end forecast and the spike headroom, end to end, on the open month of open_month.py
(as-of 2024-09-16 00:00, a Monday: 15 days observed, 21,600 minutes left of September's 43,200).

Every figure below is worked out by hand from the rules (pro plan: metrics $0.0065 per series
above 10,000; logs $0.50 per GB above 50; Grafana users $8 above 3; k6 $0.15 per VUh above 500,
billed on two decimals; platform fee $19), never recomputed with the project's formulas.

The 95th percentile of n minutes sits at rank 0.95 x (n - 1) from 0: 41,039.05 for 43,200, so
the top 2,159 minutes are forgiven, and 2,160 minutes at HIGH over BASE give
BASE + 0.05 x (HIGH - BASE). The projection repeats the last 7 days ([09-09, 09-16), Monday to
Sunday) at the same minute of the week: 09-16..09-22 and 09-23..09-29 copy 09-09..09-15, and
09-30 copies 09-09.

steady    20,000 series -> 10,000 x 0.0065 = 65.00, month to date and projected alike (a
          constant projects to itself). Logs: 360 h x 10^8 B = 36 GB so far (free); the window's
          168 h x 10^8 B per 10,080 minutes over 21,600 minutes adds 36 GB: 72 GB, 22 x 0.50 = 11.00.
          Month to date 65 + 0 + 19 = 84.00; projected 95.00; no week differs: band 95.00-95.00.
stepup    12,000 series, 30,000 from 09-15 12:00. So far 720 of 21,600 minutes at 30,000 (3.3 %):
          p95 12,000, 13.00. Projected: 09-22 and 09-29 12:00-24:00 copy the step, 2,160 minutes
          at 30,000 in all: p95 12,000 + 0.05 x 18,000 = 12,900 -> 2,900 x 0.0065 = 18.85. The
          busiest week is the last (18.85); the quietest (the week before, all 12,000) leaves the
          720 observed minutes: 13.00. Headroom: 2,160 minutes above 12,900, more than the 2,159
          forgiven: 0 minutes left.
stepdown  30,000 series, 12,000 from 09-12 (a Thursday). So far 11 of 15 days at 30,000: p95
          30,000, 130.00; projected Mon-Wed of each week and 09-30 at 30,000 too: still 130.00,
          the percentile keeps the higher level; every week has a p95 of 30,000: band 130.00.
          Headroom: no minute above 30,000: 2,159.
spiky     20,000 series, 50,000 for 100 minutes on 09-10 (a Tuesday), repeated on 09-17 and 09-24:
          300 minutes above 20,000, p95 20,000 (65.00); headroom 2,159 - 300 = 1,859.
young     created 09-13: three days observed, fewer than the look-back. Its three days repeat
          (09-20..22, 09-27..29): p95 20,000, 65.00. Logs 3 x 10^8 B an hour: 72 h = 21.6 GB so
          far (22 GB, free); the window counts from the first hour: 4,320 minutes, so 21,600
          minutes add 5 x 21.6 = 108 GB: 129.6 GB, billed 130, 80 x 0.50 = 40.00.
          Month to date 84.00, projected 124.00.
shared    series 15,001 + 10,002 = 25,003 -> 15,003 x 0.0065 = 97.5195 -> 97.52, allocated in
          cents 9,752 x 15,001 / 25,003 = 5,850.89 and 9,752 x 10,002 / 25,003 = 3,901.11: floors
          5,850 + 3,901 = 9,751, the last cent to the larger remainder: 58.51 and 39.01.
          Logs on shared-a as steady: 0.00 so far, 11.00 projected.
          Users: 7 so far (u1-u5 on 09-02, u6 on 09-10, u7 on 09-12): 4 x 8 = 32.00. New users
          count from 09-08 (one look-back after the 1st): the window [09-09, 09-16) has 2 in
          10,080 minutes, so 21,600 minutes add 4.285714: 11.285714 users, billed 11: 64.00. The
          window before counts only from 09-08 (1,440 minutes) with none: low 32.00.
          k6 on shared-b: 60 + 500 = 560 VUh so far, 60 x 0.15 = 9.00. The window has 500 VUh
          in 10,080 minutes: + 1,071.428571 = 1,631.428571 VUh, billed 1,631.43: 1,131.43 x 0.15
          = 169.7145 -> 169.71. The week before counts from the first run (09-04 10:00): 6,600
          minutes with 60 VUh: + 196.363636 = 756.363636, billed 756.36: 38.454 -> 38.45 (low).
          Month to date 58.51 + 39.01 + 0 + 32 + 9 + 19 = 157.52; projected 97.52 + 11 + 64 +
          169.71 + 19 = 361.23; low 97.52 + 11 + 32 + 38.45 + 19 = 197.97; high 361.23.
August, a closed month with usage, is not in either mart.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness import Project
from open_month import OPEN_MONTH_VARS, write_open_month


@pytest.fixture(scope="module")
def open_month(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("forecast"), mode="export")
    write_open_month(project)
    project.build(vars=OPEN_MONTH_VARS)
    return project


def d(value: str) -> Decimal:
    return Decimal(value)


# org -> (month to date, projected, low, high)
ORG_TOTALS = {
    "steady": ("84.00", "95.00", "95.00", "95.00"),
    "stepup": ("32.00", "37.85", "32.00", "37.85"),
    "stepdown": ("149.00", "149.00", "149.00", "149.00"),
    "spiky": ("84.00", "84.00", "84.00", "84.00"),
    "young": ("84.00", "124.00", "124.00", "124.00"),
    "shared": ("157.52", "361.23", "197.97", "361.23"),
}


def test_org_totals(open_month: Project) -> None:
    rows = open_month.query(
        """
        select org_slug, sum(month_to_date_cost_usd), sum(projected_cost_usd),
            sum(projected_cost_low_usd), sum(projected_cost_high_usd)
        from main.fct_grafana_cloud_month_forecast
        group by org_slug
        """
    )
    assert {org: tuple(values) for org, *values in rows} == {
        org: tuple(d(v) for v in values) for org, values in ORG_TOTALS.items()
    }


# (org, stack, sku) -> (month-to-date usage, month to date, projected usage, projected, low, high)
LINES = {
    ("steady", "steady-1", "metrics_active_series"): ("20000", "65.00", "20000", "65.00", "65.00", "65.00"),
    ("steady", "steady-1", "logs_ingested_gb"): ("36", "0.00", "72", "11.00", "11.00", "11.00"),
    ("steady", None, "platform_fee"): ("1", "19.00", "1", "19.00", "19.00", "19.00"),
    ("stepup", "stepup-1", "metrics_active_series"): ("12000", "13.00", "12900", "18.85", "13.00", "18.85"),
    ("stepdown", "stepdown-1", "metrics_active_series"): ("30000", "130.00", "30000", "130.00", "130.00", "130.00"),
    ("spiky", "spiky-1", "metrics_active_series"): ("20000", "65.00", "20000", "65.00", "65.00", "65.00"),
    ("young", "young-1", "metrics_active_series"): ("20000", "65.00", "20000", "65.00", "65.00", "65.00"),
    ("young", "young-1", "logs_ingested_gb"): ("21.6", "0.00", "129.6", "40.00", "40.00", "40.00"),
    ("shared", "shared-a", "metrics_active_series"): ("15001", "58.51", "15001", "58.51", "58.51", "58.51"),
    ("shared", "shared-b", "metrics_active_series"): ("10002", "39.01", "10002", "39.01", "39.01", "39.01"),
    ("shared", "shared-a", "logs_ingested_gb"): ("36", "0.00", "72", "11.00", "11.00", "11.00"),
    ("shared", "shared-a", "grafana_active_users"): ("7", "32.00", "11.285714", "64.00", "32.00", "64.00"),
    ("shared", "shared-b", "k6_vuh"): ("560", "9.00", "1631.428571", "169.71", "38.45", "169.71"),
}


def test_lines(open_month: Project) -> None:
    rows = open_month.query(
        """
        select org_slug, stack_id, sku, month_to_date_usage, month_to_date_cost_usd, projected_usage,
            projected_cost_usd, projected_cost_low_usd, projected_cost_high_usd
        from main.fct_grafana_cloud_month_forecast
        """
    )
    found = {(org, stack, sku): tuple(values) for org, stack, sku, *values in rows}
    for key, values in LINES.items():
        assert found[key] == tuple(d(v) for v in values), key


def test_one_row_per_line_of_the_open_month_only(open_month: Project) -> None:
    rows = open_month.query(
        "select distinct billing_month, cast(as_of as varchar) from main.fct_grafana_cloud_month_forecast"
    )
    assert [(str(month), as_of) for month, as_of in rows] == [("2024-09-01", "2024-09-16 00:00:00")]
    # the fees and each org's lines; August (closed, with usage in the cost fact) is absent
    assert open_month.query("select count(*) from main.fct_grafana_cloud_month_forecast")[0][0] == (
        len(ORG_TOTALS)  # platform fees
        + 6  # metrics lines: one per stack but shared's two
        + 1  # shared's second metrics line
        + 3  # logs: steady, young, shared-a
        + 2  # shared's users and k6
    )
    august = open_month.query(
        "select count(*) from main.fct_grafana_cloud_costs where billing_month = date '2024-08-01'"
    )[0][0]
    assert august > 0


def test_month_to_date_is_the_bill(open_month: Project) -> None:
    differences = open_month.query(
        """
        select costs.org_slug, costs.stack_id, costs.sku
        from main.fct_grafana_cloud_costs as costs
        full outer join main.fct_grafana_cloud_month_forecast as forecast
            on costs.billing_month = forecast.billing_month
            and costs.org_slug = forecast.org_slug
            and coalesce(costs.stack_id, '') = coalesce(forecast.stack_id, '')
            and costs.sku = forecast.sku
        where coalesce(costs.billing_month, forecast.billing_month) = date '2024-09-01'
            and (costs.cost_usd is distinct from forecast.month_to_date_cost_usd
                or costs.usage_quantity is distinct from forecast.month_to_date_usage)
        """
    )
    assert differences == []


# stack -> (observed, projected, forgiven, above, headroom, threshold series)
HEADROOM = {
    "steady-1": (21_600, 21_600, 2159, 0, 2159, "20000"),
    "stepup-1": (21_600, 21_600, 2159, 2160, 0, "12900"),
    "stepdown-1": (21_600, 21_600, 2159, 0, 2159, "30000"),
    "spiky-1": (21_600, 21_600, 2159, 300, 1859, "20000"),
    "young-1": (4_320, 8_640, 2159, 0, 2159, "20000"),
    "shared-a": (21_600, 21_600, 2159, 0, 2159, "15001"),
    "shared-b": (21_600, 21_600, 2159, 0, 2159, "10002"),
}


def test_spike_headroom(open_month: Project) -> None:
    rows = open_month.query(
        """
        select stack_id, observed_minutes, projected_minutes, forgiven_minutes,
            minutes_above_projected_level, headroom_minutes, spike_cost_threshold_series
        from main.fct_grafana_cloud_spike_headroom
        where billing_month = date '2024-09-01'
        """
    )
    assert {stack: tuple(values) for stack, *values in rows} == {
        stack: (*values[:5], d(values[5])) for stack, values in HEADROOM.items()
    }
    assert open_month.query("select count(*) from main.fct_grafana_cloud_spike_headroom")[0][0] == len(HEADROOM)


def test_forecast_command(open_month: Project, capsys: pytest.CaptureFixture[str]) -> None:
    from grafana_cloud_costs.cli import main

    assert main(["forecast", "--database", str(open_month.database), "--org", "shared,stepup", "--stacks", "2"]) == 0
    output = capsys.readouterr().out
    print(output)
    assert "Grafana Cloud forecast for 2024-09 (as of 2024-09-16 00:00 UTC)" in output
    lines = [" ".join(line.split()) for line in output.splitlines()]
    # per organization and service: month to date, projected, low, high
    assert "shared k6 9.00 169.71 38.45 169.71" in lines
    assert "shared Metrics 97.52 97.52 97.52 97.52" in lines
    assert "stepup Metrics 13.00 18.85 13.00 18.85" in lines
    # totals
    assert "shared 157.52 361.23 197.97 361.23" in lines
    assert "stepup 32.00 37.85 32.00 37.85" in lines
    assert not any(line.startswith("steady") for line in lines)
    # the stacks nearest to exhausting their headroom, least first: stepup-1 (0), then shared's
    assert "stepup stepup-1 (stepup-1) 0 2,159 12,900" in lines
    assert "shared shared-a (shared-a) 2,159 2,159 15,001" in lines
