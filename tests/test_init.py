"""``itsm init``: what a newcomer gets is a repository that lints clean, for any practices.

Every test runs the real command on a real temporary directory and checks the result
with the real ``itsm lint``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import itsmcode
from itsmcode.scaffold import project as scaffold
from tests.gatepin import GATE, PIN
from tests.helpers import run_cli

#: A folder (or file) per practice that only that practice may create.
PRACTICE_PATHS = {
    "sla": "catalog/slas",
    "change": "processes/approval-policy.yaml",
    "incident": "incidents",
    "problem": "problems",
    "scorecard": "processes/scorecards/service-basics.yaml",
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
        "scorecard",
        " Problem , sla ,",  # spaces, case and empty items are forgiven
    ],
)
def test_init_lints_clean_for_each_practice_subset(tmp_path: Path, practices: str) -> None:
    repo = tmp_path / "acme-it"
    result = run_cli(["init", str(repo), "--practices", practices, *PIN])
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
    # Every YAML file is linted but the hidden ones (.github/, .pre-commit-config.yaml)
    # and the policy tests (`itsm policy test` reads those).
    visible = [
        p
        for p in repo.rglob("*.yaml")
        if not p.relative_to(repo).as_posix().startswith((".", "processes/policy-tests/"))
    ]
    assert report["summary"]["files"] == len(visible)  # type: ignore[index]


def test_default_practices_bring_every_example_the_brief_promises(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path), *PIN])
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

    result = run_cli(["init", str(tmp_path), *PIN])

    assert result.exit_code == 0, result.output
    assert "skipped  README.md (already exists)" in result.output
    assert "skipped  catalog/teams/platform.yaml (already exists)" in result.output
    assert "created  itsm.yaml" in result.output
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# Our own notes\n"
    assert team.read_bytes() == before[team]


def test_second_run_changes_nothing(tmp_path: Path) -> None:
    first = run_cli(
        ["init", str(tmp_path), "--practices", "catalog,sla,change,incident,problem", *PIN]
    )
    assert first.exit_code == 0, first.output
    files = snapshot(tmp_path)

    second = run_cli(["init", str(tmp_path), "--practices", "catalog,sla,change,incident,problem"])

    assert second.exit_code == 0, second.output
    assert "Nothing changed in" in second.output and "0 files created" in second.output
    assert "created " not in second.output and "updated " not in second.output
    assert snapshot(tmp_path) == files
    # Atomic writes leave no temporary files behind.
    assert not list(tmp_path.rglob("*.tmp"))


def test_rerun_without_options_uses_the_existing_config(tmp_path: Path) -> None:
    run_cli(["init", str(tmp_path), "--practices", "catalog", "--timezone", "Asia/Tokyo", *PIN])
    files = snapshot(tmp_path)

    # No pin either: the one recorded by the first run is the one that stays.
    result = run_cli(["init"], cwd=tmp_path)

    assert result.exit_code == 0, result.output
    assert "(practices: catalog)" in result.output
    assert snapshot(tmp_path) == files


def test_dated_examples_are_not_added_beside_existing_records(tmp_path: Path) -> None:
    # Someone's real change records are there (no itsm.yaml yet): no example change
    # joins them, whatever year the example would be dated.
    ours = tmp_path / "changes" / "2020" / "chg-2020-0099.yaml"
    ours.parent.mkdir(parents=True)
    example = scaffold.plan(
        ["catalog", "change"], name="acme", timezone="UTC", today=date(2020, 3, 2)
    )
    (change,) = [f for f in example if f.path.startswith("changes/")]
    ours.write_text(change.text.replace("-0001", "-0099"), encoding="utf-8")

    result = run_cli(["init", str(tmp_path), *PIN])

    assert result.exit_code == 0, result.output
    assert "changes/ already holds records" in result.output
    assert [p.name for p in (tmp_path / "changes").rglob("*.yaml")] == [ours.name]


def test_adding_a_practice_later_fills_in_its_files_and_says_to_enable_it(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path), "--practices", "catalog", *PIN]).exit_code == 0

    result = run_cli(["init", str(tmp_path), "--practices", "catalog,problem", *PIN])

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

    result = run_cli(["init", str(tmp_path), "--practices", "catalog", *PIN])

    assert result.exit_code == 1
    assert "catalog/services/website.yaml:4:" in result.output
    assert "[ref-exists] unknown Team 'web-team'" in result.output
    assert "does not lint clean" in result.output


def test_a_broken_existing_config_stops_init_before_it_writes(tmp_path: Path) -> None:
    (tmp_path / "itsm.yaml").write_text("apiVersion: itsmcode/v1\nkind: Config\n", "utf-8")

    result = run_cli(["init", str(tmp_path), *PIN])

    assert result.exit_code == 2
    assert "itsm.yaml" in result.output and "init never overwrites it" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["itsm.yaml"]


def test_unknown_practice_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path / "new"), "--practices", "catalog,incidnet", *PIN])

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
    result = run_cli(["init", str(tmp_path / "new"), *args, *PIN])

    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "new").exists()


def test_a_file_in_the_way_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "catalog").write_text("not a folder\n", encoding="utf-8")

    result = run_cli(["init", str(tmp_path), *PIN])

    assert result.exit_code == 2
    assert "cannot create the repository" in result.output


# --- the pinned itsmcode source (issue 16.3: no install of a name nobody owns) ----------


def test_init_without_a_pinned_source_refuses_and_writes_nothing(tmp_path: Path) -> None:
    result = run_cli(["init", str(tmp_path / "new")])

    assert result.exit_code == 2
    assert ".github/workflows/validate.yml would install itsmcode" in result.output
    assert "--gate-source https://github.com/<owner>/itsmcode" in result.output
    assert "--gate-ref <40-hex commit sha>" in result.output
    assert "nothing was written" in result.output
    assert not (tmp_path / "new").exists()
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--gate-ref", GATE.ref], "--gate-source is missing"),
        (["--gate-source", GATE.url], "--gate-ref is missing"),
        # Refs that can move under the gate: a branch, a tag, an abbreviated sha.
        (["--gate-source", GATE.url, "--gate-ref", "main"], "invalid gate ref 'main'"),
        (["--gate-source", GATE.url, "--gate-ref", "v0.1.0"], "invalid gate ref 'v0.1.0'"),
        (["--gate-source", GATE.url, "--gate-ref", GATE.ref[:12]], "full 40-character"),
        # Sources that are not a plain https git URL.
        (["--gate-source", "http://github.com/o/itsmcode", "--gate-ref", GATE.ref], "https URL"),
        (
            ["--gate-source", "https://user:token@github.com/o/itsmcode", "--gate-ref", GATE.ref],
            "no credentials",
        ),
        (["--gate-source", "https://github.com/o/x#egg=y", "--gate-ref", GATE.ref], "'#'"),
        (["--gate-source", "itsmcode", "--gate-ref", GATE.ref], "invalid gate source"),
        (["--gate-source", "file:///tmp/itsmcode", "--gate-ref", GATE.ref], "https URL"),
    ],
)
def test_a_bad_pin_is_a_usage_error(tmp_path: Path, args: list[str], message: str) -> None:
    result = run_cli(["init", str(tmp_path / "new"), *args])

    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "new").exists()


def _installed_from(tmp_path: Path, direct_url: dict[str, object]) -> dict[str, str]:
    """An environment where itsmcode's dist-info says pip installed it from ``direct_url``
    (PEP 610), as ``pip install "itsmcode @ git+URL@SHA"`` leaves it."""
    dist = tmp_path / "site" / "itsmcode-0.1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: itsmcode\nVersion: 0.1.0\n", encoding="utf-8"
    )
    (dist / "direct_url.json").write_text(json.dumps(direct_url), encoding="utf-8")
    source = Path(itsmcode.__file__).resolve().parents[1]  # the src/ this test imports
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(dist.parent), str(source)])}


def test_init_pins_the_commit_itsm_was_installed_from(tmp_path: Path) -> None:
    env = _installed_from(
        tmp_path,
        {"url": GATE.url, "vcs_info": {"vcs": "git", "commit_id": GATE.ref}},
    )
    repo = tmp_path / "repo"
    done = subprocess.run(
        [sys.executable, "-m", "itsmcode", "init", str(repo)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    approval = (repo / ".github/workflows/approval.yml").read_text(encoding="utf-8")
    assert f"  ITSMCODE_SOURCE: {GATE.url}\n  ITSMCODE_REF: {GATE.ref}\n" in approval
    manifest = json.loads((repo / ".itsm-init.json").read_text(encoding="utf-8"))
    assert manifest["gate"] == {"source": GATE.url, "ref": GATE.ref}


@pytest.mark.parametrize(
    "direct_url",
    [
        {"url": "file:///home/me/itsmcode", "dir_info": {"editable": True}},  # pip install -e
        {"url": "https://files.example/itsmcode-0.1.0.whl", "archive_info": {}},  # a wheel
        {"url": GATE.url, "vcs_info": {"vcs": "git", "commit_id": "main"}},  # not a sha
        {
            "url": "ssh://git@github.com/o/itsmcode",
            "vcs_info": {"vcs": "git", "commit_id": GATE.ref},
        },
    ],
)
def test_an_install_without_a_pinnable_commit_is_no_default(
    tmp_path: Path, direct_url: dict[str, object]
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "itsmcode", "init", str(tmp_path / "repo")],
        env=_installed_from(tmp_path, direct_url),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no pinned source is known" in done.stderr
    assert not (tmp_path / "repo").exists()


def test_a_rerun_writes_new_workflows_with_the_recorded_pin(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path), "--practices", "catalog", *PIN]).exit_code == 0
    assert not (tmp_path / ".github/workflows/approval.yml").exists()

    # The change practice brings the approval gate; no flags: the recorded pin is used.
    result = run_cli(["init", str(tmp_path), "--practices", "catalog,change"])

    assert result.exit_code == 0, result.output
    assert "created  .github/workflows/approval.yml" in result.output
    approval = (tmp_path / ".github/workflows/approval.yml").read_text(encoding="utf-8")
    assert f"ITSMCODE_REF: {GATE.ref}\n" in approval


def test_a_new_pin_on_a_rerun_leaves_the_workflows_alone_and_says_how_to_move_it(
    tmp_path: Path,
) -> None:
    assert run_cli(["init", str(tmp_path), *PIN]).exit_code == 0
    files = snapshot(tmp_path)
    other = "f" * 40

    result = run_cli(["init", str(tmp_path), "--gate-source", GATE.url, "--gate-ref", other])

    assert result.exit_code == 0, result.output
    assert f"the workflows keep their pin {GATE.ref}" in result.output
    assert "change ITSMCODE_REF in each workflow" in result.output
    assert snapshot(tmp_path) == files


# --- running it again changes nothing ("Solid ground") ---------------------------------


def test_deleted_and_renamed_examples_are_not_brought_back(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path), *PIN]).exit_code == 0
    # The user drops the example policy test and renames the change request.
    (tmp_path / "processes/policy-tests/starter.yaml").unlink()
    change = next((tmp_path / "changes").rglob("*.yaml"))
    text = change.read_text(encoding="utf-8").replace("-0001", "-0002")
    change.unlink()
    (change.parent / change.name.replace("-0001", "-0002")).write_text(text, encoding="utf-8")
    # ... and a workflow and the README, which are theirs to drop too.
    (tmp_path / "README.md").unlink()
    (tmp_path / ".github/workflows/record.yml").unlink()
    files = snapshot(tmp_path)

    for args in ([str(tmp_path)], [str(tmp_path), *PIN]):
        result = run_cli(["init", *args])

        assert result.exit_code == 0, result.output
        assert not [line for line in result.output.splitlines() if line.startswith("created")]
        assert f"Nothing changed in {tmp_path}: 0 files created" in result.output
        for path in (
            "processes/policy-tests/starter.yaml",
            change.relative_to(tmp_path).as_posix(),
            "README.md",
            ".github/workflows/record.yml",
        ):
            assert (
                f"skipped  {path} (created by an earlier itsm init, since removed or renamed"
                in result.output
            ), path
        assert snapshot(tmp_path) == files


def test_an_existing_repository_gets_structure_but_no_examples(tmp_path: Path) -> None:
    # A repository made by hand (or by an init that kept no record).
    (tmp_path / "itsm.yaml").write_text(
        "apiVersion: itsmcode/v1\nkind: Config\nmetadata: {name: ours}\n"
        "spec: {timezone: UTC, practices: [catalog]}\n",
        encoding="utf-8",
    )
    team = tmp_path / "catalog/teams/ops.yaml"
    team.parent.mkdir(parents=True)
    team.write_text(
        "apiVersion: itsmcode/v1\nkind: Team\nmetadata: {name: ops}\n"
        "spec:\n  members:\n    - {github: real-person}\n",
        encoding="utf-8",
    )

    result = run_cli(["init", str(tmp_path), *PIN])

    assert result.exit_code == 0, result.output
    assert "created  .github/workflows/validate.yml" in result.output
    assert "created  .pre-commit-config.yaml" in result.output
    assert "created  schemas/itsmcode.schema.json" in result.output
    assert "created  .itsm-init.json" in result.output
    assert (
        "skipped  catalog/services/website.yaml "
        "(an example; the catalog practice was set up before)" in result.output
    )
    assert sorted(p.name for p in (tmp_path / "catalog").rglob("*.yaml")) == ["ops.yaml"]
    # Adding a practice later still brings that practice's examples.
    more = run_cli(["init", str(tmp_path), "--practices", "catalog,problem"])
    assert more.exit_code == 0, more.output
    assert "created  problems/prb-website-slow-pages.yaml" in more.output
    assert "updated  .itsm-init.json" in more.output


def test_an_unreadable_manifest_stops_init_before_it_writes(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path), *PIN]).exit_code == 0
    (tmp_path / "README.md").unlink()
    (tmp_path / ".itsm-init.json").write_text('{"created": "README.md"', encoding="utf-8")

    result = run_cli(["init", str(tmp_path), *PIN])

    assert result.exit_code == 2
    assert ".itsm-init.json: not a manifest itsm init can read" in result.output
    assert "fix or delete it" in result.output
    assert not (tmp_path / "README.md").exists()


# --- a fresh repository works at once ("Solid ground") --------------------------------


def test_a_fresh_repository_lints_clean_and_its_policy_tests_pass(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path), *PIN]).exit_code == 0

    lint_strict(tmp_path)
    tested = run_cli(["policy", "test", "--repo", str(tmp_path)])
    assert tested.exit_code == 0, tested.output
    assert "4 scenarios, 0 failed" in tested.output
    assert "changing the gate's workflows needs two CAB members" in tested.output
    schemas = run_cli(["schema", "check", "--repo", str(tmp_path)])
    assert schemas.exit_code == 0, schemas.output
    assert "is up to date" in schemas.output


@pytest.mark.parametrize("practices", ["catalog", "catalog,sla,change,incident,problem"])
def test_a_fresh_repository_is_in_fmt_layout(tmp_path: Path, practices: str) -> None:
    """The itsm-fmt hook init configures changes nothing on the first commit."""
    assert run_cli(["init", str(tmp_path), "--practices", practices, *PIN]).exit_code == 0
    formatted = run_cli(["fmt", "--check", "--repo", str(tmp_path)])
    assert formatted.exit_code == 0, formatted.stdout


def test_the_starter_policy_tests_can_fail(tmp_path: Path) -> None:
    """The shipped scenarios test the policy: weakening its governance rule fails them."""
    assert run_cli(["init", str(tmp_path), *PIN]).exit_code == 0
    policy = tmp_path / "processes/approval-policy.yaml"
    text = policy.read_text(encoding="utf-8")
    assert '          - ".github/**"\n' in text
    policy.write_text(text.replace('          - ".github/**"\n', ""), encoding="utf-8")

    tested = run_cli(["policy", "test", "--repo", str(tmp_path)])

    assert tested.exit_code == 1, tested.output
    assert "changing the gate's workflows needs two CAB members" in tested.output
    assert "1 failed" in tested.output


def test_without_a_manifest_the_pin_of_an_existing_workflow_is_kept(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path), "--practices", "catalog", *PIN]).exit_code == 0
    (tmp_path / ".itsm-init.json").unlink()

    result = run_cli(["init", str(tmp_path), "--practices", "catalog,change"])

    assert result.exit_code == 0, result.output
    assert "created  .github/workflows/approval.yml" in result.output
    approval = (tmp_path / ".github/workflows/approval.yml").read_text(encoding="utf-8")
    assert f"ITSMCODE_SOURCE: {GATE.url}\n  ITSMCODE_REF: {GATE.ref}\n" in approval


def test_an_unpinned_existing_workflow_is_no_pin_to_copy(tmp_path: Path) -> None:
    assert run_cli(["init", str(tmp_path), "--practices", "catalog", *PIN]).exit_code == 0
    (tmp_path / ".itsm-init.json").unlink()
    validate = tmp_path / ".github/workflows/validate.yml"
    validate.write_text(
        validate.read_text(encoding="utf-8").replace(GATE.ref, "main"), encoding="utf-8"
    )

    result = run_cli(["init", str(tmp_path), "--practices", "catalog,change"])

    assert result.exit_code == 2
    assert ".github/workflows/approval.yml would install itsmcode" in result.output
    assert not (tmp_path / ".github/workflows/approval.yml").exists()
