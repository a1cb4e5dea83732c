"""action.yml, the reusable GitHub Action: statically clean, schema-valid, and its script
run for real (a fake runner environment, the real itsm) with attacks on its inputs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.interop.common import empty_repo, write
from tests.test_workflows import tool

PROJECT = Path(__file__).resolve().parents[1]
ACTION = PROJECT / "action.yml"
EXAMPLE = PROJECT / "tests" / "data" / "action" / "workflow.yml"


def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return data


def script(step_id: str) -> str:
    [step] = [s for s in action()["runs"]["steps"] if s.get("id") == step_id]
    return str(step["run"])


def actionlint(tmp_path: Path, workflow: str) -> subprocess.CompletedProcess[str]:
    """actionlint on ``workflow`` in a repository holding this action.yml at its root,
    where ``uses: ./`` makes actionlint check inputs and outputs against it."""
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # actionlint's root
    shutil.copy(ACTION, tmp_path / "action.yml")
    target = tmp_path / ".github" / "workflows" / "itsm.yml"
    target.write_text(workflow, encoding="utf-8")
    return subprocess.run(
        [tool("actionlint"), "-no-color", str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_actionlint_accepts_a_workflow_using_the_action(tmp_path: Path) -> None:
    done = actionlint(tmp_path, EXAMPLE.read_text(encoding="utf-8"))
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("command: lint", "comand: lint", 'input "comand" is not defined in action "itsmcode"'),
        (
            "steps.itsm.outputs.sarif",
            "steps.itsm.outputs.sarif-file",
            'property "sarif-file" is not defined',
        ),
    ],
)
def test_actionlint_checks_the_workflow_against_action_yml(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    """The check above can fail: actionlint reads ./action.yml."""
    broken = EXAMPLE.read_text(encoding="utf-8").replace(old, new)
    assert broken != EXAMPLE.read_text(encoding="utf-8")
    done = actionlint(tmp_path, broken)
    assert done.returncode == 1
    assert message in done.stdout, done.stdout


def test_zizmor_finds_nothing_in_the_action_and_its_example(tmp_path: Path) -> None:
    # As a calling repository writes it (docs/ci.md): the action pinned to a commit.
    pinned = EXAMPLE.read_text(encoding="utf-8").replace(
        "uses: ./", "uses: acme/itsmcode@0123456789abcdef0123456789abcdef01234567 # v0.1.0"
    )
    (tmp_path / "workflows").mkdir()
    (tmp_path / "workflows" / "itsm.yml").write_text(pinned, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("GH_TOKEN", "GITHUB_TOKEN")}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    done = subprocess.run(
        [tool("zizmor"), "--offline", "--no-progress", str(ACTION), str(tmp_path / "workflows")],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout, done.stdout


@pytest.mark.parametrize("step_id", ["run"])
def test_shellcheck_finds_nothing_in_the_scripts(tmp_path: Path, step_id: str) -> None:
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed (apt-get install shellcheck)")
    path = tmp_path / "run.sh"
    path.write_text(script(step_id), encoding="utf-8")
    done = subprocess.run(
        ["shellcheck", "-s", "bash", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout


def test_the_action_installs_itsmcode_from_its_own_checkout() -> None:
    steps = action()["runs"]["steps"]
    install = next(s for s in steps if s.get("name", "").startswith("Install"))
    assert install["env"] == {"ACTION_PATH": "${{ github.action_path }}"}
    assert "GITHUB_PATH" not in ACTION.read_text(encoding="utf-8")  # nothing else named itsm
    assert 'pip install --quiet "${ACTION_PATH}"' in install["run"]
    assert "itsmcode==" not in ACTION.read_text(encoding="utf-8")
    # Every expression reaches scripts through env:, never pasted into a run: script.
    assert all("${{" not in str(s.get("run", "")) for s in steps)
    uses = [s["uses"] for s in steps if "uses" in s]
    assert all(len(u.split("@")[1]) == 40 for u in uses)


@pytest.fixture(scope="session")
def action_validator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed for @action-validator/cli")
    prefix = tmp_path_factory.mktemp("npm-action-validator")
    done = subprocess.run(
        [
            "npm",
            "install",
            "--prefix",
            str(prefix),
            "--no-audit",
            "--no-fund",
            "@action-validator/cli@0.6.0",
            "@action-validator/core@0.6.0",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"npm could not install @action-validator/cli: {done.stderr.strip()[-300:]}")
    return prefix / "node_modules" / ".bin" / "action-validator"


def test_action_yml_matches_the_action_metadata_schema(
    action_validator: Path, tmp_path: Path
) -> None:
    done = subprocess.run(
        [str(action_validator), str(ACTION)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / "action.yml"
    broken.write_text(
        ACTION.read_text(encoding="utf-8").replace("using: composite", "using: nodejs"),
        encoding="utf-8",
    )
    done = subprocess.run(
        [str(action_validator), str(broken)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1 and '"path": "/runs"' in done.stdout + done.stderr


# --- the script, run for real ----------------------------------------------------------


def run_step(tmp_path: Path, workdir: Path, **inputs: str) -> tuple[int, dict[str, str], str]:
    """Run the action's 'run' step as the runner would: bash -e, env from inputs."""
    runner = tmp_path / "runner"
    bin_dir = runner / "itsmcode-venv" / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    shim = bin_dir / "itsm"
    shim.write_text(
        f'#!/bin/sh\nPYTHONPATH={PROJECT / "src"} exec {sys.executable} -m itsmcode "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable) if not (bin_dir / "python").exists() else None
    output, summary = runner / "output", runner / "summary"
    output.write_text("", encoding="utf-8")
    env = {
        "PATH": "/usr/bin:/bin",
        "RUNNER_TEMP": str(runner),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_EVENT_PATH": str(runner / "event.json"),
        "COMMAND": "lint",
        "ARGS": "",
        "BASE": "",
        "HEAD": "",
        "EXPORT": "codeowners",
        "EXPORT_FILE": ".github/CODEOWNERS",
        "FAIL": "true",
        **inputs,
    }
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", textwrap.dedent(script("run"))],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text(encoding="utf-8").splitlines())
    return done.returncode, outputs, done.stdout + done.stderr


@pytest.fixture
def broken_repo(tmp_path: Path) -> Path:
    root = empty_repo(tmp_path / "repo")
    write(
        root,
        {
            "catalog/services/a.yaml": """
    apiVersion: itsmcode/v1
    kind: Service
    metadata: {name: a}
    spec: {type: technical, tier: 3, lifecycle: live, owner: ghosts}
    """
        },
    )
    return root


def test_lint_gives_counts_sarif_and_the_exit_status(tmp_path: Path, broken_repo: Path) -> None:
    code, outputs, log = run_step(tmp_path, broken_repo)
    assert code == 1, log
    assert (outputs["exit-code"], outputs["errors"], outputs["warnings"]) == ("1", "1", "0")
    assert Path(outputs["sarif"]).read_text(encoding="utf-8").count('"ruleId": "ref-exists"') == 1
    assert "::error file=catalog/services/a.yaml" in log  # annotations for the PR
    code, outputs, _ = run_step(tmp_path, broken_repo, FAIL="false")
    assert (code, outputs["exit-code"]) == (0, "1")


def test_export_check_reports_a_stale_export(tmp_path: Path, broken_repo: Path) -> None:
    code, outputs, log = run_step(tmp_path, broken_repo, COMMAND="export-check")
    assert (code, outputs["exit-code"]) == (1, "1")
    assert ".github/CODEOWNERS: missing" in log


@pytest.mark.parametrize(
    "args",
    ["$(touch pwned)", "`touch pwned`", "; touch pwned", "--strict && touch pwned", "*"],
)
def test_args_are_data_never_shell(tmp_path: Path, broken_repo: Path, args: str) -> None:
    code, outputs, log = run_step(tmp_path, broken_repo, ARGS=args)
    assert not (broken_repo / "pwned").exists()
    assert outputs["exit-code"] == "2", log  # itsm refuses the odd path or option
    assert code == 2


def test_an_unknown_command_is_refused(tmp_path: Path, broken_repo: Path) -> None:
    code, outputs, log = run_step(tmp_path, broken_repo, COMMAND="rm -rf")
    assert (code, outputs["exit-code"]) == (2, "2")
    assert "unknown command 'rm -rf'" in log
