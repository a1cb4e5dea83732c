"""Safe, fast YAML 1.2 loading that keeps the position of every node.

libyaml (through PyYAML's C parser) composes the node tree; we construct the values
ourselves with the YAML 1.2 core schema, so ``no``/``on`` stay strings and no tag can
build an arbitrary object. The node tree is kept so that any problem found later (by
pydantic, by a rule) can be located to its exact line and column on demand, without
paying for a position table on the common, error-free path.

Hostile input never escapes as an exception: every problem is a ``YamlProblem`` with a
rule id, a message and a 1-based position, which callers turn into a Diagnostic.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml is the fast path; PyYAML wheels ship it on every mainstream platform.
    # ``CParser`` lives in ``yaml._yaml``; the ``yaml`` package itself only re-exports the
    # C *loaders*, so importing it from there silently fell back to the pure-Python parser.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - exercised only where libyaml is missing
    # The bare loader: scanner, parser and composer, no object construction.
    from yaml.loader import BaseLoader as _Parser  # type: ignore[assignment]

SYNTAX = "yaml-syntax"
DUPLICATE_KEY = "duplicate-key"
LIMITS = "yaml-limits"
UNREADABLE = "file-unreadable"

_PLAIN = "itsmcode:plain"  # an untagged plain scalar: resolved by the core schema below
_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_ALLOWED_EXPLICIT_TAGS = frozenset(
    {_STR, _SEQ, _MAP, *(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))}
)

# YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution).
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+")
_INT_OCT = re.compile(r"0o[0-7]+")
_INT_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(inf|Inf|INF)")
_NAN = re.compile(r"\.(nan|NaN|NAN)")
_MAYBE_NOT_STRING = frozenset("0123456789-+.~nNtTfF")
_ALIAS_NAME = re.compile(r"[^\s,\[\]{}]+")  # anchor names end at space or flow indicators
# Python refuses to convert longer decimal strings to int (CVE-2020-10735); no ITSM value
# needs a number anywhere near this long, so a longer one is refused for every base.
_MAX_NUMBER_DIGITS = 1000
# Values quoted in messages are cut to this many characters, so a hostile key or value
# cannot turn one diagnostic into a megabyte line.
_MAX_SHOWN = 60
_MAX_MESSAGE = 300
_EMPTY = "file is empty; expected an entity (apiVersion, kind, metadata, spec)"

# Every nesting level needs one of these characters, so their count bounds the depth.
_NESTING_CHARS = "[{-?:"
# libyaml's composer recurses in C, about 330 bytes of stack per level (measured with
# PyYAML 6.0 / libyaml 0.2.5): 1,000 levels fit the smallest common thread stacks
# (512 KiB, macOS) with room to spare. Entity files stay far below this many
# structure characters (the example repository's largest has under 300), so the
# extra event pass runs only for unusual or hostile files.
_SAFE_COMPOSE_BOUND = 1000

_UTF16_32_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile files from exhausting time or memory."""

    max_file_size: int = 1024 * 1024
    max_depth: int = 64
    max_nodes: int = 250_000  # nodes after alias expansion: bounds "billion laughs"


class YamlProblem(Exception):
    """A located problem with one file; ``line``/``column`` are 1-based."""

    def __init__(self, rule: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.line = line
        self.column = column


@dataclass
class YamlDocument:
    """One parsed file: its values, and the node tree to locate them."""

    text: str
    root: MappingNode
    data: dict[str, Any]

    def locate(self, loc: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the node at ``loc`` (mapping keys and list indexes).

        Walks as far as the path exists and answers with the deepest node found, so a
        missing field is reported at the mapping that should hold it. With ``key`` the
        position of the last mapping key is given instead of its value.
        """
        node: Node = self.root
        key_node: Node | None = None
        for step in loc:
            found: Node | None = None
            if isinstance(node, MappingNode) and isinstance(step, str):
                for k, v in node.value:
                    if isinstance(k, ScalarNode) and k.value == step:
                        key_node, found = k, v
                        break
            elif (
                isinstance(node, SequenceNode)
                and isinstance(step, int)
                and 0 <= step < len(node.value)
            ):
                key_node, found = None, node.value[step]
            if found is None:
                break
            node = found
        else:
            if key and key_node is not None:
                node = key_node
        mark = node.start_mark
        return mark.line + 1, mark.column + 1


class _Composer(_Parser):
    """libyaml's composer with a resolver that leaves implicit scalars to us."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return _PLAIN if implicit[0] else _STR
        return _SEQ if kind is SequenceNode else _MAP

    # The composer asks the resolver to track paths; the core schema has no path rules.
    def descend_resolver(self, parent: Any, index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass


def show(value: object) -> str:
    """A user value fit for a message: cut to a few dozen characters, escapes escaped.

    Keys and values come from the file, and a double-quoted YAML scalar can hold any
    character: an ANSI escape would repaint the terminal, a huge value would make one
    diagnostic a megabyte line. Line breaks are left to the reporters, which show them
    as each format needs (``\\n`` in text, ``%0A`` in GitHub commands).
    """
    text = value if isinstance(value, str) else repr(value)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "…"
    return _escape_controls(text)


def _escape_controls(text: str) -> str:
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch in "\n\r\t" else repr(ch)[1:-1] for ch in text)


def short_tag(tag: str) -> str:
    """``tag:yaml.org,2002:python/object`` as the user wrote it: ``!!python/object``."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def decode(raw: bytes) -> str:
    """Bytes to text: UTF-8 with or without BOM; anything else is a located problem."""
    for bom, name in _UTF16_32_BOMS:
        if raw.startswith(bom):
            raise YamlProblem(UNREADABLE, f"file is {name}-encoded; save it as UTF-8", 1, 1)
    # Drop a UTF-8 byte order mark first, so that byte offsets below are text positions.
    raw = raw.removeprefix(codecs.BOM_UTF8)
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        if _looks_utf16(raw):
            raise YamlProblem(UNREADABLE, "file looks UTF-16-encoded; save it as UTF-8", 1, 1)
        line, column = _byte_position(raw, offset)
        raise YamlProblem(
            UNREADABLE, "binary file (contains a NUL byte); expected UTF-8 YAML text", line, column
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        raise YamlProblem(
            UNREADABLE,
            f"invalid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            line,
            column,
        ) from None


def _looks_utf16(raw: bytes) -> bool:
    """UTF-16 without a BOM: ASCII text with a NUL in every other byte."""
    head = raw[:64]
    if len(head) < 4:
        return False
    evens, odds = head[0::2], head[1::2]
    even_nuls = evens.count(0) == len(evens) and 0 not in odds  # UTF-16-BE
    odd_nuls = odds.count(0) == len(odds) and 0 not in evens  # UTF-16-LE
    return even_nuls or odd_nuls


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def parse(text: str, limits: Limits = Limits()) -> YamlDocument:
    """Parse one single-document YAML text whose top level must be a mapping."""
    if not text.strip():
        # libyaml rejects a tab on an otherwise blank line; the file is still just empty.
        raise YamlProblem(SYNTAX, _EMPTY)
    _check_depth(text, limits)
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text) from None
    finally:
        composer.dispose()
    if root is None:
        raise YamlProblem(SYNTAX, _EMPTY)
    if not isinstance(root, MappingNode):
        line, column = root.start_mark.line + 1, root.start_mark.column + 1
        raise YamlProblem(
            SYNTAX,
            f"top level is a {_node_kind(root)}; expected a mapping with apiVersion, kind, "
            "metadata, spec",
            line,
            column,
        )
    data = _Constructor(limits).build(root)
    return YamlDocument(text=text, root=root, data=data)


def _check_depth(text: str, limits: Limits) -> None:
    """Refuse documents nested deeper than the limit before libyaml recurses into them."""
    bound = sum(text.count(ch) for ch in _NESTING_CHARS)
    if bound <= _SAFE_COMPOSE_BOUND:
        return  # the constructor enforces the exact limit on the composed tree
    parser = _Composer(text)
    depth = 0
    try:
        while (event := parser.get_event()) is not None:
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > limits.max_depth:
                    mark = event.start_mark
                    raise YamlProblem(
                        LIMITS,
                        _too_deep(limits),
                        mark.line + 1 if mark else 1,
                        mark.column + 1 if mark else 1,
                    )
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text) from None
    finally:
        parser.dispose()


def _yaml_problem(exc: yaml.YAMLError, text: str) -> YamlProblem:
    """Any PyYAML/libyaml error as a located, one-line problem."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return _syntax_problem(exc, text)
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(exc, text)
    first = (str(exc).splitlines() or ["invalid YAML"])[0]  # pragma: no cover - defensive
    return YamlProblem(SYNTAX, show(first))  # pragma: no cover


def _reader_problem(exc: yaml.reader.ReaderError, text: str) -> YamlProblem:
    """libyaml refuses a character (control characters, U+FFFE...).

    libyaml reads the UTF-8 encoding, so ``position`` is a byte offset into it.
    """
    raw = text.encode("utf-8", errors="surrogatepass")
    offset = max(0, min(exc.position, len(raw)))
    line, column = _byte_position(raw, offset)
    code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "?")
    what = "control character" if code < 0x20 or 0x7F <= code < 0xA0 else "character"
    return YamlProblem(
        SYNTAX, f"{what} U+{code:04X} is not allowed in YAML; remove it", line, column
    )


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if "expected a single document" in str(exc.context) or "another document" in problem:
        return YamlProblem(
            SYNTAX, "more than one YAML document; put one entity in each file", line, column
        )
    if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
        return YamlProblem(SYNTAX, "tab character; indent YAML with spaces", line, column)
    if problem.startswith("found undefined alias") and mark is not None:
        name = _ALIAS_NAME.match(text, mark.index + 1)
        alias = name.group(0) if name else ""
        return YamlProblem(
            SYNTAX,
            f"alias '*{show(alias)}' has no anchor; define '&{show(alias)}' before it",
            line,
            column,
        )
    message = problem if not exc.context else f"{problem} ({exc.context})"
    return YamlProblem(SYNTAX, show_message(message), line, column)


def show_message(message: str) -> str:
    """A message that may quote file content (libyaml's, a model validator's) made
    safe like ``show`` does, with room for the advice around the quoted part."""
    cleaned = _escape_controls(message)
    return cleaned if len(cleaned) <= _MAX_MESSAGE else cleaned[: _MAX_MESSAGE - 1] + "…"


def _too_deep(limits: Limits) -> str:
    return f"nesting deeper than {limits.max_depth} levels; flatten the structure"


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, (int, float)) else type(value).__name__


def _node_kind(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "list"
    if isinstance(node, MappingNode):
        return "mapping"
    return "scalar"


class _Constructor:
    """Nodes to plain Python values, under the YAML 1.2 core schema and the limits.

    Values reached through an alias are built once and shared, so expansion costs
    nothing here; the *expanded* size is still bounded, because whoever walks the
    values later (validation, rules, the diff) would pay for it.
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.built: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.in_progress: set[int] = set()
        self.aliased = False

    def build(self, root: MappingNode) -> dict[str, Any]:
        data = self.value(root, 1)
        if self.aliased:
            self.expanded_size(root)
        return data  # type: ignore[no-any-return]

    def value(self, node: Node, depth: int) -> Any:
        ident = id(node)
        if ident in self.built:
            self.aliased = True
            return self.built[ident]
        if ident in self.in_progress:
            raise self._problem(LIMITS, "recursive alias (a node that contains itself)", node)
        # Collections count as levels, as in the event pre-check; a scalar adds none.
        if depth > self.limits.max_depth and not isinstance(node, ScalarNode):
            raise self._problem(LIMITS, _too_deep(self.limits), node)
        tag = node.tag
        if isinstance(node, ScalarNode):
            result = self.scalar(node) if tag == _PLAIN else self.tagged_scalar(node)
        elif isinstance(node, SequenceNode):
            self.check_tag(node, _SEQ)
            self.in_progress.add(ident)
            result = [self.value(item, depth + 1) for item in node.value]
            self.in_progress.discard(ident)
        else:
            self.check_tag(node, _MAP)
            self.in_progress.add(ident)
            assert isinstance(node, MappingNode)  # the composer makes only these three
            result = self.mapping(node, depth)
            self.in_progress.discard(ident)
        self.built[ident] = result
        return result

    def mapping(self, node: MappingNode, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        key_nodes: dict[str, Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise self._problem(
                    SYNTAX,
                    f"a {_node_kind(key_node)} cannot be a mapping key; keys are plain strings",
                    key_node,
                )
            if key_node.tag == _PLAIN and key_node.value == "<<":
                # YAML 1.1 merge keys are not part of YAML 1.2: libyaml would keep "<<"
                # as an ordinary key and the fields would silently not be merged.
                raise self._problem(
                    SYNTAX,
                    "merge key '<<' is not supported (YAML 1.2 has no merge); write the fields out",
                    key_node,
                )
            key = self.value(key_node, depth + 1)
            if not isinstance(key, str):
                # Every field and name in an entity is a string; a key the core schema
                # reads as a number, boolean or null is almost always a typo.
                shown = show(key_node.value)
                raise self._problem(
                    SYNTAX,
                    f"mapping key {shown or '(empty)'} reads as {_type_name(key)}, not a "
                    f'string; keys are strings (quote it: "{shown}")',
                    key_node,
                )
            if key in result:
                first = key_nodes[key].start_mark
                raise self._problem(
                    DUPLICATE_KEY,
                    f"duplicate key '{show(key)}' (first defined on line {first.line + 1}, "
                    f"column {first.column + 1}); keep one of them",
                    key_node,
                )
            key_nodes[key] = key_node
            result[key] = self.value(value_node, depth + 1)
        return result

    def scalar(self, node: ScalarNode) -> Any:
        text: str = node.value
        if text and text[0] not in _MAYBE_NOT_STRING:
            return text
        if text in _NULLS:
            return None
        if text in _BOOLS:
            return _BOOLS[text]
        is_int = _INT.fullmatch(text) or _INT_OCT.fullmatch(text) or _INT_HEX.fullmatch(text)
        if (is_int or _FLOAT.fullmatch(text)) and len(text) > _MAX_NUMBER_DIGITS:
            raise self._problem(
                LIMITS,
                f"number {show(text)} has {len(text)} digits; numbers are limited "
                f"to {_MAX_NUMBER_DIGITS} (quote it if it is text)",
                node,
            )
        if _INT.fullmatch(text):
            return int(text)
        if _INT_OCT.fullmatch(text):
            return int(text[2:], 8)
        if _INT_HEX.fullmatch(text):
            return int(text[2:], 16)
        if _FLOAT.fullmatch(text):
            return float(text)
        if _INF.fullmatch(text):
            return -math.inf if text.startswith("-") else math.inf
        if _NAN.fullmatch(text):
            return math.nan
        return text

    def tagged_scalar(self, node: ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag in (_SEQ, _MAP):
            raise self._problem(
                SYNTAX, f"'{short_tag(tag)}' tags a {_node_kind(node)}; remove the tag", node
            )
        if tag not in _ALLOWED_EXPLICIT_TAGS:
            raise self._unsupported_tag(node)
        expected = tag.rsplit(":", 1)[1]
        kinds: dict[str, type | tuple[type, ...]] = {
            "int": int,
            "float": (int, float),
            "bool": bool,
            "null": type(None),
        }
        value = self.scalar(node)
        if not isinstance(value, kinds[expected]) or (
            expected == "int" and isinstance(value, bool)
        ):
            raise self._problem(SYNTAX, f"'{show(node.value)}' is not a valid !!{expected}", node)
        if expected == "float" and isinstance(value, int):
            try:
                return float(value)
            except OverflowError:  # past ~1.8e308, where a float is infinite
                return math.inf if value > 0 else -math.inf
        return value

    def check_tag(self, node: Node, expected: str) -> None:
        if node.tag == expected:
            return
        if node.tag in _ALLOWED_EXPLICIT_TAGS:
            raise self._problem(
                SYNTAX,
                f"'{short_tag(node.tag)}' tags a {_node_kind(node)}; remove the tag",
                node,
            )
        raise self._unsupported_tag(node)

    def _unsupported_tag(self, node: Node) -> YamlProblem:
        return self._problem(
            SYNTAX,
            f"unsupported tag '{show(short_tag(node.tag))}'; only plain YAML values are "
            "allowed (remove the tag)",
            node,
        )

    def expanded_size(self, root: Node) -> int:
        """Count nodes as if every alias were copied out; stop at the limit."""
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            ident = id(node)
            if ident in self.sizes:
                continue
            if isinstance(node, ScalarNode):
                self.sizes[ident] = 1
                continue
            children = (
                node.value
                if isinstance(node, SequenceNode)
                else [n for pair in node.value for n in pair]
            )
            if children_done:
                size = 1 + sum(self.sizes[id(c)] for c in children)
                if size > self.limits.max_nodes:
                    raise self._problem(
                        LIMITS,
                        f"aliases expand to more than {self.limits.max_nodes} nodes (alias bomb?)",
                        node,
                    )
                self.sizes[ident] = size
            else:
                stack.append((node, True))
                stack.extend((c, False) for c in children if id(c) not in self.sizes)
        return self.sizes[id(root)]

    @staticmethod
    def _problem(rule: str, message: str, node: Node) -> YamlProblem:
        return YamlProblem(rule, message, node.start_mark.line + 1, node.start_mark.column + 1)
