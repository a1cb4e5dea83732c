"""Every ``--format`` through the real CLI on real repositories: what a user (or GitHub,
or a SARIF consumer) reads from the output."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jsonschema
import pytest

from itsmcode.lint.rules import LOAD_CHECKS, RULES
from tests.helpers import CONFIG, run_cli, service, write_repo

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"
SARIF_SCHEMA_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"

# name-matches-file turned into a warning, so one repository yields both severities
# (no rule is a warning by default yet).
WARN_CONFIG = CONFIG + "  lint:\n    rules: {name-matches-file: warning}\n"


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite may itself run under GitHub Actions; these variables change the default
    # format, the paths and the colour, so each test sets the ones it is about.
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "NO_COLOR"):
        monkeypatch.delenv(name, raising=False)


def mixed_repo(root: Path, count: int = 1) -> Path:
    """``count`` service files, each with one error (unknown owner, line 8 col 10) and
    one warning (name differs from the file name, line 3 col 18)."""
    files = {
        f"catalog/services/svc{i:02d}.yaml": service(f"name{i:02d}", owner="nobody")
        for i in range(count)
    }
    return write_repo(root, files, config=WARN_CONFIG)


def lint(root: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = run_cli(["lint", *args], cwd=root, env=env)
    return result.exit_code, result.stdout


# --- text -------------------------------------------------------------------------

TEXT_LINE = re.compile(
    r"^(?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning) "
    r"\[(?P<rule>[a-z0-9-]+)\] (?P<msg>.+)$"
)


def test_text_one_line_per_diagnostic_then_summary(tmp_path: Path) -> None:
    code, out = lint(mixed_repo(tmp_path), "--format", "text")
    lines = out.splitlines()
    parsed = [TEXT_LINE.match(line) for line in lines[:-1]]
    assert all(parsed), lines
    assert [(m["path"], m["line"], m["col"], m["sev"], m["rule"]) for m in parsed if m] == [
        ("catalog/services/svc00.yaml", "3", "18", "warning", "name-matches-file"),
        ("catalog/services/svc00.yaml", "8", "10", "error", "ref-exists"),
    ]
    assert lines[-1] == "3 files checked: 1 error, 1 warning"
    assert "\x1b[" not in out  # not a terminal, no --color
    assert code == 1


def test_text_clean_repository(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api")})
    code, out = lint(tmp_path)
    assert (code, out) == (0, "3 files checked, no problems\n")


def test_text_message_quoting_a_multiline_value_stays_on_one_line(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api", owner='"bad\\nvalue"')})
    _, out = lint(tmp_path)
    lines = out.splitlines()
    assert len(lines) == 2  # one diagnostic, one summary
    assert TEXT_LINE.match(lines[0])
    assert "'bad\\nvalue'" in lines[0]


# --- json -------------------------------------------------------------------------


def test_json_fields_types_and_positions(tmp_path: Path) -> None:
    code, out = lint(mixed_repo(tmp_path, 2), "--format", "json")
    payload = json.loads(out)
    assert set(payload) == {"diagnostics", "summary"}
    assert payload["summary"] == {"files": 4, "errors": 2, "warnings": 2}
    for d in payload["diagnostics"]:
        assert set(d) == {"path", "line", "column", "severity", "rule", "message"}
        assert isinstance(d["line"], int) and isinstance(d["column"], int)
        assert isinstance(d["message"], str) and d["message"]
    assert [
        (d["path"], d["line"], d["column"], d["severity"], d["rule"])
        for d in payload["diagnostics"]
    ] == [
        ("catalog/services/svc00.yaml", 3, 18, "warning", "name-matches-file"),
        ("catalog/services/svc00.yaml", 8, 10, "error", "ref-exists"),
        ("catalog/services/svc01.yaml", 3, 18, "warning", "name-matches-file"),
        ("catalog/services/svc01.yaml", 8, 10, "error", "ref-exists"),
    ]
    assert code == 1


def test_json_matches_the_schema_documented_for_users(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[1] / "docs" / "output-formats.md").read_text(encoding="utf-8")
    block = doc.split("<!-- json-output-schema -->", 1)[1]
    schema = json.loads(block.split("```json", 1)[1].split("```", 1)[0])
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    for root, count in ((tmp_path / "mixed", 3), (tmp_path / "clean", 0)):
        mixed_repo(root, count)
        payload = json.loads(lint(root, "--format", "json")[1])
        assert list(validator.iter_errors(payload)) == []
    # The schema is strict enough to catch drift: an unknown field is rejected.
    payload["summary"]["extra"] = 1
    assert list(validator.iter_errors(payload))


def test_json_paths_are_repository_relative_from_a_subdirectory(tmp_path: Path) -> None:
    mixed_repo(tmp_path)
    _, out = lint(tmp_path / "catalog" / "services", "--format", "json")
    paths = {d["path"] for d in json.loads(out)["diagnostics"]}
    assert paths == {"catalog/services/svc00.yaml"}


def test_json_file_level_problem_is_at_line_1_column_1(tmp_path: Path) -> None:
    write_repo(tmp_path, {})
    big = tmp_path / "catalog" / "services" / "huge.yaml"
    big.parent.mkdir(parents=True)
    big.write_text("# padding\n" * 120_000, encoding="utf-8")  # 1.2 MB, over the 1 MiB limit
    code, out = lint(tmp_path, "--format", "json")
    diagnostics = json.loads(out)["diagnostics"]
    assert [(d["path"], d["line"], d["column"], d["rule"]) for d in diagnostics] == [
        ("catalog/services/huge.yaml", 1, 1, "file-unreadable")
    ]
    assert code == 1


# --- github -----------------------------------------------------------------------


def _unescape_data(value: str) -> str:
    # GitHub's runner (ActionCommand.Unescape), written out independently for the test.
    return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(value: str) -> str:
    return (
        value.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def runner_commands(log: str) -> list[tuple[str, dict[str, str], str]]:
    """The workflow commands GitHub's runner would act on in ``log``, in order,
    honouring ``::stop-commands::TOKEN`` ... ``::TOKEN::``."""
    commands: list[tuple[str, dict[str, str], str]] = []
    stopped_by: str | None = None
    for line in log.splitlines():
        if stopped_by is not None:
            if line == f"::{stopped_by}::":
                stopped_by = None
            continue
        match = re.match(r"^::([a-z-]+)(?: ([^:]*))?::(.*)$", line)
        if not match:
            continue
        name, props, data = match.groups()
        if name == "stop-commands":
            stopped_by = data
            continue
        properties = {}
        for pair in (props or "").split(","):
            if pair:
                key, _, value = pair.partition("=")
                properties[key] = _unescape_property(value)
        commands.append((name, properties, _unescape_data(data)))
    return commands


def log_group(log: str) -> list[str]:
    """The plain lines inside the ``::group::`` (stop-commands markers excluded)."""
    lines = log.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("::group::"))
    end = lines.index("::endgroup::")
    return [line for line in lines[start + 1 : end] if not line.startswith("::")]


def test_github_annotations_errors_first_with_positions_and_titles(tmp_path: Path) -> None:
    code, out = lint(mixed_repo(tmp_path, 2), "--format", "github")
    annotations = [c for c in runner_commands(out) if c[0] in ("error", "warning")]
    assert [(name, p["file"], p["line"], p["col"], p["title"]) for name, p, _ in annotations] == [
        ("error", "catalog/services/svc00.yaml", "8", "10", "[ref-exists]"),
        ("error", "catalog/services/svc01.yaml", "8", "10", "[ref-exists]"),
        ("warning", "catalog/services/svc00.yaml", "3", "18", "[name-matches-file]"),
        ("warning", "catalog/services/svc01.yaml", "3", "18", "[name-matches-file]"),
    ]
    assert "unknown Team 'nobody'" in annotations[0][2]
    assert not [c for c in runner_commands(out) if c[0] == "notice"]  # under the cap
    assert len(log_group(out)) == 4
    assert out.splitlines()[-1] == "4 files checked: 2 errors, 2 warnings"
    assert code == 1


def test_github_caps_annotations_at_ten_each_and_says_how_many_more(tmp_path: Path) -> None:
    code, out = lint(mixed_repo(tmp_path, 12), "--format", "github")
    commands = runner_commands(out)
    errors = [c for c in commands if c[0] == "error"]
    warnings = [c for c in commands if c[0] == "warning"]
    notices = [c for c in commands if c[0] == "notice"]
    assert len(errors) == 10 and len(warnings) == 10
    # The most important first: errors by path, so svc00..svc09 are annotated.
    assert [p["file"] for _, p, _ in errors] == [
        f"catalog/services/svc{i:02d}.yaml" for i in range(10)
    ]
    assert [name for name, _, _ in commands if name in ("error", "warning")] == (
        ["error"] * 10 + ["warning"] * 10
    )
    assert len(notices) == 1
    text = notices[0][2]
    assert "2 more errors and 2 more warnings not annotated" in text
    assert "itsm lint: all diagnostics" in text  # where to find them
    # Nothing is lost: every diagnostic is a plain line in the log group.
    plain = log_group(out)
    assert len(plain) == 24
    assert sum(" error [ref-exists] " in line for line in plain) == 12
    assert sum(" warning [name-matches-file] " in line for line in plain) == 12
    assert code == 1


def test_github_notice_counts_only_what_was_left_out(tmp_path: Path) -> None:
    files = {
        f"catalog/services/s{i:02d}.yaml": service(f"s{i:02d}", owner="nobody") for i in range(11)
    }
    write_repo(tmp_path, files)
    _, out = lint(tmp_path, "--format", "github")
    notices = [c for c in runner_commands(out) if c[0] == "notice"]
    assert len(notices) == 1
    assert notices[0][2].startswith("1 more error not annotated")
    assert "warning" not in notices[0][2].split(":")[0]


def test_github_escapes_data_and_properties(tmp_path: Path) -> None:
    write_repo(
        tmp_path,
        {"catalog/services/we,ird:50%.yaml": service("weird", owner='"pay%ments:x,y\\nnext"')},
    )
    _, out = lint(tmp_path, "--format", "github")
    errors = [c for c in runner_commands(out) if c[0] == "error"]
    assert {p["file"] for _, p, _ in errors} == {"catalog/services/we,ird:50%.yaml"}
    assert {p["title"] for _, p, _ in errors} == {"[name-matches-file]", "[schema]"}
    schema_message = next(data for _, p, data in errors if p["title"] == "[schema]")
    assert "'pay%ments:x,y\nnext'" in schema_message  # round-trips exactly
    raw = [line for line in out.splitlines() if line.startswith("::error ")]
    assert len(raw) == 2  # the newline did not split a command
    for line in raw:
        props = line[len("::error ") :].split("::", 1)[0]
        # ':' and ',' inside a property value would end it: they must be escaped.
        assert "file=catalog/services/we%2Cird%3A50%25.yaml," in props
    assert "pay%25ments:x,y%0Anext" in next(line for line in raw if "[schema]" in line)


def test_github_log_cannot_inject_workflow_commands(tmp_path: Path) -> None:
    # A value that, printed raw on its own line, would be a command to the runner.
    evil = '"x\\n::add-mask::secret\\n::error file=evil.yaml::fake"'
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api", owner=evil)})
    _, out = lint(tmp_path, "--format", "github")
    commands = runner_commands(out)
    assert [name for name, _, _ in commands] == ["group", "endgroup", "error"]
    assert commands[2][1]["file"] == "catalog/services/api.yaml"
    assert not any(line.startswith("::add-mask") for line in out.splitlines())


def test_github_job_summary_appended_with_counts_and_table(tmp_path: Path) -> None:
    mixed_repo(tmp_path, 2)
    (tmp_path / "catalog/services/svc00.yaml").write_text(
        service("name00", owner='"a|b*c_d"'), encoding="utf-8"
    )
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    code, _ = lint(tmp_path, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("# earlier step\n")  # appended, not overwritten
    assert "**2 errors**, 2 warnings in 4 files" in text
    rows = [line for line in text.splitlines() if line.startswith("| catalog")]
    assert len(rows) == 4
    # Every row has exactly the five cells: a '|' in a message is escaped.
    for row in rows:
        cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]
        assert len(cells) == 5, row
    schema_row = next(r for r in rows if "`schema`" in r)
    assert "a\\|b\\*c\\_d" in schema_row  # literal, not a cell break or emphasis
    # By file, then line.
    assert [re.split(r"(?<!\\)\|", r)[1].strip() for r in rows] == [
        "catalog/services/svc00.yaml"
    ] * 2 + ["catalog/services/svc01.yaml"] * 2
    assert code == 1


def test_github_job_summary_shows_html_and_links_from_files_as_text(tmp_path: Path) -> None:
    extra = '"<img src=x onerror=alert(1)>[click](https://evil.example)": 1\n'
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api", extra=extra)})
    summary = tmp_path / "summary.md"
    lint(tmp_path, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    (row,) = [
        line
        for line in summary.read_text(encoding="utf-8").splitlines()
        if line.startswith("| catalog")
    ]
    assert "<img" not in row and "&lt;img src=x onerror=alert(1)&gt;" in row
    assert "](" not in row.replace("\\](", "")  # no live link: the brackets are escaped
    assert "\\[click\\](https://evil.example)" in row


def test_github_job_summary_is_capped_with_a_note(tmp_path: Path) -> None:
    mixed_repo(tmp_path, 101)  # 202 diagnostics
    summary = tmp_path / "summary.md"
    code, out = lint(tmp_path, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text(encoding="utf-8")
    assert len([line for line in text.splitlines() if line.startswith("| catalog")]) == 200
    assert "… and 2 more not shown here" in text
    assert "**101 errors**, 101 warnings in 103 files" in text
    assert len(log_group(out)) == 202  # the log still has them all
    assert code == 1


def test_github_job_summary_of_a_clean_run(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api")})
    summary = tmp_path / "summary.md"
    code, out = lint(tmp_path, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert "No problems in 3 files" in summary.read_text(encoding="utf-8")
    assert not [c for c in runner_commands(out) if c[0] in ("error", "warning", "notice")]
    assert code == 0


def test_github_without_summary_variable_writes_no_file(tmp_path: Path) -> None:
    mixed_repo(tmp_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    lint(tmp_path, "--format", "github", env={"GITHUB_STEP_SUMMARY": ""})
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_github_unwritable_summary_warns_and_keeps_the_verdict(tmp_path: Path) -> None:
    mixed_repo(tmp_path)
    missing = tmp_path / "no-such-dir" / "summary.md"
    result = run_cli(
        ["lint", "--format", "github"], cwd=tmp_path, env={"GITHUB_STEP_SUMMARY": str(missing)}
    )
    assert result.exit_code == 1  # the errors, not a crash
    assert "cannot write the job summary" in result.stderr
    assert "Traceback" not in result.output


# --- sarif ------------------------------------------------------------------------


def sarif(root: Path) -> dict[str, Any]:
    code, out = lint(root, "--format", "sarif")
    assert code in (0, 1)
    log: dict[str, Any] = json.loads(out)
    return log


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def test_vendored_sarif_schema_is_the_published_file() -> None:
    assert hashlib.sha256(SARIF_SCHEMA.read_bytes()).hexdigest() == SARIF_SCHEMA_SHA256


def test_sarif_is_valid_against_the_official_schema(
    tmp_path: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    mixed_repo(tmp_path, 2)
    (tmp_path / "catalog/services/we,ird 50%#.yaml").write_text(service("weird"), encoding="utf-8")
    log = sarif(tmp_path)
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert errors == [], [e.message for e in errors]
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(log["runs"]) == 1


def test_sarif_clean_run_is_valid_and_empty(
    tmp_path: Path, sarif_validator: jsonschema.Draft4Validator
) -> None:
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api")})
    log = sarif(tmp_path)
    assert list(sarif_validator.iter_errors(log)) == []
    assert log["runs"][0]["results"] == []


def _is_absolute_uri(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc)


def test_sarif_driver_lists_every_registered_rule(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api")})
    driver = sarif(tmp_path)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "itsm"
    assert driver["version"]
    assert _is_absolute_uri(driver["informationUri"])
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [*LOAD_CHECKS, *RULES]
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert "\n" not in rule["shortDescription"]["text"]
        assert len(rule["fullDescription"]["text"]) > len(rule["shortDescription"]["text"])
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "none")
        assert _is_absolute_uri(rule["helpUri"])
        assert rule["helpUri"].endswith(f"docs/reference/rules.md#{rule['id']}")
    by_id = {r["id"]: r for r in rules}
    # The docstring's ``id: summary`` first line gives the summary without the id.
    ref_doc = (RULES["ref-exists"].__doc__ or "").strip().splitlines()[0]
    assert by_id["ref-exists"]["shortDescription"]["text"] == ref_doc.split(": ", 1)[1]
    assert "Passing" in by_id["ref-exists"]["fullDescription"]["text"]
    assert by_id["ref-exists"]["defaultConfiguration"]["level"] == "error"


def test_sarif_results_locations_and_levels(tmp_path: Path) -> None:
    mixed_repo(tmp_path)
    run = sarif(tmp_path)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    summary = []
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        region = physical["region"]
        summary.append(
            (
                physical["artifactLocation"]["uri"],
                region["startLine"],
                region["startColumn"],
                result["ruleId"],
                result["level"],
            )
        )
    assert summary == [
        ("catalog/services/svc00.yaml", 3, 18, "name-matches-file", "warning"),
        ("catalog/services/svc00.yaml", 8, 10, "ref-exists", "error"),
    ]
    # The override changes the result's level, not the rule's documented default.
    by_id = {r["id"]: r for r in rules}
    assert by_id["name-matches-file"]["defaultConfiguration"]["level"] == "error"


def test_sarif_uri_is_an_escaped_relative_reference(tmp_path: Path) -> None:
    write_repo(tmp_path, {"catalog/services/we ird#50%.yaml": service("weird")})
    (result,) = sarif(tmp_path)["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri and "#" not in uri
    assert not urlparse(uri).scheme
    assert unquote(uri) == "catalog/services/we ird#50%.yaml"


def _fingerprints(log: dict[str, Any]) -> dict[tuple[str, str], tuple[str, int]]:
    out = {}
    for result in log["runs"][0]["results"]:
        ((key, value),) = result["partialFingerprints"].items()
        assert key.endswith("/v1")
        region = result["locations"][0]["physicalLocation"]["region"]
        out[(result["ruleId"], result["message"]["text"])] = (value, region["startLine"])
    return out


def test_sarif_fingerprints_survive_lines_inserted_above(tmp_path: Path) -> None:
    mixed_repo(tmp_path)
    before = _fingerprints(sarif(tmp_path))
    path = tmp_path / "catalog/services/svc00.yaml"
    path.write_text(
        "# Owned by the payments team.\n\n" + path.read_text(encoding="utf-8"), encoding="utf-8"
    )
    after = _fingerprints(sarif(tmp_path))
    assert before.keys() == after.keys() and len(before) == 2
    for key, (fingerprint, line) in before.items():
        assert after[key] == (fingerprint, line + 2)  # same identity, moved down


def test_sarif_fingerprint_follows_the_offending_line(tmp_path: Path) -> None:
    mixed_repo(tmp_path)
    before = _fingerprints(sarif(tmp_path))
    path = tmp_path / "catalog/services/svc00.yaml"
    # Same diagnostics, but the offending line itself is now different text.
    path.write_text(
        path.read_text(encoding="utf-8").replace("owner: nobody", 'owner: "nobody"'),
        encoding="utf-8",
    )
    after = _fingerprints(sarif(tmp_path))
    ref_key = next(k for k in before if k[0] == "ref-exists")
    name_key = next(k for k in before if k[0] == "name-matches-file")
    assert after[ref_key][0] != before[ref_key][0]
    assert after[name_key] == before[name_key]


def test_sarif_identical_findings_get_distinct_fingerprints(tmp_path: Path) -> None:
    extra = """
    dependsOn:
      - {service: ghost, type: hard}
      - {service: ghost, type: hard}
    """
    write_repo(tmp_path, {"catalog/services/api.yaml": service("api", extra=extra)})
    results = sarif(tmp_path)["runs"][0]["results"]
    refs = [r for r in results if r["ruleId"] == "ref-exists"]
    assert len(refs) == 2
    assert refs[0]["message"] == refs[1]["message"]
    values = [next(iter(r["partialFingerprints"].values())) for r in refs]
    assert len(set(values)) == 2


# --- paths for GitHub when itsm.yaml is not at the top of the git checkout -----------


def test_github_and_sarif_paths_are_relative_to_the_git_checkout(tmp_path: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    repo = mixed_repo(tmp_path / "ops" / "itsm")
    summary = tmp_path / "summary.md"
    _, out = lint(repo, "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    files = {p["file"] for name, p, _ in runner_commands(out) if name in ("error", "warning")}
    assert files == {"ops/itsm/catalog/services/svc00.yaml"}
    assert all(line.startswith("ops/itsm/catalog/") for line in log_group(out))
    assert "| ops/itsm/catalog/services/svc00.yaml |" in summary.read_text(encoding="utf-8")
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif(repo)["runs"][0]["results"]
    }
    assert uris == {"ops/itsm/catalog/services/svc00.yaml"}
    # Text and JSON keep repository-relative paths, as documented.
    _, text = lint(repo, "--format", "json")
    assert {d["path"] for d in json.loads(text)["diagnostics"]} == {"catalog/services/svc00.yaml"}


def test_github_paths_follow_github_workspace(tmp_path: Path) -> None:
    repo = mixed_repo(tmp_path / "workspace" / "itsm")
    env = {"GITHUB_WORKSPACE": str(tmp_path / "workspace")}
    _, out = lint(repo, "--format", "github", env=env)
    files = {p["file"] for name, p, _ in runner_commands(out) if name in ("error", "warning")}
    assert files == {"itsm/catalog/services/svc00.yaml"}
    # A workspace that does not contain the repository is not used.
    _, out = lint(repo, "--format", "github", env={"GITHUB_WORKSPACE": str(tmp_path / "x")})
    files = {p["file"] for name, p, _ in runner_commands(out) if name in ("error", "warning")}
    assert files == {"catalog/services/svc00.yaml"}


def test_sarif_fingerprints_do_not_depend_on_where_the_checkout_starts(tmp_path: Path) -> None:
    repo = mixed_repo(tmp_path / "workspace" / "itsm")
    plain = _fingerprints(sarif(repo))
    code, out = lint(
        repo, "--format", "sarif", env={"GITHUB_WORKSPACE": str(tmp_path / "workspace")}
    )
    assert code == 1
    assert _fingerprints(json.loads(out)) == plain
