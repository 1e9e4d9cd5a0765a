"""Every product beside metrics, end to end, from seed files to the cost fact.

All figures are worked out by hand in the comments from ../shared/docs/grafana-cloud-billing.md
and the shipped price book (Pro: logs/traces/profiles $0.50 per GB with 50 GB included; Grafana
users $8 with 3 included; IRM users $20 with 3 included; Enterprise plugin users $55; k6 $0.15 per
VUh with 500 included; platform fee $19 a month).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness import Project

GB = 1_000_000_000


def org(slug: str, plan: str = "pro") -> dict:
    return {"org_slug": slug, "org_name": slug.title(), "plan": plan, "included_dpm_per_series": 1}


def stack(stack_id: str, org_slug: str) -> dict:
    return {"stack_id": stack_id, "stack_slug": f"{org_slug}-{stack_id}", "org_slug": org_slug}


def login(stack_id: str, user_id: str, at: str = "2024-09-10 09:00:00", kind: str = "login") -> dict:
    return {"stack_id": stack_id, "user_id": user_id, "activity_at": at, "activity_type": kind}


def run(stack_id: str, run_id: str, start: str, end: str, vus: int, browser_vus: int | str = 0) -> dict:
    return {
        "stack_id": stack_id,
        "test_run_id": run_id,
        "started_at": start,
        "ended_at": end,
        "vus": vus,
        "browser_vus": browser_vus,
    }


@pytest.fixture(scope="module")
def products(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("products"), mode="seeds")
    project.write_rows(
        "grafana_cloud_organizations",
        [
            org("logs"),
            org("users"),
            org("irm"),
            org("plugin_mid"),
            org("plugin_gone"),
            org("k6"),
            org("free", "free"),
            org("trial", "trial"),
            org("gb_edge"),
            org("thirds"),
        ],
    )
    project.write_rows(
        "grafana_cloud_stacks",
        [
            stack("l1", "logs"),
            stack("l2", "logs"),
            stack("u1", "users"),
            stack("u2", "users"),
            stack("i1", "irm"),
            stack("p1", "plugin_mid"),
            stack("p2", "plugin_mid"),
            stack("g1", "plugin_gone"),
            stack("k1", "k6"),
            stack("k2", "k6"),
            stack("f1", "free"),
            stack("t1", "trial"),
            stack("e1", "gb_edge"),
            stack("e2", "gb_edge"),
            stack("th1", "thirds"),
            stack("th2", "thirds"),
            stack("th3", "thirds"),
        ],
    )
    project.write_rows(
        "grafana_cloud_ingestion_usage",
        [
            # logs org: 200 GB on l1 (two intervals) and 51.021 GB on l2 = 251.021 GB
            {"stack_id": "l1", "signal": "logs", "usage_start": "2024-09-03 10:00:00", "ingested_bytes": 120 * GB},
            # starts on the 30th at 23:00, ends in October: still September's
            {"stack_id": "l1", "signal": "logs", "usage_start": "2024-09-30T23:00:00Z", "ingested_bytes": 80 * GB},
            {"stack_id": "l2", "signal": "logs", "usage_start": "2024-09-05 00:00:00", "ingested_bytes": 51_021_000_000},
            # starts at exactly 00:00:00 on October 1st: October's
            {"stack_id": "l2", "signal": "logs", "usage_start": "2024-10-01 00:00:00", "ingested_bytes": 3 * GB},
            {"stack_id": "l1", "signal": "traces", "usage_start": "2024-09-03 10:00:00", "ingested_bytes": 60 * GB},
            {"stack_id": "l2", "signal": "profiles", "usage_start": "2024-09-03 10:00:00", "ingested_bytes": 30 * GB},
            # free and trial: usage reported, never billed
            {"stack_id": "f1", "signal": "logs", "usage_start": "2024-09-03 10:00:00", "ingested_bytes": 500 * GB},
            {"stack_id": "t1", "signal": "logs", "usage_start": "2024-09-03 10:00:00", "ingested_bytes": 500 * GB},
            # gb_edge: 50,249,999,600 + 249,999,600 bytes = 50,499,999,200 bytes = 50.4999992 GB
            {"stack_id": "e1", "signal": "logs", "usage_start": "2024-09-03 10:00:00", "ingested_bytes": 50_249_999_600},
            {"stack_id": "e2", "signal": "logs", "usage_start": "2024-09-03 10:00:00", "ingested_bytes": 249_999_600},
        ],
    )
    activity = []
    # users org: u01..u07 on u1, u08..u13 on u2, u14 on both, several logins each -> 14 users
    for n in range(1, 15):
        user = f"u{n:02d}"
        stacks = ["u1"] if n <= 7 else ["u2"] if n <= 13 else ["u1", "u2"]
        for stack_id in stacks:
            activity += [login(stack_id, user, "2024-09-02 09:00:00"), login(stack_id, user, "2024-09-20 17:45:00")]
    # a login at exactly 00:00:00 on October 1st is October's, not September's
    activity.append(login("u1", "u15", "2024-10-01 00:00:00"))
    # irm org: a paged, b declared an incident, c only on a schedule, e changed OnCall config and
    # logged in; d only logged in (not an IRM user)
    activity += [
        login("i1", "a", kind="irm_paged"),
        login("i1", "b", kind="irm_incident_declared"),
        login("i1", "c", "2024-09-01 00:00:00", kind="irm_on_schedule"),
        login("i1", "d"),
        login("i1", "e", kind="irm_oncall_config_changed"),
        login("i1", "e"),
    ]
    # plugin_mid: 4 active users over two stacks; plugin_gone: 2 active users
    activity += [login("p1", "m1"), login("p1", "m2"), login("p2", "m3"), login("p2", "m4")]
    activity += [login("g1", "n1"), login("g1", "n2")]
    # thirds: x01, x04, .., x13 only on th1; x02, .., x14 only on th2; x03, x06, x09, x12 on all three
    for n in range(1, 15):
        stacks = ["th1"] if n % 3 == 1 else ["th2"] if n % 3 == 2 else ["th1", "th2", "th3"]
        activity += [login(stack_id, f"x{n:02d}") for stack_id in stacks]
    project.write_rows("grafana_cloud_user_activity", activity)
    project.write_rows(
        "grafana_cloud_enterprise_plugins",
        [
            # installed mid-month on one stack: every active user of the org counts
            {"stack_id": "p1", "plugin_id": "grafana-splunk-datasource", "installed_at": "2024-09-14 10:00:00"},
            # removed before the month started: nothing in September
            {
                "stack_id": "g1",
                "plugin_id": "grafana-datadog-datasource",
                "installed_at": "2024-07-01 00:00:00",
                "uninstalled_at": "2024-08-20 17:30:00",
            },
        ],
    )
    project.write_rows(
        "grafana_cloud_k6_test_runs",
        [
            # 100 VUs x 10 min / 60 = 16.666667 VUh (Grafana's "16.67 VUh")
            run("k1", "ten_minutes", "2024-09-04 10:00:00", "2024-09-04 10:10:00", 100),
            # 30.01 minutes bills 31: 1 VU x 31 / 60 = 0.516667 VUh
            run("k1", "thirty_point_01", "2024-09-04 11:00:00", "2024-09-04 11:30:00.600", 1),
            # a few seconds bill a whole minute: 6 VUs x 1 / 60 = 0.1 VUh
            run("k1", "few_seconds", "2024-09-04 12:00:00", "2024-09-04 12:00:04", 6),
            # 2 browser VUs count as 20: 20 x 60 / 60 = 20 VUh (empty protocol VUs = 0)
            run("k2", "browser", "2024-09-05 10:00:00", "2024-09-05 11:00:00", "", 2),
            # 300 VUs x 120 min / 60 = 600 VUh
            run("k2", "soak", "2024-09-18 01:00:00", "2024-09-18 03:00:00", 300),
            # before 2023-07-13 run time rounds up to the hour: 50 VUs x 25 min -> 60 min = 50 VUh
            run("k1", "hourly_era", "2023-07-12 10:00:00", "2023-07-12 10:25:00", 50),
        ],
    )
    project.write_rows(
        "grafana_cloud_metrics_usage",
        [
            # the 2023 month of the k6 org also has metrics, under the allowance
            {"stack_id": "k1", "sampled_at": "2023-07-12 10:00:00", "active_series": 100, "samples_per_second": 1},
        ],
    )
    # tag rules: logs' l1 to team "search"; everything else of org logs split 50/50; no rule for
    # the other orgs (untagged)
    rules_path = project.dir / "seeds" / "reference" / "grafana_cloud_virtual_tag_rules.csv"
    rules_path.write_text(
        "tag_key,tag_value,priority,org_slug,stack_slug,service,split_percent\n"
        "team,search,1,logs,logs-l1,,100\n"
        "team,web,2,logs,,,50\n"
        "team,api,2,logs,,,50\n"
        "env,prod,1,,%-l1,,100\n"
    )
    project.build()
    return project


def line(project: Project, org_slug: str, sku: str, month: str = "2024-09-01") -> dict:
    rows = project.rows(
        "select * from fct_grafana_cloud_invoice_lines where org_slug = ? and sku = ? and billing_month = ?::date",
        [org_slug, sku, month],
    )
    assert len(rows) == 1, f"{org_slug} {sku} {month}: {rows}"
    return rows[0]


def stack_costs(project: Project, org_slug: str, sku: str, month: str = "2024-09-01") -> dict[str, Decimal]:
    rows = project.query(
        "select stack_id, cost_usd from fct_grafana_cloud_costs"
        " where org_slug = ? and sku = ? and billing_month = ?::date order by stack_id",
        [org_slug, sku, month],
    )
    return dict(rows)


def stack_usage(project: Project, stack_id: str, metric: str, month: str = "2024-09-01") -> Decimal:
    rows = project.query(
        "select usage_quantity from fct_grafana_cloud_usage"
        " where stack_id = ? and usage_metric = ? and billing_month = ?::date",
        [stack_id, metric, month],
    )
    assert len(rows) == 1, rows
    return rows[0][0]


def test_logs_cloud_api_example(products: Project) -> None:
    logs = line(products, "logs", "logs_ingested_gb")
    # 251.021 GB -> 251, minus 50 included = 201 GB x $0.50 = $100.50
    assert logs["usage_quantity"] == Decimal("251.021")
    assert logs["billed_usage_quantity"] == 251
    assert logs["billable_quantity"] == 201
    assert logs["cost_usd"] == Decimal("100.50")
    # in proportion to GB: 10,050 cents x 200 / 251.021 = 8,007.30 and x 51.021 / 251.021 =
    # 2,042.70; the leftover cent goes to the larger remainder (l2)
    assert stack_costs(products, "logs", "logs_ingested_gb") == {"l1": Decimal("80.07"), "l2": Decimal("20.43")}
    assert stack_usage(products, "l1", "logs_ingested_gb") == 200
    assert stack_usage(products, "l2", "logs_ingested_gb") == Decimal("51.021")
    # the interval starting at 00:00:00 on October 1st is October's: 3 GB, under the allowance
    assert line(products, "logs", "logs_ingested_gb", "2024-10-01")["usage_quantity"] == 3
    assert line(products, "logs", "logs_ingested_gb", "2024-10-01")["cost_usd"] == 0


def test_org_gb_are_rounded_from_the_summed_bytes_not_from_stack_gb(products: Project) -> None:
    logs = line(products, "gb_edge", "logs_ingested_gb")
    # 50,499,999,200 bytes = 50.4999992 GB -> 50 GB, within the 50 included: $0. (The stacks'
    # GB to six decimals, 50.250000 + 0.250000 = 50.5, would have rounded to 51 and billed $0.50.)
    assert logs["usage_quantity"] == Decimal("50.499999")
    assert logs["billed_usage_quantity"] == 50
    assert logs["billable_quantity"] == 0
    assert logs["cost_usd"] == Decimal("0.00")
    assert stack_usage(products, "e1", "logs_ingested_gb") == Decimal("50.25")
    assert stack_usage(products, "e2", "logs_ingested_gb") == Decimal("0.25")


def test_traces_and_profiles(products: Project) -> None:
    # traces 60 GB - 50 = 10 x $0.50 = $5.00; profiles 30 GB < 50 included = $0
    assert line(products, "logs", "traces_ingested_gb")["cost_usd"] == Decimal("5.00")
    assert line(products, "logs", "profiles_ingested_gb")["billable_quantity"] == 0
    assert line(products, "logs", "profiles_ingested_gb")["cost_usd"] == Decimal("0.00")


def test_users_cloud_api_example(products: Project) -> None:
    users = line(products, "users", "grafana_active_users")
    # 14 distinct users (u14 on both stacks counts once; logins repeat), 3 included -> 11 x $8
    assert users["usage_quantity"] == 14
    assert users["billable_quantity"] == 11
    assert users["cost_usd"] == Decimal("88.00")
    # u14 is split equally: u1 has 7.5 users, u2 6.5; 8,800 cents -> 4,714.29 and 4,085.71,
    # leftover cent to the larger remainder (u2)
    assert stack_usage(products, "u1", "grafana_active_users") == Decimal("7.5")
    assert stack_usage(products, "u2", "grafana_active_users") == Decimal("6.5")
    assert stack_costs(products, "users", "grafana_active_users") == {"u1": Decimal("47.14"), "u2": Decimal("40.86")}
    # u15 logged in at exactly 00:00:00 on October 1st: October's only user
    assert line(products, "users", "grafana_active_users", "2024-10-01")["usage_quantity"] == 1


def test_user_shares_over_three_stacks_do_not_drift(products: Project) -> None:
    users = line(products, "thirds", "grafana_active_users")
    # 14 users, 3 included -> 11 x $8 = $88.00
    assert users["usage_quantity"] == 14
    assert users["cost_usd"] == Decimal("88.00")
    # th1 = th2 = 5 + 4/3 users, th3 = 4/3: 14,000,000 micro-users floor to 6,333,333 +
    # 6,333,333 + 1,333,333; the leftover micro-user goes to th1 (tied with th2, first by id)
    assert stack_usage(products, "th1", "grafana_active_users") == Decimal("6.333334")
    assert stack_usage(products, "th2", "grafana_active_users") == Decimal("6.333333")
    assert stack_usage(products, "th3", "grafana_active_users") == Decimal("1.333333")
    # 8,800 cents x 6.333334 / 14 = 3,981.33, x 6.333333 / 14 = 3,981.33, x 1.333333 / 14 = 838.10:
    # floors 3,981 + 3,981 + 838 = 8,800, nothing left over
    assert stack_costs(products, "thirds", "grafana_active_users") == {
        "th1": Decimal("39.81"),
        "th2": Decimal("39.81"),
        "th3": Decimal("8.38"),
    }


def test_irm_users_include_schedules_and_exclude_plain_logins(products: Project) -> None:
    irm = line(products, "irm", "irm_active_users")
    # a (paged), b (declared), c (on a schedule only), e (config change); d only logged in
    assert irm["usage_quantity"] == 4
    assert irm["billable_quantity"] == 1
    assert irm["cost_usd"] == Decimal("20.00")
    # Grafana users of the org: d and e (2 < 3 included)
    assert line(products, "irm", "grafana_active_users")["usage_quantity"] == 2
    assert line(products, "irm", "grafana_active_users")["cost_usd"] == 0


def test_enterprise_plugin_installed_mid_month_bills_every_active_user(products: Project) -> None:
    plugin = line(products, "plugin_mid", "enterprise_plugin_active_users")
    # installed on p1 on the 14th: all 4 active users of the org (on p1 and p2) x $55
    assert plugin["usage_quantity"] == 4
    assert plugin["cost_usd"] == Decimal("220.00")
    assert stack_costs(products, "plugin_mid", "enterprise_plugin_active_users") == {
        "p1": Decimal("110.00"),
        "p2": Decimal("110.00"),
    }
    # removed in August: no plugin line in September
    assert products.query(
        "select count(*) from fct_grafana_cloud_invoice_lines"
        " where org_slug = 'plugin_gone' and sku = 'enterprise_plugin_active_users'"
    ) == [(0,)]


def test_k6_virtual_user_hours(products: Project) -> None:
    runs = dict(
        products.query(
            "select test_run_id, vuh from intermediate.int_k6_test_runs_metered order by test_run_id"
        )
    )
    minutes = dict(products.query("select test_run_id, billed_minutes from intermediate.int_k6_test_runs_metered"))
    assert runs["ten_minutes"] == Decimal("16.666667")  # Grafana's 16.67 VUh
    assert minutes["thirty_point_01"] == 31
    assert minutes["few_seconds"] == 1
    assert runs["browser"] == 20
    assert minutes["hourly_era"] == 60 and runs["hourly_era"] == 50
    k6 = line(products, "k6", "k6_vuh")
    # 16.666667 + 0.516667 + 0.1 + 20 + 600 = 637.283334 -> 637.28 - 500 = 137.28 x $0.15
    # = $20.592 -> $20.59
    assert k6["usage_quantity"] == Decimal("637.283334")
    assert k6["billed_usage_quantity"] == Decimal("637.28")
    assert k6["billable_quantity"] == Decimal("137.28")
    assert k6["cost_usd"] == Decimal("20.59")
    assert stack_usage(products, "k1", "k6_vuh") == Decimal("17.283334")
    # the 2023 run belongs to July 2023, under the 500 VUh allowance
    assert line(products, "k6", "k6_vuh", "2023-07-01")["usage_quantity"] == 50
    assert line(products, "k6", "k6_vuh", "2023-07-01")["cost_usd"] == 0


def test_platform_fee_once_per_paying_org_and_month(products: Project) -> None:
    fees = products.rows(
        "select org_slug, billing_month, stack_id, charge_type, cost_usd from fct_grafana_cloud_costs"
        " where sku = 'platform_fee' order by org_slug, billing_month"
    )
    assert [(fee["org_slug"], str(fee["billing_month"])) for fee in fees] == [
        ("gb_edge", "2024-09-01"),
        ("irm", "2024-09-01"),
        ("k6", "2023-07-01"),
        ("k6", "2024-09-01"),
        ("logs", "2024-09-01"),
        ("logs", "2024-10-01"),
        ("plugin_gone", "2024-09-01"),
        ("plugin_mid", "2024-09-01"),
        ("thirds", "2024-09-01"),
        ("users", "2024-09-01"),
        ("users", "2024-10-01"),
    ]
    assert all(fee["stack_id"] is None and fee["charge_type"] == "fee" for fee in fees)
    assert {fee["cost_usd"] for fee in fees} == {Decimal("19.00")}


@pytest.mark.parametrize("org_slug", ["free", "trial"])
def test_free_and_trial_usage_appears_at_zero_cost(products: Project, org_slug: str) -> None:
    logs = line(products, org_slug, "logs_ingested_gb")
    assert logs["usage_quantity"] == 500
    assert logs["cost_usd"] == 0
    assert products.query(
        "select coalesce(sum(cost_usd), 0) from fct_grafana_cloud_costs where org_slug = ?", [org_slug]
    ) == [(0,)]


def test_org_bill_is_the_sum_of_its_lines(products: Project) -> None:
    bill = products.query(
        "select sum(cost_usd) from fct_grafana_cloud_costs where org_slug = 'logs' and billing_month = '2024-09-01'"
    )[0][0]
    # logs $100.50 + traces $5.00 + profiles $0 + platform fee $19.00
    assert bill == Decimal("124.50")


def test_stack_allocations_add_up_to_every_org_line(products: Project) -> None:
    assert products.query(
        """
        select lines.org_slug, lines.billing_month, lines.sku, lines.cost_usd, sum(costs.cost_usd)
        from fct_grafana_cloud_invoice_lines as lines
        left join fct_grafana_cloud_costs as costs using (billing_month, org_slug, sku, charge_type)
        group by all
        having lines.cost_usd is distinct from sum(costs.cost_usd)
            or lines.billable_quantity is distinct from sum(costs.billable_quantity)
        """
    ) == []


def test_cost_by_tag_adds_up_to_the_total_for_every_key(products: Project) -> None:
    by_tag = {
        (key, value): cost
        for key, value, cost in products.query(
            "select tag_key, tag_value, cost_usd from fct_grafana_cloud_costs_by_tag"
            " where billing_month = '2024-09-01'"
        )
    }
    total = products.query("select sum(cost_usd) from fct_grafana_cloud_costs where billing_month = '2024-09-01'")[0][0]
    for key in ("team", "env"):
        assert sum(cost for (tag_key, _), cost in by_tag.items() if tag_key == key) == total
    # team: l1's lines go to search ($80.07 logs + $5.00 traces); the rest of org logs (l2's
    # $20.43 logs and $0 profiles, and the $19.00 fee) is split 50/50 -> 39.43 / 2 = 19.715:
    # l2 logs 20.43 -> 10.22 api / 10.21 web; fee 19.00 -> 9.50 / 9.50
    assert by_tag[("team", "search")] == Decimal("85.07")
    assert by_tag[("team", "api")] == Decimal("19.72")
    assert by_tag[("team", "web")] == Decimal("19.71")
    assert by_tag[("team", "untagged")] == total - Decimal("85.07") - Decimal("19.72") - Decimal("19.71")
    # env: only stacks whose slug ends in -l1 are prod
    assert by_tag[("env", "prod")] == Decimal("85.07")
