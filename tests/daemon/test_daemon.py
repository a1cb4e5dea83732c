"""``itsm lint --daemon`` (the pre-commit hook) answers from a warm server exactly what
``itsm lint`` answers in-process: same output, same exit status, through edits, errors
and environments; and when no server can answer, it answers itself."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.daemon.conftest import Itsm, start

SERVICE = "catalog/services/search.yaml"


def both(itsm: Itsm, root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """The served answer, asserted equal to the in-process one (and to have been served)."""
    before = itsm.served()
    served = itsm.lint(root, "--daemon", *args, **extra)
    assert itsm.served() == before + 1, "the server did not answer"
    alone = itsm.lint(root, *args, **extra)
    assert (served.returncode, _same(served.stdout), served.stderr) == (
        alone.returncode,
        _same(alone.stdout),
        alone.stderr,
    )
    return served


def _same(output: str) -> str:
    """GitHub's stop-commands token is random in every run, served or not."""
    return re.sub(r"\b[0-9a-f]{32}\b", "TOKEN", output)


def test_answers_equal_in_process_through_edits(itsm: Itsm, repo: Path) -> None:
    start(itsm)
    clean = both(itsm, repo, SERVICE)
    assert clean.returncode == 0 and "no problems" in clean.stdout
    service = repo / SERVICE
    text = service.read_text(encoding="utf-8")
    # An error in the file itself, then a broken reference, then broken YAML.
    service.write_text(text.replace("tier: ", "tier: 7 #"), encoding="utf-8")
    assert both(itsm, repo, SERVICE).returncode == 1
    service.write_text(text.replace("owner: ", "owner: nobody-team #"), encoding="utf-8")
    broken = both(itsm, repo, SERVICE, "--format", "json")
    assert "nobody-team" in broken.stdout
    service.write_text(text + "spec: [unclosed\n", encoding="utf-8")
    assert both(itsm, repo, SERVICE).returncode == 1
    # Another file's edit reaches this one: its owner team deleted.
    service.write_text(text, encoding="utf-8")
    owner = next(line.split(":")[1].strip() for line in text.splitlines() if "owner:" in line)
    (repo / f"catalog/teams/{owner}.yaml").unlink()
    gone = both(itsm, repo, SERVICE)
    assert gone.returncode == 1 and f"'{owner}'" in gone.stdout


def test_usage_errors_and_the_environment_are_the_clients(itsm: Itsm, repo: Path) -> None:
    start(itsm)
    missing = both(itsm, repo, "catalog/services/no-such.yaml")
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
    bad = both(itsm, repo, "--format", "nonsense", SERVICE)
    assert bad.returncode == 2 and "--format" in bad.stderr
    # Paths relative to the client's folder; its environment picks the format.
    inside = repo / "catalog"
    before = itsm.served()
    relative = itsm("lint", "--daemon", "--now", "2026-11-24", "services/search.yaml", cwd=inside)
    assert itsm.served() == before + 1
    alone = itsm("lint", "--now", "2026-11-24", "services/search.yaml", cwd=inside)
    assert (relative.returncode, relative.stdout) == (alone.returncode, alone.stdout)
    (repo / SERVICE).write_text(
        (repo / SERVICE).read_text(encoding="utf-8").replace("tier: ", "tier: 9 #"),
        encoding="utf-8",
    )
    github = both(itsm, repo, SERVICE, GITHUB_ACTIONS="true")
    assert "::error file=catalog/services/search.yaml" in github.stdout
    # A file name that is not UTF-8 crosses intact.
    odd = os.fsdecode(b"catalog/services/caf\xe9.yaml")
    both(itsm, repo, odd)


def test_the_hooks_first_run_answers_itself_and_starts_a_server(itsm: Itsm, repo: Path) -> None:
    assert itsm.served() == -1
    first = itsm.lint(repo, "--daemon", SERVICE)
    assert first.returncode == 0 and "no problems" in first.stdout
    itsm.wait_for_server()
    assert itsm.served() == 0  # started for the next run, which it answers
    both(itsm, repo, SERVICE)


def test_never_in_ci(itsm: Itsm, repo: Path) -> None:
    ci = itsm.lint(repo, "--daemon", SERVICE, CI="true")
    assert ci.returncode == 0
    time.sleep(1)
    assert itsm.served() == -1  # nothing started, nothing left behind
    start(itsm)
    itsm.lint(repo, "--daemon", SERVICE, CI="true")
    assert itsm.served() == 0  # nor asked


def test_a_folder_others_can_enter_is_never_used(itsm: Itsm, repo: Path) -> None:
    """Another user who could create the socket could answer in the server's place."""
    folder = itsm.runtime / "itsmcode"
    folder.mkdir(mode=0o700)
    folder.chmod(0o755)
    refused = itsm("daemon", "start")
    assert refused.returncode == 2
    assert "private folder" in refused.stderr and "Traceback" not in refused.stderr
    answered = itsm.lint(repo, "--daemon", SERVICE)  # answers itself
    assert answered.returncode == 0 and "no problems" in answered.stdout
    # The same through a symbolic link to a private folder.
    folder.rmdir()
    elsewhere = itsm.runtime / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    folder.symlink_to(elsewhere)
    assert itsm("daemon", "start").returncode == 2
    assert list(elsewhere.iterdir()) == []


def test_an_impostor_socket_in_an_open_folder_is_not_asked(itsm: Itsm, repo: Path) -> None:
    folder = itsm.runtime / "itsmcode"
    folder.mkdir()
    folder.chmod(0o777)
    # A real server started elsewhere tells the socket's name; then it is squatted.
    private = itsm.runtime / "p"
    private.mkdir(mode=0o700)
    status = itsm("daemon", "start", XDG_RUNTIME_DIR=str(private))
    assert status.returncode == 0
    name = Path(status.stdout.strip().rsplit(": ", 1)[-1]).name
    itsm("daemon", "stop", XDG_RUNTIME_DIR=str(private))
    squatter = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    squatter.bind(str(folder / name))
    squatter.listen(1)
    squatter.settimeout(0.5)
    try:
        answered = itsm.lint(repo, "--daemon", SERVICE)
        assert answered.returncode == 0 and "no problems" in answered.stdout
        try:
            squatter.accept()
            asked = True
        except TimeoutError:
            asked = False
        assert not asked
    finally:
        squatter.close()


def test_garbage_and_other_commands_are_declined(itsm: Itsm, repo: Path) -> None:
    start(itsm)
    path = next((itsm.runtime / "itsmcode").glob("*.sock"))
    for payload in (b"\xff\xff\xff\xff", struct.pack(">I", 3) + b"{x}", b""):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
            raw.connect(str(path))
            raw.sendall(payload)
    body = b'{"argv": ["policy", "check"], "cwd": "/", "env": {}, "tty": [false, false], '
    body += b'"encoding": ["utf-8", "utf-8"], "blobs": []}'
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as raw:
        raw.connect(str(path))
        raw.sendall(struct.pack(">I", len(body)) + body)
        answer = raw.recv(4096)
    assert b"declined" in answer and b"exit" not in answer
    both(itsm, repo, SERVICE)  # still serving, and still right


def test_concurrent_clients_each_get_their_own_answer(itsm: Itsm, repo: Path) -> None:
    start(itsm)
    broken = repo / "catalog/services/broken.yaml"
    broken.write_text("kind: Service\nmetadata: [\n", encoding="utf-8")
    with ThreadPoolExecutor(4) as pool:
        runs = list(
            pool.map(
                lambda path: itsm.lint(repo, "--daemon", path),
                [SERVICE, "catalog/services/broken.yaml"] * 3,
            )
        )
    for run, path in zip(runs, [SERVICE, "catalog/services/broken.yaml"] * 3, strict=True):
        alone = itsm.lint(repo, path)
        assert (run.returncode, run.stdout) == (alone.returncode, alone.stdout)
    assert itsm.served() == 6


def test_a_changed_installation_is_never_served_by_the_old_code(
    itsm: Itsm, repo: Path, tmp_path: Path
) -> None:
    """A server started before an upgrade declines and exits; the run answers itself."""
    import itsmcode

    source = tmp_path / "src"
    shutil.copytree(Path(itsmcode.__file__).parent, source / "itsmcode")
    env = {"PYTHONPATH": str(source)}
    try:
        _upgrade_while_serving(itsm, repo, source, env)
    finally:
        # The fallback run started a server of the new code: wait for it, then stop it.
        deadline = time.monotonic() + 10
        while itsm("daemon", "stop", **env).returncode != 0 and time.monotonic() < deadline:
            time.sleep(0.2)


def _upgrade_while_serving(itsm: Itsm, repo: Path, source: Path, env: dict[str, str]) -> None:
    assert itsm("daemon", "start", "--idle", "120", **env).returncode == 0
    assert itsm.lint(repo, "--daemon", SERVICE, **env).returncode == 0
    assert "1 run answered" in itsm("daemon", "status", **env).stdout
    # The upgrade: a rule now says something else.
    rule = source / "itsmcode/lint/rules/sla_required.py"
    text = rule.read_text(encoding="utf-8")
    rule.write_text(text.replace("must name", "upgraded: must name"), encoding="utf-8")
    service = repo / SERVICE
    service.write_text(
        "\n".join(line for line in service.read_text().splitlines() if "sla:" not in line) + "\n",
        encoding="utf-8",
    )
    answered = itsm.lint(repo, "--daemon", SERVICE, **env)
    alone = itsm.lint(repo, SERVICE, **env)
    assert answered.stdout == alone.stdout
    assert "upgraded: must name its SLA" in answered.stdout


def test_stop_status_and_idle_exit(itsm: Itsm) -> None:
    assert itsm("daemon", "status").returncode == 1
    assert itsm("daemon", "stop").returncode == 1
    start(itsm)
    again = itsm("daemon", "start")
    assert again.returncode == 0 and "already running" in again.stdout
    status = itsm("daemon", "status")
    assert status.returncode == 0 and "0 runs answered" in status.stdout
    stopped = itsm("daemon", "stop")
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert itsm("daemon", "status").returncode == 1
    assert itsm("daemon", "start", "--idle", "1").returncode == 0
    deadline = time.monotonic() + 20
    while itsm("daemon", "status").returncode == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert itsm("daemon", "status").returncode == 1
    assert list((itsm.runtime / "itsmcode").glob("*.sock")) == []


def test_the_server_never_imports_code_from_the_repository(itsm: Itsm, repo: Path) -> None:
    """``python -m`` imports from the current folder first; the server a hook starts in
    a repository must not run a module a pull request planted there."""
    marker = itsm.runtime / "imported"
    for module in ("yaml.py", "click.py", "pydantic.py", "itsmcode/__init__.py"):
        planted = repo / module
        planted.parent.mkdir(exist_ok=True)
        planted.write_text(f"open({str(marker)!r}, 'a').write({module!r})\n", encoding="utf-8")
    # The console script, as pre-commit runs it (``python -m`` would import them itself).
    script = shutil.which("itsm", path=os.path.dirname(sys.executable))
    assert script is not None

    def hook() -> subprocess.CompletedProcess[str]:
        command = [script, "lint", "--daemon", "--now", "2026-11-24", SERVICE]
        return subprocess.run(command, cwd=repo, env=itsm.env, capture_output=True, text=True)

    first = hook()
    assert first.returncode == 0, first.stderr
    itsm.wait_for_server()
    assert itsm.served() == 0
    served = hook()
    assert (served.returncode, served.stdout) == (first.returncode, first.stdout)
    assert itsm.served() == 1
    assert not marker.exists()


def test_ctrl_c_while_waiting_is_an_interruption_not_a_traceback(itsm: Itsm, repo: Path) -> None:
    start(itsm)
    path = next((itsm.runtime / "itsmcode").glob("*.sock"))
    assert itsm("daemon", "stop").returncode == 0
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # accepts, never answers
    silent.bind(str(path))
    silent.listen(1)
    try:
        client = subprocess.Popen(
            [sys.executable, "-m", "itsmcode", "lint", "--daemon", SERVICE],
            cwd=repo,
            env=itsm.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        connection, _ = silent.accept()
        time.sleep(0.3)
        client.send_signal(signal.SIGINT)
        out, err = client.communicate(timeout=30)
        connection.close()
    finally:
        silent.close()
    assert client.returncode == 130
    assert err == "itsm: interrupted\n" and out == ""


def test_a_server_grown_large_gives_its_memory_back(itsm: Itsm, repo: Path) -> None:
    """Past --max-memory the server answers, then exits; the next run answers itself."""
    assert itsm("daemon", "start", "--max-memory", "1").returncode == 0
    served = itsm.lint(repo, "--daemon", SERVICE)
    alone = itsm.lint(repo, SERVICE)
    assert (served.returncode, served.stdout) == (alone.returncode, alone.stdout)
    deadline = time.monotonic() + 10
    while itsm.served() >= 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert itsm.served() == -1
    again = itsm.lint(repo, SERVICE)
    assert (again.returncode, again.stdout) == (alone.returncode, alone.stdout)
