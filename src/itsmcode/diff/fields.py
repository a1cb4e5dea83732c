"""Field-level diff of two documents, with paths that stay stable across edits.

Lists of mappings are matched by an identity key (``service``, ``github``, ``name``,
``date``...), so an edit shows as ``spec.dependsOn[service=ledger].type`` and not as
"item 2 changed"; a list whose items only moved is reported once as ``reordered``.
Lists of scalars are matched by value (``spec.services[=payments-api]``). Lists
without a usable key fall back to positions (``[3]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from itsmcode.diff.model import FieldChange

#: Identity keys tried in order; the first one that every item has, with distinct
#: values, identifies the items of a list.
IDENTITY_KEYS = ("service", "github", "name", "date", "ref", "url", "title")
_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def diff_values(old: Any, new: Any, path: str = "") -> list[FieldChange]:
    """Every change from ``old`` to ``new`` (document values), in document order."""
    return list(_diff(old, new, path))


def _diff(old: Any, new: Any, path: str) -> Iterator[FieldChange]:
    if (
        type(old) is type(new)
        and old == new
        and (not isinstance(old, (dict, list)) or repr(old) == repr(new))
    ):
        # Equal subtrees are skipped in C, not walked in Python: most of an edited
        # file is unchanged. repr() tells 1 from 1.0 and True, which == does not.
        return
    if isinstance(old, dict) and isinstance(new, dict):
        yield from _diff_mappings(old, new, path)
    elif isinstance(old, list) and isinstance(new, list):
        yield from _diff_lists(old, new, path)
    elif not _same(old, new):
        yield FieldChange(path, "changed", old, new)


def _same(a: Any, b: Any) -> bool:
    # 1 and 1.0 or True and 1 are different in a file even where Python says equal.
    return type(a) is type(b) and (a == b or (a != a and b != b))  # nan equals itself here


def _diff_mappings(old: dict[Any, Any], new: dict[Any, Any], path: str) -> Iterator[FieldChange]:
    for key in old:
        sub = join_key(path, key)
        if key not in new:
            yield FieldChange(sub, "removed", old[key], None)
        else:
            yield from _diff(old[key], new[key], sub)
    for key in new:
        if key not in old:
            yield FieldChange(join_key(path, key), "added", None, new[key])


def _diff_lists(old: list[Any], new: list[Any], path: str) -> Iterator[FieldChange]:
    key = identity_key(old, new)
    if key is not None:
        yield from _diff_keyed(old, new, path, key)
    elif _scalar_set(old) and _scalar_set(new):
        yield from _diff_scalar_set(old, new, path)
    else:
        for i in range(max(len(old), len(new))):
            sub = f"{path}[{i}]"
            if i >= len(old):
                yield FieldChange(sub, "added", None, new[i])
            elif i >= len(new):
                yield FieldChange(sub, "removed", old[i], None)
            else:
                yield from _diff(old[i], new[i], sub)


def identity_key(old: list[Any], new: list[Any]) -> str | None:
    """The key that identifies the items of both lists, if any (see IDENTITY_KEYS)."""
    items = old + new
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for key in IDENTITY_KEYS:
        if not all(key in i and _hashable(i[key]) for i in items):
            continue
        if _unique([i[key] for i in old]) and _unique([i[key] for i in new]):
            return key
    return None


def _hashable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None


def _unique(values: list[Any]) -> bool:
    return len({_norm(v) for v in values}) == len(values)


def _norm(value: Any) -> Any:
    # GitHub logins compare case-insensitively (data-model.md), and so do they here.
    return value.lower() if isinstance(value, str) else (type(value).__name__, value)


def _scalar_set(items: list[Any]) -> bool:
    return all(_hashable(i) for i in items) and _unique(items)


def _diff_keyed(old: list[Any], new: list[Any], path: str, key: str) -> Iterator[FieldChange]:
    old_by = {_norm(i[key]): i for i in old}
    new_by = {_norm(i[key]): i for i in new}
    for item in old:
        ident = _norm(item[key])
        sub = f"{path}[{key}={_selector(item[key])}]"
        if ident not in new_by:
            yield FieldChange(sub, "removed", item, None)
        else:
            yield from _diff(item, new_by[ident], sub)
    for item in new:
        if _norm(item[key]) not in old_by:
            yield FieldChange(f"{path}[{key}={_selector(item[key])}]", "added", None, item)
    yield from _reorder(
        [i[key] for i in old if _norm(i[key]) in new_by],
        [i[key] for i in new if _norm(i[key]) in old_by],
        path,
    )


def _diff_scalar_set(old: list[Any], new: list[Any], path: str) -> Iterator[FieldChange]:
    old_set = {_norm(v) for v in old}
    new_set = {_norm(v) for v in new}
    for value in old:
        if _norm(value) not in new_set:
            yield FieldChange(f"{path}[={_selector(value)}]", "removed", value, None)
    for value in new:
        if _norm(value) not in old_set:
            yield FieldChange(f"{path}[={_selector(value)}]", "added", None, value)
    yield from _reorder(
        [v for v in old if _norm(v) in new_set], [v for v in new if _norm(v) in old_set], path
    )


def _reorder(old_order: list[Any], new_order: list[Any], path: str) -> Iterator[FieldChange]:
    """One ``reordered`` change when the items both sides share changed their order."""
    if [_norm(v) for v in old_order] != [_norm(v) for v in new_order]:
        yield FieldChange(path, "reordered", old_order, new_order)


def join_key(path: str, key: Any) -> str:
    text = str(key)
    if not _PLAIN_KEY.match(text):
        return f'{path}["{_escape(text)}"]'
    return f"{path}.{text}" if path else text


def _selector(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    if any(c in text for c in '[]"') or text != text.strip():
        return f'"{_escape(text)}"'
    return text


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
