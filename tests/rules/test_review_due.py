"""review-due: reviewBy in the past (warning), in the repository's time zone."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from itsmcode.diagnostics import Severity
from tests.helpers import found, lint_repo, messages, service, write_repo

RULE = "review-due"
SLA = """\
apiVersion: itsmcode/v1
kind: SLA
metadata: {name: gold}
spec:
  reviewBy: 2026-11-01
"""
TEMPLATE = """\
apiVersion: itsmcode/v1
kind: StandardChange
metadata: {name: restart}
spec:
  description: Restart a pod.
  reviewBy: 2026-11-23
"""
PROBLEM = """\
apiVersion: itsmcode/v1
kind: Problem
metadata: {{name: {name}}}
spec:
  services: [api]
  status: {status}
  reviewBy: 2026-01-01
"""


def test_each_kind_past_its_review_date(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api", extra="reviewBy: 2026-11-23\n"),
            "catalog/slas/gold.yaml": SLA,
            "processes/standard-changes/restart.yaml": TEMPLATE,
            "problems/prb-open.yaml": PROBLEM.format(name="prb-open", status="risk-accepted"),
        },
    )
    result = lint_repo(tmp_path)  # now: 2026-11-24 12:00 UTC
    assert found(result) == [
        ("catalog/services/api.yaml", 9, 13, RULE),
        ("catalog/slas/gold.yaml", 5, 13, RULE),
        ("problems/prb-open.yaml", 7, 13, RULE),
        ("processes/standard-changes/restart.yaml", 6, 13, RULE),
    ]
    assert {d.severity for d in result.diagnostics} == {Severity.WARNING}
    assert messages(result) == [
        "this service was due for review on 2026-11-23 (1 day ago); review it and set "
        "reviewBy to the next review date",
        "this SLA was due for review on 2026-11-01 (23 days ago); review it and set reviewBy "
        "to the next review date",
        "this problem was due for review on 2026-01-01 (327 days ago); review it and set "
        "reviewBy to the next review date",
        "this standard change was due for review on 2026-11-23 (1 day ago); review it and set "
        "reviewBy to the next review date",
    ]


def test_due_today_or_later_is_fine(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api", extra="reviewBy: 2026-11-24\n"),
            "catalog/services/web.yaml": service("web", extra="reviewBy: 2027-03-01\n"),
        },
    )
    assert found(lint_repo(tmp_path)) == []


def test_today_is_read_in_the_repository_time_zone(tmp_path: Path) -> None:
    # 23:30 UTC on the 23rd is already the 24th in Berlin (itsm.yaml's zone).
    write_repo(
        tmp_path,
        {"catalog/services/api.yaml": service("api", extra="reviewBy: 2026-11-23\n")},
    )
    late = datetime(2026, 11, 23, 23, 30, tzinfo=timezone.utc)
    early = datetime(2026, 11, 23, 22, 30, tzinfo=timezone.utc)
    assert found(lint_repo(tmp_path, now=late)) == [("catalog/services/api.yaml", 9, 13, RULE)]
    assert found(lint_repo(tmp_path, now=early)) == []


def test_retired_services_and_resolved_problems_are_done(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service(
                "api", lifecycle="retired", extra="reviewBy: 2020-01-01\n"
            ),
            "problems/prb-done.yaml": PROBLEM.format(name="prb-done", status="resolved"),
        },
    )
    assert found(lint_repo(tmp_path)) == []
