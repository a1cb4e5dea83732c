"""Re-attack of policy.md property 11 (docs/security.md, "Re-attacked"): ways a pull
request could change what the gate runs that tests/test_workflows.py does not try.

- Environment the pull request controls: a step that appends to ``GITHUB_ENV`` or
  ``GITHUB_PATH`` would carry a value into every later step (``PIP_INDEX_URL``,
  ``PYTHONPATH``, a ``PATH`` entry shadowing ``itsm``); no workflow writes them, and no
  step, job or workflow sets a ``PIP_*``/``PYTHON*`` variable.
- Files of the checkout: ``setup-python`` is given an explicit version, never a
  ``python-version-file`` (``.python-version``) the checkout holds; pip and the ``itsm``
  entry point never have the working directory on ``sys.path`` (``-I``; a console
  script puts its own directory first), so a ``sitecustomize.py``, ``usercustomize.py``
  or ``.pth`` file in the repository is never imported.
- The pin itself: a pull request moving ``ITSMCODE_REF`` or adding ``pip install .`` to
  a workflow is a change under ``.github/**``, which needs the governance approvals.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.policy.prrepo import PRRepo, rule
from tests.policy.test_path_names import GOVERNANCE_REVIEWS
from tests.test_workflows import TEMPLATES, every_workflow, steps

ENV_FILES = re.compile(r"\bGITHUB_(ENV|PATH)\b")
PULL_REQUEST_ENV = re.compile(r"^(PIP_|PYTHON|VIRTUAL_ENV$|LD_|PATH$)")


def envs(workflow: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, variable) of every env: block of a workflow, its jobs and their steps."""
    found = [("workflow", k) for k in workflow.get("env") or {}]
    for job_name, job in workflow["jobs"].items():
        found += [(job_name, k) for k in job.get("env") or {}]
        for s in steps(job):
            found += [(f"{job_name}: {s.get('name')}", k) for k in s.get("env") or {}]
    return found


def test_no_workflow_writes_the_environment_or_path_of_later_steps() -> None:
    for name, workflow in every_workflow().items():
        for job_name, job in workflow["jobs"].items():
            for s in steps(job):
                assert not ENV_FILES.search(s.get("run", "")), f"{name}: {job_name}: {s}"


def test_no_workflow_sets_a_variable_that_changes_what_python_or_pip_run() -> None:
    for name, workflow in every_workflow().items():
        bad = [(where, k) for where, k in envs(workflow) if PULL_REQUEST_ENV.match(k)]
        assert bad == [], name


def test_python_is_chosen_by_the_workflow_never_by_a_file_of_the_checkout() -> None:
    seen = 0
    for name, workflow in every_workflow().items():
        for job in workflow["jobs"].values():
            for s in steps(job):
                if "setup-python" in s.get("uses", ""):
                    seen += 1
                    assert set(s.get("with") or {}) == {"python-version"}, name
                run = s.get("run", "")
                # pip only as `python -I -m pip`; never `python file.py` or `-m` of a module
                # the checkout could shadow.
                for line in run.splitlines():
                    if re.search(r"\bpython3?\b", line) and not line.strip().startswith("#"):
                        assert re.search(r"\bpython -I -m pip install\b", line), (name, line)
    # approval evaluate, record, validate lint and diff, the calendar feed, the site
    assert seen == 6


@pytest.mark.parametrize(
    ("what", "edit"),
    [
        (
            "moves the pin",
            lambda text: re.sub(r"ITSMCODE_REF: [0-9a-f]{40}", "ITSMCODE_REF: " + "e" * 40, text),
        ),
        (
            "installs the checkout",
            lambda text: text.replace('"itsmcode @ git+${ITSMCODE_SOURCE}@${ITSMCODE_REF}"', "."),
        ),
    ],
)
def test_a_pull_request_changing_what_the_gate_installs_needs_governance(
    tmp_path: Path, what: str, edit: Any
) -> None:
    path = ".github/workflows/itsm-approval.yml"
    original = (TEMPLATES / "approval.yml").read_text(encoding="utf-8")
    changed = edit(original)
    assert changed != original, what
    repo = PRRepo(tmp_path / "r", {path: original})
    repo.push({path: changed})
    code, data, _ = repo.check(reviews=repo.reviews(("pat", "APPROVED"), ("carol", "APPROVED")))
    assert code == 1
    assert rule(data, "governance")["status"] == "pending"
    assert rule(data, "governance")["matched"] == [path]
    code, data, _ = repo.check(reviews=repo.reviews(*GOVERNANCE_REVIEWS))
    assert code == 0, data
