"""Dates the pusher chooses (issue 16, item 4): each change is judged when it really landed.

A local merge sets its committer date freely. Attacks: a merge dated forward so a late
approval looks timely; a merge dated back out of a freeze; a commit dated back into a
period already exported. Each must show as ``implausible-date`` and be judged at the
time the history and the ledger prove.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from itsmcode.policy.approval_record import Approval
from tests.audit.scripted import POLICY, History, Merged, base_files, change, controls, row, service

LEDGER = "catalog/services/ledger.yaml"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def approved_by(h: History, merged: Merged, login: str, when: datetime) -> None:
    """The record of ``merged`` with one approval by ``login`` submitted at ``when``."""
    approval = Approval(login=login, submitted_at=when, commit=merged.head)
    record = h.record(merged, "alice", []).model_copy(update={"approvers": [approval]})
    h.note(merged.merge, record.to_json())


def reasons(doc: dict[str, Any], sha: str, control: str) -> list[str]:
    return [v["reason"] for v in row(doc, sha)["violations"] if v["control"] == control]


def ledger_run(h: History, ledger: Path, now: str, *args: str) -> dict[str, Any]:
    result = h.itsm("audit", "--format", "json", "--ledger", str(ledger), "--now", now, *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


# -- a forward-dated merge makes a late approval look timely ---------------------------


def forward_dated_merge(tmp_path: Path) -> tuple[History, Merged, str]:
    """alice's PR merged at 12:00 but dated four days later; the ledger's 12:30 run saw
    it; bob approves at 10-03, after the real merge and before the claimed one."""
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))  # 10:00
    base, head = h.open_pull_request(
        1, "alice", {"catalog/services/ledger.yaml": service("ledger", 2)}
    )
    h.tick()  # 12:00
    merged = h.merge(1, base, head, dated=at("2026-10-05T12:00:00"))
    return h, merged, "2026-10-01T12:30:00Z"


def test_forward_dated_merge_is_judged_when_the_ledger_first_saw_it(tmp_path: Path) -> None:
    h, merged, seen = forward_dated_merge(tmp_path)
    ledger = tmp_path / "ledger.json"
    ledger_run(h, ledger, seen)
    h.clock = at("2026-10-04T09:00:00")  # a record written (back-filled) days later
    approved_by(h, merged, "bob", at("2026-10-03T09:00:00"))
    doc = ledger_run(h, ledger, "2026-12-31T00:00:00Z")
    assert controls(doc, merged.merge) == [
        "approval-not-valid",
        "approved-after-merge",
        "implausible-date",
    ]
    assert row(doc, merged.merge)["landedAt"] == "2026-10-01T12:30:00+00:00"
    assert reasons(doc, merged.merge, "implausible-date") == [
        "committed at 2026-10-05T12:00:00+00:00, after the audit ledger's run that first saw "
        "it (2026-10-01T12:30:00+00:00): dated in the future, judged as landed at "
        "2026-10-01T12:30:00+00:00"
    ]
    assert reasons(doc, merged.merge, "approved-after-merge") == [
        "recorded approvals of pull request #1 that did not authorize it before it merged: "
        "bob (approved at 2026-10-03T09:00:00+00:00, after the merge at "
        "2026-10-01T12:30:00+00:00)"
    ]


def test_forward_dated_merge_is_judged_when_its_record_was_written(tmp_path: Path) -> None:
    # No ledger: the record workflow wrote the note right after the real merge (12:00).
    h, merged, _ = forward_dated_merge(tmp_path)
    approved_by(h, merged, "bob", at("2026-10-03T09:00:00"))
    doc = h.audit_json()
    assert reasons(doc, merged.merge, "implausible-date") == [
        "committed at 2026-10-05T12:00:00+00:00, after the notes commit that wrote its "
        "approval record (2026-10-01T12:00:00+00:00): dated in the future, judged as landed "
        "at 2026-10-01T12:00:00+00:00"
    ]
    assert "approved-after-merge" in controls(doc, merged.merge)


def test_forward_dated_merge_without_a_ledger_is_named_by_the_next_commit(
    tmp_path: Path,
) -> None:
    h, merged, _ = forward_dated_merge(tmp_path)
    nxt = h.pull_request(2, "alice", {"catalog/services/cache.yaml": service("cache", 2)})
    h.clock = at("2026-10-06T09:00:00")  # the record is written after the claimed date
    approved_by(h, merged, "bob", at("2026-10-03T09:00:00"))
    doc = h.audit_json()
    assert reasons(doc, merged.merge, "implausible-date") == [
        "committed at 2026-10-05T12:00:00+00:00, after the commit that follows it on the "
        f"branch, {nxt.merge[:12]} (2026-10-01T14:00:00+00:00): one of the two dates is false"
    ]
    assert reasons(doc, nxt.merge, "implausible-date") == [
        f"committed at 2026-10-01T14:00:00+00:00, before its parent {merged.merge[:12]} "
        "landed (2026-10-05T12:00:00+00:00): judged as landed at 2026-10-05T12:00:00+00:00"
    ]


def test_merge_dated_far_in_the_future_is_judged_now(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    base, head = h.open_pull_request(
        1, "alice", {"catalog/services/ledger.yaml": service("ledger", 2)}
    )
    merged = h.merge(1, base, head, dated=at("2099-01-01T00:00:00"))
    doc = h.audit_json()
    (reason,) = reasons(doc, merged.merge, "implausible-date")
    assert reason.startswith("committed at 2099-01-01T00:00:00+00:00, after the current time ("), (
        reason
    )
    assert "dated in the future, judged as landed at" in reason
    assert datetime.fromisoformat(row(doc, merged.merge)["landedAt"]).year < 2099


# -- a back-dated merge dodges a freeze ------------------------------------------------

FREEZE_CALENDAR = """\
apiVersion: itsmcode/v1
kind: Calendar
metadata: {name: change-freezes}
spec:
  timezone: UTC
  freezes:
    - {name: noon-freeze, start: "2026-10-01T12:00:00Z", end: "2026-10-02T00:00:00Z"}
"""


def frozen_files() -> dict[str, str]:
    files = dict(base_files())
    files["catalog/calendars/change-freezes.yaml"] = FREEZE_CALENDAR
    files["processes/approval-policy.yaml"] = POLICY.replace(
        "spec:\n", "spec:\n  freeze: {calendars: [change-freezes], exemptTypes: [emergency]}\n", 1
    )
    return files


def change_request_pr(h: History) -> tuple[str, str]:
    """alice's PR #2 adds a normal change request to ledger (opened 11:00)."""
    return h.open_pull_request(2, "alice", {"changes/chg-1.yaml": change("chg-1")})


def test_merge_dated_before_its_parent_is_judged_inside_the_freeze(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", frozen_files())  # 10:00
    base, head = change_request_pr(h)  # 11:00
    inside = h.pull_request(1, "alice", {"catalog/services/cache.yaml": service("cache", 2)})
    h.approve(inside, "alice", ["bob"])  # merged 13:00, in the freeze (a service: allowed)
    h.tick()  # 14:00: PR #2 merges, dated 11:20, before its parent and the freeze
    merged = h.merge(2, h.rev("main"), head, dated=at("2026-10-01T11:20:00"))
    approved_by(h, merged, "bob", at("2026-10-01T11:10:00"))
    doc = h.audit_json()
    assert controls(doc, merged.merge) == ["approval-not-valid", "implausible-date"]
    assert reasons(doc, merged.merge, "implausible-date") == [
        f"committed at 2026-10-01T11:20:00+00:00, before its parent {inside.merge[:12]} landed "
        "(2026-10-01T13:00:00+00:00): judged as landed at 2026-10-01T13:00:00+00:00"
    ]
    (invalid,) = reasons(doc, merged.merge, "approval-not-valid")
    assert "freeze change-freezes/noon-freeze: ChangeRequest chg-1" in invalid
    assert base != merged.merge
    text = h.itsm("audit").stdout
    assert (
        f"{merged.merge[:12]} 2026-10-01T11:20:00+00:00 PR #2 signature: unsigned\n"
        "  landed at: 2026-10-01T13:00:00+00:00 (not its committer date)\n"
    ) in text


def test_merge_pushed_after_a_ledger_run_is_judged_after_it(tmp_path: Path) -> None:
    # The parent is before the freeze too: only the ledger proves the merge came later.
    h = History(tmp_path / "repo")
    h.commit("initial catalog", frozen_files())  # 10:00
    base, head = change_request_pr(h)  # 11:00
    ledger = tmp_path / "ledger.json"
    ledger_run(h, ledger, "2026-10-01T12:15:00Z")  # in the freeze; main is still 10:00
    h.clock = at("2026-10-01T13:00:00")
    merged = h.merge(2, base, head, dated=at("2026-10-01T11:30:00"))
    approved_by(h, merged, "bob", at("2026-10-01T11:10:00"))
    doc = ledger_run(h, ledger, "2026-12-31T00:00:00Z")
    assert controls(doc, merged.merge) == ["approval-not-valid", "implausible-date"]
    assert reasons(doc, merged.merge, "implausible-date") == [
        "committed at 2026-10-01T11:30:00+00:00, before the audit ledger's run that did not "
        "contain it yet (2026-10-01T12:15:00+00:00): judged as landed at "
        "2026-10-01T12:15:00+00:00"
    ]
    (invalid,) = reasons(doc, merged.merge, "approval-not-valid")
    assert "freeze change-freezes/noon-freeze" in invalid
    # Without the ledger nothing proves the date false: the merge passes (documented).
    assert controls(h.audit_json(), merged.merge) == []


# -- a commit dated back into a period already exported --------------------------------


def test_back_dated_commit_falls_in_the_next_export(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    first = h.commit("initial catalog", dict(base_files()))  # 10:00
    pr = h.pull_request(1, "alice", {"catalog/services/ledger.yaml": service("ledger", 2)})
    h.approve(pr, "alice", ["bob"])
    ledger = tmp_path / "ledger.json"
    october = ledger_run(h, ledger, "2026-10-02T00:30:00Z", "--until", "2026-10-01")
    assert [r["sha"] for r in october["rows"]] == [first, pr.merge]
    kept = tmp_path / "ledger-after-october.json"
    shutil.copy(ledger, kept)
    # Pushed on 10-02, dated 10-01 15:00: after its parent, so only the ledger can tell.
    h.clock = at("2026-10-01T14:00:00")
    late = h.commit("quiet fix", {"catalog/services/cache.yaml": service("cache", 1)})
    h.clock = at("2026-10-02T09:00:00")
    later = h.commit("next day", {"catalog/services/cache.yaml": service("cache", 2)})
    november = ledger_run(h, ledger, "2026-10-03T00:30:00Z", "--since", "2026-10-02")
    assert [r["sha"] for r in november["rows"]] == [late, later]
    assert row(november, late)["landedAt"] == "2026-10-02T00:30:00+00:00"
    assert reasons(november, late, "implausible-date") == [
        "committed at 2026-10-01T15:00:00+00:00, before the audit ledger's run that did not "
        "contain it yet (2026-10-02T00:30:00+00:00): judged as landed at "
        "2026-10-02T00:30:00+00:00"
    ]
    # Re-running October's export with the ledger as it stands: still the same two rows,
    # so the commit is in exactly one export.
    again = ledger_run(h, kept, "2026-10-02T00:30:00Z", "--until", "2026-10-01")
    assert [r["sha"] for r in again["rows"]] == [first, pr.merge]
    # And November's, re-run with the ledger that now records its own run: identical.
    rerun = ledger_run(h, ledger, "2026-10-03T00:30:00Z", "--since", "2026-10-02")
    assert [(r["sha"], r["landedAt"], r["violations"]) for r in rerun["rows"]] == [
        (r["sha"], r["landedAt"], r["violations"]) for r in november["rows"]
    ]


def test_an_honest_history_has_no_implausible_date(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    ledger = tmp_path / "ledger.json"
    ledger_run(h, ledger, "2026-10-01T10:30:00Z")
    pr = h.pull_request(1, "alice", {"catalog/services/ledger.yaml": service("ledger", 2)})
    h.approve(pr, "alice", ["bob"])
    # A clock a few minutes behind the parent's is no finding (SKEW).
    h.clock += timedelta(minutes=-65)
    small = h.commit("skewed a little", {"catalog/services/cache.yaml": service("cache", 2)})
    doc = ledger_run(h, ledger, "2026-12-31T00:00:00Z")
    assert "implausible-date" not in json.dumps(doc["rows"])
    assert row(doc, small)["landedAt"] == row(doc, pr.merge)["landedAt"]
