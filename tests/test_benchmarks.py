"""Smoke tests of the benchmark tools at a tiny size (not timing tests).

The generator must produce a repository that lints clean with every rule, or the
benchmark would time error reporting instead of the common case; and run.py must work
end to end, so the documented command keeps working.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from itsmcode.lint.engine import LintOptions, lint
from tests.helpers import NOW

PROJECT = Path(__file__).resolve().parent.parent
BENCHMARKS = PROJECT / "benchmarks"
TINY = {"services": 40, "changes": 20, "seed": 7, "teams": 6}
#: A tiny corpus for the timing scripts (the sizes their --help documents).
SMALL = ("--services", "20", "--changes", "8", "--teams", "4", "--repeat", "1")


def run_benchmark(script: str, *args: str, timeout: int = 300) -> str:
    """Run ``benchmarks/SCRIPT`` as its documented command; it must exit 0. Its stdout."""
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "generate_corpus", BENCHMARKS / "generate_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while defining
    spec.loader.exec_module(module)
    return module


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.yaml")}


def test_generated_corpus_lints_clean(tmp_path: Path) -> None:
    count = _generator().generate(tmp_path, **TINY)
    result = lint(tmp_path, LintOptions(now=NOW))
    assert result.files == count
    assert [d for d in result.diagnostics] == []
    kinds = {
        path.split("/")[0] + "/" + path.split("/")[1] for path in _tree(tmp_path) if "/" in path
    }
    assert {
        "catalog/services",
        "catalog/teams",
        "catalog/slas",
        "catalog/calendars",
        "processes/standard-changes",
    } <= kinds
    assert any(path.startswith("changes/20") for path in _tree(tmp_path))


def test_generator_is_deterministic(tmp_path: Path) -> None:
    generate = _generator().generate
    generate(tmp_path / "a", **TINY)
    generate(tmp_path / "b", **TINY)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")


def test_run_script_reports_every_measurement(tmp_path: Path) -> None:
    corpus, output = tmp_path / "corpus", tmp_path / "report.md"
    stdout = run_benchmark("run.py", "--corpus", str(corpus), *SMALL, "--output", str(output))
    report = output.read_text(encoding="utf-8")
    assert report == stdout
    rows = {line.split(" | ")[0].lstrip("| "): line for line in report.splitlines()}
    # The corpus is valid for both tools: lint and check-jsonschema exit 0.
    assert "| 0 |" in rows["itsm lint (all rules)"]
    assert "| 0 |" in rows["check-jsonschema (schema only)"]
    assert "| 0 |" in rows["bare parse (PyYAML CSafeLoader)"]
    assert "itsm lint one file (example repository)" in rows
    assert any(key.startswith("itsm lint >= 5x faster") for key in rows)
    assert any(key.startswith("itsm lint within 2x") for key in rows)
    assert any(key.startswith("one-file lint (example repository)") for key in rows)
    assert "rule change-overlap" in rows and "parse" in rows


def test_worst_cases_script_reports_every_case(tmp_path: Path) -> None:
    output = tmp_path / "worst.md"
    stdout = run_benchmark(
        "bench_worst_cases.py", "--scale", "0.02", "--repeat", "1", "--output", str(output)
    )
    report = output.read_text(encoding="utf-8")
    assert report == stdout
    rows = [line for line in report.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 5  # the header and one row per case
    assert all(row.endswith(("| met |", "| **NOT met** |")) for row in rows[1:])


def test_daily_loop_script_reports_every_target(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    stdout = run_benchmark("bench_daily.py", "--corpus", str(corpus), *SMALL, timeout=600)
    for target in (
        "cold lint vs bare parse (target <= 1.2x)",
        "warm unchanged vs cold (target <= 0.1x)",
        "after one edit (a comment) vs cold (target <= 0.2x)",
        "after one edit (the title) vs cold (target <= 0.2x)",
        "after one edit (the tier) vs cold (target <= 0.2x)",
        "pre-commit hook (served) vs yamllint (target <= 2.0x)",
        "one file in-process vs yamllint (target <= 2.0x)",
        "pre-commit peak memory (target < 200 MB)",
        "itsm --version (target < 0.1 s)",
    ):
        assert f"| {target} |" in stdout
    # the edited file is restored: the corpus is the generator's again
    text = "".join(p.read_text() for p in corpus.rglob("*.yaml"))
    assert "# edit" not in text and "title: Edited" not in text


def test_scorecard_corpus_lints_clean_and_scores(tmp_path: Path) -> None:
    from tests.score.scored import score_json

    count = _generator().generate(tmp_path, **TINY, scorecard=True)
    result = lint(tmp_path, LintOptions(now=NOW))
    assert result.files == count
    assert [d for d in result.diagnostics] == []
    data = score_json(tmp_path)
    assert len(data["services"]) > 0
    assert [t["level"] for t in data["targets"]] == ["silver", "bronze"]


def test_score_script_reports_every_ratio(tmp_path: Path) -> None:
    stdout = run_benchmark("bench_score.py", "--corpus", str(tmp_path / "corpus"), *SMALL)
    rows = [line for line in stdout.splitlines() if line.startswith("| itsm score")]
    assert len(rows) == 5  # three timings, two ratios against lint
    assert all(row.endswith(("| met |", "| not met |")) for row in rows if "target" in row)


def test_site_script_reports_the_build_against_lint(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    stdout = run_benchmark(
        "bench_site.py", "--corpus", str(corpus), *SMALL, "--incidents", "30", timeout=600
    )
    # A page per service, team, SLA, calendar and change, and the seven site-wide ones
    # (index, schedule, three reports, audit, lint).
    entities = [
        *corpus.glob("catalog/services/*.yaml"),
        *corpus.glob("catalog/teams/*.yaml"),
        *corpus.glob("catalog/slas/*.yaml"),
        *corpus.glob("catalog/calendars/*.yaml"),
        *corpus.glob("changes/**/*.yaml"),
    ]
    assert f"the site has {len(entities) + 7} pages" in stdout
    for row in (
        "| site build vs lint (target <= 3.0x) |",
        "| site build over the previous one vs lint |",
        "| site build in git vs lint |",
    ):
        assert row in stdout
