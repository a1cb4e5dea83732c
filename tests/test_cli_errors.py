"""One error style for every message, readable --help, and a quiet broken pipe."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest

from itsmcode.cli.group import cli
from tests.helpers import run_cli, service, write_repo

PROJECT = Path(__file__).resolve().parent.parent


def _assert_one_error_line(stderr: str, *needles: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("itsm: error: "), stderr
    assert "Traceback" not in stderr and "Usage:" not in stderr
    for needle in needles:
        assert needle in lines[0], stderr


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (
            ["lint", "--fromat", "json"],
            ["no such option '--fromat'", "'--format'", "itsm lint --help"],
        ),
        (["lint", "--format", "yml"], ["invalid value for '--format'", "'sarif'"]),
        (["lint", "--now", "tomorrow"], ["invalid value for '--now'", "2026-11-24T10:00:00+01:00"]),
        (["show", "service"], ["missing argument 'NAME'", "itsm show --help"]),
        (["lnit"], ["no such command 'lnit'", "'lint'", "itsm --help"]),
        (["policy", "tset"], ["no such command 'tset'", "itsm policy --help"]),
        (["diff", "--exit-code=3"], ["does not take a value"]),
        (["audit", "--format", "pdf"], ["invalid value for '--format'"]),
    ],
)
def test_usage_errors_are_one_located_line_exit_2(
    tmp_path: Path, args: list[str], needles: list[str]
) -> None:
    write_repo(tmp_path, {})
    result = run_cli(args, cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    _assert_one_error_line(result.stderr, *needles)


def test_library_errors_use_the_same_style(tmp_path: Path) -> None:
    result = run_cli(["lint"], cwd=tmp_path)  # no itsm.yaml anywhere up from here
    assert result.exit_code == 2
    _assert_one_error_line(result.stderr, "no itsm.yaml", "itsm init")


def test_no_such_entity_is_an_error_line(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api")})
    result = run_cli(["show", "service", "apo"], cwd=tmp_path)
    assert result.exit_code == 1
    _assert_one_error_line(result.stderr, "no Service named 'apo'", "'api'")


def test_a_bare_group_shows_its_help() -> None:
    result = run_cli(["policy"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: itsm policy [OPTIONS] COMMAND")
    assert "itsm: error" not in result.stderr


def _commands() -> list[list[str]]:
    found: list[list[str]] = []

    def walk(group: click.Group, path: list[str]) -> None:
        context = click.Context(group)
        for name in group.list_commands(context):
            command = group.get_command(context, name)
            found.append([*path, name])
            if isinstance(command, click.Group):
                walk(command, [*path, name])

    walk(cli, [])
    return found


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_help_metavars_name_what_to_pass(command: list[str]) -> None:
    result = run_cli([*command, "--help"])
    assert result.exit_code == 0, result.output
    # click's defaults say what type the value has, not what it is ("--base TEXT").
    ugly = re.findall(
        r"(?m)^\s+(?:-\w, )?--[\w-]+ (?:TEXT|PATH|INTEGER|FILENAME|\[%)", result.stdout
    )
    assert ugly == [], f"itsm {' '.join(command)} --help"


def _many_findings(root: Path) -> Path:
    # 400 services, each owned by a team that does not exist and depending on 10 services
    # that do not exist: 4,400 ref-exists errors, several times what a pipe holds.
    depends = "dependsOn:\n" + "".join(
        f"  - {{service: gone-{k}, type: soft}}\n" for k in range(10)
    )
    files = {
        f"catalog/services/svc-{i:04}.yaml": service(f"svc-{i:04}", owner="nobody", extra=depends)
        for i in range(400)
    }
    return write_repo(root, files)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_reader_that_goes_away_ends_quietly_with_141(tmp_path: Path, fmt: str) -> None:
    """``itsm lint | head -1``: 128 + SIGPIPE like cat, no message, no traceback."""
    root = _many_findings(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "itsmcode", "lint", "--format", fmt],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # what head does after its line
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == 141
    assert first
    assert stderr == b""


def test_a_reader_that_reads_everything_sees_the_findings_status(tmp_path: Path) -> None:
    root = _many_findings(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "itsmcode", "lint"], cwd=root, capture_output=True, env=env
    )
    assert done.returncode == 1
    assert done.stdout.count(b"[ref-exists]") == 4400
    assert done.stderr == b""


def _itsm(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """The installed entry point's code path (``itsmcode.cli.main``), output to pipes."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "itsmcode", *args], cwd=cwd, capture_output=True, env=env
    )


def test_lint_ends_without_teardown_yet_its_whole_report_arrives(tmp_path: Path) -> None:
    """``itsm lint`` leaves with ``os._exit`` once its output is flushed (no freeing of
    the catalog at exit): a report larger than a pipe holds arrives whole, as JSON that
    parses, with the findings status, uncached too."""
    import json

    root = _many_findings(tmp_path)
    done = _itsm(["lint", "--format", "json", "--no-cache"], root)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert sum(d["rule"] == "ref-exists" for d in report["diagnostics"]) == 4400
    assert done.stderr == b""


def test_lint_entry_keeps_every_exit_status(tmp_path: Path) -> None:
    """0 clean, 1 findings, 2 usage and configuration errors (with their one line), as
    under the interpreter's own exit."""
    clean = write_repo(tmp_path / "clean", {})
    ok = _itsm(["lint"], clean)
    assert (ok.returncode, ok.stderr) == (0, b""), ok.stderr
    missing = _itsm(["lint", "nowhere.yaml"], clean)
    assert missing.returncode == 2
    _assert_one_error_line(missing.stderr.decode(), "no such file or directory: nowhere.yaml")
    usage = _itsm(["lint", "--jobs", "-1"], clean)
    assert usage.returncode == 2
    _assert_one_error_line(usage.stderr.decode(), "invalid value for '--jobs'")
    broken = write_repo(tmp_path / "broken", {"catalog/services/x.yaml": "kind: [\n"})
    found = _itsm(["lint", "--quiet"], broken)
    assert (found.returncode, found.stdout, found.stderr) == (1, b"", b"")


def test_exit_now_exits_as_the_interpreter_would(tmp_path: Path) -> None:
    """``sys.exit`` with nothing, a number or a message; output still buffered is written."""
    program = (
        "import sys; from itsmcode.streams import exit_now\n"
        "def run():\n"
        "    sys.stdout.write('buffered ' * 20000)\n"
        "    sys.exit(eval(sys.argv[1]))\n"
        "exit_now(run)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    for given, status, stderr in [("None", 0, ""), ("4", 4, ""), ("'gone'", 1, "gone\n")]:
        done = subprocess.run(
            [sys.executable, "-c", program, given], capture_output=True, env=env, text=True
        )
        assert (done.returncode, done.stderr) == (status, stderr)
        assert done.stdout == "buffered " * 20000


@pytest.mark.parametrize("closed", [">&-", "2>&-"])
def test_a_closed_standard_stream_is_discarded_not_a_crash(tmp_path: Path, closed: str) -> None:
    """``itsm lint >&-`` (or stderr closed): the exit status still tells, no traceback."""
    clean = write_repo(tmp_path / "clean", {})
    broken = write_repo(tmp_path / "broken", {"catalog/services/x.yaml": "kind: [\n"})
    env = {**os.environ, "PYTHONPATH": str(PROJECT / "src")}
    for root, status in ((clean, 0), (broken, 1)):
        for command in ("lint", "diff --help"):
            done = subprocess.run(
                f"{shlex.quote(sys.executable)} -m itsmcode {command} {closed}",
                shell=True,
                cwd=root,
                capture_output=True,
                env=env,
            )
            assert done.returncode == (status if command == "lint" else 0)
            assert b"Traceback" not in done.stdout + done.stderr
            assert b"internal error" not in done.stdout + done.stderr
