"""Users and VUh billed from Grafana's month-to-date counts (grafana_cloud_usage_counts), end to end.

A billing token sees no logins and no test runs, only the counts Grafana reports. One project,
two organizations, September 2024 (Pro price book: Grafana users $8 with 3 included, IRM users $20
with 3 included, Enterprise plugin users $55, k6 $0.15 per VUh with 500 included, platform fee $19):

counted (billed from counts alone), stacks c1, c2 and c3 (deleted on the 10th):
- Grafana users: the organization's count was 10 on the 15th and 14 at 23:59 on the 30th (the
  latest counts): (14 - 3) x $8 = $88. The stacks counted 9 and 7 (users on both stacks counted
  twice), so c1 gets 14 x 9/16 = 7.875 users and c2 6.125; the $88 splits 88 x 7.875/14 = $49.50
  and $38.50.
- IRM users: the organization counted 5, no stack: (5 - 3) x $20 = $40 on a stack-less line.
- Enterprise plugin users: the organization counted 2: 2 x $55 = $110, stack-less.
- k6: no organization count; c1 counted 100 VUh on the 5th and 600.25 at the end, c2 150: the
  organization's 750.25 VUh - 500 = 250.25 x $0.15 = $37.5375 -> $37.54, split by 600.25 : 150
  in cents: 3754 x 600.25/750.25 = 3003.43 and 750.55, so c1 $30.03 and c2 $7.51 (the leftover
  cent to the larger remainder).
- Platform fee $19. Total $294.54.

mixed (per-user rows and counts), stack m1:
- four users logged in (grafana_cloud_user_activity), Grafana counted 6: the rows are billed,
  (4 - 3) x $8 = $8, and a warning names mixed's September.
- k6: m1 counted 10 VUh and there are no test runs: billed from the counts, within the 500 included.
- Platform fee $19. Total $27.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from harness import Project


def count(org: str, stack: str, meter: str, quantity: object, observed: str = "2024-09-30 23:59:00") -> dict:
    return {"org_slug": org, "stack_id": stack, "billing_month": "2024-09-01", "meter": meter,
            "quantity": quantity, "observed_at": observed}


AS_OF = "2024-10-02 00:00:00"


def plant(project: Project) -> None:
    """Write the two organizations' raw tables (also built on Spark by tests/spark)."""
    project.write_rows(
        "grafana_cloud_organizations",
        [
            {"org_slug": "counted", "org_name": "Counted", "plan": "pro", "included_dpm_per_series": 1},
            {"org_slug": "mixed", "org_name": "Mixed", "plan": "pro", "included_dpm_per_series": 1},
        ],
    )
    project.write_rows(
        "grafana_cloud_stacks",
        [
            {"stack_id": "c1", "stack_slug": "counted-1", "org_slug": "counted", "status": "active",
             "created_at": "2023-01-01T00:00:00Z", "hm_instance_prom_id": "11"},
            {"stack_id": "c2", "stack_slug": "counted-2", "org_slug": "counted", "status": "active"},
            {"stack_id": "c3", "stack_slug": "counted-3", "org_slug": "counted", "status": "deleted",
             "created_at": "2024-01-01T00:00:00Z", "deleted_at": "2024-09-10T00:00:00Z"},
            {"stack_id": "m1", "stack_slug": "mixed-1", "org_slug": "mixed"},
        ],
    )
    project.write_rows(
        "grafana_cloud_usage_counts",
        [
            count("counted", "", "grafana_active_users", 10, "2024-09-15 00:00:00"),
            count("counted", "", "grafana_active_users", 14),
            count("counted", "c1", "grafana_active_users", 9),
            count("counted", "c2", "grafana_active_users", 7),
            count("counted", "", "irm_active_users", 5),
            count("counted", "", "enterprise_plugin_active_users", 2),
            count("counted", "c1", "k6_vuh", 100, "2024-09-05 00:00:00"),
            count("counted", "c1", "k6_vuh", 600.25),
            count("counted", "c2", "k6_vuh", 150),
            count("mixed", "", "grafana_active_users", 6),
            count("mixed", "m1", "k6_vuh", 10),
        ],
    )
    project.write_rows(
        "grafana_cloud_user_activity",
        [
            {"stack_id": "m1", "user_id": f"u{i}", "activity_at": "2024-09-10 09:00:00", "activity_type": "login"}
            for i in range(1, 5)
        ],
    )


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("usage_counts"), mode="export")
    plant(project)
    project.build(vars={"grafana_cloud_as_of": AS_OF})
    return project


def costs(project: Project, org: str) -> dict[tuple, tuple]:
    return {
        (row["stack_id"], row["sku"]): (row["usage_quantity"], row["cost_usd"])
        for row in project.rows(
            "select stack_id, sku, usage_quantity, cost_usd from fct_grafana_cloud_costs"
            " where org_slug = ? and billing_month = date '2024-09-01'",
            [org],
        )
    }


def test_an_organization_billed_from_counts_alone(counted: Project) -> None:
    assert costs(counted, "counted") == {
        ("c1", "grafana_active_users"): (Decimal("7.875000"), Decimal("49.50")),
        ("c2", "grafana_active_users"): (Decimal("6.125000"), Decimal("38.50")),
        (None, "irm_active_users"): (Decimal("5.000000"), Decimal("40.00")),
        (None, "enterprise_plugin_active_users"): (Decimal("2.000000"), Decimal("110.00")),
        ("c1", "k6_vuh"): (Decimal("600.250000"), Decimal("30.03")),
        ("c2", "k6_vuh"): (Decimal("150.000000"), Decimal("7.51")),
        (None, "platform_fee"): (Decimal("1.000000"), Decimal("19.00")),
    }
    assert counted.query(
        "select sum(cost_usd) from fct_grafana_cloud_invoice_lines where org_slug = 'counted'"
    ) == [(Decimal("294.54"),)]


def test_per_user_rows_win_over_counts_and_the_warning_names_the_org_month(counted: Project) -> None:
    assert costs(counted, "mixed") == {
        ("m1", "grafana_active_users"): (Decimal("4.000000"), Decimal("8.00")),
        ("m1", "k6_vuh"): (Decimal("10.000000"), Decimal("0.00")),
        (None, "platform_fee"): (Decimal("1.000000"), Decimal("19.00")),
    }
    output = counted.last_build.output
    assert "disagree with Grafana's counts in grafana_cloud_usage_counts (1):" in output
    assert "mixed 2024-09-01 grafana_active_users: detail rows give 4.000000, Grafana counted 6.000000" in output
    assert counted.query(
        "select org_slug, meter, billed_from from intermediate.int_usage_counts_org_compared order by all"
    ) == [
        ("counted", "enterprise_plugin_active_users", "counts"),
        ("counted", "grafana_active_users", "counts"),
        ("counted", "irm_active_users", "counts"),
        ("counted", "k6_vuh", "counts"),
        ("mixed", "grafana_active_users", "detail"),
        ("mixed", "k6_vuh", "counts"),
    ]


def test_stacks_carry_their_lifecycle_from_the_cloud_api(counted: Project) -> None:
    rows = {
        row[0]: row[1:]
        for row in counted.query(
            "select stack_id, status, is_deleted, cast(created_at as varchar), cast(deleted_at as varchar)"
            " from dim_grafana_cloud_stacks"
        )
    }
    assert rows == {
        "c1": ("active", False, "2023-01-01 00:00:00", None),
        "c2": ("active", False, None, None),
        "c3": ("deleted", True, "2024-01-01 00:00:00", "2024-09-10 00:00:00"),
        "m1": (None, False, None, None),
    }
