"""The GitHub workflows: statically clean, least-privilege, safe against the PR they judge.

What can be tested offline of policy.md's property 8 (docs/security.md has the threat
model): actionlint (with shellcheck on every ``run:`` script) and zizmor report nothing;
every job declares its permissions and only jobs that run no Python hold a write token;
no event data is expanded inside a script; actions are pinned to full commit SHAs; every
install is of the itsmcode commit pinned in the workflow's env, never of the checkout or
a package index name (issue 16); the approval gate runs the base branch's definition,
never checks out the pull request and reads the policy from the base. The gate's and the
record's scripts run for real (bash, git, the real ``itsm``, a fake ``gh`` answering from
canned API responses): a pull request
that rewrites the policy, its team and the gate itself is refused, a hostile branch name
stays data, the notes push survives a concurrent push. And the templates ``itsm init``
writes are the project's own workflows, byte for byte.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from packaging.requirements import Requirement

from itsmcode.workflows import (
    STATUS_CONTEXT_PREFIX,
    WORKFLOW_DIR,
    pin,
    status_context,
    templates,
    workflow_files,
)
from tests.gatepin import GATE, PIN
from tests.helpers import run_cli
from tests.policy.prrepo import github_commits

PROJECT = Path(__file__).resolve().parents[1]
WORKFLOWS = PROJECT / WORKFLOW_DIR
TEMPLATES = PROJECT / "src" / "itsmcode" / "workflows"
PINNED = re.compile(r"^\s*-?\s*uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40}) # v\d+(\.\d+)*\s*$")
PYTHON_STEP = re.compile(r"\b(pip|itsm|python)\b")


def tool(name: str) -> str:
    """A test dependency's executable: beside this Python first, then on PATH."""
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
    return found


def load(name: str) -> dict[str, Any]:
    raw: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # PyYAML reads YAML 1.1, where the key `on` is the boolean true.
    data = {str(k): v for k, v in raw.items() if k is not True}
    data["on"] = raw.get(True, raw.get("on"))
    return data


def every_workflow() -> dict[str, dict[str, Any]]:
    return {path.name: load(path.name) for path in sorted(WORKFLOWS.glob("*.yml"))}


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def step(workflow: str, job: str, name: str) -> dict[str, Any]:
    for candidate in steps(load(workflow)["jobs"][job]):
        if candidate.get("name") == name or candidate.get("id") == name:
            return candidate
    raise AssertionError(f"{workflow}: job {job} has no step {name!r}")


# --- the static analysers -------------------------------------------------------------


def test_actionlint_with_shellcheck_reports_nothing() -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip(
            "shellcheck is not installed (apt-get install shellcheck); actionlint "
            "would skip the run: scripts, so this check would prove little"
        )
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert files, "no workflows found"
    done = subprocess.run(
        [tool("actionlint"), "-no-color", *files],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == ""


def test_actionlint_does_run_shellcheck() -> None:
    """A clean result above means something only if shellcheck really looks."""
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    text = (WORKFLOWS / "approval-review.yml").read_text(encoding="utf-8")
    broken = text.replace(
        'echo "Review ${ACTION} on pull request #${NUMBER}."', "echo Review $ACTION $NUMBER"
    )
    assert broken != text
    done = subprocess.run(
        [tool("actionlint"), "-no-color", "-"],
        input=broken,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 1
    assert "SC2086" in done.stdout


def test_zizmor_offline_reports_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", WORKFLOW_DIR],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout, done.stdout


def test_every_zizmor_exception_is_justified() -> None:
    """Each inline ignore names its rule and explains itself right there."""
    for name in sorted(p.name for p in WORKFLOWS.glob("*.yml")):
        for line in (WORKFLOWS / name).read_text(encoding="utf-8").splitlines():
            if "zizmor: ignore" in line:
                match = re.search(r"zizmor: ignore\[([a-z-]+)\](.*)$", line)
                assert match, f"{name}: {line.strip()}"
                assert match.group(1) == "dangerous-triggers", f"{name}: {line.strip()}"
                assert len(match.group(2).split()) >= 5, f"{name}: unexplained: {line.strip()}"


# --- structure: permissions, injection, pinning ----------------------------------------


def test_every_workflow_denies_by_default_and_every_job_declares_permissions() -> None:
    for name, workflow in every_workflow().items():
        assert workflow.get("permissions") == {}, f"{name}: top-level permissions must be {{}}"
        for job_name, job in workflow["jobs"].items():
            assert "permissions" in job, f"{name}: job {job_name} has no explicit permissions"


def test_jobs_that_hold_a_write_token_run_no_python() -> None:
    """Third-party Python (itsm and its dependencies) only ever sees a read-only token:
    code in a job can reach that job's token, so write tokens live in jobs of gh and git.
    """
    writers = 0
    for name, workflow in every_workflow().items():
        for job_name, job in workflow["jobs"].items():
            permissions = job["permissions"] or {}
            if "write" not in permissions.values():
                continue
            writers += 1
            for s in steps(job):
                assert "setup-python" not in s.get("uses", ""), f"{name}: {job_name}"
                assert not PYTHON_STEP.search(s.get("run", "")), f"{name}: {job_name}: {s}"
    # comment, sweep, resolve, report, publish (record), deploy (feed), deploy (site)
    assert writers == 7


def test_no_expression_inside_a_script() -> None:
    """Untrusted values (branch names, titles, logins) reach scripts via env only."""
    for name, workflow in every_workflow().items():
        for job_name, job in workflow["jobs"].items():
            for s in steps(job):
                assert "${{" not in s.get("run", ""), f"{name}: {job_name}: {s.get('name')}"


def test_no_secrets_are_used() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        assert not re.search(r"\bsecrets\.\w", path.read_text(encoding="utf-8")), path.name


def test_actions_are_pinned_to_full_commit_shas_with_a_version_comment() -> None:
    used = 0
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.match(r"^\s*-?\s*uses:", line):
                used += 1
                assert PINNED.match(line), f"{path.name}:{number}: {line.strip()}"
    assert used > 0


def test_checkouts_never_persist_credentials() -> None:
    for name, workflow in every_workflow().items():
        for job_name, job in workflow["jobs"].items():
            for s in steps(job):
                if s.get("uses", "").startswith("actions/checkout@"):
                    assert s["with"]["persist-credentials"] is False, f"{name}: {job_name}"


# --- what the workflows install: a pinned commit, never the repository's content -------

#: The pin this project's own workflows carry (and the shipped templates).
PROJECT_PIN = pin.read((TEMPLATES / "approval.yml").read_text(encoding="utf-8"))
assert PROJECT_PIN is not None
INSTALL_STEP = "Install itsm (the pinned source, never this repository's files)"
PINNED_REQUIREMENT = '"itsmcode @ git+${ITSMCODE_SOURCE}@${ITSMCODE_REF}"'
SHA = re.compile(r"^[0-9a-f]{40}$")


def install_problems(workflow: dict[str, Any]) -> list[str]:
    """Why a parsed workflow might install something other than the pinned itsmcode.

    Every `pip install` (or `pipx`, `uv`) command must install exactly the pinned
    requirement, from nothing the job has on disk, and the pin must be a full sha
    and an https git URL in the workflow's own `env:`.
    """
    problems: list[str] = []
    env = workflow.get("env") or {}
    installs = 0
    for job_name, job in workflow["jobs"].items():
        for s in steps(job):
            script = s.get("run", "")
            # One logical line per command: join continuation lines.
            for command in script.replace("\\\n", " ").splitlines():
                if not re.search(r"\b(pip3?|pipx|uv|easy_install|setup\.py)\b", command):
                    continue
                if re.search(r"\b(pyproject|setup\.py|requirements|constraints)\b", command):
                    problems.append(f"{job_name}: reads repository files: {command.strip()}")
                    continue
                installs += 1
                words = command.split()
                if words[:3] != ["python", "-I", "-m"] or words[3:5] != ["pip", "install"]:
                    problems.append(f"{job_name}: not `python -I -m pip install`: {command}")
                    continue
                args = command.split("pip install", 1)[1].split()
                options = [a for a in args if a.startswith("-")]
                targets = " ".join(a for a in args if not a.startswith("-"))
                if set(options) - {"--quiet", "--no-cache-dir"}:
                    problems.append(f"{job_name}: unexpected pip options {options}")
                if targets != PINNED_REQUIREMENT:
                    problems.append(f"{job_name}: installs {targets!r}, not the pinned source")
    if installs:
        if not SHA.match(str(env.get("ITSMCODE_REF", ""))):
            problems.append(f"env ITSMCODE_REF is not a full commit sha: {env.get('ITSMCODE_REF')}")
        if not str(env.get("ITSMCODE_SOURCE", "")).startswith("https://"):
            problems.append(
                f"env ITSMCODE_SOURCE is not an https URL: {env.get('ITSMCODE_SOURCE')}"
            )
    return problems


def test_no_workflow_installs_from_repository_content_or_an_index_name() -> None:
    installing = 0
    for name, workflow in every_workflow().items():
        assert install_problems(workflow) == [], name
        installing += "ITSMCODE_REF" in (workflow.get("env") or {})
    # validate, approval, record, the calendar feed, the site; the review trigger installs
    # nothing
    assert installing == 5


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        # The old way: the repository's own pyproject.toml decided what ran (issue 16.2).
        (
            PINNED_REQUIREMENT,
            ".",
            "installs '.'",
        ),
        (PINNED_REQUIREMENT, "-e .", "unexpected pip options"),
        (PINNED_REQUIREMENT, "-r requirements.txt", "reads repository files"),
        (PINNED_REQUIREMENT, "./src", "installs './src'"),
        # A name on a package index whoever registers it controls (issue 16.3).
        (PINNED_REQUIREMENT, '"itsmcode==0.1.0"', "installs '\"itsmcode==0.1.0\"'"),
        (PINNED_REQUIREMENT, "itsmcode", "installs 'itsmcode'"),
        (PINNED_REQUIREMENT, '"itsmcode @ git+${ITSMCODE_SOURCE}@main"', "not the pinned source"),
        (
            PINNED_REQUIREMENT,
            PINNED_REQUIREMENT + " --index-url https://evil.invalid/simple",
            "unexpected pip options",
        ),
        # -I left out: a pip.py in the checkout would run instead of pip.
        ("python -I -m pip install", "python -m pip install", "not `python -I -m pip install`"),
        # A movable ref or a plain-http source in env.
        (f"ITSMCODE_REF: {PROJECT_PIN.ref}", "ITSMCODE_REF: main", "not a full commit sha"),
        (
            f"ITSMCODE_SOURCE: {PROJECT_PIN.url}",
            f"ITSMCODE_SOURCE: {PROJECT_PIN.url.replace('https:', 'http:')}",
            "not an https URL",
        ),
    ],
)
def test_the_install_check_catches_each_way_back_to_an_unpinned_install(
    old: str, new: str, problem: str
) -> None:
    """The check above can fail: each variation of an unpinned install is caught."""
    for name in ("validate.yml", "approval.yml", "record.yml"):
        text = (WORKFLOWS / name).read_text(encoding="utf-8")
        assert old in text, name
        raw = yaml.safe_load(text.replace(old, new))
        workflow = {str(k): v for k, v in raw.items() if k is not True}
        found = install_problems(workflow)
        assert any(problem in p for p in found), (name, found)


def test_the_install_step_runs_only_the_pinned_requirement(tmp_path: Path) -> None:
    """Run the real step with a `python` that records its arguments, in a checkout that
    claims to be itsmcode (pyproject.toml, pip.py): the pinned requirement is installed
    all the same, and a movable ref stops the job."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "python.log"
    (bin_dir / "python").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{log}"\n', encoding="utf-8")
    (bin_dir / "python").chmod(0o755)
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    (checkout / "pyproject.toml").write_text('[project]\nname = "itsmcode"\n', encoding="utf-8")
    (checkout / "pip.py").write_text("raise SystemExit('hijacked')\n", encoding="utf-8")
    for workflow, job in (
        ("validate.yml", "lint"),
        ("approval.yml", "evaluate"),
        ("record.yml", "decide"),
    ):
        env = {k: str(v) for k, v in load(workflow)["env"].items()}
        script = step(workflow, job, INSTALL_STEP)["run"]
        run = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", **env}
        done = subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=checkout,
            env=run,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert log.read_text(encoding="utf-8").splitlines() == [
            "-I",
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-cache-dir",
            f"itsmcode @ git+https://github.com/itsmcode/itsmcode@{env['ITSMCODE_REF']}",
        ], workflow
        # What pip will parse: PEP 508 reads it as itsmcode from git at that commit.
        requirement = Requirement(log.read_text(encoding="utf-8").splitlines()[-1])
        assert requirement.name == "itsmcode"
        assert requirement.url == f"git+{PROJECT_PIN.url}@{PROJECT_PIN.ref}"
        log.unlink()
        for ref in ("main", "v0.1.0", env["ITSMCODE_REF"][:12], ""):
            moved = subprocess.run(
                ["bash", "-e", "-c", script],
                cwd=checkout,
                env={**run, "ITSMCODE_REF": ref},
                capture_output=True,
                text=True,
                check=False,
            )
            assert moved.returncode == 1, (workflow, ref)
            assert "::error::ITSMCODE_REF must be a full commit sha" in moved.stdout
            assert not log.exists(), (workflow, ref)


def test_init_writes_its_pin_into_every_workflow_and_the_hook(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path), *PIN])
    assert result.exit_code == 0, result.output
    for path in workflow_files(GATE):
        workflow = yaml.safe_load((tmp_path / path).read_text(encoding="utf-8"))
        if "env" in workflow and "ITSMCODE_REF" in workflow["env"]:
            assert workflow["env"]["ITSMCODE_SOURCE"] == GATE.url
            assert workflow["env"]["ITSMCODE_REF"] == GATE.ref
            assert install_problems({str(k): v for k, v in workflow.items() if k is not True}) == []
    # Only the pin differs from the shipped workflows, line for line.
    for path, text in templates().items():
        if path not in workflow_files(GATE):
            continue  # opt-in (the calendar feed): init does not write it
        written = (tmp_path / path).read_text(encoding="utf-8").splitlines()
        shipped = text.splitlines()
        assert len(written) == len(shipped), path
        changed = [(a, b) for a, b in zip(shipped, written, strict=True) if a != b]
        if "approval-review" in path:
            assert changed == [], path
        else:
            assert [b.strip() for _, b in changed] == [
                f"ITSMCODE_SOURCE: {GATE.url}",
                f"ITSMCODE_REF: {GATE.ref}",
            ], path
    hook = yaml.safe_load((tmp_path / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [{"id": "itsm-fmt"}, {"id": "itsm-lint"}]
    assert hook["repos"] == [{"repo": GATE.url, "rev": GATE.ref, "hooks": hooks}]
    # The hooks it names are the ones this project publishes.
    published = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in published] == ["itsm-lint", "itsm-fmt"]


# --- the approval gate ------------------------------------------------------------------


def test_the_gate_runs_only_the_base_branch_definition() -> None:
    gate = load("approval.yml")
    assert set(gate["on"]) == {
        "pull_request_target",
        "workflow_run",
        "schedule",
        "workflow_dispatch",
    }
    assert set(gate["on"]["pull_request_target"]["types"]) >= {
        "opened",
        "synchronize",
        "reopened",
        "edited",
        "labeled",
        "unlabeled",
    }
    trigger = load("approval-review.yml")
    assert gate["on"]["workflow_run"]["workflows"] == [trigger["name"]]
    assert gate["on"]["workflow_run"]["types"] == ["completed"]


def test_the_review_trigger_can_do_nothing_of_consequence() -> None:
    trigger = load("approval-review.yml")
    assert set(trigger["on"]) == {"pull_request_review"}
    assert set(trigger["on"]["pull_request_review"]["types"]) == {"submitted", "dismissed"}
    for job in trigger["jobs"].values():
        assert job["permissions"] == {}
        assert all("uses" not in s for s in steps(job))
        assert all(not PYTHON_STEP.search(s.get("run", "")) for s in steps(job))


def test_the_gate_never_checks_out_the_pull_request() -> None:
    text = (WORKFLOWS / "approval.yml").read_text(encoding="utf-8")
    for job in load("approval.yml")["jobs"].values():
        for s in steps(job):
            if s.get("uses", "").startswith("actions/checkout@"):
                # The default ref: the base branch (pull_request_target) or the default
                # branch (workflow_run); a `ref:` could name the pull request's head.
                assert "ref" not in s["with"] and "repository" not in s["with"]
    # The head's commits arrive as data in a remote-tracking ref, never in the work tree.
    assert '"+refs/pull/${NUMBER}/head:refs/remotes/itsm/head"' in text
    assert "git checkout" not in text and "git switch" not in text


def test_the_gate_reads_the_policy_from_the_base() -> None:
    fetch = step("approval.yml", "evaluate", "refs")
    assert '"+refs/heads/${BASE_REF}:refs/remotes/itsm/base"' in fetch["run"]
    assert "git rev-parse refs/remotes/itsm/base" in fetch["run"]
    check = step("approval.yml", "evaluate", "check")
    assert check["env"]["BASE_SHA"] == "${{ steps.refs.outputs.base }}"
    assert check["env"]["HEAD_SHA"] == "${{ needs.resolve.outputs.head }}"
    assert "itsm policy check" in check["run"]
    assert '--base "${BASE_SHA}" --head "${HEAD_SHA}"' in check["run"]
    assert "--format github" in check["run"]
    # itsm comes from the pinned source of the base branch's definition, never from the
    # pull request or the checkout (test_no_workflow_installs_... checks every install).
    install = step("approval.yml", "evaluate", INSTALL_STEP)
    assert '"itsmcode @ git+${ITSMCODE_SOURCE}@${ITSMCODE_REF}"' in install["run"]


def test_the_gate_token_is_split_by_job() -> None:
    jobs = load("approval.yml")["jobs"]
    assert jobs["resolve"]["permissions"] == {"pull-requests": "read", "statuses": "write"}
    assert jobs["evaluate"]["permissions"] == {"contents": "read", "pull-requests": "read"}
    assert jobs["report"]["permissions"] == {"statuses": "write"}
    assert jobs["sweep"]["permissions"] == {
        "actions": "write",
        "contents": "read",
        "pull-requests": "read",
    }


def test_the_gate_re_evaluates_open_pull_requests_on_a_schedule() -> None:
    """A check that went green stays green until an event: a freeze that starts later, or
    a review whose trigger the pull request disabled, must still reach it."""
    gate = load("approval.yml")
    assert gate["on"]["schedule"] == [{"cron": "7,37 * * * *"}]  # every 30 minutes
    assert gate["on"]["workflow_dispatch"]["inputs"]["number"]["required"] is True
    jobs = gate["jobs"]
    assert jobs["sweep"]["if"] == "github.event_name == 'schedule'"
    assert jobs["resolve"]["if"] == "github.event_name != 'schedule'"
    sweep = step("approval.yml", "sweep", jobs["sweep"]["steps"][0]["name"])["run"]
    assert "-f protected=true" in sweep and "select(.draft | not)" in sweep
    assert "/actions/workflows/${workflow}/dispatches" in sweep
    # A dispatched run is the same resolve -> evaluate -> report path, and only the
    # default branch's definition may judge.
    resolve = step("approval.yml", "resolve", "pr")["run"]
    assert 'if [ "${GITHUB_REF}" != "refs/heads/${DEFAULT_BRANCH}" ]; then' in resolve


def test_the_gate_fails_closed() -> None:
    report = load("approval.yml")["jobs"]["report"]
    # The status is set even when the evaluation failed or was cancelled ...
    assert report["if"].startswith("always()")
    script = step("approval.yml", "report", "Set the commit status")["run"]
    # ... and only the decision "approved" is success; anything else is failure or error.
    assert script.count("state=success") == 1
    assert re.search(r"approved\)\s*\n\s*state=success", script)
    assert re.search(r"\*\)\s*\n\s*state=error", script)
    check = step("approval.yml", "evaluate", "check")["run"]
    assert '0) echo "decision=approved"' in check


def test_the_status_context_is_the_documented_one() -> None:
    assert load("approval.yml")["env"]["STATUS_CONTEXT_PREFIX"] == STATUS_CONTEXT_PREFIX
    assert status_context("main") == "itsm/approval/main"
    ci = (PROJECT / "docs" / "ci.md").read_text(encoding="utf-8")
    assert f"**`{status_context('main')}`**" in ci
    # The old, base-independent context is only mentioned as the one to replace.
    assert "**`itsm/approval`**" not in ci and "`itsm/approval`, not" not in ci


def test_every_status_the_gate_sets_names_the_base_branch() -> None:
    """A status belongs to a commit: one context for all bases would let a pull request
    of the same head into a weaker branch set the check of main (finding 5)."""
    text = (WORKFLOWS / "approval.yml").read_text(encoding="utf-8")
    posts = fields = built = calls = 0
    for job_name, job in load("approval.yml")["jobs"].items():
        for s in steps(job):
            script = s.get("run", "")
            assert "itsm/approval" not in script, f"{job_name}: a literal context"
            posts += script.count("/statuses/")
            # Every context= a status is posted with is a variable built from the base ref.
            for value in re.findall(r'"context=([^"]*)"', script):
                fields += 1
                assert value in ("$2", "${context}"), f"{job_name}: context={value}"
            for value in re.findall(r"\bcontext=(\"[^\"]*\")\s*$", script, re.M):
                built += 1
                assert value in (
                    '"${STATUS_CONTEXT_PREFIX}/${base_ref}"',
                    '"${STATUS_CONTEXT_PREFIX}/${BASE_REF}"',
                ), f"{job_name}: context={value}"
            for call in re.findall(r"status (?:pending|error|success|failure) (\S+)", script):
                calls += 1
                assert call in (
                    '"${context}"',
                    '"${STATUS_CONTEXT_PREFIX}/${base_ref}"',
                ), f"{job_name}: {call}"
    assert posts == 2  # resolve's status() and report
    assert (fields, built, calls) == (2, 2, 3)  # pending x2 and error in resolve
    report = step("approval.yml", "report", "Set the commit status")
    assert report["env"]["BASE_REF"] == "${{ needs.resolve.outputs.base-ref }}"
    assert "STATUS_CONTEXT:" not in text


# --- validate and record --------------------------------------------------------------


def test_validate_comments_once_and_skips_forks() -> None:
    validate = load("validate.yml")
    assert set(validate["on"]) == {"pull_request"}
    jobs = validate["jobs"]
    assert jobs["lint"]["permissions"] == {"contents": "read"}
    assert jobs["diff"]["permissions"] == {"contents": "read"}
    assert jobs["comment"]["permissions"] == {"pull-requests": "write"}
    fork_guard = "github.event.pull_request.head.repo.full_name == github.repository"
    assert jobs["comment"]["if"] == fork_guard
    script = step("validate.yml", "comment", "Create or update the diff comment")["run"]
    assert "--method PATCH" in script and "startswith(env.MARKER)" in script
    assert "itsm lint --format github" in step("validate.yml", "lint", "itsm lint")["run"]
    assert "--format markdown" in step("validate.yml", "diff", "diff")["run"]


def test_record_writes_only_in_the_publish_job() -> None:
    record = load("record.yml")
    assert record["on"] == {"push": {"branches": ["main"]}}
    assert record["jobs"]["decide"]["permissions"] == {"contents": "read", "pull-requests": "read"}
    assert record["jobs"]["publish"]["permissions"] == {"contents": "write"}
    script = step("record.yml", "decide", "record")["run"]
    assert 'itsm policy record --merge "${SHA}"' in script


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def _publish(clone: Path, sha: str, note: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = step("record.yml", "publish", "Push refs/notes/itsmcode")["run"]
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "GH_TOKEN": "not-a-token",
        "SHA": sha,
        "NOTE": note,
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_SERVER_URL": "https://github.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def origin(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    """A bare origin with three commits on main, and a fresh clone of it."""
    if shutil.which("jq") is None:
        pytest.skip("jq is not installed (GitHub's runners have it)")
    work = tmp_path / "work"
    work.mkdir()
    _git(work, "init", "-q", "-b", "main")
    _git(work, "config", "user.name", "t")
    _git(work, "config", "user.email", "t@example.com")
    shas = []
    for i in range(3):
        (work / "f.txt").write_text(f"{i}\n", encoding="utf-8")
        _git(work, "add", "f.txt")
        _git(work, "commit", "-q", "-m", f"c{i}")
        shas.append(_git(work, "rev-parse", "HEAD"))
    bare = tmp_path / "origin.git"
    _git(tmp_path, "clone", "-q", "--bare", str(work), str(bare))
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(bare), str(clone))
    return bare, clone, shas


def note_for(sha: str) -> str:
    return json.dumps({"commits": {"merge": sha}, "decision": "approved"}, indent=2)


def test_publish_creates_the_notes_ref_then_adds_on_top(
    origin: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    bare, clone, shas = origin
    first = _publish(clone, shas[0], note_for(shas[0]), tmp_path)
    assert first.returncode == 0, first.stdout + first.stderr
    second = _publish(clone, shas[1], note_for(shas[1]), tmp_path)
    assert second.returncode == 0, second.stdout + second.stderr
    for sha in shas[:2]:
        # Byte for byte what itsm wrote (git notes show adds nothing of its own).
        assert _git(bare, "notes", "--ref=itsmcode", "show", sha) == note_for(sha)
    assert "token" not in _git(clone, "config", "--list")


def test_publish_survives_a_concurrent_push(
    origin: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    bare, clone, shas = origin
    # Another merge's record lands between our fetch and our push, once.
    other = tmp_path / "other"
    _git(tmp_path, "clone", "-q", str(bare), str(other))
    hook = clone / ".git" / "hooks" / "pre-push"
    hook.write_text(
        "#!/bin/sh\n"
        "unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n"
        f'[ -e "{tmp_path}/raced" ] && exit 0\n'
        f'touch "{tmp_path}/raced"\n'
        f'cd "{other}" && git -c user.name=o -c user.email=o@example.com '
        f"notes --ref=itsmcode add -m other {shas[2]} && "
        "git push -q origin refs/notes/itsmcode\n",
        encoding="utf-8",
    )
    hook.chmod(0o755)
    done = _publish(clone, shas[0], note_for(shas[0]), tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "retrying" in done.stdout
    assert _git(bare, "notes", "--ref=itsmcode", "show", shas[0]) == note_for(shas[0])
    assert _git(bare, "notes", "--ref=itsmcode", "show", shas[2]) == "other"


def test_publish_keeps_an_existing_record_and_refuses_a_foreign_one(
    origin: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    bare, clone, shas = origin
    assert _publish(clone, shas[0], note_for(shas[0]), tmp_path).returncode == 0
    again = _publish(clone, shas[0], note_for(shas[0]).replace("approved", "x"), tmp_path)
    assert again.returncode == 0
    assert "already has an approval record" in again.stdout
    assert _git(bare, "notes", "--ref=itsmcode", "show", shas[0]) == note_for(shas[0])
    # A note that is not the record of this very commit is never pushed.
    foreign = _publish(clone, shas[1], note_for(shas[0]), tmp_path)
    assert foreign.returncode != 0
    with pytest.raises(subprocess.CalledProcessError):
        _git(bare, "notes", "--ref=itsmcode", "show", shas[1])


# --- one source: the templates itsm init writes ------------------------------------------


def test_the_project_workflows_are_the_templates() -> None:
    """Edit src/itsmcode/workflows/*.yml and copy them to .github/workflows/ (or back)."""
    shipped = templates()
    on_disk = {
        f"{WORKFLOW_DIR}/{p.name}": p.read_text(encoding="utf-8")
        for p in sorted(WORKFLOWS.glob("*.yml"))
    }
    assert on_disk.keys() == shipped.keys()
    for path, text in shipped.items():
        assert on_disk[path] == text, f"{path} differs from src/itsmcode/workflows/"
    assert {p.name for p in TEMPLATES.glob("*.y*ml")} == {p.rsplit("/", 1)[1] for p in shipped}


def test_init_writes_the_workflows(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path), *PIN])
    assert result.exit_code == 0, result.output
    for path, text in workflow_files(GATE).items():
        assert f"created  {path}" in result.output
        assert (tmp_path / path).read_text(encoding="utf-8") == text


def test_init_without_an_approval_policy_writes_only_validate(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path), "--practices", "catalog,sla", *PIN])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in (tmp_path / WORKFLOW_DIR).iterdir())
    assert written == ["validate.yml"]


def test_init_never_overwrites_a_workflow(tmp_path: Path) -> None:
    ours = tmp_path / WORKFLOW_DIR / "validate.yml"
    ours.parent.mkdir(parents=True)
    ours.write_text("name: our own\n", encoding="utf-8")
    result = run_cli(["init", str(tmp_path), *PIN])
    assert result.exit_code == 0, result.output
    assert f"skipped  {WORKFLOW_DIR}/validate.yml (already exists)" in result.output
    assert ours.read_text(encoding="utf-8") == "name: our own\n"
    assert (tmp_path / WORKFLOW_DIR / "approval.yml").is_file()


# --- the gate and the record, their scripts run for real ---------------------------------
#
# Each step's `run:` script runs in bash as on a runner, its `${{ }}` env values filled in
# from the test, against real git repositories, the real `itsm`, and a fake `gh` that
# answers from canned API responses and logs every call.

FAKE_GH = """\
import json, os, subprocess, sys
args = sys.argv[2:]  # after "api"
jq = method = None
fields, endpoint, i = [], None, 0
while i < len(args):
    arg = args[i]
    if arg in ("--jq", "--method", "-X", "-f", "-F"):
        value = args[i + 1]
        if arg == "--jq":
            jq = value
        elif arg in ("--method", "-X"):
            method = value
        else:
            key, _, val = value.partition("=")
            if arg == "-F" and val.startswith("@"):
                val = open(val[1:], encoding="utf-8").read()
            fields.append([key, val])
        i += 2
    elif arg.startswith("--"):
        i += 1
    else:
        endpoint, i = arg, i + 1
method = method or ("POST" if fields else "GET")
with open(os.environ["FAKE_GH_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps({"method": method, "endpoint": endpoint, "fields": fields}) + "\\n")
if method != "GET":
    sys.exit(0)
name = endpoint.replace("/", "_") + ".json"
text = open(os.path.join(os.environ["FAKE_GH_DIR"], name), encoding="utf-8").read()
if jq is None:
    sys.stdout.write(text)
    sys.exit(0)
done = subprocess.run(["jq", "-r", jq], input=text, capture_output=True, text=True)
sys.stdout.write(done.stdout)
sys.stderr.write(done.stderr)
sys.exit(done.returncode)
"""

REPO = "acme/itsm"
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


class Runner:
    """Runs workflow steps like a GitHub runner would, offline."""

    def __init__(self, tmp: Path) -> None:
        if shutil.which("jq") is None:
            pytest.skip("jq is not installed (GitHub's runners have it)")
        self.tmp = tmp
        self.api = tmp / "api"
        self.api.mkdir()
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        gh = bin_dir / "gh"
        gh.write_text(f"#!{sys.executable}\n{FAKE_GH}", encoding="utf-8")
        gh.chmod(0o755)
        # Retry loops wait for GitHub; a test does not.
        (bin_dir / "sleep").write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
        (bin_dir / "sleep").chmod(0o755)
        self.path = os.pathsep.join(
            [str(bin_dir), str(Path(sys.executable).parent), os.environ["PATH"]]
        )
        self.log = tmp / "gh.log"
        self.summary = tmp / "summary.md"
        self.outputs: dict[str, dict[str, str]] = {}
        self.steps_run = 0

    def respond(self, endpoint: str, data: object) -> None:
        (self.api / (endpoint.replace("/", "_") + ".json")).write_text(
            json.dumps(data), encoding="utf-8"
        )

    def calls(self, method: str) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        entries = [json.loads(line) for line in self.log.read_text().splitlines()]
        return [e for e in entries if e["method"] == method]

    def run(
        self, workflow: str, job: str, name: str, cwd: Path, context: dict[str, str]
    ) -> subprocess.CompletedProcess[str]:
        definition = load(workflow)
        s = step(workflow, job, name)
        self.steps_run += 1
        output = self.tmp / f"github-output-{self.steps_run}"
        output.write_text("", encoding="utf-8")
        temp = self.tmp / "runner-temp"
        temp.mkdir(exist_ok=True)

        def fill(value: object) -> str:
            return EXPRESSION.sub(lambda m: context[m.group(1)], str(value))

        env = {
            "PATH": self.path,
            "HOME": str(self.tmp),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "RUNNER_TEMP": str(temp),
            "GITHUB_REPOSITORY": REPO,
            "GITHUB_SERVER_URL": "https://github.invalid",
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_PATH": context.get("event_path", ""),
            "FAKE_GH_DIR": str(self.api),
            "FAKE_GH_LOG": str(self.log),
            "GIT_AUTHOR_NAME": "runner",
            "GIT_AUTHOR_EMAIL": "runner@example.com",
            "GIT_COMMITTER_NAME": "runner",
            "GIT_COMMITTER_EMAIL": "runner@example.com",
        }
        # The `itsm` on PATH must import the code under test (a worktree's src, say).
        if "PYTHONPATH" in os.environ:
            env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        env.update({k: fill(v) for k, v in (definition.get("env") or {}).items()})
        env.update({k: fill(v) for k, v in (s.get("env") or {}).items()})
        # The runner's own variables a test sets (GITHUB_REF, GITHUB_WORKFLOW_REF, ...).
        env.update({k[4:]: v for k, v in context.items() if k.startswith("env:")})
        done = subprocess.run(
            ["bash", "-e", "-c", s["run"]],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        self.outputs[s.get("id", name)] = parse_outputs(output.read_text(encoding="utf-8"))
        return done


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's `key=value` and `key<<DELIMITER` forms."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            body: list[str] = []
            for part in lines:
                if part == delimiter:
                    break
                body.append(part)
            values[key] = "\n".join(body)
        elif "=" in line:
            key, value = line.split("=", 1)
            values[key] = value
    return values


class PullRequestRepo:
    """An `itsm init` repository on GitHub: a bare origin with main and refs/pull/7/head."""

    NUMBER = 7
    #: A second pull request of the same head (into another base, or the same).
    OTHER = 8

    def __init__(self, tmp: Path, author: str, edit: dict[str, str]) -> None:
        self.tmp = tmp
        self.author = author
        work = tmp / "work"
        result = run_cli(["init", str(work), *PIN])
        assert result.exit_code == 0, result.output
        self.git("init", "-q", "-b", "main")
        self.git("add", "-A")
        self.git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "init")
        self.base = self.git("rev-parse", "HEAD")
        self.git("checkout", "-q", "-b", "feature")
        for path, text in edit.items():
            (work / path).parent.mkdir(parents=True, exist_ok=True)
            (work / path).write_text(text, encoding="utf-8")
        self.git("add", "-A")
        self.git(
            "-c", f"user.name={author}", "-c", "user.email=a@example.com", "commit", "-qm", "change"
        )
        self.head = self.git("rev-parse", "HEAD")
        self.work = work
        self.origin = tmp / "origin.git"
        _git(tmp, "init", "-q", "--bare", "-b", "main", str(self.origin))
        self.git(
            "push",
            "-q",
            str(self.origin),
            "main:refs/heads/main",
            "main:refs/heads/release",
            f"feature:refs/pull/{self.NUMBER}/head",
            f"feature:refs/pull/{self.OTHER}/head",
        )
        # What actions/checkout leaves: the trusted branch, full history, no credentials.
        self.checkout = tmp / "checkout"
        _git(tmp, "clone", "-q", str(self.origin), str(self.checkout))

    def git(self, *args: str) -> str:
        return _git(self.tmp / "work", *args)

    def pull_request(self, number: int | None = None, base: str = "main") -> dict[str, Any]:
        return {
            "number": number or self.NUMBER,
            "state": "open",
            "draft": False,
            "user": {"login": self.author},
            "labels": [],
            "base": {"ref": base, "sha": self.base},
            "head": {"ref": "feature", "sha": self.head, "repo": {"full_name": REPO}},
            "merged_at": None,
            "merge_commit_sha": None,
        }

    def event(self, number: int | None = None, base: str = "main") -> Path:
        path = self.tmp / "event.json"
        payload = {
            "action": "synchronize",
            "number": number or self.NUMBER,
            "pull_request": self.pull_request(number, base),
            "sender": {"login": self.author},
        }
        path.write_text(json.dumps(payload), encoding="utf-8")
        return path

    def commits(self) -> list[dict[str, Any]]:
        """GitHub's list of the pull request's commits: it ties the author's e-mail to
        the author's account (no team file lists it)."""
        return github_commits(self.work, self.base, self.head, {"a@example.com": self.author})

    def approval(self, login: str, review_id: int) -> dict[str, Any]:
        return {
            "id": review_id,
            "user": {"login": login},
            "state": "APPROVED",
            "commit_id": self.head,
            "submitted_at": "2026-11-24T08:00:00Z",
        }


def gate_context(**values: str) -> dict[str, str]:
    """The expressions approval.yml's resolve step reads, empty unless given."""
    names = [
        "github.event_name",
        "github.event.pull_request.number",
        "github.event.pull_request.head.sha",
        "github.event.pull_request.base.ref",
        "github.event.workflow_run.head_sha",
        "github.event.workflow_run.head_repository.owner.login",
        "github.event.workflow_run.head_branch",
        "inputs.number",
        "inputs.head",
    ]
    context = {name: "" for name in names}
    context.update(
        {
            "github.token": "t",
            "github.event.repository.default_branch": "main",
            "github.server_url": "https://github.invalid",
            "github.repository": REPO,
            "github.run_id": "9",
        }
    )
    context.update({k.replace("__", "."): v for k, v in values.items()})
    return context


def run_gate(
    runner: Runner,
    pr: PullRequestRepo,
    reviews: list[dict[str, Any]],
    number: int | None = None,
    base: str = "main",
    open_prs: list[dict[str, Any]] | None = None,
) -> str:
    """The three jobs of approval.yml on a pull_request_target event; the status set."""
    number = number or pr.NUMBER
    runner.respond(f"repos/{REPO}/pulls/{number}/reviews", reviews)
    runner.respond(f"repos/{REPO}/pulls/{number}/commits", pr.commits())
    runner.respond(f"repos/{REPO}/pulls", open_prs or [pr.pull_request(number, base)])
    before = len(runner.calls("POST"))
    context = {
        **gate_context(),
        "github.token": "not-a-token",
        "github.event_name": "pull_request_target",
        "github.event.pull_request.number": str(number),
        "github.event.pull_request.head.sha": pr.head,
        "github.event.pull_request.base.ref": base,
        "github.event.workflow_run.head_sha": "",
        "github.event.workflow_run.head_repository.owner.login": "",
        "github.event.workflow_run.head_branch": "",
        "github.server_url": "https://github.invalid",
        "github.repository": REPO,
        "github.run_id": "1",
        "event_path": str(pr.event(number, base)),
    }
    done = runner.run("approval.yml", "resolve", "pr", pr.tmp, context)
    assert done.returncode == 0, done.stdout + done.stderr
    resolved = runner.outputs["pr"]
    assert resolved == {"number": str(number), "head": pr.head, "base-ref": base}
    context.update({f"needs.resolve.outputs.{k}": v for k, v in resolved.items()})
    for name in ("refs", "Fetch the pull request, its reviews and its commits", "check"):
        done = runner.run("approval.yml", "evaluate", name, pr.checkout, context)
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
        context.update(
            {f"steps.{name}.outputs.{k}": v for k, v in runner.outputs.get(name, {}).items()}
        )
    assert context["steps.refs.outputs.base"] == pr.base
    context["needs.evaluate.outputs.decision"] = runner.outputs["check"]["decision"]
    context["needs.evaluate.result"] = "success"
    done = runner.run("approval.yml", "report", "Set the commit status", pr.tmp, context)
    assert done.returncode == 0, done.stdout + done.stderr
    posts = runner.calls("POST")[before:]
    assert [p["endpoint"] for p in posts] == [f"repos/{REPO}/statuses/{pr.head}"] * 2
    pending, final = (dict(p["fields"]) for p in posts)
    assert pending["state"] == "pending" and pending["context"] == status_context(base)
    assert final["context"] == status_context(base)
    # The pull request's files were never checked out: the work tree is the base's.
    assert _git(pr.checkout, "rev-parse", "HEAD") == pr.base
    assert _git(pr.checkout, "status", "--porcelain") == ""
    return str(final["state"])


def website(description: str) -> str:
    return (
        "apiVersion: itsmcode/v1\nkind: Service\nmetadata:\n  name: website\n"
        f"  description: {description}\nspec:\n  type: business\n  tier: 3\n"
        "  lifecycle: live\n  owner: platform\n  sla: standard\n"
        "  dependsOn:\n    - {service: database, type: hard}\n  reviewBy: 2099-01-01\n"
    )


def test_gate_approves_with_the_owners_approval(tmp_path: Path) -> None:
    pr = PullRequestRepo(tmp_path, "carol", {"catalog/services/website.yaml": website("Shop")})
    runner = Runner(tmp_path)
    assert run_gate(runner, pr, [pr.approval("bob", 1)]) == "success"
    # itsm's report went to the job summary: the rule and who approved it.
    summary = runner.summary.read_text(encoding="utf-8")
    assert "owners" in summary and "bob" in summary


def test_gate_refuses_without_approvals(tmp_path: Path) -> None:
    pr = PullRequestRepo(tmp_path, "carol", {"catalog/services/website.yaml": website("Shop")})
    assert run_gate(Runner(tmp_path), pr, []) == "failure"


def test_gate_refuses_a_pull_request_that_rewrites_the_policy_and_the_gate(
    tmp_path: Path,
) -> None:
    """The pull request approves everything in its own policy, makes its author a CAB
    member and replaces the gate with one that always passes: all of it is data."""
    open_policy = (
        "apiVersion: itsmcode/v1\nkind: ApprovalPolicy\nmetadata:\n  name: approval-policy\n"
        "spec:\n  options: {allowAuthor: true}\n  defaultRule: {require: {count: 1}}\n"
        "  rules: []\n"
    )
    always_pass = (
        "name: itsm approval\non: [pull_request_target]\npermissions: {statuses: write}\n"
        "jobs:\n  pass:\n    runs-on: ubuntu-latest\n    steps:\n      - run: exit 0\n"
    )
    cab = (
        "apiVersion: itsmcode/v1\nkind: Team\nmetadata:\n  name: cab\nspec:\n  members:\n"
        "    - {github: mallory}\n    - {github: alice}\n"
    )
    pr = PullRequestRepo(
        tmp_path,
        "mallory",
        {
            "processes/approval-policy.yaml": open_policy,
            ".github/workflows/approval.yml": always_pass,
            "catalog/teams/cab.yaml": cab,
        },
    )
    # The author approves their own pull request, which their policy would allow.
    assert run_gate(Runner(tmp_path), pr, [pr.approval("mallory", 1)]) == "failure"


def test_gate_on_a_review_finds_the_pull_request_through_the_api(tmp_path: Path) -> None:
    pr = PullRequestRepo(tmp_path, "carol", {"catalog/services/website.yaml": website("Shop")})
    runner = Runner(tmp_path)
    other = dict(pr.pull_request(), number=8, head={"sha": "0" * 40})
    runner.respond(f"repos/{REPO}/pulls", [other, pr.pull_request()])
    runner.respond(f"repos/{REPO}/pulls/{pr.NUMBER}", pr.pull_request())
    runner.respond(f"repos/{REPO}/pulls/{pr.NUMBER}/reviews", [pr.approval("alice", 3)])
    runner.respond(f"repos/{REPO}/pulls/{pr.NUMBER}/commits", pr.commits())
    context = gate_context(
        github__event_name="workflow_run",
        github__event__workflow_run__head_sha=pr.head,
        github__event__workflow_run__head_repository__owner__login="fork-owner",
        # A branch name is the pull request's to choose: it must stay data.
        github__event__workflow_run__head_branch='x";touch${IFS}pwned;"$(touch pwned)',
    )
    done = runner.run("approval.yml", "resolve", "pr", tmp_path, context)
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["pr"] == {"number": "7", "head": pr.head, "base-ref": "main"}
    assert not (tmp_path / "pwned").exists()
    query = runner.calls("GET")[0]
    assert query["fields"] == [
        ["state", "open"],
        ["head", 'fork-owner:x";touch${IFS}pwned;"$(touch pwned)'],
    ]
    context.update({f"needs.resolve.outputs.{k}": v for k, v in runner.outputs["pr"].items()})
    done = runner.run(
        "approval.yml",
        "evaluate",
        "Fetch the pull request, its reviews and its commits",
        pr.checkout,
        context,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    event = json.loads((tmp_path / "runner-temp" / "event.json").read_text(encoding="utf-8"))
    assert event["pull_request"]["user"]["login"] == "carol"


def test_gate_on_a_review_of_an_outdated_head_evaluates_nothing(tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    runner.respond(f"repos/{REPO}/pulls", [])
    context = gate_context(
        github__event_name="workflow_run",
        github__event__workflow_run__head_sha="1" * 40,
        github__event__workflow_run__head_repository__owner__login="acme",
        github__event__workflow_run__head_branch="feature",
    )
    done = runner.run("approval.yml", "resolve", "pr", tmp_path, context)
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["pr"] == {}
    assert runner.calls("POST") == []


def test_two_pull_requests_of_one_head_into_different_bases_get_different_checks(
    tmp_path: Path,
) -> None:
    """Finding 5: PR 7 into main fails; PR 8 of the same head into a release branch (same
    policy here, a weaker one in the attack) passes. Its success is `itsm/approval/release`
    and leaves `itsm/approval/main`, the check main requires, at failure."""
    pr = PullRequestRepo(tmp_path, "carol", {"catalog/services/website.yaml": website("Shop")})
    runner = Runner(tmp_path)
    both = [pr.pull_request(pr.NUMBER, "main"), pr.pull_request(pr.OTHER, "release")]
    assert run_gate(runner, pr, [], pr.NUMBER, "main", both) == "failure"
    assert run_gate(runner, pr, [pr.approval("bob", 1)], pr.OTHER, "release", both) == "success"
    final: dict[str, str] = {}
    for post in runner.calls("POST"):
        fields = dict(post["fields"])
        final[fields["context"]] = fields["state"]
    assert final == {"itsm/approval/main": "failure", "itsm/approval/release": "success"}


def test_two_pull_requests_of_one_head_into_the_same_base_are_not_judged(
    tmp_path: Path,
) -> None:
    """They would share one status while their authors, labels and reviews differ."""
    head = "c" * 40
    runner = Runner(tmp_path)
    mine = {"number": 7, "head": {"sha": head}, "base": {"ref": "main"}}
    runner.respond(
        f"repos/{REPO}/pulls",
        [mine, dict(mine, number=8), dict(mine, number=9, base={"ref": "release"})],
    )
    context = gate_context(
        github__event_name="pull_request_target",
        github__event__pull_request__number="8",
        github__event__pull_request__head__sha=head,
        github__event__pull_request__base__ref="main",
    )
    done = runner.run("approval.yml", "resolve", "pr", tmp_path, context)
    assert done.returncode == 1
    assert runner.outputs["pr"] == {}  # nothing evaluated, no report
    [post] = runner.calls("POST")
    assert post["endpoint"] == f"repos/{REPO}/statuses/{head}"
    fields = dict(post["fields"])
    assert (fields["state"], fields["context"]) == ("error", "itsm/approval/main")


def test_a_review_of_one_branch_with_two_bases_sends_both_checks_back_to_pending(
    tmp_path: Path,
) -> None:
    head = "d" * 40
    runner = Runner(tmp_path)
    runner.respond(
        f"repos/{REPO}/pulls",
        [
            {"number": 7, "head": {"sha": head}, "base": {"ref": "main"}},
            {"number": 8, "head": {"sha": head}, "base": {"ref": "release"}},
        ],
    )
    context = gate_context(
        github__event_name="workflow_run",
        github__event__workflow_run__head_sha=head,
        github__event__workflow_run__head_repository__owner__login="acme",
        github__event__workflow_run__head_branch="feature",
    )
    done = runner.run("approval.yml", "resolve", "pr", tmp_path, context)
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["pr"] == {}
    posted = [dict(p["fields"]) for p in runner.calls("POST")]
    assert [(f["state"], f["context"]) for f in posted] == [
        ("pending", "itsm/approval/main"),
        ("pending", "itsm/approval/release"),
    ]


def test_a_dispatched_evaluation_looks_the_pull_request_up(tmp_path: Path) -> None:
    pr = PullRequestRepo(tmp_path, "carol", {"catalog/services/website.yaml": website("Shop")})
    runner = Runner(tmp_path)
    runner.respond(f"repos/{REPO}/pulls/{pr.OTHER}", pr.pull_request(pr.OTHER, "release"))
    runner.respond(
        f"repos/{REPO}/pulls",
        [pr.pull_request(pr.NUMBER, "main"), pr.pull_request(pr.OTHER, "release")],
    )
    context = gate_context(
        github__event_name="workflow_dispatch",
        inputs__number=str(pr.OTHER),
        inputs__head=pr.head,
    )
    context["env:GITHUB_REF"] = "refs/heads/main"
    done = runner.run("approval.yml", "resolve", "pr", tmp_path, context)
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["pr"] == {"number": "8", "head": pr.head, "base-ref": "release"}
    [pending] = [dict(p["fields"]) for p in runner.calls("POST")]
    assert (pending["state"], pending["context"]) == ("pending", "itsm/approval/release")
    # The same facts a review's re-evaluation uses: the pull request from the API.
    context.update({f"needs.resolve.outputs.{k}": v for k, v in runner.outputs["pr"].items()})
    runner.respond(f"repos/{REPO}/pulls/{pr.OTHER}/reviews", [])
    runner.respond(f"repos/{REPO}/pulls/{pr.OTHER}/commits", pr.commits())
    done = runner.run(
        "approval.yml",
        "evaluate",
        "Fetch the pull request, its reviews and its commits",
        pr.checkout,
        context,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    event = json.loads((tmp_path / "runner-temp" / "event.json").read_text(encoding="utf-8"))
    assert event["pull_request"]["base"]["ref"] == "release"
    # A head that moved on since the sweep is left to its own events.
    context["inputs.head"] = "e" * 40
    done = runner.run("approval.yml", "resolve", "pr", tmp_path, context)
    assert done.returncode == 0 and runner.outputs["pr"] == {}
    assert "has moved on" in done.stdout
    # A definition dispatched from another branch (a collaborator's copy) may not judge.
    context["inputs.head"] = pr.head
    context["env:GITHUB_REF"] = "refs/heads/mallory"
    done = runner.run("approval.yml", "resolve", "pr", tmp_path, context)
    assert done.returncode == 1 and runner.outputs["pr"] == {}
    assert len(runner.calls("POST")) == 1


def test_the_sweep_dispatches_open_pull_requests_into_protected_branches(
    tmp_path: Path,
) -> None:
    runner = Runner(tmp_path)
    a, b, c, d = ("a" * 40, "b" * 40, "c" * 40, "d" * 40)
    runner.respond(f"repos/{REPO}/branches", [{"name": "main"}, {"name": "release"}])
    runner.respond(
        f"repos/{REPO}/pulls",
        [
            {"number": 1, "draft": False, "head": {"sha": a}, "base": {"ref": "main"}},
            {"number": 2, "draft": False, "head": {"sha": a}, "base": {"ref": "release"}},
            {"number": 3, "draft": False, "head": {"sha": b}, "base": {"ref": "scratch"}},
            {"number": 4, "draft": True, "head": {"sha": c}, "base": {"ref": "main"}},
            {"number": 5, "draft": False, "head": {"sha": d}, "base": {"ref": "main-old"}},
        ],
    )
    context = {
        "github.token": "t",
        "env:GITHUB_REF_NAME": "main",
        "env:GITHUB_WORKFLOW_REF": f"{REPO}/.github/workflows/approval.yml@refs/heads/main",
    }
    name = load("approval.yml")["jobs"]["sweep"]["steps"][0]["name"]
    done = runner.run("approval.yml", "sweep", name, tmp_path, context)
    assert done.returncode == 0, done.stdout + done.stderr
    gets = runner.calls("GET")
    assert ["protected", "true"] in gets[0]["fields"]
    posts = runner.calls("POST")
    endpoint = f"repos/{REPO}/actions/workflows/approval.yml/dispatches"
    assert [p["endpoint"] for p in posts] == [endpoint] * 2
    assert [p["fields"] for p in posts] == [
        [["ref", "main"], ["inputs[number]", "1"], ["inputs[head]", a]],
        [["ref", "main"], ["inputs[number]", "2"], ["inputs[head]", a]],
    ]


def test_report_maps_anything_but_approved_to_failure_or_error(tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    states = {}
    for decision, result in [
        ("approved", "success"),
        ("not-approved", "success"),
        ("", "failure"),
        ("", "cancelled"),
        ("APPROVED", "success"),
    ]:
        context = {
            "github.token": "t",
            "needs.resolve.outputs.head": "a" * 40,
            "needs.resolve.outputs.base-ref": "main",
            "needs.evaluate.outputs.decision": decision,
            "needs.evaluate.result": result,
            "github.server_url": "https://github.invalid",
            "github.repository": REPO,
            "github.run_id": "4",
        }
        done = runner.run("approval.yml", "report", "Set the commit status", tmp_path, context)
        assert done.returncode == 0, done.stdout + done.stderr
        fields = dict(runner.calls("POST")[-1]["fields"])
        assert fields["context"] == "itsm/approval/main"
        states[(decision, result)] = fields["state"]
    assert states == {
        ("approved", "success"): "success",
        ("not-approved", "success"): "failure",
        ("", "failure"): "error",
        ("", "cancelled"): "error",
        ("APPROVED", "success"): "error",
    }


def test_record_writes_and_pushes_the_note_of_the_merge(tmp_path: Path) -> None:
    pr = PullRequestRepo(tmp_path, "carol", {"catalog/services/website.yaml": website("Shop")})
    # The merge lands on main at the origin; the runner's checkout is that commit.
    pr.git("checkout", "-q", "main")
    pr.git(
        "-c",
        "user.name=m",
        "-c",
        "user.email=m@example.com",
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "Merge #7",
        "feature",
    )
    merge = pr.git("rev-parse", "HEAD")
    pr.git("push", "-q", str(pr.origin), "main:refs/heads/main")
    _git(pr.checkout, "pull", "-q", "--ff-only")
    merged = dict(
        pr.pull_request(), merged_at="2026-11-24T09:00:00Z", merge_commit_sha=merge, merged=True
    )
    runner = Runner(tmp_path)
    runner.respond(f"repos/{REPO}/commits/{merge}/pulls", [merged])
    runner.respond(f"repos/{REPO}/pulls/{pr.NUMBER}", merged)
    runner.respond(f"repos/{REPO}/pulls/{pr.NUMBER}/reviews", [pr.approval("bob", 5)])
    runner.respond(f"repos/{REPO}/pulls/{pr.NUMBER}/commits", pr.commits())
    context = {"github.token": "t", "github.sha": merge, "steps.pr.outputs.number": "7"}
    for name in ("pr", "Fetch the pull request's head (as data)", "record"):
        done = runner.run("record.yml", "decide", name, pr.checkout, context)
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
    assert runner.outputs["pr"] == {"number": "7"}
    context["needs.decide.outputs.note"] = runner.outputs["record"]["note"]
    publish = tmp_path / "publish"
    _git(tmp_path, "clone", "-q", str(pr.origin), str(publish))
    done = runner.run("record.yml", "publish", "Push refs/notes/itsmcode", publish, context)
    assert done.returncode == 0, done.stdout + done.stderr
    note = json.loads(_git(pr.origin, "notes", "--ref=itsmcode", "show", merge))
    assert note["decision"] == "approved"
    assert note["pullRequest"]["number"] == 7
    assert note["commits"]["merge"] == merge and note["commits"]["head"] == pr.head
    assert [a["login"] for a in note["approvers"]] == ["bob"]


def test_record_of_a_squash_merge_fetches_the_approved_head_first(tmp_path: Path) -> None:
    """No branch holds a squashed pull request's head (issue 16 item 7): the workflow
    fetches refs/pull/N/head, so the record is written instead of failing."""
    pr = PullRequestRepo(tmp_path, "carol", {"catalog/services/website.yaml": website("Shop")})
    pr.git("checkout", "-q", "main")
    pr.git("merge", "-q", "--squash", "feature")
    pr.git("-c", "user.name=m", "-c", "user.email=m@example.com", "commit", "-qm", "Shop (#7)")
    merge = pr.git("rev-parse", "HEAD")
    pr.git("push", "-q", str(pr.origin), "main:refs/heads/main")
    # What actions/checkout leaves: main's history, no refs/pull/* and none of its objects.
    checkout = tmp_path / "squashed"
    _git(tmp_path, "clone", "-q", "--no-local", str(pr.origin), str(checkout))
    absent = subprocess.run(["git", "cat-file", "-e", pr.head], cwd=checkout, check=False)
    assert absent.returncode != 0
    merged = dict(
        pr.pull_request(), merged_at="2026-11-24T09:00:00Z", merge_commit_sha=merge, merged=True
    )
    runner = Runner(tmp_path)
    runner.respond(f"repos/{REPO}/commits/{merge}/pulls", [merged])
    runner.respond(f"repos/{REPO}/pulls/{pr.NUMBER}", merged)
    runner.respond(f"repos/{REPO}/pulls/{pr.NUMBER}/reviews", [pr.approval("bob", 5)])
    runner.respond(f"repos/{REPO}/pulls/{pr.NUMBER}/commits", pr.commits())
    context = {"github.token": "t", "github.sha": merge}
    done = runner.run("record.yml", "decide", "pr", checkout, context)
    assert done.returncode == 0, done.stdout + done.stderr
    context["steps.pr.outputs.number"] = runner.outputs["pr"]["number"]
    for name in ("Fetch the pull request's head (as data)", "record"):
        done = runner.run("record.yml", "decide", name, checkout, context)
        assert done.returncode == 0, f"{name}: {done.stdout}{done.stderr}"
    note = json.loads(runner.outputs["record"]["note"])
    assert note["decision"] == "approved"
    assert (note["commits"]["head"], note["commits"]["merge"]) == (pr.head, merge)


def test_record_of_a_direct_push_records_nothing(tmp_path: Path) -> None:
    runner = Runner(tmp_path)
    sha = "b" * 40
    runner.respond(f"repos/{REPO}/commits/{sha}/pulls", [])
    assert load("record.yml")["jobs"]["publish"]["if"] == "needs.decide.outputs.number != ''"
    done = runner.run(
        "record.yml", "decide", "pr", tmp_path, {"github.token": "t", "github.sha": sha}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["pr"] == {}
    assert "pushed directly" in done.stdout
