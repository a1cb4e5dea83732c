"""change-overlap: related changes overlapping in time, reported on both."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from tests import scale_cases
from tests.helpers import found, lint_repo, messages, service, write_repo
from tests.rules.change_files import WINDOW_COLUMN, change

A = "changes/2026/chg-a.yaml"
B = "changes/2026/chg-b.yaml"
EPOCH_2026 = datetime(2026, 1, 1, tzinfo=timezone.utc)
LATER = {"start": "2026-12-02T23:00:00+01:00", "end": "2026-12-03T01:00:00+01:00"}


def services() -> dict[str, str]:
    return {
        "catalog/services/api.yaml": service("api", extra="dependsOn: [{service: ledger}]\n"),
        "catalog/services/ledger.yaml": service("ledger"),
        "catalog/services/web.yaml": service("web"),
    }


def repo(tmp_path: Path, a: str, b: str) -> Path:
    return write_repo(tmp_path, {**services(), A: a, B: b})


def test_same_service_overlap_reported_on_both(tmp_path: Path) -> None:
    repo(tmp_path, change("chg-a"), change("chg-b", **LATER))
    result = lint_repo(tmp_path)
    assert found(result) == [
        (A, 9, WINDOW_COLUMN, "change-overlap"),
        (B, 9, WINDOW_COLUMN, "change-overlap"),
    ]
    assert messages(result) == [
        "the window overlaps change 'chg-b' (changes/2026/chg-b.yaml, "
        "2026-12-02T23:00:00+01:00 to 2026-12-03T01:00:00+01:00), which also changes "
        "service 'api'; move one of the windows, or merge the two changes into one",
        "the window overlaps change 'chg-a' (changes/2026/chg-a.yaml, "
        "2026-12-02T22:00:00+01:00 to 2026-12-02T23:30:00+01:00), which also changes "
        "service 'api'; move one of the windows, or merge the two changes into one",
    ]


def test_dependency_overlap_in_either_direction(tmp_path: Path) -> None:
    repo(tmp_path, change("chg-a", services="[api]"), change("chg-b", services="[ledger]", **LATER))
    result = lint_repo(tmp_path)
    assert found(result) == [
        (A, 9, WINDOW_COLUMN, "change-overlap"),
        (B, 9, WINDOW_COLUMN, "change-overlap"),
    ]
    first, second = messages(result)
    assert "which changes 'ledger', a service that 'api' depends on" in first
    assert "which changes 'api', a service that depends on 'ledger'" in second


def test_unrelated_services_may_overlap(tmp_path: Path) -> None:
    repo(tmp_path, change("chg-a", services="[api]"), change("chg-b", services="[web]", **LATER))
    assert found(lint_repo(tmp_path)) == []


def test_back_to_back_windows_do_not_overlap(tmp_path: Path) -> None:
    repo(
        tmp_path,
        change("chg-a"),
        change("chg-b", start="2026-12-02T23:30:00+01:00", end="2026-12-03T00:30:00+01:00"),
    )
    assert found(lint_repo(tmp_path)) == []


def test_offsets_are_compared_as_instants(tmp_path: Path) -> None:
    # 22:15Z is 23:15 in Berlin, inside chg-a's 22:00-23:30 +01:00.
    repo(
        tmp_path,
        change("chg-a"),
        change("chg-b", start="2026-12-02T22:15:00Z", end="2026-12-02T23:00:00Z"),
    )
    assert len(found(lint_repo(tmp_path), "change-overlap")) == 2


def test_cancelled_change_is_ignored(tmp_path: Path) -> None:
    repo(tmp_path, change("chg-a"), change("chg-b", status="cancelled", **LATER))
    assert found(lint_repo(tmp_path)) == []


def test_two_closed_changes_are_history(tmp_path: Path) -> None:
    outcome = 'outcome: {finishedAt: "2026-12-03T00:00:00+01:00"}\n'
    repo(
        tmp_path,
        change("chg-a", status="completed", extra=outcome),
        change("chg-b", status="completed", extra=outcome, **LATER),
    )
    assert found(lint_repo(tmp_path)) == []


def test_open_change_over_a_closed_one_is_reported(tmp_path: Path) -> None:
    outcome = 'outcome: {finishedAt: "2026-12-02T23:30:00+01:00"}\n'
    repo(tmp_path, change("chg-a", status="completed", extra=outcome), change("chg-b", **LATER))
    assert found(lint_repo(tmp_path)) == [
        (A, 9, WINDOW_COLUMN, "change-overlap"),
        (B, 9, WINDOW_COLUMN, "change-overlap"),
    ]


def test_long_window_meets_every_later_change(tmp_path: Path) -> None:
    long = change("chg-a", end="2026-12-09T00:00:00+01:00")
    files = {**services(), A: long}
    for day in (3, 5, 7):
        files[f"changes/2026/chg-{day}.yaml"] = change(
            f"chg-{day}",
            start=f"2026-12-0{day}T10:00:00+01:00",
            end=f"2026-12-0{day}T11:00:00+01:00",
        )
    write_repo(tmp_path, files)
    result = lint_repo(tmp_path)
    assert [row[0] for row in found(result)] == [
        "changes/2026/chg-3.yaml",
        "changes/2026/chg-5.yaml",
        "changes/2026/chg-7.yaml",
        A,
        A,
        A,
    ]


def test_5000_changes_are_swept_not_paired(tmp_path: Path) -> None:
    # Ten changes per service, 59-minute windows an hour apart: none overlap, except
    # chg-0 and chg-1 (s0 and s1, where s1 depends on s0) in the same first hour.
    reported = scale_cases.change_overlap_changes(tmp_path, 500, 5000)()
    assert sorted(d.location.path for d in reported) == [
        "changes/2026/chg-0.yaml",
        "changes/2026/chg-1.yaml",
    ]
