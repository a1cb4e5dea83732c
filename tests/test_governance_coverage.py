"""Whatever decides the gate's behaviour is under governance (issue 16, item 2).

The gate's code comes from the pinned workflows, but a repository's build files and
sources could become someone's gate code too (this very repository is itsmcode), and
the workflows, policy and configuration decide the rest. The shipped example policy
(processes/ of this project) and the policy ``itsm init`` writes must send each of them
to the governance rule: checked with the real policy engine, through ``itsm policy
test`` scenarios that change exactly one such file.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from itsmcode.load.globs import matches
from tests.gatepin import PIN
from tests.helpers import run_cli

PROJECT = Path(__file__).resolve().parents[1]

#: One path per kind of file that can change what the gate runs or decides.
GOVERNED = [
    "pyproject.toml",
    "tools/pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements-dev.txt",
    "constraints.txt",
    "src/itsmcode/policy/check.py",
    ".github/workflows/a.yml",
    ".github/actions/setup/action.yml",
    "action.yml",
    ".pre-commit-config.yaml",
    ".pre-commit-hooks.yaml",
    "schemas/itsmcode.schema.json",
    ".itsm-init.json",
]

#: (repository, author, one governance member, another governance member)
PEOPLE = {
    "shipped": ("chen-wei", "ines-moreau", "henrik-larsen"),
    "scaffolded": ("bob", "alice", "carol"),
}


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scaffolded")
    result = run_cli(["init", str(root), *PIN])
    assert result.exit_code == 0, result.output
    return root


def _repository(which: str, scaffolded: Path) -> Path:
    return PROJECT if which == "shipped" else scaffolded


def _scenarios(paths: list[str], author: str, first: str, second: str) -> str:
    """For each path, a pull request changing only it, with one governance approval;
    for the first path also one with two."""

    def scenario(path: str, reviewers: list[str], governance: str) -> dict[str, object]:
        return {
            "name": f"{path}: {len(reviewers)} governance approval(s)",
            "author": author,
            "change": {"write": {path: "changed by the pull request\n"}},
            "reviews": [{"user": r, "state": "APPROVED"} for r in reviewers],
            "expect": {"rules": {"governance": governance}},
        }

    scenarios = [scenario(p, [first], "pending") for p in paths]
    scenarios.append(scenario(paths[0], [first, second], "satisfied"))
    return yaml.safe_dump({"now": "2026-11-24T10:00:00+01:00", "scenarios": scenarios})


def _policy_test(repo: Path, paths: list[str], which: str, tmp_path: Path) -> str:
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text(_scenarios(paths, *PEOPLE[which]), encoding="utf-8")
    result = run_cli(["policy", "test", "--repo", str(repo), str(scenario)])
    return f"exit {result.exit_code}\n{result.output}"


#: The shipped example repository is large (each scenario takes a second): the files
#: the issue names; the two policies' globs are checked to be the same below.
SHIPPED_SAMPLE = ["pyproject.toml", "src/x.py", ".github/workflows/a.yml", "setup.py"]


@pytest.mark.parametrize("which", ["shipped", "scaffolded"])
def test_a_pull_request_touching_a_gate_file_needs_governance(
    which: str, scaffolded: Path, tmp_path: Path
) -> None:
    paths = GOVERNED if which == "scaffolded" else SHIPPED_SAMPLE
    output = _policy_test(_repository(which, scaffolded), paths, which, tmp_path)

    assert output.startswith("exit 0\n"), output
    assert f"{len(paths) + 1} scenarios, 0 failed" in output


def _governance_globs(root: Path) -> list[str]:
    policy = yaml.safe_load((root / "processes/approval-policy.yaml").read_text("utf-8"))
    (rule,) = [r for r in policy["spec"]["rules"] if r["name"] == "governance"]
    return list(rule["when"]["paths"])


def test_the_shipped_and_the_scaffolded_policy_govern_the_same_files(scaffolded: Path) -> None:
    assert _governance_globs(PROJECT) == _governance_globs(scaffolded)


@pytest.mark.parametrize("which", ["shipped", "scaffolded"])
def test_a_file_outside_the_gate_does_not_need_governance(
    which: str, scaffolded: Path, tmp_path: Path
) -> None:
    """The test above can fail: for an ordinary file, governance is not asked for."""
    output = _policy_test(_repository(which, scaffolded), ["docs/notes.md"], which, tmp_path)

    assert output.startswith("exit 1\n"), output
    assert "2 scenarios, 2 failed" in output
    assert "governance: expected pending, got skipped" in output


def test_every_file_this_project_builds_or_runs_the_gate_from_is_governed() -> None:
    """Not just the sample paths: every tracked file of this repository that is part
    of itsmcode's code, build, workflows or schemas matches the governance rule."""
    globs = _governance_globs(PROJECT)
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    gate_files = [
        p
        for p in tracked
        if p.startswith(("src/", ".github/", "schemas/", "processes/"))
        or p in ("pyproject.toml", "itsm.yaml", ".pre-commit-hooks.yaml")
    ]
    assert len(gate_files) > 100
    assert [p for p in gate_files if not matches(p, globs)] == []
