"""The README's quick start is what CI runs, and constraints.txt pins what it installs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement  # a dependency of pytest
from packaging.utils import canonicalize_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

PROJECT = Path(__file__).resolve().parent.parent
README = (PROJECT / "README.md").read_text(encoding="utf-8")
CI_RUN = (PROJECT / ".ci" / "run").read_text(encoding="utf-8")


def _quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def _pins() -> dict[str, str]:
    pins: dict[str, str] = {}
    for line in (PROJECT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version.strip()
    return pins


def test_quick_start_installs_into_a_venv() -> None:
    # PEP 668: a bare "pip install" outside a virtual environment fails on current
    # Debian/Ubuntu, so both commands make and use .venv.
    lint, tests = _quick_start_commands()
    assert lint == (
        "python3 -m venv .venv && .venv/bin/python -m pip install -e . && .venv/bin/itsm lint"
    )
    assert tests.startswith("python3 -m venv .venv && .venv/bin/python -m pip install -e '.[test]'")
    assert "-c constraints.txt" in tests and tests.endswith(".venv/bin/python -m pytest -q")
    assert "python3-venv" in README


def test_ci_runs_the_readme_test_command_as_written() -> None:
    _, tests = _quick_start_commands()
    assert f"{{ {tests}; }}" in CI_RUN
    for gate in ("ruff check", "ruff format --check", "mypy"):
        assert f".venv/bin/{gate}" in CI_RUN


def test_constraints_pin_every_dependency_within_its_range() -> None:
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = _pins()
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    for spec in map(Requirement, wanted):
        name = canonicalize_name(spec.name)
        assert name in pins, f"{spec.name} is not in constraints.txt; run tools/refresh-constraints"
        assert spec.specifier.contains(pins[name], prereleases=True), (
            f"constraints.txt pins {spec.name}=={pins[name]}, outside {spec}"
        )


def test_refreshing_the_constraints_is_documented() -> None:
    script = PROJECT / "tools" / "refresh-constraints"
    assert script.is_file() and script.stat().st_mode & 0o111
    assert "tools/refresh-constraints" in (PROJECT / "docs" / "development.md").read_text(
        encoding="utf-8"
    )
