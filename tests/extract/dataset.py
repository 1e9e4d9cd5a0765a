"""The small dataset the stand-in Prometheus serves, and the constants of the tests."""

from __future__ import annotations

from datetime import datetime, timezone

from standin import Series

TOKEN = "glc_eyJvIjoiNjUyOTkyIiwibiI6InRlc3QiLCJrIjoiU0VDUkVUc2VjcmV0In0="  # shaped like a real one
FROM, TO = "2024-09-28", "2024-10-02"


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


T0 = ts("2024-09-28T00:00:00")
OCT = ts("2024-10-01T00:00:00")
GAP = (ts("2024-09-29T10:00:00"), ts("2024-09-29T10:30:00"))  # stack 102's metrics are missing here
DELETED = ts("2024-09-30T12:00:00")


def in_gap(t: int) -> bool:
    return GAP[0] <= t < GAP[1]


def logs_101(t: int) -> str | None:
    hour, minute = (t - T0) // 3600, (t % 3600) // 60
    if hour == 0:
        return "1000"  # a full hour at 1000 B/s: 3,600,000 bytes
    if hour == 1:
        return "1000" if minute < 30 else None  # half an hour missing: 1,800,000 bytes
    if hour == 2:
        return "0.075" if minute == 0 else None  # one sample: 4.5 bytes, half up to 5
    return "0.5"  # 1,800 bytes an hour


def dataset() -> list[Series]:
    return [
        Series("grafanacloud_instance_active_series", {"id": "1101", "cluster": "prod-us-central-0"},
               lambda t: str(1000 + (t // 60) % 60)),
        Series("grafanacloud_instance_active_series", {"id": "4101"}, lambda t: "5"),
        Series("grafanacloud_instance_active_series", {"id": "1102"}, lambda t: None if in_gap(t) else "300"),
        Series("grafanacloud_instance_active_series", {"id": "9999"}, lambda t: "7" if t < T0 + 180 else None),
        Series("grafanacloud_instance_samples_per_second", {"id": "1101"}, lambda t: "10.5"),
        Series("grafanacloud_instance_samples_per_second", {"id": "4101"}, lambda t: "0.25"),
        Series("grafanacloud_instance_samples_per_second", {"id": "1102"}, lambda t: None if in_gap(t) else "2"),
        Series("grafanacloud_logs_instance_bytes_received_per_second", {"id": "2101"}, logs_101),
        Series("grafanacloud_logs_instance_bytes_received_per_second", {"id": "2102"}, lambda t: "1"),
        Series("grafanacloud_traces_instance_bytes_received_per_second", {"id": "3101"}, lambda t: "200"),
        Series("grafanacloud_org_metrics_included_dpm_per_series", {"org_id": "652992"}, lambda t: "4"),
        Series("grafanacloud_org_grafana_billable_users", {"org_id": "652992"}, lambda t: str((t - T0) // 3600)),
        Series("grafanacloud_grafana_instance_billable_users", {"stack_id": "101", "id": "101"},
               lambda t: "7" if t < OCT else "1"),
        Series("grafanacloud_k6_stack_virtual_user_hours_usage", {"id": "1102"},
               lambda t: "2.5" if t < DELETED else None),
        Series("grafanacloud_irm_billable_users", {"stack_id": "777"}, lambda t: "3"),
        Series("grafanacloud_org_irm_users", {"org_id": "652992"},
               lambda t: {OCT - 60: "8", OCT: "9"}.get(t)),
    ]
