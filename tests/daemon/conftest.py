"""Real lint servers in private temporary folders, always stopped afterwards."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lint.test_cache import example

NOW = "2026-11-24T12:00:00+0000"


class Itsm:
    """``itsm`` as a user's shell runs it, in an environment of its own."""

    def __init__(self, env: dict[str, str], runtime: Path) -> None:
        self.env = env
        self.runtime = runtime

    def __call__(
        self, *args: str, cwd: Path | None = None, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "itsmcode", *args],
            cwd=cwd,
            env={**self.env, **extra},
            capture_output=True,
            text=True,
            timeout=120,
        )

    def lint(self, root: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        return self("lint", "--now", NOW, *args, cwd=root, **extra)

    def wait_for_server(self) -> None:
        """Until a server started in the background answers (or 30 s)."""
        deadline = time.monotonic() + 30
        while self.served() < 0 and time.monotonic() < deadline:
            time.sleep(0.1)

    def served(self) -> int:
        """How many runs the server answered (-1: none runs)."""
        status = self("daemon", "status")
        if status.returncode != 0:
            return -1
        found = re.search(r"(\d+) runs? answered", status.stdout)
        assert found is not None, status.stdout
        return int(found.group(1))


@pytest.fixture
def itsm() -> Iterator[Itsm]:
    # A short folder: a socket's path may not exceed about 100 bytes.
    runtime = Path(tempfile.mkdtemp(prefix="itsmd-"))
    runtime.chmod(0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "XDG_CACHE_HOME": str(runtime / "c")}
    for name in ("CI", "GITHUB_ACTIONS"):
        env.pop(name, None)
    tool = Itsm(env, runtime)
    try:
        yield tool
    finally:
        tool("daemon", "stop")
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return example(tmp_path)


def start(itsm: Itsm) -> None:
    started = itsm("daemon", "start", "--idle", "120")
    assert started.returncode == 0, started.stderr
    assert "itsm lint server started" in started.stdout
