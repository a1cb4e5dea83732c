"""``itsm lint`` as a user and CI run it: exit codes, --strict, --quiet, the format
chosen under GitHub Actions, and colour (TTY, --color, NO_COLOR)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest

from itsmcode.lint.rules import LOAD_CHECKS, RULES
from tests.helpers import CONFIG, run_cli, service, write_repo

WARN_CONFIG = CONFIG + "  lint:\n    rules: {name-matches-file: warning}\n"
ANSI = "\x1b["


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite may itself run under GitHub Actions; these variables change the default
    # format, the paths and the colour, so each test sets the ones it is about.
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


def errors_repo(root: Path) -> Path:
    return write_repo(root, {"catalog/services/api.yaml": service("api", owner="nobody")})


def warnings_repo(root: Path) -> Path:
    """Only a warning: a name that differs from the file name, demoted in itsm.yaml."""
    return write_repo(root, {"catalog/services/api.yaml": service("app")}, config=WARN_CONFIG)


def clean_repo(root: Path) -> Path:
    return write_repo(root, {"catalog/services/api.yaml": service("api")})


@pytest.mark.parametrize("fmt", ["text", "json", "github", "sarif"])
def test_exit_codes_for_every_format(tmp_path: Path, fmt: str) -> None:
    clean, warned, failed = tmp_path / "clean", tmp_path / "warned", tmp_path / "failed"
    clean_repo(clean)
    warnings_repo(warned)
    errors_repo(failed)
    assert run_cli(["lint", "--format", fmt], cwd=clean).exit_code == 0
    assert run_cli(["lint", "--format", fmt], cwd=warned).exit_code == 0
    assert run_cli(["lint", "--format", fmt, "--strict"], cwd=warned).exit_code == 1
    assert run_cli(["lint", "--format", fmt, "--strict"], cwd=clean).exit_code == 0
    assert run_cli(["lint", "--format", fmt], cwd=failed).exit_code == 1


def test_warnings_are_reported_but_do_not_fail(tmp_path: Path) -> None:
    result = run_cli(["lint"], cwd=warnings_repo(tmp_path))
    assert result.exit_code == 0
    assert "catalog/services/api.yaml:3:18: warning [name-matches-file]" in result.stdout


@pytest.mark.parametrize(
    ("make", "args", "code"),
    [
        (clean_repo, [], 0),
        (errors_repo, [], 1),
        (warnings_repo, [], 0),
        (warnings_repo, ["--strict"], 1),
    ],
)
def test_quiet_prints_nothing_and_keeps_the_exit_code(
    tmp_path: Path, make: object, args: list[str], code: int
) -> None:
    assert callable(make)
    make(tmp_path)
    for fmt in ("text", "github"):
        result = run_cli(["lint", "-q", "--format", fmt, *args], cwd=tmp_path)
        assert (result.exit_code, result.output) == (code, "")


def test_quiet_under_github_actions_writes_no_summary(tmp_path: Path) -> None:
    errors_repo(tmp_path)
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    result = run_cli(["lint", "--quiet"], cwd=tmp_path, env=env)
    assert (result.exit_code, result.output) == (1, "")
    assert not summary.exists()


def test_usage_and_configuration_errors_exit_2(tmp_path: Path) -> None:
    repo = clean_repo(tmp_path / "repo")
    bad_format = run_cli(["lint", "--format", "xml"], cwd=repo)
    assert bad_format.exit_code == 2
    assert "xml" in bad_format.output

    no_repo = tmp_path / "empty"
    no_repo.mkdir()
    missing = run_cli(["lint", "--format", "json"], cwd=no_repo)
    assert missing.exit_code == 2
    assert missing.stdout == ""  # no half-written JSON for a machine to misread
    assert "itsm.yaml" in missing.stderr

    write_repo(tmp_path / "typo", {}, config=CONFIG + "  lint:\n    rules: {ref-exist: off}\n")
    typo = run_cli(["lint", "--format", "sarif"], cwd=tmp_path / "typo")
    assert typo.exit_code == 2
    assert "ref-exists" in typo.stderr  # the did-you-mean


def test_internal_bug_exits_3_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsmcode.reporters.lint import json_report

    def broken(*_args: object) -> None:
        raise RuntimeError("reporter exploded")

    monkeypatch.delenv("ITSM_DEBUG", raising=False)
    monkeypatch.setattr(json_report, "report", broken)
    result = run_cli(["lint", "--format", "json"], cwd=clean_repo(tmp_path))
    assert result.exit_code == 3
    assert "internal error" in result.stderr and "bug" in result.stderr
    assert "Traceback" not in result.output


def test_github_format_is_chosen_under_github_actions(tmp_path: Path) -> None:
    errors_repo(tmp_path)
    auto = run_cli(["lint"], cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert auto.exit_code == 1
    assert any(
        line.startswith("::error file=catalog/services/api.yaml,line=8,col=10,")
        for line in auto.stdout.splitlines()
    )
    explicit = run_cli(["lint", "--format", "json"], cwd=tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert json.loads(explicit.stdout)["summary"]["errors"] == 1
    local = run_cli(["lint"], cwd=tmp_path, env={"GITHUB_ACTIONS": ""})
    assert local.stdout.startswith("catalog/services/api.yaml:8:10: error [ref-exists]")


def test_list_rules_names_every_registered_rule(tmp_path: Path) -> None:
    result = run_cli(["lint", "--list-rules"], cwd=tmp_path)
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [*LOAD_CHECKS, *RULES]
    ref = next(line for line in result.stdout.splitlines() if line.startswith("ref-exists "))
    assert ref.split()[1] == "error"


# --- colour -----------------------------------------------------------------------


def test_no_colour_when_not_a_terminal_and_colour_with_the_flag(tmp_path: Path) -> None:
    errors_repo(tmp_path)
    plain = run_cli(["lint"], cwd=tmp_path)
    assert ANSI not in plain.stdout
    forced = run_cli(["lint", "--color"], cwd=tmp_path)
    assert ANSI in forced.stdout
    assert "\x1b[31m" in forced.stdout  # errors in red
    # Colour decorates, it does not change the words.
    assert _strip_ansi(forced.stdout) == plain.stdout
    # --no-color wins even where colour would be the default.
    assert ANSI not in run_cli(["lint", "--no-color"], cwd=tmp_path).stdout


def test_colour_is_never_applied_to_machine_formats(tmp_path: Path) -> None:
    errors_repo(tmp_path)
    for fmt in ("json", "sarif", "github"):
        out = run_cli(["lint", "--color", "--format", fmt], cwd=tmp_path).stdout
        assert ANSI not in out
        if fmt != "github":
            json.loads(out)


def _strip_ansi(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def _lint_on_a_tty(root: Path, env_update: dict[str, str | None], *args: str) -> str:
    """Run the real ``itsm lint`` with stdout on a pseudo-terminal; return what it printed."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS")}
    for key, value in env_update.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    leader, follower = pty.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "itsmcode", "lint", *args],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=follower,
            stderr=subprocess.PIPE,
        )
        os.close(follower)
        chunks: list[bytes] = []
        while True:
            ready, _, _ = select.select([leader], [], [], 30)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        proc.wait(timeout=60)
        assert proc.returncode == 1, proc.stderr.read() if proc.stderr else ""
        if proc.stderr:
            proc.stderr.close()
    finally:
        os.close(leader)
    return b"".join(chunks).decode("utf-8")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color(tmp_path: Path) -> None:
    errors_repo(tmp_path)
    coloured = _lint_on_a_tty(tmp_path, {})
    assert ANSI in coloured and "[ref-exists]" in coloured
    no_color = _lint_on_a_tty(tmp_path, {"NO_COLOR": "1"})
    assert ANSI not in no_color and "[ref-exists]" in no_color
    # no-color.org: an empty NO_COLOR is as if unset.
    assert ANSI in _lint_on_a_tty(tmp_path, {"NO_COLOR": ""})
    # An explicit flag is the user's latest word and beats the environment.
    assert ANSI in _lint_on_a_tty(tmp_path, {"NO_COLOR": "1"}, "--color")
