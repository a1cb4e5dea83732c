"""The lint cache never changes what lint reports: cold, warm and after edits the
output equals --no-cache byte for byte; a corrupt, foreign or concurrent cache is a miss."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import run_cli

PROJECT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(PROJECT / "benchmarks"))
from generate_corpus import generate  # noqa: E402


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home / "itsmcode"


def lint_json(root: Path, *extra: str) -> tuple[int, str]:
    now = "2026-11-24T12:00:00+0000"
    result = run_cli(["lint", "--format", "json", "--now", now, *extra], cwd=root)
    return result.exit_code, result.stdout


def assert_same_as_uncached(root: Path) -> str:
    cached = lint_json(root)
    assert cached == lint_json(root, "--no-cache")
    assert lint_json(root) == cached  # and again, now answered from the cache
    return cached[1]


def example(tmp_path: Path) -> Path:
    root = tmp_path / "example"
    keep = shutil.ignore_patterns(".git", "src", "tests", "docs", "benchmarks", ".venv")
    shutil.copytree(PROJECT, root, ignore=keep)
    return root


def test_cold_warm_and_edited_example_equal_uncached(tmp_path: Path, cache_home: Path) -> None:
    root = example(tmp_path)
    assert assert_same_as_uncached(root).count('"rule"') == 0
    assert (cache_home / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")
    payments = root / "catalog/teams/payments.yaml"
    payments.unlink()  # every service owned by payments must now be reported
    out = assert_same_as_uncached(root)
    assert out.count("unknown Team 'payments'") >= 3
    config = root / "itsm.yaml"
    # The example's itsm.yaml has a lint section already (ignore): add to it.
    setting = "    rules: {ref-exists: warning}\n"
    config.write_text(config.read_text().replace("  lint:\n", "  lint:\n" + setting, 1))
    assert '"severity": "warning"' in assert_same_as_uncached(root)


def test_random_edits_of_a_generated_corpus(tmp_path: Path, cache_home: Path) -> None:
    root = tmp_path / "corpus"
    generate(root, services=150, changes=80, seed=7, teams=12)
    assert_same_as_uncached(root)
    rng = random.Random(1)
    files = sorted(p for p in root.rglob("*.yaml") if p.name != "itsm.yaml")
    edits = [
        lambda t: t.replace("tier: ", "tier: 9", 1),
        lambda t: t.replace("owner: ", "owner: x", 1),
        lambda t: t + "  bogus: 1\n",
        lambda t: t.replace("spec:", "spec: [", 1),
        lambda t: "",
    ]
    for _ in range(6):
        target = rng.choice(files)
        target.write_text(rng.choice(edits)(target.read_text()))
        assert_same_as_uncached(root)
    victim = rng.choice(files)
    victim.unlink()
    assert_same_as_uncached(root)


def test_review_due_follows_the_date_not_a_stale_result(tmp_path: Path, cache_home: Path) -> None:
    root = example(tmp_path)
    early = run_cli(["lint", "--format", "json", "--now", "2026-01-01T12:00:00+0000"], cwd=root)
    late = run_cli(["lint", "--format", "json", "--now", "2040-01-01T12:00:00+0000"], cwd=root)
    assert "review-due" not in early.stdout and "review-due" in late.stdout


def test_a_corrupt_database_is_rebuilt(tmp_path: Path, cache_home: Path) -> None:
    root = example(tmp_path)
    expected = lint_json(root, "--no-cache")
    lint_json(root)
    for database in cache_home.glob("lint-*.sqlite"):
        database.write_bytes(b"this is not a database" * 100)
    assert lint_json(root) == expected
    assert lint_json(root) == expected


def test_tampered_entries_are_misses_never_wrong_answers(tmp_path: Path, cache_home: Path) -> None:
    root = example(tmp_path)
    expected = lint_json(root, "--no-cache")
    lint_json(root)
    (database,) = cache_home.glob("lint-*.sqlite")
    with sqlite3.connect(database) as db:
        db.execute("UPDATE results SET value = X'00112233445566778899aabbccddeeff5b5d'")
        db.execute("UPDATE files SET value = substr(value, 1, length(value) - 3) || 'xyz'")
    assert lint_json(root) == expected


def test_no_cache_writes_nothing_and_an_unwritable_home_is_harmless(
    tmp_path: Path, cache_home: Path
) -> None:
    root = example(tmp_path)
    lint_json(root, "--no-cache")
    assert not cache_home.exists()
    cache_home.parent.mkdir()
    cache_home.write_text("a file where the cache folder should be")
    assert lint_json(root) == lint_json(root, "--no-cache")


def test_two_runs_at_once_agree(tmp_path: Path, cache_home: Path) -> None:
    root = tmp_path / "corpus"
    generate(root, services=300, changes=100, seed=3, teams=10)
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home.parent)}
    command = [sys.executable, "-m", "itsmcode", "lint", "--format", "json"]
    runs = [
        subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = {run.communicate(timeout=300)[0] for run in runs}
    assert outputs == {lint_json(root, "--no-cache")[1]} or len(outputs) == 1
    assert len(outputs) == 1


def test_cache_info_and_clear(tmp_path: Path, cache_home: Path) -> None:
    root = example(tmp_path)
    lint_json(root)
    info = run_cli(["cache", "info"])
    assert info.exit_code == 0 and "(this version)" in info.stdout and "files" in info.stdout
    cleared = run_cli(["cache", "clear"])
    assert cleared.exit_code == 0 and "removed" in cleared.stdout
    assert not list(cache_home.glob("lint-*.sqlite"))
    assert "empty" in run_cli(["cache", "info"]).stdout


def test_every_rule_that_reads_the_clock_says_how() -> None:
    """The cache keys results on the date; a rule reading the time finer must say so."""
    rules = PROJECT / "src" / "itsmcode" / "lint" / "rules"
    for module in rules.glob("*.py"):
        text = module.read_text()
        if "context.now" in text:
            assert 'USES_NOW = "date"' in text, module.name


def test_an_unchanged_tree_is_answered_without_reading_the_files(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsmcode.lint import loading

    monkeypatch.setattr(loading, "RACY_SECONDS", 0.0)  # files written just now count as old
    root = example(tmp_path)
    expected = lint_json(root)  # a miss: reads, and records each file's stat
    assert lint_json(root) == expected

    def no_reading(*args: object, **kwargs: object) -> object:
        raise AssertionError("the unchanged path read the files")

    monkeypatch.setattr(loading, "read_files", no_reading)
    assert lint_json(root) == expected


def test_a_same_size_edit_with_its_mtime_put_back_is_still_seen(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`touch -d` can restore a file's mtime, never its ctime: the stat still differs."""
    from itsmcode.lint import loading

    monkeypatch.setattr(loading, "RACY_SECONDS", 0.0)
    root = example(tmp_path)
    lint_json(root)
    lint_json(root)
    target = root / "catalog/services/search.yaml"
    before = target.stat()
    text = target.read_text()
    edited = text.replace("tier: 2", "tier: 9", 1)
    assert edited != text and len(edited) == len(text)
    target.write_text(edited)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    cached = lint_json(root)
    assert cached == lint_json(root, "--no-cache")
    assert '"rule": "schema"' in cached[1]


def test_the_cache_stays_within_its_bounds(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past its bound the cache forgets the least recently used entries, and answers
    stay right."""
    from itsmcode.lint import cache

    monkeypatch.setattr(cache, "MAX_FILE_ENTRIES", 10)
    monkeypatch.setattr(cache, "MAX_RESULT_ENTRIES", 3)
    root = example(tmp_path)
    files = len(list((root / "catalog").rglob("*.yaml")))
    assert files > 10
    expected = lint_json(root, "--no-cache")
    assert lint_json(root) == expected
    for n in range(4):  # new results: each edit is another run's answer
        (root / "catalog/services/search.yaml").write_text(
            (root / "catalog/services/search.yaml").read_text() + f"# edit {n}\n"
        )
        assert lint_json(root) == lint_json(root, "--no-cache")
    (database,) = cache_home.glob("lint-*.sqlite")
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM files").fetchone()[0] <= 10
        assert db.execute("SELECT count(*) FROM results").fetchone()[0] <= 3


def test_older_builds_databases_are_pruned(
    tmp_path: Path, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every build (an upgrade; each edit of an editable install) has its own database:
    only the newest few stay."""
    from itsmcode.lint import cache

    root = example(tmp_path)
    cache_home.mkdir(parents=True)
    for n in range(5):
        old = cache_home / f"lint-old{n}.sqlite"
        old.write_bytes(b"")
        (cache_home / f"lint-old{n}.sqlite-wal").write_bytes(b"")
        os.utime(old, (1_000_000 + n, 1_000_000 + n))
        os.utime(cache_home / f"lint-old{n}.sqlite-wal", (1_000_000 + n, 1_000_000 + n))
    assert lint_json(root)[0] == 0
    left = sorted(p.name for p in cache_home.glob("lint-*"))
    current = f"lint-{cache.code_fingerprint()[:16]}.sqlite"
    assert current in left
    assert [p for p in left if "old" in p] == [
        "lint-old3.sqlite",
        "lint-old3.sqlite-wal",
        "lint-old4.sqlite",
        "lint-old4.sqlite-wal",
    ]
    assert lint_json(root)[0] == 0  # this build's own database is never pruned by itself
    assert current in {p.name for p in cache_home.glob("lint-*")}
