"""The site workflow's build script, run for real on the example repository: it writes
the site and the calendar feed beside it; the job that publishes holds the Pages token
but runs no code, and the job that runs itsm can only read."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from tests.site.pages import parse
from tests.test_workflows import load, step

ROOT = Path(__file__).resolve().parents[2]


def test_build_script_writes_the_site_and_the_feed(tmp_path: Path) -> None:
    shim = tmp_path / "bin" / "itsm"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m itsmcode "$@"\n', encoding="utf-8")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    script = step("site.yml", "build", "itsm site build")["run"]
    env = {
        **os.environ,
        "PATH": f"{shim.parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": os.pathsep.join(sys.path),
        "RUNNER_TEMP": str(tmp_path),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    done = subprocess.run(
        ["bash", "-e", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    site = tmp_path / "site"
    assert parse(site / "index.html").by_id("catalog").tag == "table"
    assert (site / "changes.ics").read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    # What upload-pages-artifact publishes is exactly that folder.
    upload = [s for s in load("site.yml")["jobs"]["build"]["steps"] if "with" in s]
    assert upload[-1]["with"]["path"] == "${{ runner.temp }}/site"


def test_only_the_deploy_job_can_write_and_it_runs_no_code() -> None:
    workflow = load("site.yml")
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {}
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s.get("uses", "").split("@")[0] for s in jobs["deploy"]["steps"]] == [
        "actions/deploy-pages"
    ]
    # The history (audit, each service's history) needs every commit, read-only.
    checkout = jobs["build"]["steps"][0]
    assert checkout["with"] == {"persist-credentials": False, "fetch-depth": 0}
    assert workflow["on"] == {
        "push": {"branches": ["main"]},
        "schedule": [{"cron": "41 4 * * *"}],
        "workflow_dispatch": None,
    }
