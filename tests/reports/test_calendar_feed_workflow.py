"""The calendar feed workflow's build script, run for real on the example repository:
it writes a feed that parses and a Markdown agenda to the job summary, and the job
that publishes holds the Pages token but runs no code."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_workflows import load, step

ROOT = Path(__file__).resolve().parents[2]


def test_build_script_writes_a_feed_and_a_summary(tmp_path: Path) -> None:
    vobject = pytest.importorskip("vobject")
    shim = tmp_path / "bin" / "itsm"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m itsmcode "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    summary = tmp_path / "summary.md"
    script = step("calendar-feed.yml", "build", "itsm calendar")["run"]
    env = {
        **os.environ,
        "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": os.pathsep.join(sys.path),
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    feed = vobject.readOne((tmp_path / "site" / "changes.ics").read_text(encoding="utf-8"))
    uids = {e.uid.value for e in feed.vevent_list}
    assert "freeze.change-freezes.weekend@acme-retail" in uids
    assert summary.read_text(encoding="utf-8").startswith(
        "## Schedule of change for Acme Retail IT"
    )


def test_only_the_deploy_job_can_write_and_it_runs_no_code() -> None:
    jobs = load("calendar-feed.yml")["jobs"]
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s.get("uses", "").split("@")[0] for s in jobs["deploy"]["steps"]] == [
        "actions/deploy-pages"
    ]
    assert load("calendar-feed.yml")["on"] == {
        "push": {"branches": ["main"]},
        "schedule": [{"cron": "23 4 * * *"}],
        "workflow_dispatch": None,
    }
