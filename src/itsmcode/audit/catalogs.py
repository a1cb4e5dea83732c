"""Catalogs of consecutive commits that share what did not change.

A policy re-evaluation needs the whole catalog at the parent and at the commit. A
commit changes one to three files, so building each catalog from scratch (every
record, every index) would cost the size of the repository per commit. A
``ReplayCatalog`` is derived from the previous commit's: the per-kind indexes of kinds
the commit did not touch are the same objects, and the few that changed are copied
and patched. It behaves as a ``Catalog`` for the policy engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from itsmcode.git.facts import Identity
from itsmcode.load.catalog import Catalog, E, Record
from itsmcode.load.layout import Layout
from itsmcode.load.pathsafety import fold_path
from itsmcode.models import Config
from itsmcode.policy.check import LoadedPolicy, find_policy
from itsmcode.policy.facts import committer_logins

Index = dict[str, dict[str, list[Record]]]


def _index(records: Iterable[Record]) -> Index:
    index: Index = {}
    for record in records:
        kind, name = record.kind, record.name
        if kind and name:
            index.setdefault(kind, {}).setdefault(name, []).append(record)
    return index


class ReplayCatalog(Catalog):
    """A Catalog over ``by_path`` whose indexes are shared with ``previous``'s."""

    def __init__(
        self,
        by_path: Mapping[str, Record],
        config: Config,
        previous: ReplayCatalog | None = None,
        changed: Mapping[str, tuple[Record | None, Record | None]] | None = None,
    ) -> None:
        # The base initializer reads ``records``: empty until the real index is set.
        self._sorted: list[Record] | None = []
        super().__init__((), config)
        self._paths = by_path if isinstance(by_path, dict) else dict(by_path)
        self._sorted = None
        self._kinds: dict[str, list[Record]] = {}
        if previous is None or changed is None or previous.config is not config:
            self._index = _index(self._paths[p] for p in sorted(self._paths))
            self._memo: dict[Any, Any] = {}
            # Names more than one file uses, kept up to date commit by commit below:
            # finding them afresh would cost the whole catalog at every merge.
            self._shared = {
                (kind, name)
                for kind, names in self._index.items()
                for name, records in names.items()
                if len(records) > 1
            }
        else:
            self._index = dict(previous._index)
            touched: set[str] = set()
            for old, new in changed.values():
                for record in (old, new):
                    if record is not None and record.kind:
                        touched.add(record.kind)
            for kind in touched:
                self._index[kind] = dict(previous._index.get(kind, {}))
            for old, new in changed.values():
                # Copy on write: a name's list is copied before it changes.
                if old is not None and old.kind and old.name:
                    same = [r for r in self._index[old.kind].get(old.name, []) if r is not old]
                    if same:
                        self._index[old.kind][old.name] = same
                    else:
                        self._index[old.kind].pop(old.name, None)
                if new is not None and new.kind and new.name:
                    names = self._index[new.kind]
                    names[new.name] = sorted([*names.get(new.name, []), new], key=lambda r: r.path)
            # The case-folded path index, when the previous commit built one: patched,
            # not rebuilt, for the few paths this commit changed.
            if previous._folded is not None:
                folded = dict(previous._folded)
                for path, (_, now) in changed.items():
                    folded_key = fold_path(path)
                    paths = [p for p in folded.get(folded_key, []) if p != path]
                    if now is not None:
                        paths.append(path)
                    if paths:
                        folded[folded_key] = paths
                    else:
                        folded.pop(folded_key, None)
                self._folded = folded
            self._shared = set(previous._shared)
            for old, new in changed.values():
                for record in (old, new):
                    if record is not None and record.kind and record.name:
                        key = (record.kind, record.name)
                        if len(self._index[record.kind].get(record.name, [])) > 1:
                            self._shared.add(key)
                        else:
                            self._shared.discard(key)
            # Facts that depend only on the teams are kept while the teams are the same.
            self._memo = previous._memo if "Team" not in touched else {}
        self._by_kind = self._index

    # ``Catalog.__init__`` assigns ``records``; here it is derived from ``by_path``.
    @property
    def records(self) -> list[Record]:
        if self._sorted is None:
            self._sorted = [self._paths[p] for p in sorted(self._paths)]
        return self._sorted

    @records.setter
    def records(self, value: list[Record]) -> None:
        pass

    def paths(self) -> dict[str, Record]:
        """A copy of path -> record, to derive the next commit's catalog from."""
        return dict(self._paths)

    def names(self, kind: str) -> set[str]:
        return set(self._index.get(kind, {}))

    def record_at(self, path: str) -> Record | None:
        return self._paths.get(path)

    def _record_paths(self) -> Iterable[str]:
        return self._paths.keys()

    def duplicates(self) -> list[tuple[str, str, list[str]]]:
        return [
            (kind, name, [r.path for r in self._index[kind][name]])
            for kind, name in sorted(self._shared)
        ]

    def records_named(self, kind: str, name: str) -> list[Record]:
        return list(self._index.get(kind, {}).get(name, []))

    def each(self, model: type[E]) -> Iterator[tuple[Record, E]]:
        records = self._kinds.get(model.KIND)
        if records is None:
            records = sorted(
                (r for rs in self._index.get(model.KIND, {}).values() for r in rs),
                key=lambda r: r.path,
            )
            self._kinds[model.KIND] = records
        for record in records:
            if isinstance(record.entity, model):
                yield record, record.entity

    @property
    def member_logins(self) -> dict[str, list[str]]:
        found = self._memo.get("members")
        if found is None:
            base = Catalog.__dict__["member_logins"]
            compute = getattr(base, "func", None) or base.fget  # cached_property or property
            found = compute(self)
            self._memo["members"] = found
        return found  # type: ignore[no-any-return]

    def logins_of(self, identities: Iterable[Identity]) -> frozenset[str]:
        """``committer_logins`` with the teams of this catalog, memoized per team set."""
        key = ("logins", tuple(identities))
        found = self._memo.get(key)
        if found is None:
            found = committer_logins(key[1], self)
            self._memo[key] = found
        return found

    def policy_at(self, commit: str) -> LoadedPolicy:
        """``find_policy`` over the few records that can be the policy (same result)."""
        if "policy-path" not in self._memo:
            self._memo["policy-path"] = Layout.from_config(self.config).folders.get(
                "ApprovalPolicy"
            )
        policy_path: str | None = self._memo["policy-path"]
        if policy_path is None:
            return find_policy(self, commit)
        candidates = [r for rs in self._index.get("ApprovalPolicy", {}).values() for r in rs]
        at_path = self._paths.get(policy_path) if policy_path else None
        if policy_path and at_path is None:
            candidates += [r for p, r in self._paths.items() if p.startswith(policy_path + "/")]
        elif at_path is not None and at_path not in candidates:
            candidates.append(at_path)
        key = ("policy", tuple(id(r) for r in candidates))
        found = self._memo.get(key)
        if found is None or found.policy is None:
            found = find_policy(
                Catalog(sorted(candidates, key=lambda r: r.path), self.config), commit
            )
            self._memo[key] = found
        return found
