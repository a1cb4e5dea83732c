"""A small repository with planted situations for the report tests; every expected
value in the tests is worked out by hand from the timestamps here (see comments)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers import change_request, run_cli, service, write_repo

CALENDAR = """\
apiVersion: itsmcode/v1
kind: Calendar
metadata: {name: office}
spec:
  timezone: Europe/Berlin
  businessHours:
    - {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00"}
  holidays:
    - {date: 2026-11-11, name: A planted holiday}
"""

#: 24x7 (no calendar), availability with maintenance excluded.
ROUND = """\
apiVersion: itsmcode/v1
kind: SLA
metadata: {name: round}
spec:
  availability: {target: 99.9, window: 30d}
  targets:
    P1: {response: 15m, resolution: 4h}
  maintenanceExcluded: true
"""

#: Business hours, no P4 target, no availability target.
OFFICE = """\
apiVersion: itsmcode/v1
kind: SLA
metadata: {name: office}
spec:
  calendar: office
  targets:
    P2: {response: 1h, resolution: 1d}
    P3: {response: 4h, resolution: 3d}
"""


def incident(name: str, service_name: str, priority: str, opened: str, extra: str = "") -> str:
    return (
        f"apiVersion: itsmcode/v1\nkind: Incident\nmetadata: {{name: {name}}}\nspec:\n"
        f"  services: [{service_name}]\n  priority: {priority}\n"
        f'  openedAt: "{opened}"\n' + extra
    )


def base_files() -> dict[str, str]:
    return {
        "catalog/calendars/office.yaml": CALENDAR,
        "catalog/slas/round.yaml": ROUND,
        "catalog/slas/office.yaml": OFFICE,
        "catalog/services/api.yaml": service("api", tier=1, extra="sla: round\n"),
        "catalog/services/web.yaml": service("web", tier=3, extra="sla: office\n"),
        "catalog/services/wiki.yaml": service("wiki", tier=4),
    }


def make_repo(root: Path, files: dict[str, str]) -> Path:
    return write_repo(root, {**base_files(), **files})


def report_json(root: Path, *args: str, code: int = 0) -> dict[str, Any]:
    result = run_cli(["report", *args, "--format", "json", "--repo", str(root)])
    assert result.exit_code == code, result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def completed_change(
    name: str,
    finished: str,
    *,
    status: str = "completed",
    extra: str = "",
    type: str = "normal",
    services: str = "[api]",
    start: str = "2026-11-20T22:00:00+01:00",
    end: str = "2026-11-20T23:00:00+01:00",
) -> str:
    return change_request(
        name,
        type=type,
        services=services,
        status=status,
        start=start,
        end=end,
        extra=f'outcome: {{finishedAt: "{finished}"{extra}}}\n',
    )
