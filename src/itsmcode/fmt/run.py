"""Format one file's text: canonical key order, style, comments kept, meaning checked.

The result is checked before anything is written: it must load to the same values as
the input under itsmcode's own YAML 1.2 reader, and formatting it again must change
nothing. A result that fails either check is a bug in ``itsm fmt`` and is never written.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsmcode.fmt import emit
from itsmcode.fmt.order import key_orders
from itsmcode.fmt.reorder import reorder_block_mappings
from itsmcode.load.yamlio import Limits, YamlProblem, parse


class CannotFormat(Exception):
    """The file cannot be formatted as it stands (it does not parse); located message."""

    def __init__(self, line: int, column: int, message: str) -> None:
        super().__init__(message)
        self.line, self.column = line, column


@dataclass(frozen=True)
class Formatted:
    text: str
    changed: bool


def format_text(text: str, limits: Limits | None = None) -> Formatted:
    """The canonical form of one entity file's ``text``."""
    limits = limits or Limits()
    try:
        before = parse(text, limits)
    except YamlProblem as problem:
        raise CannotFormat(problem.line, problem.column, str(problem)) from None
    out = _canonical(text, before.data.get("kind"))
    if parse(out, limits).data != before.data:
        raise AssertionError("formatting would change the values of the file; nothing written")
    if _canonical(out, before.data.get("kind")) != out:
        raise AssertionError("formatting is not stable on this file; nothing written")
    return Formatted(out, out != text)


def _canonical(text: str, kind: object) -> str:
    orders = dict(key_orders(kind)) if isinstance(kind, str) else {}
    text = reorder_block_mappings(text, emit.load, orders)
    data = emit.load(text)
    emit.reorder_flow_mappings(data, orders)
    return emit.dump(data)
