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
    return _shape(kind)[0]


@cache
def descriptions(kind: str) -> Mapping[Path, str]:
    """Every field path of ``kind`` → its one-line description from the model."""
    return _shape(kind)[1]


@cache
def _shape(kind: str) -> tuple[dict[Path, tuple[str, ...]], dict[Path, str]]:
    orders: dict[Path, tuple[str, ...]] = {}
    texts: dict[Path, str] = {}
    model = MODELS.get(kind)
    if model is not None:
        schema = kind_schema(model)
        _walk(schema, schema.get("$defs", {}), (), orders, texts, depth=0)
    return orders, texts


def _walk(
    node: Any,
    defs: Mapping[str, Any],
    path: Path,
    orders: dict[Path, tuple[str, ...]],
    texts: dict[Path, str],
    depth: int,
) -> None:
    if not isinstance(node, dict) or depth > 40:  # recursive models stop here
        return
    if isinstance(node.get("description"), str) and path not in texts:
        texts[path] = node["description"]
    if "$ref" in node:
        target = defs.get(node["$ref"].rsplit("/", 1)[-1])
        _walk(target, defs, path, orders, texts, depth + 1)
    for option in node.get("anyOf", []) + node.get("oneOf", []) + node.get("allOf", []):
        _walk(option, defs, path, orders, texts, depth + 1)
    properties = node.get("properties")
    if isinstance(properties, dict):
        orders[path] = tuple(dict.fromkeys(orders.get(path, ()) + tuple(properties)))
        for key, child in properties.items():
            _walk(child, defs, (*path, key), orders, texts, depth + 1)
    if isinstance(node.get("items"), dict):
        _walk(node["items"], defs, (*path, "[]"), orders, texts, depth + 1)
    if isinstance(node.get("additionalProperties"), dict):
        _walk(node["additionalProperties"], defs, (*path, "*"), orders, texts, depth + 1)


def canonical(keys: list[str], order: tuple[str, ...]) -> list[str]:
    """``keys`` sorted by ``order``; keys it does not know keep their relative order, last."""
    rank = {key: i for i, key in enumerate(order)}
    return sorted(keys, key=lambda k: (rank.get(k, len(rank)), keys.index(k)))
