"""Completeness (the ledger), signatures, the export header and every format, git errors."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from tests.audit.scripted import History, base_files, row, service


@pytest.fixture
def history(tmp_path: Path) -> History:
    h = History(tmp_path / "repo")
    h.commit("initial catalog", dict(base_files()))
    merged = h.pull_request(1, "alice", {"catalog/services/ledger.yaml": service("ledger", 2)})
    h.approve(merged, "alice", ["bob"])
    return h


def test_ledger_accepts_appended_history(history: History, tmp_path: Path) -> None:
    ledger = tmp_path / "audit-ledger.json"
    first = history.itsm(
        "audit", "--ledger", str(ledger), "--fail-on-violation", "--range", "HEAD~1..HEAD"
    )
    assert first.exit_code == 0, first.output
    history.pull_request(2, "alice", {"catalog/services/cache.yaml": service("cache", 2)})
    second = history.itsm("audit", "--ledger", str(ledger), "--format", "json")
    assert second.exit_code == 0
    doc = json.loads(second.stdout)
    assert doc["violations"] == []
    assert "history-rewritten" not in second.stderr
    entries = json.loads(ledger.read_text())["entries"]
    assert [e["head"] for e in entries] == [history.rev("HEAD~1"), history.rev("HEAD")]


def test_ledger_detects_rewritten_history(history: History, tmp_path: Path) -> None:
    ledger = tmp_path / "audit-ledger.json"
    assert history.itsm("audit", "--ledger", str(ledger)).exit_code == 0
    audited = history.rev("HEAD")
    # Someone force-pushes main: the audited merge disappears and a new commit replaces it.
    history.git("reset", "-q", "--hard", "HEAD~1")
    history.commit("quietly different", {"catalog/services/ledger.yaml": service("ledger", 1)})
    history.git("reflog", "expire", "--expire=now", "--all")
    history.git("gc", "-q", "--prune=now")
    result = history.itsm(
        "audit", "--ledger", str(ledger), "--format", "json", "--fail-on-violation"
    )
    assert result.exit_code == 1
    assert "itsm: WARNING: history-rewritten" in result.stderr
    assert audited[:12] in result.stderr
    doc = json.loads(result.stdout)
    assert [v["control"] for v in doc["violations"]] == ["history-rewritten"]
    # Reported even without --fail-on-violation, and it still exits 0 then.
    again_ledger = tmp_path / "copy.json"
    again_ledger.write_text(
        json.dumps(
            {
                "schema": "itsmcode/audit-ledger/v1",
                "entries": [{"branch": "main", "head": audited, "auditedAt": "earlier"}],
            }
        )
    )
    plain = history.itsm("audit", "--ledger", str(again_ledger))
    assert plain.exit_code == 0
    assert "VIOLATION history-rewritten" in plain.stdout


def test_ledger_detects_a_head_that_is_no_longer_an_ancestor(
    history: History, tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger.json"
    assert history.itsm("audit", "--ledger", str(ledger)).exit_code == 0
    history.git("reset", "-q", "--hard", "HEAD~1")  # the old head still exists (reflog)
    history.commit("rewritten", {"catalog/services/cache.yaml": service("cache", 1)})
    result = history.itsm("audit", "--ledger", str(ledger))
    assert "is not an ancestor of main" in result.stderr


def test_broken_ledger_is_a_clear_error(history: History, tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.json"
    ledger.write_text("not json")
    result = history.itsm("audit", "--ledger", str(ledger))
    assert result.exit_code == 2
    assert result.stderr.startswith("itsm: error:") and "audit ledger" in result.stderr
    assert "Traceback" not in result.output


def test_export_header_in_every_format(history: History) -> None:
    head = history.rev("HEAD")
    for fmt in ("text", "json", "csv", "markdown"):
        result = history.itsm("audit", "--format", fmt, "--now", "2026-12-01T00:00:00Z")
        assert result.exit_code == 0, result.output
        out = result.stdout
        assert head in out, fmt
        assert (
            "itsm audit --notes-ref refs/notes/itsmcode --now 2026-12-01T00:00:00Z "
            f"--format {fmt}" in out
        ), fmt
        assert "0.1.0" in out and "2026-12-01T00:00:00+00:00" in out, fmt
    doc = history.audit_json()
    header = doc["header"]
    assert header["head"] == head and header["branch"] == "main"
    assert header["range"] == f"(root)..{head}"
    assert header["notesCommit"] == history.rev("refs/notes/itsmcode")
    assert header["repository"] == str(history.root.resolve())


def test_csv_is_one_row_per_change(history: History) -> None:
    out = history.itsm("audit", "--format", "csv").stdout
    body = "\n".join(line for line in out.splitlines() if not line.startswith("#"))
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["kind"] for r in rows] == ["direct-commit", "pull-request"]
    assert rows[1]["pull_request"] == "1"
    assert rows[1]["approvers"].startswith("bob (2026-10-01")
    assert rows[1]["entities"] == "Service ledger: spec.tier 3 -> 2"
    assert rows[0]["violations"] == "direct-commit | no-approval-record"


def test_markdown_lists_violations(history: History) -> None:
    out = history.itsm("audit", "--format", "markdown").stdout
    assert out.startswith("# Change audit evidence")
    assert "**direct-commit**" in out and "| #1 |" in out
    assert "admin &lt;admin@example.com&gt;" in out


def test_no_notes_ref_flags_every_row(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial", dict(base_files()))
    h.pull_request(1, "alice", {"catalog/services/cache.yaml": service("cache", 2)})
    doc = h.audit_json()
    assert all("no-approval-record" in [v["control"] for v in r["violations"]] for r in doc["rows"])
    assert doc["header"]["notesCommit"] is None


@pytest.mark.parametrize(
    "args, message",
    [
        (("--branch", "nope"), "unknown revision 'nope'"),
        (("--range", "nope..HEAD"), "unknown revision 'nope'"),
        (("--range", "HEAD"), "give two revisions as A..B"),
        (("--since", "yesterday"), "not a date"),
    ],
)
def test_usage_errors_are_one_line(history: History, args: tuple[str, ...], message: str) -> None:
    result = history.itsm("audit", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_shallow_clone_is_refused_clearly(history: History, tmp_path: Path) -> None:
    clone = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{history.root}", str(clone)],
        check=True,
        capture_output=True,
        env=history.env,
    )
    result = History.__new__(History)
    result.root = clone
    out = result.itsm("audit")
    assert out.exit_code == 2
    assert "shallow clone" in out.stderr and "--unshallow" in out.stderr


def test_signed_and_unsigned_commits(tmp_path: Path) -> None:
    if shutil.which("gpg") is None:
        pytest.skip("gpg is not installed: cannot make a throwaway signing key")
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    env = {"GNUPGHOME": str(home)}
    made = subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Signer <signer@example.com>",
            "ed25519",
            "sign",
            "never",
        ],
        env={**History(tmp_path / "probe").env, **env},
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"gpg cannot create a key here: {made.stderr.strip()[:200]}")
    h = History(tmp_path / "repo", env=env)
    unsigned = h.commit("initial", dict(base_files()))
    signed = h.commit(
        "signed change",
        {"catalog/services/cache.yaml": service("cache", 2)},
        "admin",
        "-S",
        "--gpg-sign=signer@example.com",
    )
    # A signature by a key this machine does not know.
    other = tmp_path / "other-gnupg"
    other.mkdir(mode=0o700)
    h.env["GNUPGHOME"] = str(other)
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Stranger <stranger@example.com>",
            "ed25519",
            "sign",
            "never",
        ],
        env=h.env,
        capture_output=True,
        check=True,
    )
    stranger = h.commit(
        "stranger",
        {"catalog/services/cache.yaml": service("cache", 3)},
        "admin",
        "--gpg-sign=stranger@example.com",
    )
    # git verifies signatures (%G?) with the keyring of the audit's environment.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GNUPGHOME", str(home))
        result = h.itsm("audit", "--format", "json")
    doc = json.loads(result.stdout)
    status = {r["sha"]: r["signature"] for r in doc["rows"]}
    assert status[unsigned] == "unsigned"
    assert status[signed] in ("good", "good-untrusted")
    assert status[stranger] == "unknown-key"


def test_since_with_a_back_dated_commit_judges_it_when_it_landed(tmp_path: Path) -> None:
    h = History(tmp_path / "repo")
    h.commit("initial", dict(base_files()))  # 10:00
    h.commit("tier 2", {"catalog/services/cache.yaml": service("cache", 2)})  # 11:00
    h.commit("tier 1", {"catalog/services/cache.yaml": service("cache", 1)})  # 12:00
    h.clock -= timedelta(hours=3)  # a commit with a clock in the past: 10:00
    skewed = h.commit("tier 4", {"catalog/services/cache.yaml": service("cache", 4)})
    h.clock += timedelta(hours=4)
    last = h.commit("tier 3", {"catalog/services/cache.yaml": service("cache", 3)})  # 14:00
    doc = h.audit_json("--since", "2026-10-01T11:30:00Z")
    # It cannot have landed before its parent (12:00): it is in the period, flagged.
    assert [r["subject"] for r in doc["rows"]] == ["tier 1", "tier 4", "tier 3"]
    back = row(doc, skewed)
    assert back["date"] == "2026-10-01T10:00:00+00:00"
    assert back["landedAt"] == "2026-10-01T12:00:00+00:00"
    assert [v["reason"] for v in back["violations"] if v["control"] == "implausible-date"] == [
        f"committed at 2026-10-01T10:00:00+00:00, before its parent {h.rev(skewed + '~1')[:12]} "
        "landed (2026-10-01T12:00:00+00:00): judged as landed at 2026-10-01T12:00:00+00:00"
    ]
    assert row(doc, last)["entities"][0]["summary"] == "spec.tier 4 -> 3"
