"""Values other files' rules read (a service's tier, a change's window): risk-understated
and change-overlap say which parts of the repository they read (lint/needs.py), so
`itsm lint FILE` on a change request is judged from its neighbourhood, and a cached full
run after such an edit judges again only the files that can see it. Either way what is
reported equals `itsm lint --no-cache` byte for byte."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.lint.test_cache import example, generate, lint_json
from tests.lint.test_incremental import patched  # noqa: F401  (fixture)
from tests.lint.test_needs_parts import PARTS
from tests.lint.test_scope import same_as_uncached, scoped  # noqa: F401  (fixture)

CHANGE = "changes/2026/chg-2026-0039.yaml"  # storefront-web, declared low, scores 55 of 60
INCIDENT = (
    "apiVersion: itsmcode/v1\nkind: Incident\n"
    "metadata:\n  name: {name}\n  title: Outage\n"
    "spec:\n  services: [{service}]\n  priority: P2\n"
    '  openedAt: "{day}T09:00:00+01:00"\n'
    '  respondedAt: "{day}T09:10:00+01:00"\n'
    '  resolvedAt: "{day}T10:00:00+01:00"\n'
    "  summary: It was down.\n  cause: {{category: {cause}}}\n"
)


def found(output: str) -> set[tuple[str, str]]:
    return {(d["path"], d["rule"]) for d in json.loads(output)["diagnostics"]}


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every file a scoped judgement reads (lint.scope._read), in order."""
    from itsmcode.lint import scope

    seen: list[str] = []
    original = scope._read

    def spy(root: Path, paths: list[str], limits: object) -> object:
        seen.extend(paths)
        return original(root, paths, limits)  # type: ignore[arg-type]

    monkeypatch.setattr(scope, "_read", spy)
    yield seen


def _rule_off(root: Path, rule: str) -> None:
    config = root / "itsm.yaml"
    text = config.read_text()
    assert "\n    rules:" not in text, text
    if "\n  lint:\n" not in text:
        assert text.endswith("\n") and "\nspec:\n" in text, text
        text += "  lint:\n"
    config.write_text(text.replace("\n  lint:\n", f"\n  lint:\n    rules: {{{rule}: off}}\n", 1))


def test_a_tier_edit_flips_another_files_warning_without_a_full_load(
    tmp_path: Path,
    patched: list[str],  # noqa: F811
    reads: list[str],
) -> None:
    root = example(tmp_path)
    # One more incident on storefront-web: chg-2026-0039 now scores 60 (high), declared low.
    (root / "incidents/2026/inc-2026-0900.yaml").write_text(
        INCIDENT.format(
            name="inc-2026-0900", service="storefront-web", day="2026-12-01", cause="software"
        )
    )
    assert (CHANGE, "risk-understated") in found(same_as_uncached(root))
    service = root / "catalog/services/storefront-web.yaml"
    service.write_text(service.read_text().replace("tier: 1\n", "tier: 2\n", 1))
    del reads[:]
    assert (CHANGE, "risk-understated") not in found(same_as_uncached(root))  # 50 now
    assert patched[-1] == "patched"  # the cached run (the uncached one never patches)
    assert CHANGE in reads  # judged again: it can see the tier
    assert not any(p.startswith("changes/2025/") for p in reads)  # not on storefront-web
    service.write_text(service.read_text().replace("tier: 2\n", "tier: 1\n", 1))
    assert (CHANGE, "risk-understated") in found(same_as_uncached(root))
    assert patched[-1] == "patched"


def test_a_window_moved_onto_a_neighbours_change_reports_both(
    tmp_path: Path,
    patched: list[str],  # noqa: F811
) -> None:
    """The other change of the overlap is judged again too (NEIGHBOURS, inverted)."""
    root = example(tmp_path)
    _rule_off(root, "risk-understated")  # its team history is not in the facts
    first, second = _related_changes(root)
    assert not found(same_as_uncached(root))
    path = root / second
    window = _window(root / first)
    path.write_text(re.sub(r"window: \{[^}]*\}", window, path.read_text(), count=1))
    after = found(same_as_uncached(root))
    assert {(first, "change-overlap"), (second, "change-overlap")} <= after
    assert patched[-1] == "patched"
    path.write_text(path.read_text().replace(window, FREE))
    assert (first, "change-overlap") not in found(same_as_uncached(root))
    assert patched[-1] == "patched"


#: A window on a day no other change of the example uses.
FREE = 'window: {start: "2027-03-03T10:00:00+01:00", end: "2027-03-03T11:00:00+01:00"}'


def _window(path: Path) -> str:
    found = re.search(r"window: \{[^}]*\}", path.read_text())
    assert found, path
    return found.group(0)


def _related_changes(root: Path) -> tuple[str, str]:
    """Two planned changes of the example on services one of which depends on the other."""
    from itsmcode.load.config import load_config
    from itsmcode.load.snapshot import load_worktree
    from itsmcode.models import ChangeRequest

    catalog = load_worktree(root, load_config(root))
    changes = [(r.path, c) for r, c in catalog.each(ChangeRequest) if c.spec.status == "planned"]
    for path, change in changes:
        for other_path, other in changes:
            if set(change.spec.services) & set(other.spec.services):
                continue
            related = {
                d
                for s in change.spec.services
                for d, _ in catalog.dependencies.get(s, [])
                if d not in change.spec.services
            }
            if related & set(other.spec.services):
                return other_path, path
    raise AssertionError("the example has no two changes on related services")


def test_value_edits_in_a_generated_corpus_equal_uncached(
    tmp_path: Path,
    patched: list[str],  # noqa: F811
) -> None:
    """Random value edits of services and changes (tiers, lifecycles, risks, statuses,
    windows, types), one or two at a time, in a corpus with incidents: each cached full
    run equals the uncached one; service edits are patched."""
    root = tmp_path / "corpus"
    generate(root, services=120, changes=70, seed=5, teams=8)
    rng = random.Random(13)
    services = sorted((root / "catalog/services").glob("*.yaml"))
    changes = sorted((root / "changes").rglob("*.yaml"))
    _add_incidents(root, services, rng)
    lint_json(root)
    service_edits: list[Callable[[str], str]] = [
        lambda t: re.sub(r"\n  tier: \d", f"\n  tier: {rng.randint(1, 4)}", t, count=1),
        lambda t: re.sub(r"lifecycle: \w+", f"lifecycle: {rng.choice(LIFECYCLES)}", t, count=1),
        lambda t: t.replace("type: soft", "type: hard", 1),
        lambda t: t.replace("  title: ", "  title: Now ", 1),
    ]
    change_edits: list[Callable[[str], str]] = [
        lambda t: re.sub(r"\n  risk: \w+", f"\n  risk: {rng.choice(RISKS)}", t, count=1),
        lambda t: re.sub(r"\n  status: \S+", f"\n  status: {rng.choice(STATUSES)}", t, count=1),
        lambda t: re.sub(r"T(\d\d):", lambda m: f"T{rng.randint(18, 22)}:", t, count=1),
        lambda t: t.replace("type: standard", "type: normal", 1),
    ]
    for step in range(12):
        pool, edits = (services, service_edits) if step % 3 else (changes, change_edits)
        for target in rng.sample(pool, rng.choice([1, 1, 2])):
            target.write_text(rng.choice(edits)(target.read_text()))
        same_as_uncached(root)
    assert patched.count("patched") >= 6, patched


def _incidents_before(
    root: Path, changes: list[Path], requesters: list[str], rng: random.Random
) -> None:
    """Planned normal changes on tier-1 services, by requesters of other teams, with
    incidents on their services in the days before their windows: high risk only with
    them (SIBLINGS: not in the requester's team's history)."""
    planned = [p for p in changes if "\n  status: planned" in p.read_text()]
    for i, path in enumerate(rng.sample(planned, min(8, len(planned)))):
        text = path.read_text()
        start = re.search(r'start: "(\d{4}-\d\d-\d\d)', text)
        named = re.search(r"\n  services: \[([^],]*)", text)
        assert start and named
        day = date.fromisoformat(start.group(1)) - timedelta(days=3 + i)
        service = root / f"catalog/services/{named.group(1)}.yaml"
        service.write_text(re.sub(r"\n  tier: \d", "\n  tier: 1", service.read_text(), count=1))
        for n in range(4):
            name = f"inc-2026-{900 + 4 * i + n:04d}"
            (root / f"incidents/2026/{name}.yaml").write_text(
                INCIDENT.format(
                    name=name, service=named.group(1), day=day.isoformat(), cause="software"
                )
            )
        text = re.sub(r"requester: \S+", rng.choice(requesters), text, count=1)
        text = re.sub(r"\n  type: standard\n  template: \S+", "\n  type: normal", text, count=1)
        path.write_text(re.sub(r"\n  risk: \w+", "\n  risk: low", text, count=1))


def _overlap(changes: list[Path], services: list[Path], rng: random.Random) -> None:
    """Move changes onto another's window: some on the same service, some on a service
    depending on the other's (a direct neighbour), some on one two steps away."""
    for first, second in zip(changes[::6], changes[3::6], strict=False):
        one, two = first.read_text(), second.read_text()
        window = re.search(BLOCK_WINDOW, one)
        named = re.search(r"\n  services: \[([^],]*)", one)
        assert window and named
        users = [p.stem for p in services if f"service: {named.group(1)}\n" in p.read_text()]
        service = rng.choice([named.group(1), *users])
        two = re.sub(BLOCK_WINDOW, window.group(0), two, count=1)
        two = re.sub(r"\n  services: \[[^]]*\]", f"\n  services: [{service}]", two, count=1)
        second.write_text(two)


BLOCK_WINDOW = r'  window:\n    start: "[^"]*"\n    end: "[^"]*"'
LIFECYCLES = ("live", "planned", "deprecated", "retired")
RISKS = ("low", "medium", "high")
STATUSES = ("planned", "in-progress", "completed", "failed", "rolled-back", "cancelled")


def _add_incidents(root: Path, services: list[Path], rng: random.Random) -> None:
    """25 incidents on random services, every third caused by a random change."""
    config = root / "itsm.yaml"
    practices = "practices: [catalog, sla, change]"
    assert practices in config.read_text()
    config.write_text(config.read_text().replace(practices, practices[:-1] + ", incident]"))
    folder = root / "incidents/2026"
    folder.mkdir(parents=True, exist_ok=True)
    changes = sorted((root / "changes").rglob("*.yaml"))
    for i in range(25):
        name = f"inc-2026-{i + 1:04d}"
        service = rng.choice(services).stem
        day = f"2026-{rng.randint(9, 12):02d}-{rng.randint(1, 28):02d}"
        cause = "software"
        if i % 3 == 0:
            cause = f"change, change: {rng.choice(changes).stem}"
        text = INCIDENT.format(name=name, service=service, day=day, cause=cause)
        (folder / f"{name}.yaml").write_text(text)


@pytest.mark.parametrize("off", [None, "change-overlap"])
def test_every_change_judged_alone_equals_the_full_run(
    tmp_path: Path,
    scoped: list[str],  # noqa: F811
    off: str | None,
) -> None:
    """`itsm lint CHANGE` (the pre-commit hook) for each change of a corpus made to
    conflict: failures, incidents, tier-1 services and requesters of other teams drive
    some to high risk, windows moved onto their neighbours' overlap. Each answer is the
    full run's for that file. With change-overlap off, what risk-understated needs alone
    is loaded (the other rule's neighbours hide nothing)."""
    root = tmp_path / "corpus"
    generate(root, services=100, changes=60, seed=9, teams=25)
    if off:
        _rule_off(root, off)
    rng = random.Random(21)
    services = sorted((root / "catalog/services").glob("*.yaml"))
    changes = sorted((root / "changes").rglob("*.yaml"))
    _add_incidents(root, services, rng)
    for path in rng.sample(services, 30):
        path.write_text(re.sub(r"\n  tier: \d", "\n  tier: 1", path.read_text(), count=1))
    windows = [m.group(0) for p in changes if (m := re.search(BLOCK_WINDOW, p.read_text()))]
    requesters = [m.group(0) for p in changes if (m := re.search(r"requester: \S+", p.read_text()))]
    assert windows and requesters
    for path in rng.sample(changes, 25):
        text = path.read_text()
        if rng.random() < 0.5:  # a requester of another team (its failure rate counts)
            text = re.sub(r"requester: \S+", rng.choice(requesters), text, count=1)
        text = re.sub(r"\n  risk: \w+", "\n  risk: low", text, count=1)
        text = re.sub(r"\n  status: (completed)", "\n  status: failed", text, count=1)
        if rng.random() < 0.5:
            text = re.sub(BLOCK_WINDOW, rng.choice(windows), text, count=1)
        path.write_text(text)
    _overlap(changes, services, rng)
    _incidents_before(root, changes, requesters, rng)
    full = json.loads(lint_json(root)[1])["diagnostics"]
    rules = {d["rule"] for d in full}
    assert {"risk-understated", *(["change-overlap"] if not off else [])} <= rules, rules
    for path in changes:
        relative = path.relative_to(root).as_posix()
        alone = json.loads(lint_json(root, relative)[1])["diagnostics"]
        assert alone == [d for d in full if d["path"] == relative], relative
    assert scoped == ["scope"] * len(changes)


SERVICE = (
    "apiVersion: itsmcode/v1\nkind: Service\nmetadata:\n  name: {name}\n  title: {name}\n"
    "spec:\n  type: technical\n  tier: 4\n  lifecycle: live\n  owner: data\n"
    "  dependsOn:\n    - {{service: {dep}, type: soft}}\n"
)


def test_dependents_two_steps_away_count_for_the_blast_radius(
    tmp_path: Path,
    scoped: list[str],  # noqa: F811
) -> None:
    """chg-2026-0039 scores 55; three services depending on storefront-web, one of them
    directly, add 6 (blast radius): high. They belong to another team than the
    requester's, and only one is a direct neighbour: DEPENDENTS brings the others."""
    root = example(tmp_path)
    chain = [("report-a", "storefront-web"), ("report-b", "report-a"), ("report-c", "report-b")]
    for name, dep in chain:
        (root / f"catalog/services/{name}.yaml").write_text(SERVICE.format(name=name, dep=dep))
    lint_json(root)
    assert (CHANGE, "risk-understated") in found(same_as_uncached(root, CHANGE))
    (root / "catalog/services/report-c.yaml").unlink()
    lint_json(root)
    assert (CHANGE, "risk-understated") not in found(same_as_uncached(root, CHANGE))
    assert scoped == ["scope", "scope"]


def test_the_dependents_walk_finds_as_many_as_the_score_counts() -> None:
    """risk-understated's blast radius stops counting at its cap: DEPENDENTS walks at
    least that many (reports/risk.py's points per dependent and cap may change)."""
    from itsmcode.lint.needs import DEPENDENTS_ENOUGH
    from itsmcode.reports.risk import DEPENDENT_CAP, DEPENDENT_POINTS

    assert -(-DEPENDENT_CAP // DEPENDENT_POINTS) <= DEPENDENTS_ENOUGH


def test_a_knot_of_cycles_is_judged_alone_as_in_full(
    tmp_path: Path,
    scoped: list[str],  # noqa: F811
) -> None:
    """knot-a -> knot-b -> knot-a and knot-b -> knot-c -> knot-d -> knot-b, with knot-e
    hanging off the knot (depended on, not depending back): each member's message names
    the others of the knot (CYCLES: the strongly connected component, nothing more)."""
    root = example(tmp_path)
    edges = {
        "knot-a": ["knot-b", "storefront-web"],
        "knot-b": ["knot-a", "knot-c"],
        "knot-c": ["knot-d"],
        "knot-d": ["knot-b", "knot-e"],
        "knot-e": ["message-bus"],
    }
    for name, deps in edges.items():
        text = SERVICE.format(name=name, dep=deps[0])
        extra = "".join(f"    - {{service: {d}, type: soft}}\n" for d in deps[1:])
        (root / f"catalog/services/{name}.yaml").write_text(text + extra)
    full = json.loads(lint_json(root)[1])["diagnostics"]
    cycle = [d for d in full if d["rule"] == "dependency-cycle"]
    assert len(cycle) == 2 and all("knot-c" in d["message"] for d in cycle), cycle
    for name in edges:
        path = f"catalog/services/{name}.yaml"
        alone = json.loads(same_as_uncached(root, path))["diagnostics"]
        assert alone == [d for d in full if d["path"] == path], path
    assert scoped == ["scope"] * len(edges)


@pytest.mark.parametrize("corpus", ["example", "generated"])
def test_each_parts_inverse_holds_every_file_whose_neighbourhood_holds_it(
    tmp_path: Path, corpus: str
) -> None:
    """What a cached run judges again after an edit of E is every file X with E in X's
    neighbourhood (FactIndex.seen_by, the inverse of each part): checked for every file
    X, every part and every E of X's neighbourhood, over the whole repository."""
    from itsmcode.lint.cache import LintCache
    from itsmcode.lint.scope import FactIndex, Needs, facts_of, team_logins
    from itsmcode.load.config import load_config
    from itsmcode.load.snapshot import load_worktree
    from itsmcode.load.yamlio import Limits
    from itsmcode.models import ChangeRequest

    if corpus == "example":
        root = example(tmp_path)
    else:
        root = tmp_path / "corpus"
        generate(root, services=80, changes=50, seed=4, teams=10)
        _add_incidents(root, sorted((root / "catalog/services").glob("*.yaml")), random.Random(2))
    catalog = load_worktree(root, load_config(root))
    index = FactIndex({r.path: facts_of(r) for r in catalog.records})
    logins = team_logins(root, index, Limits(), LintCache(tmp_path / "cache"))
    checked = 0
    for record in catalog.records:
        change = record.entity if isinstance(record.entity, ChangeRequest) else None
        teams = catalog.member_logins.get(change.spec.requester.lower(), []) if change else []
        for part in PARTS:
            hood = index.neighbourhood(record.path, Needs(frozenset({part})), teams)
            assert hood is not None
            for other in hood - {record.path}:
                seen = index.seen_by(part, other, logins)
                assert seen is None or record.path in seen, (part, record.path, other)
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize("bound", [1, 3])
def test_too_much_to_judge_again_loads_everything(
    tmp_path: Path,
    patched: list[str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    bound: int,
) -> None:
    """More files to judge again than MAX_JUDGED (1: the service and its change), or
    neighbourhoods larger than ten times it (3: 30 files), and a full load answers."""
    from itsmcode.lint import incremental

    monkeypatch.setattr(incremental, "MAX_JUDGED", bound)
    root = example(tmp_path)
    same_as_uncached(root)
    service = root / "catalog/services/storefront-web.yaml"
    service.write_text(service.read_text().replace("tier: 1\n", "tier: 2\n", 1))
    same_as_uncached(root)
    assert patched[-1] == "loaded"
    monkeypatch.setattr(incremental, "MAX_JUDGED", 200)
    service.write_text(service.read_text().replace("tier: 2\n", "tier: 3\n", 1))
    same_as_uncached(root)
    assert patched[-1] == "patched"
