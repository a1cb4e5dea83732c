"""Parallel parsing gives exactly the serial output, broken files and positions included."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from itsmcode.load import parallel
from tests.helpers import run_cli

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "benchmarks"))
from generate_corpus import generate  # noqa: E402


def test_parallel_and_serial_lint_are_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "corpus"
    generate(root, services=120, changes=60, seed=11, teams=8)
    broken = sorted((root / "catalog").rglob("*.yaml"))
    broken[0].write_text("apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: [\n")
    broken[1].write_text("apiVersion: itsmcode/v1\nkind: Service\nspec:\n\ttier: 1\n")
    broken[2].write_text(broken[2].read_text().replace("tier: ", "tier: 7", 1))
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 10)
    args = ["lint", "--format", "json", "--no-cache", "--now", "2026-11-24T12:00:00+0000"]
    serial = run_cli([*args, "--jobs", "1"], cwd=root)
    both = run_cli([*args, "--jobs", "2"], cwd=root)
    assert serial.exit_code == both.exit_code == 1
    assert serial.stdout == both.stdout
    assert '"rule": "yaml-syntax"' in both.stdout and '"line": 4' in both.stdout


def test_a_serial_parse_leaves_the_collector_as_it_found_it() -> None:
    """A serial run parses inside ``paused_gc``; switching the collector back on there
    made the rest of the load walk every object built so far, again and again."""
    import gc

    from itsmcode.load.snapshot import paused_gc
    from itsmcode.load.yamlio import Limits

    items = [("a.yaml", b"kind: Team\n"), ("b.yaml", b"kind: [\n")]
    with paused_gc():
        outcomes = parallel.parse_all(items, Limits(), workers=1)
        assert not gc.isenabled()
    assert gc.isenabled()
    assert [o[0] for o in outcomes] == ["ok", "problem"]


def test_outcomes_cross_from_the_workers_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    """Values cross back packed (marshal) without their text: every value type, key
    order, a BOM'd text and located problems come out as a serial parse gives them."""
    from itsmcode.load.yamlio import Limits

    texts = [
        "b: 1\na: [.nan, -0.0, .inf, 1e3, 0x1F, 123456789012345678901234567890]\n",
        "\ufeffé: {z: null, y: true, x: 'no', w: ~}\n",
        "a: &x [1, 2]\nb: *x\n",
        "a: 1\na: 2\n",
        "k: [\n",
        "- top level list\n",
    ]
    items = [(f"f{i}.yaml", t.encode()) for i, t in enumerate(texts * 4)]
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    serial = list(parallel.parse_all(items, Limits(), workers=1))
    both = list(parallel.parse_all(items, Limits(), workers=2))
    assert repr(both) == repr(serial)
    assert [o[0] for o in both[:6]] == ["ok", "ok", "ok", "problem", "problem", "problem"]
    assert both[1][1] == texts[1].removeprefix("\ufeff")


def test_files_read_in_the_workers_give_what_reading_ahead_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--no-cache`` has the workers read the files they parse: every outcome, files
    that cannot be read included, is the one the cached path's reading ahead gives."""
    from itsmcode.load.source import read
    from itsmcode.load.yamlio import Limits

    files = {
        "ok.yaml": "\ufeffkind: Team\nname: é\n",
        "broken.yaml": "kind: [\n",
        "utf16.yaml": "kind: Team\n".encode("utf-16"),
        "large.yaml": "a: " + "x" * 300 + "\n",
        "gone.yaml": None,  # listed, yet gone by the time it is read
    }
    for name, content in files.items():
        if isinstance(content, str):
            (tmp_path / name).write_text(content, encoding="utf-8")
        elif content is not None:
            (tmp_path / name).write_bytes(content)
    (tmp_path / "link.yaml").symlink_to(tmp_path / "ok.yaml")
    (tmp_path / "dir.yaml").mkdir()
    paths = sorted([*files, "link.yaml", "dir.yaml"]) * 3
    limits = Limits(max_file_size=200)

    def read_ahead(path: str) -> tuple[object, ...]:
        source = read(tmp_path, path, limits.max_file_size)
        if source.data is not None:
            return next(iter(parallel.parse_all([(path, source.data)], limits, workers=1)))
        assert source.problem is not None
        problem = source.problem
        return ("problem", problem.rule, problem.message, problem.line, problem.column)

    ahead = [read_ahead(path) for path in paths]
    monkeypatch.setattr(parallel, "PARALLEL_MIN_FILES", 1)
    for workers in (1, 2):
        assert list(parallel.read_and_parse_all(str(tmp_path), paths, limits, workers)) == ahead
    rules = {outcome[1] for outcome in ahead if outcome[0] == "problem"}
    assert rules == {"yaml-syntax", "file-unreadable"}
    ok = ahead[paths.index("ok.yaml")]
    assert ok[1:] == ("kind: Team\nname: é\n", {"kind": "Team", "name": "é"})


def test_named_files_without_the_cache_as_with_it(tmp_path: Path) -> None:
    """The pre-commit hook's form (``itsm lint FILE...``) with ``--no-cache``: the
    files, a broken one and an entity outside the kinds' folders among them, are read
    where they are parsed, and judged as the cached run judges them."""
    from tests.helpers import service, write_repo

    root = write_repo(
        tmp_path,
        {
            "catalog/services/good.yaml": service("good"),
            "catalog/services/bad.yaml": "apiVersion: itsmcode/v1\nkind: Service\nspec: [\n",
            "deploy/stray.yaml": service("stray"),
        },
    )
    named = ["catalog/services/good.yaml", "catalog/services/bad.yaml", "deploy/stray.yaml"]
    args = ["lint", "--format", "json", *named]
    cached = run_cli(args, cwd=root)
    uncached = run_cli([*args, "--no-cache"], cwd=root)
    assert (uncached.exit_code, uncached.stdout) == (cached.exit_code, cached.stdout)
    assert cached.exit_code == 1
    assert '"rule": "yaml-syntax"' in cached.stdout
    assert '"rule": "unknown-location"' in cached.stdout
