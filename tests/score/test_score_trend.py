"""itsm score --since/--every and the roadmap over a real git history (commits dated with
GIT_AUTHOR_DATE/GIT_COMMITTER_DATE), through the real CLI. Dates are relative to today
(the roadmap is judged as of now); every expected value is worked out from the commits.

The scorecard: bronze = description + owner-oncall, silver = sla-present + runbook-link.
History (T = today, UTC):

- T-70d: rising, stuck and done, all tier 1 and bronze (no SLA, no runbook: 2 silver
  checks to fix each);
- T-35d: rising gets an SLA (1 left); done gets an SLA and a runbook (silver);
  latecomer is added (bronze).
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from tests.audit.scripted import History
from tests.helpers import run_cli
from tests.score.scored import CONFIG, GOLD, service, team

TODAY = datetime.now(timezone.utc).date()
T70 = TODAY - timedelta(days=70)
T35 = TODAY - timedelta(days=35)


def card(by: date) -> str:
    return f"""\
apiVersion: itsmcode/v1
kind: Scorecard
metadata: {{name: basics}}
spec:
  levels:
    - name: bronze
      checks: [{{check: description}}, {{check: owner-oncall}}]
    - name: silver
      checks: [{{check: sla-present}}, {{check: runbook-link}}]
  targets:
    - {{tiers: [1], level: silver, by: {by.isoformat()}}}
"""


def at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9), timezone.utc)


def history(root: Path, by: date) -> History:
    repo = History(root)
    repo.clock = at_nine(T70) - timedelta(hours=1)  # commit() ticks one hour first
    repo.commit(
        "catalog",
        {
            "itsm.yaml": CONFIG,
            "processes/scorecards/basics.yaml": card(by),
            "catalog/slas/gold.yaml": GOLD,
            "catalog/teams/ops.yaml": team("ops", oncall=True),
            "catalog/services/rising.yaml": service("rising", tier=1),
            "catalog/services/stuck.yaml": service("stuck", tier=1),
            "catalog/services/done.yaml": service("done", tier=1),
        },
    )
    repo.clock = at_nine(T35) - timedelta(hours=1)
    repo.commit(
        "progress",
        {
            "catalog/services/rising.yaml": service("rising", tier=1, spec="  sla: gold\n"),
            "catalog/services/done.yaml": service(
                "done", tier=1, runbook=True, spec="  sla: gold\n"
            ),
            "catalog/services/latecomer.yaml": service("latecomer", tier=3),
        },
    )
    return repo


def score(root: Path, *args: str, code: int = 0) -> dict[str, Any]:
    result = run_cli(["score", *args, "--format", "json", "--repo", str(root)])
    assert result.exit_code == code, result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed


def standings(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    [target] = data["targets"]
    return {s["service"]: (s["status"], s["reason"]) for s in target["standings"]}


def test_on_track_and_at_risk_from_the_trend(tmp_path: Path) -> None:
    by = TODAY + timedelta(days=100)
    history(tmp_path, by)
    data = score(tmp_path)
    [target] = data["targets"]
    # The default window (12 weeks) starts before the history: the baseline is the
    # first commit with an itsm.yaml, at T-70d.
    assert target["since"] == T70.isoformat()
    # rising fixed 1 check in 70 days; 1 left at that pace takes 70 more days.
    projected = TODAY + timedelta(days=70)
    assert standings(data) == {
        "done": ("met", "at silver"),
        "rising": (
            "on-track",
            f"1 check fixed since {T70}; at that pace the 1 left (runbook-link) is done by "
            f"{projected}",
        ),
        "stuck": (
            "at-risk",
            f"no progress since {T70} (2 then); 2 checks to fix (sla-present, runbook-link)",
        ),
    }
    assert target["status"] == "at-risk"


def test_the_projected_date_after_the_target_is_at_risk(tmp_path: Path) -> None:
    by = TODAY + timedelta(days=30)
    history(tmp_path, by)
    projected = TODAY + timedelta(days=70)
    assert standings(score(tmp_path))["rising"] == (
        "at-risk",
        f"1 check fixed since {T70}; at that pace the 1 left (runbook-link) is done by "
        f"{projected}, after {by}",
    )


def test_a_trend_crossing_the_target_date(tmp_path: Path) -> None:
    # The target date lies inside the trend: done made it before, the others are late.
    by = TODAY - timedelta(days=20)
    history(tmp_path, by)
    since = TODAY - timedelta(days=84)
    data = score(tmp_path, "--since", since.isoformat(), "--every", "2w", code=0)
    trend = data["trend"]
    days = [since + timedelta(weeks=2 * k) for k in range(7)]  # the last is today
    assert days[-1] == TODAY
    assert trend["every"] == "2w"
    assert [s["date"] for s in trend["samples"]] == [d.isoformat() for d in days]
    # No commit on the first sample day (history starts at T-70d): nothing to read.
    assert trend["samples"][0]["commit"] is None
    assert [s["commit"] is None for s in trend["samples"]] == [True] + [False] * 5 + [True]
    levels = {
        s["service"]: [None if p is None else p["level"] for p in s["points"]]
        for s in trend["services"]
    }
    # Samples: T-84, T-70, T-56, T-42 (before the progress commit), T-28, T-14, T.
    assert levels == {
        "done": [None, "bronze", "bronze", "bronze", "silver", "silver", "silver"],
        "latecomer": [None, None, None, None, "bronze", "bronze", "bronze"],
        "rising": [None, "bronze", "bronze", "bronze", "bronze", "bronze", "bronze"],
        "stuck": [None, "bronze", "bronze", "bronze", "bronze", "bronze", "bronze"],
    }
    failing = {s["service"]: [p and p["failing"] for p in s["points"]] for s in trend["services"]}
    assert failing["rising"] == [None, 2, 2, 2, 1, 1, 1]
    # The roadmap is judged from the trend's first sample that read a catalog.
    assert data["targets"][0]["since"] == (TODAY - timedelta(days=70)).isoformat()
    assert standings(data) == {
        "done": ("met", "at silver"),
        "rising": ("late", f"{by} has passed; 1 check to fix (runbook-link)"),
        "stuck": ("late", f"{by} has passed; 2 checks to fix (sla-present, runbook-link)"),
    }
    assert data["targets"][0]["status"] == "late"


def test_trend_text_table(tmp_path: Path) -> None:
    history(tmp_path, TODAY + timedelta(days=100))
    since = TODAY - timedelta(days=42)
    result = run_cli(
        ["score", "--since", since.isoformat(), "--every", "3w", "--repo", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    table = result.stdout.split("Trend (every 3w)\n")[1]
    d0, d1 = since.isoformat(), (since + timedelta(weeks=3)).isoformat()
    assert table == (
        f"  service    scorecard  {d0}  {d1}  {TODAY}\n"
        "  done       basics     bronze      silver      silver\n"
        "  latecomer  basics                 bronze      bronze\n"
        "  rising     basics     bronze      bronze      bronze\n"
        "  stuck      basics     bronze      bronze      bronze\n"
    )


@pytest.mark.parametrize(
    ("offset", "fail_on", "code"),
    [
        (100, "late", 0),  # stuck is at risk, nobody late
        (100, "at-risk", 1),
        (-1, "late", 1),
        (-1, "at-risk", 1),  # late is worse than at risk
    ],
)
def test_fail_on_exit_codes(tmp_path: Path, offset: int, fail_on: str, code: int) -> None:
    history(tmp_path, TODAY + timedelta(days=offset))
    score(tmp_path, "--fail-on", fail_on, code=code)


def test_fail_on_at_risk_passes_when_all_are_on_track(tmp_path: Path) -> None:
    repo = history(tmp_path, TODAY + timedelta(days=100))
    # stuck leaves the target (tier 2): rising is on track, done met.
    repo.clock = at_nine(TODAY - timedelta(days=1))
    repo.commit("stuck is tier 2", {"catalog/services/stuck.yaml": service("stuck", tier=2)})
    data = score(tmp_path, "--fail-on", "at-risk", code=0)
    assert data["targets"][0]["status"] == "on-track"


def test_a_shallow_clone_cannot_judge_and_says_so(tmp_path: Path) -> None:
    origin = history(tmp_path / "origin", TODAY + timedelta(days=100))
    clone = tmp_path / "clone"
    origin.git("clone", "-q", "--depth", "1", f"file://{origin.root}", str(clone))
    warned = run_cli(["score", "--fail-on", "at-risk", "--repo", str(clone)])
    assert warned.exit_code == 0  # unknown is not a failure, and the warning says so
    assert warned.stderr == (
        "itsm: warning: some services could not be judged on-track or at-risk (see each "
        "reason); --fail-on at-risk does not fail on them\n"
    )
    data = score(clone, "--fail-on", "at-risk")
    reason = (
        "a shallow clone: no history to judge the trend from (git fetch --unshallow, or "
        "actions/checkout with fetch-depth: 0)"
    )
    assert standings(data)["stuck"] == (
        "unknown",
        f"{reason}; 2 checks to fix (sla-present, runbook-link)",
    )
    assert data["targets"][0]["status"] == "unknown"
    # An explicit trend cannot be read from a partial history: a one-line error.
    result = run_cli(["score", "--since", str(T70), "--repo", str(clone)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "partial history" in result.stderr and "fetch-depth: 0" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-01-01", "--every", "0w"], "--every '0w': use a whole number"),
        (["--since", "2026-01-01", "--every", "1y"], "--every '1y': use a whole number"),
        (["--since", "2026-01-01", "--every", "w"], "--every 'w': use a whole number"),
        (["--since", "2026-01-01", "--every", "1.5w"], "--every '1.5w': use a whole number"),
        (["--since", "2026-13-01"], "--since '2026-13-01': use a date, YYYY-MM-DD"),
        (["--since", "yesterday"], "--since 'yesterday': use a date, YYYY-MM-DD"),
        (["--since", "2026-01-01", "--until", "2025-12-01"], "is after --until"),
        (["--since", str(TODAY), "--until", str(TODAY + timedelta(days=1))], "after today"),
        (["--every", "1w"], "give its first day with --since"),
        (["--since", "2000-01-01", "--every", "1d"], "choose a longer interval"),
    ],
)
def test_bad_trend_options_are_one_line_errors(
    tmp_path: Path, args: list[str], message: str
) -> None:
    history(tmp_path, TODAY)
    result = run_cli(["score", *args, "--repo", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_trend_needs_git(tmp_path: Path) -> None:
    from tests.score.scored import make_repo

    make_repo(tmp_path)
    result = run_cli(["score", "--since", str(T70), "--repo", str(tmp_path)])
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr
    assert result.stderr.count("\n") == 1


def test_markdown_roadmap_and_trend(tmp_path: Path) -> None:
    history(tmp_path, TODAY + timedelta(days=100))
    since = TODAY - timedelta(days=42)
    args = ["--format", "markdown", "--since", str(since), "--every", "3w"]
    result = run_cli(["score", *args, "--repo", str(tmp_path)])
    assert result.exit_code == 0, result.output
    out = result.stdout
    # Baseline: the trend's first sample (T-42d: after the first commit, before the second).
    assert (
        "  - `stuck` (ops): **at-risk**: no progress since "
        f"{since} (2 then); 2 checks to fix (sla-present, runbook-link)\n" in out
    )
    # latecomer (bronze, no SLA, no runbook) is blocked at silver as well.
    assert (
        "\nFix next:\n\n- silver runbook-link: blocks 3 services (latecomer, rising, stuck)\n"
        "- silver sla-present: blocks 2 services (latecomer, stuck)\n" in out
    )
    d1 = since + timedelta(weeks=3)
    assert (
        f"| service | scorecard | {since} | {d1} | {TODAY} |\n|---|---|---|---|---|\n"
        "| done | basics | bronze | silver | silver |\n"
        "| latecomer | basics |   | bronze | bronze |\n" in out
    )
