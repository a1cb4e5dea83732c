"""History that leaves the first-parent line (issue 16, item 6).

"The old head is an ancestor of the new one" is not enough: a merge whose parents are
(an older commit, the audited head) keeps the head reachable and moves every audited
commit out of the population. Every head the ledger recorded must stay on the branch's
first-parent line, and a rewrite is reported on every run until acknowledged.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from tests.audit.scripted import History, base_files, service


def audited(tmp_path: Path) -> tuple[History, Path, str, str]:
    """A PR, then a direct commit (a violation) audited with a ledger: (h, ledger,
    the PR merge, the audited head)."""
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    pr = h.pull_request(1, "alice", {"catalog/services/ledger.yaml": service("ledger", 2)})
    h.approve(pr, "alice", ["bob"])
    head = h.commit("direct push", {"catalog/services/cache.yaml": service("cache", 1)})
    ledger = tmp_path / "ledger.json"
    assert h.itsm("audit", "--ledger", str(ledger)).exit_code == 0
    return h, ledger, pr.merge, head


def run(h: History, ledger: Path, *args: str) -> Result:
    return h.itsm("audit", "--format", "json", "--ledger", str(ledger), *args)


def rewritten(result: Result) -> list[str]:
    doc = json.loads(result.stdout)
    return [v["reason"] for v in doc["violations"] if v["control"] == "history-rewritten"]


def hide_behind_a_merge(h: History, older: str, head: str) -> str:
    """main becomes a merge whose first parent is ``older`` and second the audited head."""
    h.git("checkout", "-q", "-B", "main", older)
    h.tick()
    h.git("merge", "-q", "--no-ff", head, "-m", "Merge branch 'tidy'")
    return h.rev("HEAD")


def test_merge_that_moves_the_audited_head_off_the_line(tmp_path: Path) -> None:
    h, ledger, older, head = audited(tmp_path)
    tip = hide_behind_a_merge(h, older, head)
    assert h.git("merge-base", "--is-ancestor", head, tip) == ""  # still an ancestor
    result = run(h, ledger)
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert head not in {r["sha"] for r in doc["rows"]}  # the direct push left the rows
    when = json.loads(ledger.read_text())["entries"][0]["auditedAt"]
    assert rewritten(result) == [
        f"the head {head[:12]} audited at {when} "
        f"left the first-parent line of main ({tip[:12]}): a merge made it a side parent, so "
        "the commits audited up to it are no longer rows of the audit; once explained, record "
        f"it with 'itsm audit --ledger ... --acknowledge-rewrite {head} --reason TEXT'"
    ]
    assert f"itsm: WARNING: history-rewritten: the head {head[:12]}" in result.stderr


def test_a_rewrite_is_reported_on_every_run_until_acknowledged(tmp_path: Path) -> None:
    h, ledger, older, head = audited(tmp_path)
    hide_behind_a_merge(h, older, head)
    for _ in range(3):  # each run appends the new head; the old one is still checked
        assert len(rewritten(run(h, ledger, "--fail-on-violation"))) == 1
    acked = run(h, ledger, "--acknowledge-rewrite", head[:12], "--reason", "INC-7: tidy-up")
    assert acked.exit_code == 0, acked.output
    assert rewritten(acked) == []
    assert rewritten(run(h, ledger)) == []
    saved = json.loads(ledger.read_text())
    (ack,) = saved["acknowledgements"]
    assert ack["head"] == head and ack["reason"] == "INC-7: tidy-up" and ack["branch"] == "main"
    assert ack["acknowledgedAt"]


def test_force_push_is_reported_until_acknowledged(tmp_path: Path) -> None:
    h, ledger, _, head = audited(tmp_path)
    h.git("reset", "-q", "--hard", "HEAD~1")
    new = h.commit("rewritten", {"catalog/services/cache.yaml": service("cache", 4)})
    first = run(h, ledger, "--fail-on-violation")
    assert first.exit_code == 1
    (reason,) = rewritten(first)
    assert f"the head {head[:12]} audited at" in reason
    assert f"is not an ancestor of main ({new[:12]})" in reason
    # Re-run after the rewrite: still reported (before, the new head replaced the old).
    (again,) = rewritten(run(h, ledger))
    assert again == reason
    h.commit("later", {"catalog/services/cache.yaml": service("cache", 2)})
    assert len(rewritten(run(h, ledger))) == 1
    assert rewritten(run(h, ledger, "--acknowledge-rewrite", head, "--reason", "bad push")) == []


def test_each_rewritten_head_is_acknowledged_on_its_own(tmp_path: Path) -> None:
    h, ledger, older, head = audited(tmp_path)
    second = h.commit("another push", {"catalog/services/cache.yaml": service("cache", 2)})
    assert h.itsm("audit", "--ledger", str(ledger)).exit_code == 0
    hide_behind_a_merge(h, older, second)
    both = rewritten(run(h, ledger))
    assert [r.split(" audited at")[0] for r in both] == [
        f"the head {head[:12]}",
        f"the head {second[:12]}",
    ]
    one = run(h, ledger, "--acknowledge-rewrite", head, "--reason", "explained")
    assert [r.split(" audited at")[0] for r in rewritten(one)] == [f"the head {second[:12]}"]


def test_acknowledge_usage_errors(tmp_path: Path) -> None:
    h, ledger, _, head = audited(tmp_path)
    cases = [
        (("--acknowledge-rewrite", head), "needs --reason TEXT and --ledger FILE"),
        (("--acknowledge-rewrite", "0" * 12, "--reason", "x"), "not a rewritten head"),
        # A head still on the line cannot be acknowledged in advance of a rewrite.
        (("--acknowledge-rewrite", head, "--reason", "x"), "not a rewritten head of main"),
    ]
    for args, message in cases:
        result = run(h, ledger, *args)
        assert result.exit_code == 2, result.output
        assert message in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    no_ledger = h.itsm("audit", "--acknowledge-rewrite", head, "--reason", "x")
    assert no_ledger.exit_code == 2
    assert "needs --reason TEXT and --ledger FILE" in no_ledger.stderr
