"""``changeRequest.outsideMaintenanceWindow`` in the real gate (``itsm policy check`` on a
real pull request repository).

At the base, payments-api agrees ``weeknights`` (Monday to Thursday 22:00, 4 hours,
Berlin) and wiki's SLA calendar agrees ``evenings`` (every day 20:00, 4 hours, Berlin).
A change on Tuesday 2027-02-02 14:00-15:00 Berlin is outside both. The predicate is
judged from the base's windows: every attack below widens, adds, re-zones or re-points
the windows in the pull request itself, and the verdict and its reason must not move.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.policy.prrepo import (
    CONFIG,
    POLICY,
    POLICY_PATH,
    SLA_BRONZE,
    PRRepo,
    rule,
    rules,
    service,
)

WEEKNIGHTS = (
    "maintenanceWindows:\n"
    '  - {name: weeknights, rrule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH;BYHOUR=22", duration: 4h,'
    " timezone: Europe/Berlin}\n"
)
EVENINGS = """\
apiVersion: itsmcode/v1
kind: Calendar
metadata: {name: office}
spec:
  timezone: Europe/Berlin
  maintenanceWindows:
    - {name: evenings, rrule: "FREQ=DAILY;BYHOUR=20", duration: 4h}
"""
GATE_POLICY = (
    POLICY
    + """\
    - name: outside-window
      when: {changeRequest: {outsideMaintenanceWindow: true}}
      require: {teams: [cab], count: 1}
    - name: inside-window
      when: {changeRequest: {outsideMaintenanceWindow: false}}
      require: {teams: [oncall], count: 1}
"""
)
NEW = "changes/2027/chg-new.yaml"
PAYMENTS = "catalog/services/payments-api.yaml"
WIKI = "catalog/services/wiki.yaml"
AFTERNOON = ("2027-02-02T14:00:00+01:00", "2027-02-02T15:00:00+01:00")
NIGHT = ("2027-02-02T22:30:00+01:00", "2027-02-02T23:30:00+01:00")


def new_change(services: str = "[payments-api]", window: tuple[str, str] = AFTERNOON) -> str:
    return f"""\
apiVersion: itsmcode/v1
kind: ChangeRequest
metadata: {{name: chg-new}}
spec:
  type: normal
  services: {services}
  requester: pat
  risk: low
  window: {{start: "{window[0]}", end: "{window[1]}"}}
  plan: {{implementation: Do it., backout: Undo it.}}
  status: planned
"""


def windows_repo(tmp_path: Path) -> PRRepo:
    return PRRepo(
        tmp_path / "r",
        {
            POLICY_PATH: GATE_POLICY,
            PAYMENTS: service("payments-api", 1, "payments", "sla: gold\n" + WEEKNIGHTS),
            "catalog/slas/bronze.yaml": SLA_BRONZE + "  calendar: office\n",
            "catalog/calendars/office.yaml": EVENINGS,
        },
    )


def outside(data: Any) -> bool | None:
    found: bool | None = next(c for c in data["changes"] if c["name"] == "chg-new")[
        "outsideMaintenanceWindow"
    ]
    return found


def assert_held_outside(data: Any) -> None:
    """The verdict and its reason: the CAB rule applies to the change, for that reason."""
    assert outside(data) is True
    assert rules(data)["outside-window"] == "pending"
    assert rules(data)["inside-window"] == "skipped"
    assert rule(data, "outside-window")["matched"] == ["ChangeRequest chg-new"]


def test_a_change_in_the_weeknight_window_is_inside(tmp_path: Path) -> None:
    repo = windows_repo(tmp_path)
    repo.push({NEW: new_change(window=NIGHT)})
    code, data, _ = repo.check()
    assert code == 1  # owners and tier-1 still want approvals
    assert outside(data) is False
    assert rules(data)["outside-window"] == "skipped"
    assert rules(data)["inside-window"] == "pending"


def test_a_change_in_the_afternoon_needs_the_cab(tmp_path: Path) -> None:
    repo = windows_repo(tmp_path)
    repo.push({NEW: new_change()})
    code, data, _ = repo.check()
    assert code == 1
    assert_held_outside(data)


def test_the_sla_calendar_windows_count_and_other_items_have_none(tmp_path: Path) -> None:
    repo = windows_repo(tmp_path)
    repo.push(
        {
            NEW: new_change("[wiki]", ("2027-02-02T20:30:00+01:00", "2027-02-02T21:00:00+01:00")),
            WIKI: service("wiki", 4, "platform", "sla: bronze\ndescription: The wiki.\n"),
        }
    )
    _, data, _ = repo.check()
    assert outside(data) is False
    assert (
        next(c for c in data["changes"] if c["name"] == "wiki")["outsideMaintenanceWindow"] is None
    )


def test_a_service_with_no_windows_at_the_base_imposes_none(tmp_path: Path) -> None:
    # checkout declares no window at the base; adding one in the same pull request
    # (which the change would miss) does not bind the change yet: the base decides.
    repo = windows_repo(tmp_path)
    narrow = (
        "maintenanceWindows:\n"
        '  - {name: sundays, rrule: "FREQ=WEEKLY;BYDAY=SU;BYHOUR=3", duration: 1h}\n'
    )
    repo.push(
        {
            NEW: new_change("[checkout]"),
            "catalog/services/checkout.yaml": service(
                "checkout",
                2,
                "platform",
                "dependsOn:\n  - {service: payments-api, type: hard}\n" + narrow,
            ),
        }
    )
    _, data, _ = repo.check()
    assert outside(data) is False


WIDE = (
    "maintenanceWindows:\n"
    '  - {name: always, rrule: "FREQ=DAILY;BYHOUR=0", duration: 24h, timezone: Europe/Berlin}\n'
)
ALWAYS_CALENDAR = """\
apiVersion: itsmcode/v1
kind: Calendar
metadata: {name: always}
spec:
  timezone: Europe/Berlin
  maintenanceWindows:
    - {name: any-time, rrule: "FREQ=DAILY;BYHOUR=0", duration: 24h}
"""
ATTACKS: dict[str, dict[str, str | None]] = {
    "widen the service's window": {
        PAYMENTS: service(
            "payments-api", 1, "payments", "sla: gold\n" + WEEKNIGHTS.replace("4h", "20h")
        )
    },
    "add a window to the service": {
        PAYMENTS: service("payments-api", 1, "payments", "sla: gold\n" + WEEKNIGHTS)
        + '    - {name: afternoons, rrule: "FREQ=DAILY;BYHOUR=13", duration: 3h}\n'
    },
    "replace the windows with an all-day one": {
        PAYMENTS: service("payments-api", 1, "payments", "sla: gold\n" + WIDE)
    },
    "delete the windows": {PAYMENTS: service("payments-api", 1, "payments", "sla: gold\n")},
    "move the window's timezone to Tokyo (14:00 Berlin is 22:00 there)": {
        PAYMENTS: service(
            "payments-api",
            1,
            "payments",
            "sla: gold\n" + WEEKNIGHTS.replace("Europe/Berlin", "Asia/Tokyo"),
        )
    },
    "point the service at an SLA whose calendar is always open": {
        PAYMENTS: service("payments-api", 1, "payments", "sla: anytime\n"),
        "catalog/slas/anytime.yaml": SLA_BRONZE.replace("bronze", "anytime")
        + "  calendar: always\n",
        "catalog/calendars/always.yaml": ALWAYS_CALENDAR,
    },
}


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_the_pull_request_cannot_widen_its_own_windows(tmp_path: Path, attack: str) -> None:
    repo = windows_repo(tmp_path)
    repo.push({**ATTACKS[attack], NEW: new_change()})
    code, data, _ = repo.check()
    assert code == 1
    assert_held_outside(data)


CALENDAR_ATTACKS: dict[str, dict[str, str | None]] = {
    "move the SLA calendar's timezone": {
        "catalog/calendars/office.yaml": EVENINGS.replace("Europe/Berlin", "Asia/Tokyo")
    },
    "widen the SLA calendar's window": {
        "catalog/calendars/office.yaml": EVENINGS.replace("BYHOUR=20", "BYHOUR=0").replace(
            "4h", "24h"
        )
    },
    "point the SLA at another calendar": {
        "catalog/slas/bronze.yaml": SLA_BRONZE + "  calendar: always\n",
        "catalog/calendars/always.yaml": ALWAYS_CALENDAR,
    },
}


@pytest.mark.parametrize("attack", sorted(CALENDAR_ATTACKS))
def test_the_pull_request_cannot_move_its_calendar_windows(tmp_path: Path, attack: str) -> None:
    repo = windows_repo(tmp_path)
    repo.push({**CALENDAR_ATTACKS[attack], NEW: new_change("[wiki]")})
    code, data, _ = repo.check()
    assert code == 1
    assert_held_outside(data)


def test_the_pull_request_cannot_move_the_organisation_zone(tmp_path: Path) -> None:
    # A window without its own timezone is read in itsm.yaml's zone: the base's.
    zoneless = WEEKNIGHTS.replace(", timezone: Europe/Berlin", "")
    assert zoneless != WEEKNIGHTS
    repo = windows_repo(tmp_path)
    repo.git("checkout", "-q", "main")
    repo.apply({PAYMENTS: service("payments-api", 1, "payments", "sla: gold\n" + zoneless)})
    repo.base = repo.commit("zoneless windows at the base")
    repo.git("checkout", "-q", "pr")
    repo.git("reset", "-q", "--hard", repo.base)
    repo.push({"itsm.yaml": CONFIG.replace("Europe/Berlin", "Asia/Tokyo"), NEW: new_change()})
    code, data, _ = repo.check()
    assert code == 1
    assert_held_outside(data)
