"""The canonical key order of every mapping in an entity file: the order of the fields
in the kind's model, as its JSON Schema lists them (the order of docs/reference).

A mapping is addressed by its path of keys from the document root, with ``[]`` for
"any item of a list" and ``*`` for "any value of a free-form mapping" (labels)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from itsmcode.models import MODELS
from itsmcode.models.jsonschema import kind_schema

Path = tuple[str, ...]


@cache
def key_orders(kind: str) -> Mapping[Path, tuple[str, ...]]:
    """Every object path of ``kind`` → its keys in canonical order (empty for an unknown kind)."""
    model = MODELS.get(kind)
    if model is None:
        return {}
    schema = kind_schema(model)
    orders: dict[Path, tuple[str, ...]] = {}
    _walk(schema, schema.get("$defs", {}), (), orders, depth=0)
    return orders


def _walk(
    node: Any, defs: Mapping[str, Any], path: Path, out: dict[Path, tuple[str, ...]], depth: int
) -> None:
    if not isinstance(node, dict) or depth > 40:  # recursive models stop here
        return
    if "$ref" in node:
        _walk(defs.get(node["$ref"].rsplit("/", 1)[-1]), defs, path, out, depth + 1)
    for option in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
        _walk(option, defs, path, out, depth + 1)
    properties = node.get("properties")
    if isinstance(properties, dict):
        out[path] = tuple(dict.fromkeys(out.get(path, ()) + tuple(properties)))
        for key, child in properties.items():
            _walk(child, defs, (*path, key), out, depth + 1)
    if isinstance(node.get("items"), dict):
        _walk(node["items"], defs, (*path, "[]"), out, depth + 1)
    if isinstance(node.get("additionalProperties"), dict):
        _walk(node["additionalProperties"], defs, (*path, "*"), out, depth + 1)


def canonical(keys: list[str], order: tuple[str, ...]) -> list[str]:
    """``keys`` sorted by ``order``; keys it does not know keep their relative order, last."""
    rank = {key: i for i, key in enumerate(order)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), keys.index(k)))
