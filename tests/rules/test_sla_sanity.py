"""sla-sanity: response <= resolution; P1 <= P2 <= P3 <= P4 per field (errors)."""

from __future__ import annotations

from pathlib import Path

from itsmcode.diagnostics import Severity
from tests.helpers import found, lint_repo, messages, write_repo
from tests.rules.sla_files import sla

PATH = "catalog/slas/gold.yaml"
RULE = "sla-sanity"
RESPONSE = 20  # column of a response value: "    P1: {response: "


def resolution_column(response: str) -> int:
    return RESPONSE + len(response) + len(", resolution: ")


def test_consistent_sla_with_a_gap_is_clean(tmp_path: Path) -> None:
    # P2 is not set; equal targets are allowed.
    text = sla("gold", 99.95, P1=("15m", "4h"), P3=("4h", "4h"), P4=("4h", "20d"))
    write_repo(tmp_path, {PATH: text})
    assert found(lint_repo(tmp_path)) == []


def test_sla_without_targets_is_clean(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: sla("gold", 99.9)})
    assert found(lint_repo(tmp_path)) == []


def test_response_longer_than_resolution(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: sla("gold", P1=("15m", "4h"), P2=("2d", "1d"))})
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 8, RESPONSE, RULE)]
    assert [d.severity for d in result.diagnostics] == [Severity.ERROR]
    assert messages(result) == [
        "P2 response 2d is longer than its resolution 1d: an incident cannot be resolved "
        "before it is responded to; shorten the response or lengthen the resolution"
    ]


def test_lower_priority_faster_than_higher(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: sla("gold", P1=("1h", "4h"), P2=("30m", "1d"))})
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 8, RESPONSE, RULE)]
    assert messages(result) == [
        "P2 response 30m is shorter than P1 response 1h: a lower priority must not be "
        "promised faster than a higher one (P1 <= P2 <= P3 <= P4); lengthen P2 or shorten P1"
    ]


def test_resolution_is_checked_separately(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: sla("gold", P1=("15m", "1d"), P2=("1h", "8h"))})
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 8, resolution_column("1h"), RULE)]
    assert messages(result)[0].startswith("P2 resolution 8h is shorter than P1 resolution 1d")


def test_gap_still_compares_set_priorities(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: sla("gold", P1=("4h", "1d"), P3=("1h", "5d"))})
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 8, RESPONSE, RULE)]
    assert messages(result)[0].startswith("P3 response 1h is shorter than P1 response 4h")


def test_typo_in_p1_shows_in_every_later_priority(tmp_path: Path) -> None:
    # P1 says 1d where 1h was meant: P2 and P3 both name P1 as the target they undercut.
    text = sla("gold", P1=("1d", "2d"), P2=("1h", "2d"), P3=("4h", "5d"))
    write_repo(tmp_path, {PATH: text})
    result = lint_repo(tmp_path)
    assert found(result) == [(PATH, 8, RESPONSE, RULE), (PATH, 9, RESPONSE, RULE)]
    assert [m.split(":")[0] for m in messages(result)] == [
        "P2 response 1h is shorter than P1 response 1d",
        "P3 response 4h is shorter than P1 response 1d",
    ]


def test_both_problems_on_one_target(tmp_path: Path) -> None:
    write_repo(tmp_path, {PATH: sla("gold", P1=("1h", "4h"), P2=("30m", "20m"))})
    result = lint_repo(tmp_path)
    assert found(result) == [
        (PATH, 8, RESPONSE, RULE),
        (PATH, 8, RESPONSE, RULE),
        (PATH, 8, resolution_column("30m"), RULE),
    ]
    assert sorted(m.split(":")[0] for m in messages(result)) == [
        "P2 resolution 20m is shorter than P1 resolution 4h",
        "P2 response 30m is longer than its resolution 20m",
        "P2 response 30m is shorter than P1 response 1h",
    ]
