"""incident-timeline and problem-links: incident timestamps in order, holds and downtime
well-formed, incidents and problems naming each other."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import found, lint_repo, messages, service, write_repo

INC = "incidents/2026/inc-1.yaml"
PRB = "problems/prb-1.yaml"


def incident(extra: str, *, name: str = "inc-1") -> str:
    """Lines 5 services, 6 priority, 7 openedAt, then ``extra`` from line 8."""
    return (
        "apiVersion: itsmcode/v1\nkind: Incident\n"
        f"metadata: {{name: {name}}}\n"
        "spec:\n  services: [api]\n  priority: P2\n"
        '  openedAt: "2026-11-03T10:00:00+01:00"\n' + extra
    )


def problem(incidents: str) -> str:
    return (
        "apiVersion: itsmcode/v1\nkind: Problem\nmetadata: {name: prb-1}\n"
        f"spec:\n  services: [api]\n  incidents: {incidents}\n"
    )


def run(tmp_path: Path, files: dict[str, str]) -> tuple[list[tuple[str, int, int, str]], list[str]]:
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api"), **files})
    result = lint_repo(tmp_path)
    return found(result), messages(result)


def test_a_complete_timeline_is_clean(tmp_path: Path) -> None:
    text = incident(
        '  respondedAt: "2026-11-03T10:05:00+01:00"\n'
        '  resolvedAt: "2026-11-03T12:00:00+01:00"\n'
        '  onHold: [{start: "2026-11-03T10:30:00+01:00", end: "2026-11-03T11:00:00+01:00"},'
        ' {start: "2026-11-03T11:00:00+01:00", end: "2026-11-03T11:10:00+01:00", reason: x}]\n'
        '  downtime: {start: "2026-11-03T09:50:00+01:00", end: "2026-11-03T11:00:00+01:00"}\n'
    )
    assert run(tmp_path, {INC: text}) == ([], [])


def test_resolved_before_opened_and_responded(tmp_path: Path) -> None:
    text = incident(
        '  respondedAt: "2026-11-03T09:00:00+01:00"\n  resolvedAt: "2026-11-03T09:30:00+01:00"\n'
    )
    assert run(tmp_path, {INC: text}) == (
        [(INC, 8, 16, "incident-timeline"), (INC, 9, 15, "incident-timeline")],
        [
            "respondedAt is before openedAt; fix either timestamp",
            "resolvedAt is before openedAt; fix either timestamp",
        ],
    )


def test_resolved_before_responded(tmp_path: Path) -> None:
    text = incident(
        '  respondedAt: "2026-11-03T11:00:00+01:00"\n  resolvedAt: "2026-11-03T10:30:00+01:00"\n'
    )
    assert run(tmp_path, {INC: text})[0] == [(INC, 9, 15, "incident-timeline")]


def test_holds_out_of_order_inverted_open_and_late(tmp_path: Path) -> None:
    text = incident(
        '  resolvedAt: "2026-11-03T12:00:00+01:00"\n'
        "  onHold:\n"
        '    - {start: "2026-11-03T09:00:00+01:00", end: "2026-11-03T10:30:00+01:00"}\n'
        '    - {start: "2026-11-03T10:20:00+01:00", end: "2026-11-03T10:10:00+01:00"}\n'
        '    - {start: "2026-11-03T11:00:00+01:00"}\n'
        '    - {start: "2026-11-03T11:30:00+01:00", end: "2026-11-03T12:30:00+01:00"}\n'
    )
    assert run(tmp_path, {INC: text}) == (
        [
            (INC, 10, 15, "incident-timeline"),
            (INC, 11, 15, "incident-timeline"),
            (INC, 11, 49, "incident-timeline"),
            (INC, 12, 7, "incident-timeline"),
            (INC, 13, 49, "incident-timeline"),
        ],
        [
            "this hold starts before openedAt; holds are in time order",
            "this hold starts before the end of the previous hold; holds are in time order",
            "this hold ends before it starts",
            "a resolved incident is not on hold; give this hold an end",
            "this hold ends after resolvedAt; end it by the resolution",
        ],
    )


def test_only_the_last_hold_of_an_open_incident_may_be_open(tmp_path: Path) -> None:
    text = incident(
        '  onHold:\n    - {start: "2026-11-03T11:00:00+01:00"}\n'
        '    - {start: "2026-11-03T12:00:00+01:00"}\n'
    )
    assert run(tmp_path, {INC: text}) == (
        [(INC, 9, 7, "incident-timeline")],
        ["only the last hold may be open (no end); give this hold an end"],
    )


def test_downtime_inverted_or_open_after_resolution(tmp_path: Path) -> None:
    inverted = incident(
        '  downtime: {start: "2026-11-03T11:00:00+01:00", end: "2026-11-03T10:00:00+01:00"}\n'
    )
    assert run(tmp_path, {INC: inverted}) == (
        [(INC, 8, 55, "incident-timeline")],
        ["downtime ends before it starts"],
    )
    still_down = incident(
        '  resolvedAt: "2026-11-03T12:00:00+01:00"\n'
        '  downtime: {start: "2026-11-03T11:00:00+01:00"}\n'
    )
    assert run(tmp_path, {INC: still_down})[1] == [
        "the incident is resolved but its downtime has no end; set downtime.end"
    ]


def test_problem_lists_an_incident_that_does_not_name_it(tmp_path: Path) -> None:
    assert run(tmp_path, {INC: incident(""), PRB: problem("[inc-1]")}) == (
        [(PRB, 6, 15, "problem-links")],
        ["inc-1 does not name this problem; set its spec.problem: prb-1"],
    )


def test_incident_names_a_problem_that_does_not_list_it(tmp_path: Path) -> None:
    assert run(tmp_path, {INC: incident("  problem: prb-1\n"), PRB: problem("[]")}) == (
        [(INC, 8, 12, "problem-links")],
        ["problem 'prb-1' does not list this incident; add inc-1 to its spec.incidents"],
    )


def test_linked_both_ways_is_clean_and_typos_get_a_suggestion(tmp_path: Path) -> None:
    files = {INC: incident("  problem: prb-1\n"), PRB: problem("[inc-1]")}
    assert run(tmp_path, files) == ([], [])
    typo = {INC: incident("  problem: prb-l\n"), PRB: problem("[]")}
    assert run(tmp_path, typo)[1] == ["unknown Problem 'prb-l' (did you mean 'prb-1'?)"]
