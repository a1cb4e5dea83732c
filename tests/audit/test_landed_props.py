"""Landed-at time arithmetic (audit/landed.py) against a slow, obvious reference.

Random first-parent lines with arbitrary (forged) committer dates and ledger runs in
time order: the result must equal a direct transcription of the documented rule, never
go back along the line, put every commit after each run that did not contain it, and
not change when the ledger records one more run (a re-run judges the same).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.audit.landed import landings
from itsmcode.git.facts import Identity
from itsmcode.git.log import LogCommit

T0 = datetime(2026, 10, 1, tzinfo=timezone.utc)
NOW = T0 + timedelta(days=400)
WHO = Identity("x", "x@example.com")


def line(offsets: list[int]) -> list[LogCommit]:
    """A first-parent line whose i-th commit is dated T0 + offsets[i] hours."""
    commits: list[LogCommit] = []
    for i, hours in enumerate(offsets):
        parents = (f"{i - 1:040x}",) if i else ()
        when = T0 + timedelta(hours=hours)
        commits.append(
            LogCommit(f"{i:040x}", parents, "t", WHO, when, WHO, when, "unsigned", "m", ())
        )
    return commits


def reference(
    commits: list[LogCommit], runs: list[tuple[int, datetime]], now: datetime
) -> list[datetime]:
    """The documented rule, commit by commit, with no precomputation."""
    out: list[datetime] = []
    for i, commit in enumerate(commits):
        covering = [k for k, (pos, _) in enumerate(runs) if pos >= i]
        first = covering[0] if covering else None
        before = [t for pos, t in (runs[:first] if first is not None else runs)]
        lows = ([out[-1]] if out else []) + before
        cd = commit.committer_date
        lower = max(lows) if lows else cd
        upper = runs[first][1] if first is not None else now
        out.append(lower if lower > upper else min(max(cd, lower), upper))
    return out


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[LogCommit], list[tuple[int, datetime]]]:
    offsets = draw(st.lists(st.integers(-200, 2000), min_size=1, max_size=25))
    commits = line(offsets)
    count = draw(st.integers(0, 6))
    positions = sorted(
        draw(st.lists(st.integers(0, len(commits) - 1), min_size=count, max_size=count))
    )
    gaps = draw(st.lists(st.integers(0, 300), min_size=count, max_size=count))
    times, t = [], T0
    for gap in gaps:
        t += timedelta(hours=gap)
        times.append(t)
    return commits, list(zip(positions, times, strict=True))


def heads(
    commits: list[LogCommit], runs: list[tuple[int, datetime]]
) -> list[tuple[str, datetime | None]]:
    return [(commits[pos].sha, when) for pos, when in runs]


@settings(max_examples=300, deadline=None)
@given(histories())
def test_matches_the_reference(history: tuple[list[LogCommit], list[tuple[int, datetime]]]) -> None:
    commits, runs = history
    found = landings(commits, {}, heads(commits, runs), NOW)
    assert [found[c.sha].at for c in commits] == reference(commits, runs, NOW)


@settings(max_examples=300, deadline=None)
@given(histories())
def test_invariants(history: tuple[list[LogCommit], list[tuple[int, datetime]]]) -> None:
    commits, runs = history
    found = landings(commits, {}, heads(commits, runs), NOW)
    at = [found[c.sha].at for c in commits]
    assert at == sorted(at)  # never back along the line
    for pos, when in runs:  # pushed after a run that did not contain it
        assert all(a >= when for a in at[pos + 1 :])
    for commit, a in zip(commits, at, strict=True):
        # a date that is believed is reported as nothing, and one moved is reported
        if a != commit.committer_date and abs(a - commit.committer_date) > timedelta(hours=1):
            assert any(v.control == "implausible-date" for v in found[commit.sha].problems)


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(0, 500))
def test_one_more_run_changes_nothing(
    history: tuple[list[LogCommit], list[tuple[int, datetime]]], later: int
) -> None:
    """The ledger grows by the run being made (after every commit it sees): the times
    already given stand, so a period's export is the same when re-run."""
    commits, runs = history
    first = landings(commits, {}, heads(commits, runs), NOW)
    last = max(
        [c.committer_date for c in commits]
        + [w for _, w in runs]
        + [first[c.sha].at for c in commits]
    )
    grown = [*runs, (len(commits) - 1, last + timedelta(hours=later))]
    again = landings(commits, {}, heads(commits, grown), NOW)
    assert [again[c.sha].at for c in commits] == [first[c.sha].at for c in commits]
