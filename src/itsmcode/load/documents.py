"""Reading foreign multi-document YAML (Backstage catalogs) under yamlio's rules.

itsmcode's own files hold one entity each, so ``yamlio.parse`` reads one document. Tools
we import from put several entities in one file, separated by ``---``. This reader
composes every document with the same libyaml composer, YAML 1.2 core schema, depth
and alias limits as ``yamlio``; any problem is a located ``YamlProblem``, never an
exception of PyYAML's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import Node

from itsmcode.load.yamlio import (
    _TIGHT_COMMENT,
    Limits,
    YamlProblem,
    _check_comments,
    _check_depth,
    _Composer,
    _Constructor,
    _terminated,
    _yaml_problem,
)

#: More documents than this in one file is not a catalog someone wrote by hand.
MAX_DOCUMENTS = 10_000


@dataclass(frozen=True)
class Document:
    """One document of a stream: its 1-based first line and its value."""

    line: int
    data: Any


def load_documents(text: str, limits: Limits | None = None) -> list[Document]:
    """Every document of ``text``, in order; an empty text has none."""
    limits = limits or Limits()
    if not text.strip():
        return []
    _check_depth(text, limits)
    if _TIGHT_COMMENT.search(text):
        _check_comments(text)
    composer = _Composer(_terminated(text))
    nodes: list[Node] = []
    try:
        while composer.check_node():
            node = composer.get_node()
            if node is not None:
                nodes.append(node)
            if len(nodes) > MAX_DOCUMENTS:
                raise YamlProblem("yaml-limits", f"more than {MAX_DOCUMENTS} documents in one file")
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text) from None
    finally:
        composer.dispose()
    return [
        Document(node.start_mark.line + 1, _Constructor(limits, text).build(node)) for node in nodes
    ]
