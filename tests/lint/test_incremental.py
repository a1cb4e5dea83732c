"""A full `itsm lint` after edits no other file's diagnostics can see (comments, blank
lines, suppressions, a value no rule reads of other files) patches the previous run's
answer instead of loading everything; what it reports still equals
`itsm lint --no-cache` byte for byte."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.lint.test_cache import example, generate, lint_json


@pytest.fixture
def patched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fresh files count as old; each full run records whether it was patched."""
    from itsmcode.lint import incremental, loading

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(loading, "RACY_SECONDS", 0.0)
    answered: list[str] = []
    original = incremental.relint_edited

    def spy(*args: object, **kwargs: object) -> object:
        result = original(*args, **kwargs)  # type: ignore[arg-type]
        answered.append("patched" if result is not None else "loaded")
        return result

    monkeypatch.setattr(incremental, "relint_edited", spy)
    yield answered


def same_as_uncached(root: Path) -> str:
    cached = lint_json(root)
    assert cached == lint_json(root, "--no-cache")
    return cached[1]


def test_random_edits_patched_or_loaded_equal_uncached(tmp_path: Path, patched: list[str]) -> None:
    root = tmp_path / "corpus"
    generate(root, services=150, changes=60, seed=3, teams=12)
    lint_json(root)
    rng = random.Random(8)
    files = sorted(p for p in root.rglob("*.yaml") if p.name != "itsm.yaml")
    keeping = [
        lambda t: t + "# a comment\n",
        lambda t: "# a header\n" + t,
        lambda t: t.replace("\nspec:", "\n\nspec:", 1),
        lambda t: t.replace("\nspec:", "\nspec:  # itsm: disable=all", 1),
        lambda t: t.replace("  title: ", "  title: Renamed ", 1),
        lambda t: t.replace("  description: ", "  description: Now ", 1),
    ]
    changing = [
        lambda t: t.replace("tier: ", "tier: 9", 1),
        lambda t: t.replace("name: ", "name: x", 1),
        lambda t: t + "  bogus: 1\n",
    ]
    for step in range(14):
        for target in rng.sample(files, rng.choice([1, 1, 2])):
            edits = keeping if step % 3 else changing
            target.write_text(rng.choice(edits)(target.read_text()))
        same_as_uncached(root)
    assert patched.count("patched") >= 4, patched


def test_a_suppression_added_in_a_comment_is_seen(tmp_path: Path, patched: list[str]) -> None:
    root = example(tmp_path)
    (root / "catalog/teams/payments.yaml").unlink()
    path = "catalog/services/payments-api.yaml"
    assert (path, "ref-exists") in found(same_as_uncached(root))
    service = root / path
    text = service.read_text()
    service.write_text("# itsm: disable-file=ref-exists -- the team is being moved\n" + text)
    after = found(same_as_uncached(root))
    assert (path, "ref-exists") not in after
    assert ("catalog/services/checkout-api.yaml", "ref-exists") in after  # others still
    assert patched[-1] == "patched"


def found(output: str) -> set[tuple[str, str]]:
    return {(d["path"], d["rule"]) for d in json.loads(output)["diagnostics"]}


def test_a_comment_in_a_change_request_is_patched(tmp_path: Path, patched: list[str]) -> None:
    """A change's own diagnostics (risk, overlaps) are judged from its neighbourhood."""
    root = example(tmp_path)
    same_as_uncached(root)
    change = root / "changes/2026/chg-2026-0039.yaml"
    change.write_text(change.read_text() + "# reviewed\n")
    same_as_uncached(root)
    assert patched[-1] == "patched"


def test_changed_references_load_everything(tmp_path: Path, patched: list[str]) -> None:
    """A tier is read by other files' rules: the files that see it are judged again.
    A new dependency changes the facts every neighbourhood is computed from: a full load."""
    root = example(tmp_path)
    same_as_uncached(root)
    service = root / "catalog/services/search.yaml"
    service.write_text(service.read_text().replace("tier: 2", "tier: 1", 1))
    same_as_uncached(root)
    assert patched[-1] == "patched"
    text = service.read_text()
    assert "dependsOn:\n" in text
    added = "dependsOn:\n    - service: storefront-web\n"
    service.write_text(text.replace("dependsOn:\n", added, 1))
    same_as_uncached(root)
    assert patched[-1] == "loaded"
    service.write_text(service.read_text() + "# and now only a comment\n")
    same_as_uncached(root)
    assert patched[-1] == "patched"


def test_a_value_of_another_type_is_a_change(tmp_path: Path, patched: list[str]) -> None:
    """`1` and `1.0` and `true` compare equal in Python, not in YAML."""
    root = example(tmp_path)
    same_as_uncached(root)
    service = root / "catalog/services/search.yaml"
    assert "tier: 2\n" in service.read_text()
    service.write_text(service.read_text().replace("tier: 2\n", "tier: 2.0\n", 1))
    assert '"rule": "schema"' in same_as_uncached(root)
    assert patched[-1] == "loaded"


def test_a_value_no_rule_reads_of_other_files_is_patched(
    tmp_path: Path, patched: list[str]
) -> None:
    """A service's title: no rule reads it of another file (READS)."""
    root = example(tmp_path)
    same_as_uncached(root)
    service = root / "catalog/services/search.yaml"
    text = service.read_text()
    assert "\n  title: " in text
    service.write_text(text.replace("\n  title: ", "\n  title: Renamed ", 1))
    same_as_uncached(root)
    assert patched[-1] == "patched"
    service.write_text(service.read_text().replace("lifecycle: live", "lifecycle: retired", 1))
    out = same_as_uncached(root)  # depends-on-retired reads it of the services' dependents
    assert patched[-1] == "patched"  # ... which are judged again
    assert "depends-on-retired" in out


def test_a_change_requests_title_is_patched(tmp_path: Path, patched: list[str]) -> None:
    """Risk scoring reads every field of the changes on the same services and in the
    requester's teams' history (READS: ALL): those are judged again, nothing more."""
    root = example(tmp_path)
    same_as_uncached(root)
    change = root / "changes/2026/chg-2026-0039.yaml"
    change.write_text(change.read_text().replace("\n  title: ", "\n  title: Now ", 1))
    same_as_uncached(root)
    assert patched[-1] == "patched"


def test_a_rule_that_does_not_say_what_it_reads_reads_everything(
    tmp_path: Path, patched: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from itsmcode.lint import rules
    from itsmcode.lint.rules import depends_on_retired

    class Legacy:
        ID = depends_on_retired.ID
        SEVERITY = depends_on_retired.SEVERITY
        NEEDS = depends_on_retired.NEEDS
        KINDS = depends_on_retired.KINDS
        __doc__ = depends_on_retired.__doc__
        check = staticmethod(depends_on_retired.check)

    monkeypatch.setitem(rules.RULES, depends_on_retired.ID, Legacy)  # type: ignore[arg-type]
    root = example(tmp_path)
    same_as_uncached(root)
    service = root / "catalog/services/search.yaml"
    service.write_text(service.read_text().replace("\n  title: ", "\n  title: Renamed ", 1))
    same_as_uncached(root)
    assert patched[-1] == "loaded"
