"""A full ``itsm lint`` after a few edits, without loading the whole repository.

Rules read other files only through their values (entities, raw data, names, paths),
never through their text: a file whose parsed values are unchanged (a comment added,
re-indented, a suppression comment) changes no other file's diagnostics. A changed
value changes only the diagnostics of the files whose rules read it: each rule says
which fields of other files it reads (``READS``, narrowed per part in ``READS_VIA``)
and through which parts of the repository (``NEEDS``, lint/needs.py), so the files that
can see an edit are those whose neighbourhood through such a part holds the edited file
(``FactIndex.seen_by``, the inverse of each part over the recorded facts). So when the
previous full run of the same repository (same itsm.yaml, code, date, outside files and
paths) is in the cache, the answer is that run's diagnostics with the edited files' and
those files' diagnostics judged again from their neighbourhood (``lint.scope``): no
full load. Anything else (a file added, removed, unreadable or invalid, its kind, name
or references changed, an edited small-kind file that a rule reads, a part whose
inverse the facts cannot tell, too many files to judge again) returns None and the
caller loads everything."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from itsmcode.diagnostics import LintResult
from itsmcode.lint.cache import LintCache, file_key
from itsmcode.lint.loading import RACY_SECONDS, Listing, bounds, file_signature
from itsmcode.lint.needs import EVERYTHING
from itsmcode.lint.options import LintOptions
from itsmcode.lint.scope import Facts, facts_from_cache, lint_in_scope
from itsmcode.load.layout import Layout
from itsmcode.load.source import read
from itsmcode.load.yamlio import Limits

#: More edited files than this and a full load is as cheap as judging each in scope.
MAX_EDITED = 20
#: More files to judge again (edited and affected) than this, or neighbourhoods holding
#: more than this share of a large repository: load everything.
MAX_JUDGED = 200
MAX_SHARE = 0.3


@dataclass(frozen=True)
class Edited:
    """An incremental answer and what the next run's quick check should record."""

    result: LintResult
    fingerprint: list[list[str]]
    stats: dict[str, Any]


def relint_edited(
    root: Path,
    listing: Listing,
    layout: Layout,
    limits: Limits,
    stats: dict[str, Any],
    outside: list[list[str]],
    run_key: Callable[[list[list[str]]], bytes],
    options: LintOptions,
    cache: LintCache,
    started: float,
) -> Edited | None:
    """See the module docstring. ``outside``: this run's fingerprint of the files
    outside the kinds' folders; ``run_key``: a full run's result key from a fingerprint."""
    signatures = stats.get("files")
    if not isinstance(signatures, dict) or listing.unusual:
        return None
    if len(signatures) != len(listing.found):
        return None  # a file added or removed (or one that could not be read)
    base = str(root)
    before: list[list[str]] = []
    after: list[list[str]] = []
    facts: dict[str, Facts] = {}
    edited: dict[str, tuple[str, bytes]] = {}  # path -> (old key, new bytes)
    for path in listing.found:
        known = signatures.get(path)
        if not isinstance(known, list) or len(known) < 6:
            return None
        found = facts_from_cache(known[5])
        if found is None:
            return None
        facts[path] = found
        old = str(known[4])
        before.append([path, old])
        if file_signature(os.path.join(base, path)) == known[:4]:
            after.append([path, old])
            continue
        source = read(root, path, limits.max_file_size)
        if source.data is None:
            return None
        new = file_key(source.data, bounds(limits)).hex()
        after.append([path, new])
        if new != old:
            edited[path] = (old, source.data)
    if not edited or len(edited) > MAX_EDITED:
        return None
    previous = cache.result(run_key(before + outside))
    if previous is None:
        return None
    values = _values(edited, limits, cache)
    if values is None:
        return None
    differing = {p: pair for p, pair in values.items() if not _identical(*pair)}
    affected = _seen_by(root, differing, facts, limits, cache) if differing else set()
    if affected is None:
        return None
    named = sorted(set(edited) | affected)
    if len(named) > MAX_JUDGED:
        return None
    others = {p: f for p, f in facts.items() if p not in named}
    scoped = replace(options, paths=tuple(named))
    most = max(MAX_JUDGED * 10, int(MAX_SHARE * len(listing.found)))
    judged = lint_in_scope(root, listing, layout, named, limits, others, scoped, cache, most)
    if judged is None:
        return None
    again = set(named)
    kept = [d for d in previous[0] if d.location.path not in again]
    diagnostics = sorted([*kept, *judged.diagnostics], key=lambda d: d.sort_key)
    return Edited(
        LintResult(diagnostics, previous[1]),
        after + outside,
        _restat(root, stats, edited, after, started),
    )


def _values(
    edited: dict[str, tuple[str, bytes]], limits: Limits, cache: LintCache
) -> dict[str, tuple[Any, Any]] | None:
    """Each edited file's values before and after, or None when one no longer parses
    or its earlier values are not in the cache."""
    from itsmcode.load.parallel import parse_all

    olds = cache.files(bytes.fromhex(old) for old, _ in edited.values())
    outcomes = parse_all([(p, data) for p, (_, data) in edited.items()], limits, 1)
    found: dict[str, tuple[Any, Any]] = {}
    for (path, (old, _)), outcome in zip(edited.items(), outcomes, strict=True):
        if outcome[0] != "ok" or bytes.fromhex(old) not in olds:
            return None
        found[path] = (olds[bytes.fromhex(old)], outcome[2])
    return found


def _seen_by(
    root: Path,
    differing: dict[str, tuple[Any, Any]],
    facts: dict[str, Facts],
    limits: Limits,
    cache: LintCache,
) -> set[str] | None:
    """The files whose diagnostics can see the changed values (besides the edited files
    themselves), or None when that is not known: a version does not validate, the kind,
    name or references changed, a rule does not say what it reads (``READS``), or a part
    through which a rule reads a changed field has no inverse (``FactIndex.seen_by``)."""
    from itsmcode.lint.engine import configured_severities
    from itsmcode.lint.rules import RULES
    from itsmcode.lint.scope import FactIndex, team_logins
    from itsmcode.load.config import load_config

    severities = configured_severities(load_config(root))
    rules = [rule for rule in RULES.values() if severities.get(rule.ID) is not None]
    index = FactIndex(facts)
    logins = team_logins(root, index, limits, cache)
    found: set[str] = set()
    for path, (old, new) in differing.items():
        kind = _same_facts(path, old, new)
        if kind is None or any(not _identical(_at(old, f), _at(new, f)) for f in _ALWAYS):
            return None
        for rule in rules:
            reads: dict[str, frozenset[str]] | None = getattr(rule, "READS", None)
            if reads is None:
                return None
            via: dict[str, dict[str, frozenset[str]]] = getattr(rule, "READS_VIA", {})
            needs = getattr(rule, "NEEDS", None)
            kinds = getattr(rule, "KINDS", None)
            for part in sorted({EVERYTHING} if needs is None else needs):
                fields = via[part].get(kind, frozenset()) if part in via else reads.get(kind)
                if not fields or not _changed(old, new, fields):
                    continue
                seen = index.seen_by(part, path, logins)
                if seen is None:
                    return None
                found.update(p for p in seen if kinds is None or facts[p][0] in kinds)
    return found - set(differing)


def _changed(old: Any, new: Any, fields: frozenset[str]) -> bool:
    if "*" in fields:
        return True  # the two versions differ somewhere
    return any(not _identical(_at(old, f), _at(new, f)) for f in fields)


def _same_facts(path: str, old: Any, new: Any) -> str | None:
    """The kind of an edited file whose two versions both validate and have the same
    facts (kind, name, references); None otherwise."""
    from itsmcode.lint.scope import facts_of
    from itsmcode.load.catalog import Record
    from itsmcode.load.validate import validate
    from itsmcode.load.yamlio import YamlDocument

    records = []
    for data in (old, new):
        entity, problems = validate(data)
        if entity is None or problems:
            return None
        records.append(Record(path, YamlDocument(text="", root=None, data=data), entity))
    if facts_of(records[0]) != facts_of(records[1]):
        return None
    return str(records[1].kind)


#: What every rule may read of any file (names resolve, kinds are counted).
_ALWAYS = frozenset({"apiVersion", "kind", "metadata.name"})
_MISSING = object()


def _at(data: Any, dotted: str) -> Any:
    for step in dotted.split("."):
        if not isinstance(data, dict) or step not in data:
            return _MISSING
        data = data[step]
    return data


def _identical(a: Any, b: Any) -> bool:
    """Equal values of equal types (``1 == 1.0 == True`` in Python, not in YAML)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_identical(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_identical(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _restat(
    root: Path,
    stats: dict[str, Any],
    edited: dict[str, tuple[str, bytes]],
    after: list[list[str]],
    started: float,
) -> dict[str, Any]:
    """The recorded stats with the edited files' new keys (and their stat, once they
    are older than a clock tick); their facts are unchanged, as their values are."""
    files = dict(stats["files"])
    horizon = (started - RACY_SECONDS) * 1e9
    keys = dict((path, key) for path, key in after)
    for path in edited:
        entry = list(files[path])
        signature = file_signature(os.path.join(str(root), path))
        trusted = signature is not None and signature[1] < horizon and signature[3] < horizon
        entry[:4] = list(signature) if trusted and signature else [None] * 4
        entry[4] = keys[path]
        files[path] = entry
    return {**stats, "files": files}
