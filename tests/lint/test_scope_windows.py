"""The maintenance-window and CAB-minutes rules say what they read, so `itsm lint FILE`
(the pre-commit hook) and a cached full run still answer exactly as `--no-cache`: a
change moved out of its service's windows, a service's or an SLA calendar's windows
taken away, a minutes attendee who leaves the team."""

from __future__ import annotations

import json
from pathlib import Path

from itsmcode.lint import rules
from tests.lint.test_cache import example, lint_json
from tests.lint.test_scope import same_as_uncached, scoped  # noqa: F401  (fixture)

CHANGE = "changes/2026/chg-2026-0040.yaml"  # payments-api and checkout-api, normal, planned
OUTSIDE = 'window: {start: "2026-12-11T10:00:00+01:00", end: "2026-12-11T11:00:00+01:00"}'


def _rules(stdout: str) -> list[tuple[str, str]]:
    return [(d["path"], d["rule"]) for d in json.loads(stdout)["diagnostics"]]


def _move_out(root: Path) -> None:
    path = root / CHANGE
    text = path.read_text()
    start = text.index("window: {")
    end = text.index("\n", start)
    path.write_text(text[:start] + OUTSIDE + text[end:])


def test_a_change_moved_out_of_its_windows_is_reported_by_the_hook(
    tmp_path: Path,
    scoped: list[str],  # noqa: F811
) -> None:
    root = example(tmp_path)
    lint_json(root)  # a full run records every file's facts
    _move_out(root)
    found = _rules(same_as_uncached(root, CHANGE))
    assert (CHANGE, "change-outside-maintenance-window") in found


def test_taking_away_the_windows_changes_the_cached_full_run(
    tmp_path: Path,
    scoped: list[str],  # noqa: F811
) -> None:
    root = example(tmp_path)
    _move_out(root)
    before = _rules(same_as_uncached(root))
    assert (CHANGE, "change-outside-maintenance-window") in before
    # Without any agreed windows on payments-api and checkout-api (their gold SLA has no
    # calendar windows), the change binds to none: the error must go.
    for service in ("payments-api", "checkout-api"):
        path = root / f"catalog/services/{service}.yaml"
        lines = path.read_text().splitlines(keepends=True)
        start = next(i for i, line in enumerate(lines) if line.startswith("  maintenanceWindows:"))
        end = start + 1
        while end < len(lines) and lines[end].startswith("    "):
            end += 1
        path.write_text("".join(lines[:start] + lines[end:]))
    after = _rules(same_as_uncached(root))
    assert (CHANGE, "change-outside-maintenance-window") not in after


def test_a_calendar_window_edit_reaches_the_changes_on_its_services(
    tmp_path: Path,
    scoped: list[str],  # noqa: F811
) -> None:
    root = example(tmp_path)
    assert _rules(same_as_uncached(root)) == []
    # business-hours-eu (the silver and bronze SLAs' calendar) moves its evening window
    # to the early morning: an open normal change on a silver or bronze service planned
    # for the evening no longer fits, and a cached run must see it.
    calendar = root / "catalog/calendars/business-hours-eu.yaml"
    calendar.write_text(calendar.read_text().replace("BYHOUR=19", "BYHOUR=5"))
    cached = lint_json(root)
    assert cached == lint_json(root, "--no-cache")


def test_every_rule_says_what_it_reads() -> None:
    """A rule without NEEDS or READS makes every pre-commit run load the whole
    repository (docs/development.md, "Saying what a rule reads"): each registered rule
    declares both, so a new one cannot slow the hook down unnoticed."""
    missing = [
        module.ID
        for module in rules.RULES.values()
        if not hasattr(module, "NEEDS") or not hasattr(module, "READS")
    ]
    assert missing == []
