"""A new entity document as YAML text: canonical layout, a comment on each spec field.

The comments come from the models' field descriptions (the same text as
docs/reference/file-formats.md), so a person editing the new file sees what each field
means without opening the docs.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from itsmcode.fmt import emit
from itsmcode.fmt.order import canonical, descriptions, key_orders
from itsmcode.fmt.run import format_text


def render(document: dict[str, Any], kind: str, header: str | None) -> str:
    orders, texts = key_orders(kind), descriptions(kind)
    tree = _commented(document, (), orders)
    spec = tree.get("spec")
    if isinstance(spec, CommentedMap):
        for key in spec:
            text = texts.get(("spec", str(key)))
            if text:
                spec.yaml_set_comment_before_after_key(key, before=text, indent=2)
    body = emit.dump(tree)
    return format_text((header + "\n" if header else "") + body).text


def _commented(value: Any, path: tuple[str, ...], orders: Any) -> Any:
    if isinstance(value, dict):
        keys = canonical([str(k) for k in value], orders.get(path, ()))
        mapping = CommentedMap()
        for key in keys:
            mapping[key] = _commented(value[key], (*path, key), orders)
        if path and _short(mapping):
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list):
        items = CommentedSeq(_commented(item, (*path, "[]"), orders) for item in value)
        if all(not isinstance(item, (dict, list)) for item in value):
            items.fa.set_flow_style()
        return items
    return value


def _short(mapping: CommentedMap) -> bool:
    """Small mappings of scalars read best on one line: ``{start: ..., end: ...}``."""
    scalars = all(not isinstance(v, (dict, list)) for v in mapping.values())
    return scalars and len(mapping) <= 3 and sum(len(str(v)) for v in mapping.values()) < 70
