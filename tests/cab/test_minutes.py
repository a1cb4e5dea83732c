"""``itsm cab minutes`` through the real CLI, and the lint of CabMinutes files: the file a
pull request adds is linted before it is written, never clobbered without --force."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.cab.minutes import VERDICTS, parse_decision
from itsmcode.errors import ConfigError
from itsmcode.load.yamlio import load_value
from tests.helpers import found, lint_repo, messages, run_cli, service, write_repo
from tests.rules.change_files import change

MINUTES = "processes/cab/cab-2026-12-07.yaml"


def repo(tmp_path: Path) -> Path:
    return write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            "changes/2026/chg-1.yaml": change("chg-1"),
            "changes/2026/chg-2.yaml": change(
                "chg-2", start="2026-12-03T22:00:00+01:00", end="2026-12-03T23:00:00+01:00"
            ),
        },
    )


def minutes(root: Path, *args: str) -> tuple[int, str]:
    result = run_cli(["cab", "minutes", "--repo", str(root), "--date", "2026-12-07", *args])
    return result.exit_code, result.output


def test_writes_a_lint_clean_fmt_clean_file(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, out = minutes(
        root,
        "--decision",
        "chg-1=approved:roll back if errors pass 1 %",
        "--decision",
        "chg-2=deferred",
        "--attendee",
        "alice",
        "--attendee",
        "Bob",
        "--chair",
        "alice",
        "--team",
        "payments",
    )
    assert code == 0, out
    assert out == f"created {MINUTES}\n"
    assert load_value((root / MINUTES).read_text(encoding="utf-8")) == {
        "apiVersion": "itsmcode/v1",
        "kind": "CabMinutes",
        "metadata": {"name": "cab-2026-12-07", "title": "CAB 2026-12-07"},
        "spec": {
            "date": "2026-12-07",
            "chair": "alice",
            "attendees": ["alice", "Bob"],
            "teams": ["payments"],
            "decisions": [
                {
                    "change": "chg-1",
                    "decision": "approved",
                    "note": "roll back if errors pass 1 %",
                },
                {"change": "chg-2", "decision": "deferred"},
            ],
        },
    }
    assert found(lint_repo(root)) == []
    assert run_cli(["fmt", "--check", "--repo", str(root)]).exit_code == 0


def test_never_clobbers_without_force(tmp_path: Path) -> None:
    root = repo(tmp_path)
    assert minutes(root, "--decision", "chg-1=approved")[0] == 0
    before = (root / MINUTES).read_bytes()
    code, out = minutes(root, "--decision", "chg-1=rejected")
    assert code == 2
    assert out == f"itsm: error: {MINUTES} exists already; pass --force to replace it\n"
    assert (root / MINUTES).read_bytes() == before
    assert minutes(root, "--decision", "chg-1=rejected", "--force")[0] == 0
    assert "decision: rejected" in (root / MINUTES).read_text(encoding="utf-8")


def test_broken_references_are_refused_located_and_nothing_is_written(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, out = minutes(
        root,
        "--decision",
        "chgg-1=approved",
        "--attendee",
        "alcie",
        "--team",
        "paymnets",
    )
    assert code == 1
    assert out.splitlines() == [
        f"{MINUTES}:9:7: error: 'alcie' is not a member of any team (did you mean "
        "'alice'?); use the GitHub login of a team member [cab-minutes-valid]",
        f"{MINUTES}:11:7: error: unknown Team 'paymnets' (did you mean 'payments'?) [ref-exists]",
        f"{MINUTES}:13:15: error: unknown ChangeRequest 'chgg-1' (did you mean 'chg-1'?) "
        "[ref-exists]",
        "itsm: error: nothing written; fix the options above",
    ]
    assert not (root / MINUTES).exists()


def test_usage_errors(tmp_path: Path) -> None:
    root = repo(tmp_path)
    cases = {
        ("--decision", "chg-1"): "--decision chg-1: write CHANGE=VERDICT[:note], VERDICT one "
        "of approved, rejected, deferred",
        ("--decision", "chg-1=maybe"): "--decision chg-1=maybe: write CHANGE=VERDICT[:note]",
        (): "give at least one --decision CHANGE=VERDICT[:note]",
        ("--decision", "chg-1=approved", "--out", str(tmp_path / "m.yaml")): (
            f"--out {tmp_path / 'm.yaml'}: CabMinutes files live in processes/cab/"
        ),
    }
    for args, message in cases.items():
        code, out = minutes(root, *args)
        assert code == 2, (args, out)
        assert out.startswith("itsm: error: " + message), out
    assert not (root / "processes").exists()


def test_out_names_the_file_inside_the_folder(tmp_path: Path) -> None:
    root = repo(tmp_path)
    target = root / "processes" / "cab" / "2026" / "december-board.yaml"
    code, out = minutes(root, "--decision", "chg-1=approved", "--out", str(target))
    assert code == 0, out
    assert "name: december-board" in target.read_text(encoding="utf-8")
    assert found(lint_repo(root)) == []


def test_lint_refuses_a_change_decided_twice(tmp_path: Path) -> None:
    root = repo(tmp_path)
    (root / "processes" / "cab").mkdir(parents=True)
    (root / MINUTES).write_text(
        "apiVersion: itsmcode/v1\n"
        "kind: CabMinutes\n"
        "metadata: {name: cab-2026-12-07}\n"
        "spec:\n"
        "  date: 2026-12-07\n"
        "  chair: carol\n"
        "  decisions:\n"
        "    - {change: chg-1, decision: approved}\n"
        "    - {change: chg-1, decision: deferred}\n",
        encoding="utf-8",
    )
    result = lint_repo(root)
    assert found(result) == [
        (MINUTES, 6, 10, "cab-minutes-valid"),
        (MINUTES, 9, 16, "cab-minutes-valid"),
    ]
    assert messages(result) == [
        "'carol' is not a member of any team; use the GitHub login of a team member",
        "change 'chg-1' is already decided in decisions[0]; keep one decision per change",
    ]


NAMES = st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,30}\Z")
NOTES = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(change=NAMES, verdict=st.sampled_from(VERDICTS), note=NOTES)
def test_a_decision_reads_back_as_written(change: str, verdict: str, note: str) -> None:
    # The obvious reading: the change before the first '=', the verdict up to the next
    # ':', everything after it (colons included) the note, trimmed; an empty note is none.
    text = f"{change}={verdict}" + (f":{note}" if note else "")
    expected = {"change": change, "decision": verdict}
    if note.strip():
        expected["note"] = note.strip()
    assert parse_decision(text) == expected


@given(text=st.text(max_size=30))
def test_anything_else_is_a_usage_error_never_a_crash(text: str) -> None:
    change, sep, rest = text.partition("=")
    if sep and change.strip() and rest.partition(":")[0].strip() in VERDICTS:
        return
    with pytest.raises(ConfigError, match=r"^--decision .*: write CHANGE=VERDICT\[:note\]") as e:
        parse_decision(text)
    assert len(str(e.value).splitlines()) == 1
