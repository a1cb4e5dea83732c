"""Put the keys of block mappings in canonical order by moving whole lines.

ruamel.yaml keeps comments, but attaches a comment line to the key *above* it, so
reordering its mappings would carry a comment away from the key it describes. Moving
text instead keeps every line as written: a key's chunk is its own lines, the deeper
lines of its value, and the comment and blank lines directly above it at its own
indentation (the comment that introduces it). Lines above a document's first key (the
file header, an editor modeline) never move.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from itsmcode.fmt.order import Path, canonical

#: Loads text into ruamel's round-trip tree (injected so this module stays pure text).
Load = Callable[[str], Any]


def reorder_block_mappings(text: str, load: Load, orders: dict[Path, tuple[str, ...]]) -> str:
    """``text`` with every block mapping's keys in canonical order (flow mappings are
    left to the emitter, which reorders them in place: they hold no comments)."""
    for _ in range(10_000):  # one mapping per round; a file has far fewer
        target = _first_unordered(load(text), orders)
        if target is None:
            return text
        mapping, wanted = target
        text = _move_chunks(text, mapping, wanted)
    raise RuntimeError("key reordering did not converge")  # a bug, reported as exit 3


def _first_unordered(
    root: Any, orders: dict[Path, tuple[str, ...]]
) -> tuple[CommentedMap, list[str]] | None:
    for path, mapping in _block_mappings(root, ()):
        order = orders.get(path)
        keys = [k for k in mapping if isinstance(k, str)]
        if order is None or len(keys) != len(mapping):
            continue
        wanted = canonical(keys, order)
        if wanted != keys:
            return mapping, wanted
    return None


def _block_mappings(node: Any, path: Path) -> Iterator[tuple[Path, CommentedMap]]:
    if isinstance(node, CommentedMap):
        if not node.fa.flow_style():
            yield path, node
        for key, value in node.items():
            yield from _block_mappings(value, _child(path, key))
    elif isinstance(node, CommentedSeq):
        for item in node:
            yield from _block_mappings(item, (*path, "[]"))


def _child(path: Path, key: object) -> Path:
    """Free-form mappings (labels, SLA targets by priority) match ``*`` in the orders."""
    return (*path, str(key))


def _move_chunks(text: str, mapping: CommentedMap, wanted: list[str]) -> str:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    keys = list(mapping)
    starts = [mapping.lc.key(k)[0] for k in keys]
    column = mapping.lc.key(keys[0])[1]
    first = lines[starts[0]]
    # The first key of a list item shares its line with the dash (``- service: x``):
    # that prefix stays where the item starts, on whichever key comes first now.
    prefix = first[:column]
    in_item = prefix.strip() != ""
    top_level = starts[0] == _first_content_line(lines)
    chunk_starts = [
        starts[0] if i == 0 and (top_level or in_item) else _leading_start(lines, start, column)
        for i, start in enumerate(starts)
    ]
    if in_item:
        lines[starts[0]] = " " * column + first[column:]
    end = _region_end(lines, starts[-1], column)
    chunks = {
        key: lines[chunk_starts[i] : (chunk_starts[i + 1] if i + 1 < len(keys) else end)]
        for i, key in enumerate(keys)
    }
    body = [line for key in wanted for line in chunks[key]]
    if in_item:
        key_line = len(chunks[wanted[0]]) - 1 - _lines_after_key(chunks[wanted[0]], column)
        body[key_line] = prefix + body[key_line][column:]
    return "".join(lines[: chunk_starts[0]] + body + lines[end:])


def _lines_after_key(chunk: list[str], column: int) -> int:
    """How many lines of ``chunk`` follow its key line (the first line at ``column``
    that is not a comment or blank)."""
    for number, line in enumerate(chunk):
        if not _blank_or_comment(line) and _indent(line) == column:
            return len(chunk) - 1 - number
    return len(chunk) - 1


def _first_content_line(lines: list[str]) -> int:
    for number, line in enumerate(lines):
        if not _blank_or_comment(line) and line.strip() not in ("---", "..."):
            return number
    return 0


def _leading_start(lines: list[str], key_line: int, column: int) -> int:
    """The first of the comment and blank lines directly above ``key_line`` that stand
    at the key's own indentation or shallower (deeper ones end the previous value)."""
    start = key_line
    while start > 0:
        above = lines[start - 1]
        if above.strip() == "" or (above.lstrip().startswith("#") and _indent(above) <= column):
            start -= 1
        else:
            break
    return start


def _region_end(lines: list[str], last_key_line: int, column: int) -> int:
    """One past the last line of the mapping's last entry: deeper lines, an indentless
    sequence under it, and deeper comments; not the trailing blank lines."""
    end = last_key_line + 1
    number = end
    while number < len(lines):
        line = lines[number]
        if line.strip() == "":
            number += 1
            continue
        indent = _indent(line)
        rest = line[indent:]
        inside = indent > column or (
            indent == column and (rest.startswith("- ") or rest.rstrip("\r\n") == "-")
        )
        if not inside:
            break
        number += 1
        end = number
    return end


def _blank_or_comment(line: str) -> bool:
    stripped = line.strip()
    return stripped == "" or stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))
