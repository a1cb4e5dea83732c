"""``itsm init``: what a newcomer gets is a repository that lints clean, for any practices.

Every test runs the real command on a real temporary directory and checks the result
with the real ``itsm lint``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from itsmcode.scaffold import project as scaffold
from tests.helpers import run_cli

#: A folder (or file) per practice that only that practice may create.
PRACTICE_PATHS = {
    "sla": "catalog/slas",
    "change": "processes/approval-policy.yaml",
    "incident": "incidents",
    "problem": "problems",
}


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under ``root``: its bytes and modification time."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def lint_strict(root: Path) -> dict[str, object]:
    """The real lint, warnings failing too; returns the JSON report."""
    result = run_cli(["lint", "--repo", str(root), "--strict", "--format", "json"])
    report: dict[str, object] = json.loads(result.output)
    assert result.exit_code == 0, report
    return report


@pytest.mark.parametrize(
    "practices",
    [
        "catalog",
        "catalog,sla",
        "change",  # catalog is implied
        "catalog,sla,change",
        "incident,problem",
        "catalog,sla,change,incident,problem",
        " Problem , sla ,",  # spaces, case and empty items are forgiven
    ],
)
def test_init_lints_clean_for_each_practice_subset(tmp_path: Path, practices: str) -> None:
    repo = tmp_path / "acme-it"
    result = run_cli(["init", str(repo), "--practices", practices])
    assert result.exit_code == 0, result.output
    assert "The repository lints clean." in result.output

    chosen = {p.strip().lower() for p in practices.split(",") if p.strip()} | {"catalog"}
    config = (repo / "itsm.yaml").read_text(encoding="utf-8")
    listed = [p for p in scaffold.PRACTICES if p in chosen]
    assert f"practices: [{', '.join(listed)}]" in config
    assert "name: acme-it" in config
    for practice, path in PRACTICE_PATHS.items():
        assert (repo / path).exists() == (practice in chosen), path
    for path in (
        "itsm.yaml",
        "README.md",
        "catalog/teams/platform.yaml",
        "catalog/services/website.yaml",
        "catalog/calendars/business-hours.yaml",
    ):
        assert f"created  {path}" in result.output

    report = lint_strict(repo)
    assert report["diagnostics"] == []
    assert report["summary"]["files"] == len(list(repo.rglob("*.yaml")))  # type: ignore[index]


def test_default_practices_bring_every_example_the_brief_promises(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path)])
    assert result.exit_code == 0, result.output
    kinds = {
        line.split(": ", 1)[1]
        for path in tmp_path.rglob("*.yaml")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("kind: ")
    }
    assert kinds == {
        "Config",
        "Team",
        "Service",
        "SLA",
        "Calendar",
        "ChangeRequest",
        "StandardChange",
        "ApprovalPolicy",
    }
    assert "practices: [catalog, sla, change]" in (tmp_path / "itsm.yaml").read_text()
    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "itsm lint" in readme
    assert "`changes/<year>/`" in readme
    assert "${" not in readme and "TODO" not in readme
    assert (tmp_path / ".github" / "workflows" / "approval.yml").is_file()  # issue 4
    lint_strict(tmp_path)


def test_the_generated_change_avoids_the_generated_freezes(tmp_path: Path) -> None:
    # Run on the days most likely to collide: inside the year-end freeze, on a Friday
    # afternoon's weekend freeze, and across the new year.
    for today in (date(2026, 12, 20), date(2026, 12, 25), date(2027, 1, 2), date(2026, 11, 27)):
        repo = tmp_path / today.isoformat()
        files = scaffold.plan(
            scaffold.DEFAULT_PRACTICES, name="acme", timezone="Europe/Berlin", today=today
        )
        scaffold.write(repo, files)
        changes = list((repo / "changes").rglob("*.yaml"))
        assert len(changes) == 1
        window = changes[0].read_text(encoding="utf-8")
        assert "T10:00:00+01:00" in window
        assert not any(f"-12-{d}T" in window for d in range(21, 32))
        assert not any(f"-01-0{d}T" in window for d in range(1, 4))
        lint_strict(repo)


def test_init_never_overwrites_and_says_what_it_skipped(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Our own notes\n", encoding="utf-8")
    team = tmp_path / "catalog" / "teams" / "platform.yaml"
    team.parent.mkdir(parents=True)
    team.write_text(
        "apiVersion: itsmcode/v1\nkind: Team\nmetadata: {name: platform}\n"
        "spec:\n  members:\n    - {github: real-person}\n    - {github: bob}\n",
        encoding="utf-8",
    )
    before = {p: team.read_bytes() for p in (team,)}

    result = run_cli(["init", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "skipped  README.md (already exists)" in result.output
    assert "skipped  catalog/teams/platform.yaml (already exists)" in result.output
    assert "created  itsm.yaml" in result.output
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# Our own notes\n"
    assert team.read_bytes() == before[team]


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    first = run_cli(["init", str(tmp_path), "--practices", "catalog,sla,change,incident,problem"])
    assert first.exit_code == 0, first.output
    files = snapshot(tmp_path)

    second = run_cli(["init", str(tmp_path), "--practices", "catalog,sla,change,incident,problem"])

    assert second.exit_code == 0, second.output
    assert "0 files created" in second.output
    assert "created " not in second.output
    assert snapshot(tmp_path) == files
    # Atomic writes leave no temporary files behind.
    assert not [p for p in tmp_path.rglob(".*") if p.is_file()]


def test_rerun_without_options_uses_the_existing_config(tmp_path: Path) -> None:
    run_cli(["init", str(tmp_path), "--practices", "catalog", "--timezone", "Asia/Tokyo"])
    files = snapshot(tmp_path)

    result = run_cli(["init"], cwd=tmp_path)

    assert result.exit_code == 0, result.output
    assert "(practices: catalog)" in result.output
    assert snapshot(tmp_path) == files


def test_dated_examples_are_not_added_beside_existing_records(tmp_path: Path) -> None:
    # Someone's real change records are there: no example change joins them, whatever
    # year the example would be dated.
    assert run_cli(["init", str(tmp_path)]).exit_code == 0
    example = next((tmp_path / "changes").rglob("*.yaml"))
    moved = tmp_path / "changes" / "2020" / example.name.replace("-0001", "-0099")
    moved.parent.mkdir()
    moved.write_text(
        example.read_text(encoding="utf-8").replace("-0001", "-0099"), encoding="utf-8"
    )
    example.unlink()

    result = run_cli(["init", str(tmp_path)])

    assert result.exit_code == 0, result.output
    assert "changes/ already holds records" in result.output
    assert [p.name for p in (tmp_path / "changes").rglob("*.yaml")] == [moved.name]


def test_adding_a_practice_later_fills_in_its_files_and_says_to_enable_it(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path), "--practices", "catalog"]).exit_code == 0

    result = run_cli(["init", str(tmp_path), "--practices", "catalog,problem"])

    assert result.exit_code == 0, result.output
    assert "created  problems/prb-website-slow-pages.yaml" in result.output
    assert "itsm.yaml was kept and does not enable problem" in result.output


def test_inconsistent_existing_files_make_init_exit_1_with_the_findings(tmp_path: Path) -> None:
    service = tmp_path / "catalog" / "services" / "website.yaml"
    service.parent.mkdir(parents=True)
    service.write_text(
        "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: website}\n"
        "spec: {type: business, tier: 3, lifecycle: live, owner: web-team}\n",
        encoding="utf-8",
    )

    result = run_cli(["init", str(tmp_path), "--practices", "catalog"])

    assert result.exit_code == 1
    assert "catalog/services/website.yaml:4:" in result.output
    assert "[ref-exists] unknown Team 'web-team'" in result.output
    assert "does not lint clean" in result.output


def test_a_broken_existing_config_stops_init_before_it_writes(tmp_path: Path) -> None:
    (tmp_path / "itsm.yaml").write_text("apiVersion: itsmcode/v1\nkind: Config\n", "utf-8")

    result = run_cli(["init", str(tmp_path)])

    assert result.exit_code == 2
    assert "itsm.yaml" in result.output and "init never overwrites it" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["itsm.yaml"]


def test_unknown_practice_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path / "new"), "--practices", "catalog,incidnet"])

    assert result.exit_code == 2
    assert "unknown practice 'incidnet' (did you mean 'incident'?)" in result.output
    assert "catalog, sla, change, incident, problem" in result.output
    assert not (tmp_path / "new").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timezone", "Europe/Berln"], "unknown time zone 'Europe/Berln'"),
        (["--name", "Acme IT"], "invalid name 'Acme IT'"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(["init", str(tmp_path / "new"), *args])

    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "new").exists()


def test_a_file_in_the_way_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "catalog").write_text("not a folder\n", encoding="utf-8")

    result = run_cli(["init", str(tmp_path)])

    assert result.exit_code == 2
    assert "cannot create the repository" in result.output
