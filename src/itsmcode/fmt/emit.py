"""ruamel.yaml round trip with itsmcode's canonical style.

- two-space mappings, list dashes indented two under their key (as in the docs);
- no line wrapping (a long description stays on the line its author gave it);
- quotes only where needed, and then double quotes. "Needed": a string that a YAML 1.2
  *or* 1.1 reader (PyYAML, yamllint's truthy rule, older tools) would not read back as
  that string (``on``, ``no``, ``1e3``, ``12:30``), or that the emitter cannot write
  plain; and a string holding ``:``, ``#`` or ``*``, so URLs, times, chat channels and
  globs read the same to every person and tool. Double quotes, unless the string holds
  a double quote itself (then single quotes, which need no escapes). itsmcode reads
  YAML 1.2; the quotes change nothing for it.
"""

from __future__ import annotations

import io
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.emitter import Emitter
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter

from itsmcode.fmt.order import Path, canonical
from itsmcode.load.yamlio import plain_reads_as_string

_STR = "tag:yaml.org,2002:str"
_INDICATORS = frozenset(":#*")


def wants_quotes(value: str) -> bool:
    """Whether fmt writes ``value`` quoted (see the module docstring)."""
    return not plain_reads_as_string(value) or not _INDICATORS.isdisjoint(value)


class _Representer(RoundTripRepresenter):
    def represent_str(self, data: str) -> ScalarNode:
        node: ScalarNode
        if wants_quotes(data):
            node = self.represent_scalar(_STR, data, style='"')
        else:
            node = super().represent_str(data)
        return node


_Representer.add_representer(str, _Representer.represent_str)


class _Emitter(Emitter):
    def choose_scalar_style(self) -> Any:
        style = super().choose_scalar_style()
        if style == "'" and '"' not in self.event.value:
            return '"'
        return style


def _yaml() -> YAML:
    handler = YAML(typ="rt")
    handler.Representer = _Representer
    handler.Emitter = _Emitter
    handler.indent(mapping=2, sequence=4, offset=2)
    handler.width = 1_000_000
    handler.preserve_quotes = False
    return handler


def load(text: str) -> Any:
    return _yaml().load(text)


def dump(data: Any) -> str:
    out = io.StringIO()
    _yaml().dump(data, out)
    return out.getvalue()


def reorder_flow_mappings(node: Any, orders: dict[Path, tuple[str, ...]], path: Path = ()) -> None:
    """Canonical key order inside flow mappings (``{service: x, type: hard}``), in place.
    Block mappings were reordered as text already; a flow mapping with a comment inside
    is left as written rather than risk moving the comment."""
    if isinstance(node, CommentedMap):
        order = orders.get(path)
        keys = list(node)
        if (
            node.fa.flow_style()
            and order is not None
            and all(isinstance(k, str) for k in keys)
            and not node.ca.items
        ):
            for key in canonical(keys, order):
                node.move_to_end(key)
        for key, value in node.items():
            reorder_flow_mappings(value, orders, (*path, str(key)))
    elif isinstance(node, CommentedSeq):
        for item in node:
            reorder_flow_mappings(item, orders, (*path, "[]"))
