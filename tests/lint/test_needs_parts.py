"""The parts of a neighbourhood (lint/needs.py) over random repositories' facts, against
slow obvious references: every part's inverse (what a cached run judges again after an
edit) holds every file whose neighbourhood holds the edited one, and DEPENDENTS finds as
many dependents as a walk over the whole graph, up to DEPENDENTS_ENOUGH."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.lint import needs, scope
from itsmcode.lint.scope import LOGIN, FactIndex, Facts, Needs

#: Every part whose inverse is known from the facts (a part added later is covered too).
PARTS = sorted(needs.PARTS - {needs.SMALL_KINDS, needs.EVERYTHING})
TEAMS = ["t0", "t1", "t2"]
LOGINS = ["a", "b", "c", "d"]


@st.composite
def repositories(draw: st.DrawFn) -> tuple[dict[str, Facts], dict[str, set[str]]]:
    """Facts of services (names may repeat: duplicates; dependsOn may loop), changes,
    incidents and teams, and each team's member logins."""
    n = draw(st.integers(1, 16))
    names = [f"s{draw(st.integers(0, n - 1))}" for _ in range(n)]  # some twice
    facts: dict[str, Facts] = {}
    for i, name in enumerate(names):
        deps = draw(st.lists(st.sampled_from([*names, "missing"]), max_size=4))
        teams = draw(st.lists(st.sampled_from(TEAMS), min_size=1, max_size=2))
        refs = [("Team", t) for t in teams] + [("Service", d) for d in deps]
        facts[f"catalog/services/{name}-{i}.yaml"] = ("Service", name, tuple(dict.fromkeys(refs)))
    changes = [f"c{i}" for i in range(draw(st.integers(0, 8)))]
    for change in changes:
        services = draw(st.lists(st.sampled_from([*names, "missing"]), min_size=1, max_size=2))
        refs = [("Service", s) for s in services] + [(LOGIN, draw(st.sampled_from(LOGINS)))]
        facts[f"changes/{change}.yaml"] = ("ChangeRequest", change, tuple(dict.fromkeys(refs)))
    for i in range(draw(st.integers(0, 6))):
        services = draw(st.lists(st.sampled_from(names), max_size=2))
        refs = [("Service", s) for s in services]
        if changes and draw(st.booleans()):
            refs.append(("ChangeRequest", draw(st.sampled_from(changes))))
        facts[f"incidents/i{i}.yaml"] = ("Incident", f"i{i}", tuple(dict.fromkeys(refs)))
    members = {t: set(draw(st.lists(st.sampled_from(LOGINS), max_size=3))) for t in TEAMS}
    for team in TEAMS:
        facts[f"catalog/teams/{team}.yaml"] = ("Team", team, ())
    return facts, members


@settings(max_examples=300, deadline=None, derandomize=True)
@given(repositories())
def test_every_part_has_a_sound_inverse(repo: tuple[dict[str, Facts], dict[str, set[str]]]) -> None:
    facts, members = repo
    index = FactIndex(facts)
    for path, (kind, _, refs) in facts.items():
        logins = [n for k, n in refs if k == LOGIN]
        teams = [t for t in TEAMS if set(logins) & members[t]] if kind == "ChangeRequest" else []
        for part in PARTS:
            hood = index.neighbourhood(path, Needs(frozenset({part})), teams)
            assert hood is not None
            for other in hood - {path}:
                seen = index.seen_by(part, other, lambda team: members[team])
                assert seen is None or path in seen, (part, path, other)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(repositories())
def test_dependents_count_as_the_whole_graph_up_to_enough(
    repo: tuple[dict[str, Facts], dict[str, set[str]]],
) -> None:
    """A change's DEPENDENTS, loaded with its services, give the blast-radius walk of
    reports/risk.py (over the services as the catalog resolves them: the last file of a
    name) as many dependents as the whole repository does, up to DEPENDENTS_ENOUGH."""
    facts, _ = repo
    for enough in (1, 2, 3, needs.DEPENDENTS_ENOUGH):
        # Small bounds reach past the bound in small graphs, as 10 does in large ones.
        with patch.object(scope, "DEPENDENTS_ENOUGH", enough):
            index = FactIndex(facts)
            for path, (kind, _, refs) in facts.items():
                if kind != "ChangeRequest":
                    continue
                start = {n for k, n in refs if k == "Service"}
                parts = Needs(frozenset({needs.DEPENDENTS, needs.DIRECT}))
                hood = index.neighbourhood(path, parts)
                assert hood is not None
                whole = _dependents(start, facts)
                scoped = _dependents(start, {p: facts[p] for p in hood})
                assert min(len(scoped), enough) == min(len(whole), enough), (path, scoped)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(repositories())
def test_cycles_are_the_strongly_connected_component(
    repo: tuple[dict[str, Facts], dict[str, set[str]]],
) -> None:
    """CYCLES: the files of the entities reached from the file that reach it back."""
    facts, _ = repo
    index = FactIndex(facts)
    for path, (kind, name, _) in facts.items():
        key = (str(kind), str(name))
        onwards, back = _reach(key, facts, False), _reach(key, facts, True)
        expected = {p for p, f in facts.items() if (f[0], f[1]) in (onwards & back) - {key}}
        hood = index.neighbourhood(path, Needs(frozenset({needs.CYCLES})))
        assert hood == expected | {path}, path


def _reach(key: tuple[str, str], facts: dict[str, Facts], back: bool) -> set[tuple[str, str]]:
    """Entities reached from ``key`` along references (``back``: against them)."""
    edges = {((str(k), str(n)), ref) for k, n, refs in facts.values() for ref in refs}
    seen = {key}
    changed = True
    while changed:
        changed = False
        for source, target in edges:
            a, b = (target, source) if back else (source, target)
            if a in seen and b not in seen:
                seen.add(b)
                changed = True
    return seen


def _dependents(start: set[str], facts: dict[str, Facts]) -> set[str]:
    """The slow obvious walk: each name's dependsOn from its last file (as
    ``catalog.dependencies``), every service depending on the start, onwards."""
    depends: dict[str, set[str]] = {}
    for path in sorted(facts):
        kind, name, refs = facts[path]
        if kind == "Service" and name:
            depends[name] = {n for k, n in refs if k == "Service"}
    seen = set(start)
    changed = True
    while changed:
        changed = False
        for name, deps in depends.items():
            if name not in seen and deps & seen:
                seen.add(name)
                changed = True
    return seen - start


def test_every_rule_names_known_parts_and_reads_through_its_own() -> None:
    """A part lint/scope.py cannot bring would silently be left out of the
    neighbourhood; a READS_VIA entry for a part not in NEEDS is a typo."""
    from itsmcode.lint.rules import RULES

    for rule in RULES.values():
        declared = set(getattr(rule, "NEEDS", set()))
        assert declared <= needs.PARTS, rule.ID
        assert set(getattr(rule, "READS_VIA", {})) <= declared, rule.ID


def test_a_rule_naming_an_unknown_part_needs_everything() -> None:
    from itsmcode.diagnostics import Severity
    from itsmcode.lint.rules import unique_names

    class Newer:
        ID = unique_names.ID
        NEEDS = frozenset({needs.SAME_NAME, "a-part-of-a-later-version"})

    severities: dict[str, Severity | None] = {unique_names.ID: Severity.ERROR}
    parts = Needs.of("Service", [Newer], severities).parts  # type: ignore[list-item]
    assert needs.EVERYTHING in parts
