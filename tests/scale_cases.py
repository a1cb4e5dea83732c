"""Inputs at scale, shared by the unit tests (which assert what comes out) and by
benchmarks/bench_worst_cases.py (which times the same calls against documented targets,
docs/benchmarks.md). No timing here: timing targets never live in unit tests.

Each builder prepares its input and returns a zero-argument callable: the one call to
time, whose result the unit test checks.
"""

from __future__ import annotations

import gc
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from itsmcode.clock.freezes import FreezeInterval, freeze_intervals
from itsmcode.diagnostics import Diagnostic, LintResult
from itsmcode.lint.engine import LintOptions, lint
from itsmcode.lint.rules import change_overlap, change_window
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.config import load_config
from itsmcode.load.layout import Layout
from itsmcode.load.snapshot import load_worktree
from itsmcode.models import Calendar
from tests.helpers import NOW, service, write_repo
from tests.rules.change_files import FREEZES_PATH, POLICY_PATH, calendar, change, policy

UTC = timezone.utc
HOSTILE_FILES = Path(__file__).parent / "data" / "hostile" / "files"
EPOCH_2026 = datetime(2026, 1, 1, tzinfo=UTC)
WINDOW_FREEZES = calendar(
    "change-freezes",
    """
    freezes:
      - {name: year-end, start: "2026-12-18T00:00:00+01:00", end: "2027-01-04T00:00:00+01:00"}
      - {name: friday-afternoon, rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15", duration: 63h}
    """,
)
#: 10:00 on a Saturday or Sunday is inside Friday 15:00 to Monday 06:00; November 2026
#: begins on a Sunday.
WEEKEND_DAYS = frozenset({1, 7, 8, 14, 15, 21, 22, 28})


def _calendar(freeze: dict[str, str], zone: str) -> Calendar:
    return Calendar.model_validate(
        {
            "apiVersion": "itsmcode/v1",
            "kind": "Calendar",
            "metadata": {"name": "change-freezes"},
            "spec": {"timezone": zone, "freezes": [freeze]},
        }
    )


def far_future_minutely() -> Callable[[], list[FreezeInterval]]:
    """One hour of year 9000 of a minutely rule: walking it from 1970 would take hours."""
    cal = _calendar({"name": "f", "rrule": "FREQ=MINUTELY;INTERVAL=7", "duration": "1m"}, "UTC")
    lo, hi = datetime(9000, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, 1, tzinfo=UTC)
    return lambda: freeze_intervals(cal, lo, hi)


def dead_rule_monthly() -> Callable[[], list[list[FreezeInterval]]]:
    """Twelve monthly queries of a rule that never occurs (30 February)."""
    cal = _calendar(
        {"name": "dead", "rrule": "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "duration": "1h"},
        "Europe/Berlin",
    )
    tz = ZoneInfo("Europe/Berlin")
    months = [
        (datetime(2026, m, 1, tzinfo=tz), datetime(2026, m, 28, tzinfo=tz)) for m in range(1, 13)
    ]
    return lambda: [freeze_intervals(cal, lo, hi) for lo, hi in months]


def alias_bomb(root: Path) -> Callable[[], LintResult]:
    """A repository holding a 9**9-node alias bomb (387 million nodes if expanded)."""
    write_repo(root, {"catalog/services/api.yaml": service("api")})
    shutil.copyfile(HOSTILE_FILES / "alias-bomb.yaml", root / "catalog/services/alias-bomb.yaml")
    return lambda: lint(root, LintOptions(now=NOW))


def _rule_call(root: Path, module: Any) -> Callable[[], list[Diagnostic]]:
    config = load_config(root)
    catalog = load_worktree(root, config)
    context = LintContext(config=config, layout=Layout.from_config(config), now=NOW)
    # The loader defers garbage collection; settle it so only the rule is measured.
    gc.collect()
    return lambda: list(module.check(catalog, context))


def change_window_changes(root: Path, count: int = 2000) -> Callable[[], list[Diagnostic]]:
    """``count`` changes at 10:00 on each day of November 2026, against weekly freezes."""
    files = {
        "catalog/services/api.yaml": service("api"),
        FREEZES_PATH: WINDOW_FREEZES,
        POLICY_PATH: policy(),
    }
    for i in range(count):
        day = 1 + i % 28
        files[f"changes/2026/chg-{i}.yaml"] = change(
            f"chg-{i}",
            start=f"2026-11-{day:02d}T10:00:00+01:00",
            end=f"2026-11-{day:02d}T11:00:00+01:00",
        )
    write_repo(root, files)
    return _rule_call(root, change_window)


def change_overlap_changes(
    root: Path, services: int = 500, changes: int = 5000
) -> Callable[[], list[Diagnostic]]:
    """A dependency chain of services, ten changes each an hour apart: only chg-0 and
    chg-1 (s0 and s1, s1 depending on s0) share a window."""
    files: dict[str, str] = {}
    for s in range(services):
        deps = f"dependsOn: [{{service: s{s - 1}}}]\n" if s else ""
        files[f"catalog/services/s{s}.yaml"] = service(f"s{s}", extra=deps)
    for i in range(changes):
        start = EPOCH_2026 + timedelta(hours=0 if i < 2 else i)
        files[f"changes/2026/chg-{i}.yaml"] = change(
            f"chg-{i}",
            services=f"[s{i % services}]",
            start=start.isoformat(),
            end=(start + timedelta(minutes=59)).isoformat(),
        )
    write_repo(root, files)
    return _rule_call(root, change_overlap)
