"""itsm report problems through the real CLI: recurrences just inside and just outside the
window, problem hygiene, and the suggested command actually opening the problem."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

from itsmcode.load.yamlio import parse
from tests.helpers import found, lint_repo, messages, run_cli
from tests.reports.planted import incident, make_repo, report_json

PERIOD = ["--since", "2026-10-01", "--until", "2026-12-02"]
CAPACITY = "  cause: {category: capacity}\n"
NETWORK = "  cause: {category: network}\n"

FILES = {
    # web/capacity: first to last 29d 23h 59m, inside the 30d window.
    "incidents/2026/inc-w1.yaml": incident("inc-w1", "web", "P3", "2026-11-01T10:00:00Z", CAPACITY),
    "incidents/2026/inc-w2.yaml": incident("inc-w2", "web", "P3", "2026-11-10T10:00:00Z", CAPACITY),
    "incidents/2026/inc-w3.yaml": incident("inc-w3", "web", "P3", "2026-12-01T09:59:00Z", CAPACITY),
    # Linked to a problem already: not part of a recurrence.
    "incidents/2026/inc-w4.yaml": incident(
        "inc-w4", "web", "P3", "2026-11-12T10:00:00Z", CAPACITY + "  problem: prb-known\n"
    ),
    # api/network: first to last exactly 30 days, outside the half-open window.
    "incidents/2026/inc-a1.yaml": incident("inc-a1", "api", "P3", "2026-10-01T10:00:00Z", NETWORK),
    "incidents/2026/inc-a2.yaml": incident("inc-a2", "api", "P3", "2026-10-15T10:00:00Z", NETWORK),
    "incidents/2026/inc-a3.yaml": incident("inc-a3", "api", "P3", "2026-10-31T10:00:00Z", NETWORK),
    # wiki: no cause at all, grouped as 'unknown'.
    "incidents/2026/inc-k1.yaml": incident("inc-k1", "wiki", "P4", "2026-11-20T10:00:00Z"),
    "incidents/2026/inc-k2.yaml": incident("inc-k2", "wiki", "P4", "2026-11-21T10:00:00Z"),
    "incidents/2026/inc-k3.yaml": incident("inc-k3", "wiki", "P4", "2026-11-22T10:00:00Z"),
    "problems/prb-known.yaml": (
        "apiVersion: itsmcode/v1\nkind: Problem\nmetadata: {name: prb-known}\n"
        "spec: {services: [web], status: known-error, incidents: [inc-w4]}\n"
    ),
    "problems/prb-risk.yaml": (
        "apiVersion: itsmcode/v1\nkind: Problem\nmetadata: {name: prb-risk}\n"
        "spec: {services: [api], status: risk-accepted, reviewBy: 2026-11-15, "
        "incidents: [inc-a1]}\n"
    ),
    "catalog/teams/idle.yaml": (
        "apiVersion: itsmcode/v1\nkind: Team\nmetadata: {name: idle}\n"
        "spec: {members: [{github: carol}]}\n"
    ),
}


def test_findings(tmp_path: Path) -> None:
    make_repo(tmp_path, FILES)
    data = report_json(tmp_path, "problems", *PERIOD)
    summary = [
        (f["type"], f["severity"], [e["name"] for e in f["entities"]]) for f in data["findings"]
    ]
    assert summary == [
        ("problem-incidents-mismatch", "error", ["prb-risk", "inc-a1"]),
        ("known-error-without-fix", "warning", ["prb-known"]),
        ("problem-review-due", "warning", ["prb-risk"]),
        ("recurring-incidents", "warning", ["web", "inc-w1", "inc-w2", "inc-w3"]),
        ("recurring-incidents", "warning", ["wiki", "inc-k1", "inc-k2", "inc-k3"]),
        ("review-due", "warning", ["prb-risk"]),
        ("live-service-without-sla", "info", ["wiki"]),
        ("team-owns-nothing", "info", ["idle"]),
    ]
    assert data["findings"][3]["message"] == (
        "3 incidents on web with cause 'capacity' within 30d and no problem record: open "
        "problem prb-web-capacity and set spec.problem: prb-web-capacity in each incident"
    )
    assert data["recurrences"][1] == {
        "service": "wiki",
        "category": "unknown",
        "incidents": ["inc-k1", "inc-k2", "inc-k3"],
        "first": "2026-11-20T11:00:00+01:00",
        "last": "2026-11-22T11:00:00+01:00",
    }


def test_one_minute_later_is_no_recurrence(tmp_path: Path) -> None:
    files = dict(FILES)
    files["incidents/2026/inc-w3.yaml"] = incident(
        "inc-w3", "web", "P3", "2026-12-01T10:00:00Z", CAPACITY
    )
    make_repo(tmp_path, files)
    data = report_json(tmp_path, "problems", *PERIOD)
    assert [r["service"] for r in data["recurrences"]] == ["wiki"]


def paste(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run a suggested command as a user pastes it into a shell (``itsm`` being this one)."""
    assert command.startswith("itsm new problem ")
    itsm = f"{shlex.quote(sys.executable)} -m itsmcode"
    return subprocess.run(
        itsm + command[len("itsm") :], shell=True, cwd=cwd, capture_output=True, text=True
    )


def test_the_suggested_command_opens_the_problem(tmp_path: Path) -> None:
    make_repo(tmp_path, FILES)
    text = run_cli(["report", "problems", *PERIOD, "--repo", str(tmp_path)])
    assert text.exit_code == 0
    line = next(x for x in text.stdout.splitlines() if "itsm new problem prb-web-capacity" in x)
    command = line.split("to open it: ", 1)[1]
    done = paste(command, tmp_path)
    assert done.returncode == 0, done.stderr
    # The incidents are linked both ways by the command itself.
    for name in ("inc-w1", "inc-w2", "inc-w3"):
        assert "problem: prb-web-capacity" in (tmp_path / f"incidents/2026/{name}.yaml").read_text()
    result = lint_repo(tmp_path)
    assert (tmp_path / "problems/prb-web-capacity.yaml").is_file()
    assert [p for p, *_ in found(result) if "prb-web-capacity" in p] == []
    assert not [m for m in messages(result) if "prb-web-capacity" in m]
    data = report_json(tmp_path, "problems", *PERIOD, "--fail-on", "recurring-incidents", code=1)
    assert [r["service"] for r in data["recurrences"]] == ["wiki"]


def test_a_hostile_cause_category_cannot_break_the_suggested_command(tmp_path: Path) -> None:
    category = "db, \"x\" $(touch pwned) `touch pwned2` 'q' #é}"
    cause = f"  cause: {{category: {json.dumps(category)}}}\n"
    files = {
        f"incidents/2026/inc-h{i}.yaml": incident(
            f"inc-h{i}", "web", "P3", f"2026-11-0{i}T10:00:00Z", cause
        )
        for i in (1, 2, 3)
    }
    make_repo(tmp_path, files)
    data = report_json(tmp_path, "problems", *PERIOD)
    (finding,) = [f for f in data["findings"] if f["type"] == "recurring-incidents"]
    done = paste(finding["suggestion"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "pwned").exists() and not (tmp_path / "pwned2").exists()
    written = sorted(p.name for p in (tmp_path / "problems").iterdir())
    assert written == ["prb-web-db---x----touch-pwned---touch-pwned2---q.yaml"]
    result = lint_repo(tmp_path)
    assert [f for f in found(result) if f[0].startswith(("problems/", "incidents/"))] == []
    title = f"Recurring {category} incidents on web"
    assert parse((tmp_path / "problems" / written[0]).read_text()).data["metadata"]["title"] == (
        title
    )


def test_the_suggested_command_never_overwrites(tmp_path: Path) -> None:
    make_repo(tmp_path, FILES)
    data = report_json(tmp_path, "problems", *PERIOD)
    command = data["findings"][3]["suggestion"]
    existing = tmp_path / "problems" / "prb-web-capacity.yaml"
    existing.write_text("mine\n")
    done = paste(command, tmp_path)
    assert done.returncode == 2 and "exists already" in done.stderr
    assert existing.read_text() == "mine\n"
