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
import contextlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from sys import intern as _intern
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
#: Any number of the core schema: one look rules a scalar out (names, timestamps).
_NUMBER = re.compile(
    "|".join(f"(?:{p.pattern})" for p in (_INT, _INT_OCT, _INT_HEX, _FLOAT, _INF, _NAN))
)
_MAYBE_NOT_STRING = frozenset("0123456789-+.~nNtTfF")
_ALIAS_NAME = re.compile(r"[^\s,\[\]{}]+")  # anchor names end at space or flow indicators
# Node properties as YAML 1.2 reads them, to catch where libyaml reads them differently
# (docs/reference/yaml.md): an anchor name is any run of non-space, non-flow-indicator
# characters, libyaml's only letters, digits, '-' and '_'; a lone "!" is the non-specific
# tag, which makes a scalar a string (libyaml resolves it like an untagged plain scalar).
_ANCHOR_12 = re.compile(r"&([^\s,\[\]{}]+)")
_LIBYAML_ANCHOR = re.compile(r"[0-9A-Za-z_-]+")
_TAG_12 = re.compile(r"!(?:<[^>]*>|[^\s,\[\]{}]*)")
_SEPARATION = re.compile(r"(?:\s+(?:#[^\n]*)?)*")
# A comment must follow a space. libyaml also takes a '#' right after a quoted scalar,
# a flow indicator, a block scalar header or a directive for a comment, and drops what
# follows; these are the characters such a '#' can follow (a cheap filter: the exact
# check scans tokens, so it runs only for texts this finds).
_TIGHT_COMMENT = re.compile(r"[\"'\]},|>+\-0-9]#")
_BLOCK_HEADER_COMMENT = re.compile(r"[|>][0-9+-]*#")
# libyaml's own bound on nesting (PyYAML 6.0.4 and later report it as a parser error).
_LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"
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
    #: The node tree, or None when the values came from a cache or another process:
    #: then ``locate`` composes it from ``text`` on first use (most files never need it).
    root: MappingNode | None
    data: dict[str, Any]

    def locate(self, loc: Sequence[str | int], *, key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the node at ``loc`` (mapping keys and list indexes).

        Walks as far as the path exists and answers with the deepest node found, so a
        missing field is reported at the mapping that should hold it. With ``key`` the
        position of the last mapping key is given instead of its value.
        """
        node: Node = self.root or self._compose()
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

    def _compose(self) -> MappingNode:
        """The node tree of ``text``, which loaded once already, so it composes again."""
        root = parse(self.text).root
        assert root is not None
        self.root = root
        return root


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
    root = _compose(text, limits)
    if not isinstance(root, MappingNode):
        line, column = root.start_mark.line + 1, root.start_mark.column + 1
        raise YamlProblem(
            SYNTAX,
            f"top level is a {_node_kind(root)}; expected a mapping with apiVersion, kind, "
            "metadata, spec",
            line,
            column,
        )
    data = _Constructor(limits, text).build(root)
    return YamlDocument(text=text, root=root, data=data)


def load_value(text: str, limits: Limits = Limits()) -> Any:
    """The value of one single-document YAML text of any shape, by the same rules.

    For readers that want the values only (the diff's dependency graph) and for the
    YAML test suite, whose documents are not all mappings.
    """
    return _Constructor(limits, text).build(_compose(text, limits))


def _compose(text: str, limits: Limits) -> Node:
    """The node tree of a single-document text; an empty one is a problem."""
    if not text.strip():
        # libyaml rejects a tab on an otherwise blank line; the file is still just empty.
        raise YamlProblem(SYNTAX, _EMPTY)
    _check_depth(text, limits)
    if "#" in text and _TIGHT_COMMENT.search(text):  # most files have no comment at all
        _check_comments(text)
    composer = _Composer(_terminated(text))
    try:
        root: Node | None = composer.get_single_node()
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text) from None
    finally:
        composer.dispose()
    if root is None:
        raise YamlProblem(SYNTAX, _EMPTY)
    return root


def _terminated(text: str) -> str:
    """The text with a line break after a last line of only spaces.

    libyaml drops the line break of such a line at the end of a block scalar
    (``"a: |\\n  x\\n   "`` gave ``"x\\n "``, YAML 1.2 says ``"x\\n \\n"``); a line
    break after trailing spaces changes nothing else, and positions stay the same.
    """
    last = text[text.rfind("\n") + 1 :]
    return text + "\n" if last and not last.strip(" ") else text


def _check_comments(text: str) -> None:
    """Refuse a '#' that libyaml takes for a comment though no space precedes it.

    YAML 1.2 makes ``key: "value"# note`` and ``[a, b,#c]`` errors; libyaml drops the
    '#' and what follows, which may be a value the author meant (``#c``).
    """
    scanner = _Composer(text)
    try:
        while (token := scanner.get_token()) is not None:
            start, end = token.start_mark.index, token.end_mark.index
            if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
                header = _BLOCK_HEADER_COMMENT.match(text, start)
                at = header.end() - 1 if header else -1
            else:
                at = end if text.startswith("#", end) and end > start else -1
            if at >= 0:
                line_start = text.rfind("\n", 0, at) + 1
                raise YamlProblem(
                    SYNTAX,
                    "a comment needs a space before '#'; write ' #' (or quote the text "
                    "if '#' belongs to the value)",
                    text.count("\n", 0, at) + 1,
                    at - line_start + 1,
                )
    except yaml.YAMLError:
        return  # the composer reports the same error, located
    finally:
        scanner.dispose()


def core_type(text: str) -> str:
    """What a plain scalar reads as under the YAML 1.2 core schema: "str", "null",
    "bool", "int" or "float". Writers use it to know which strings need quotes."""
    if text and text[0] not in _MAYBE_NOT_STRING:
        return "str"  # the common case, decided by one character
    if text in _NULLS:
        return "null"
    if text in _BOOLS:
        return "bool"
    if not _NUMBER.fullmatch(text):
        return "str"
    if _INT.fullmatch(text) or _INT_OCT.fullmatch(text) or _INT_HEX.fullmatch(text):
        return "int"
    if _FLOAT.fullmatch(text) or _INF.fullmatch(text) or _NAN.fullmatch(text):
        return "float"
    return "str"


def _check_depth(text: str, limits: Limits) -> None:
    """Refuse documents nested deeper than the limit before libyaml recurses into them."""
    if len(text) <= _SAFE_COMPOSE_BOUND:
        return  # fewer characters than the bound, so fewer nesting characters too
    bound = sum(text.count(ch) for ch in _NESTING_CHARS)
    if bound <= _SAFE_COMPOSE_BOUND:
        return  # the constructor enforces the exact limit on the composed tree
    try:
        _check_event_depth(text, limits)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        if _LIBYAML_TOO_DEEP not in str(exc) or mark is None:
            raise _yaml_problem(exc, text) from None
        # libyaml (PyYAML 6.0.4+) stops at its own bound while scanning ahead, before
        # the events that cross ours: look again at the text before that point, so the
        # verdict and position are the same whichever PyYAML is installed.
        with contextlib.suppress(yaml.YAMLError):  # the cut text ends in open collections
            _check_event_depth(text[: mark.index], limits)
        raise YamlProblem(
            LIMITS,
            "nesting deeper than the YAML reader allows; flatten the structure",
            mark.line + 1,
            mark.column + 1,
        ) from None


def _check_event_depth(text: str, limits: Limits) -> None:
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
        before = text[text.rfind("\n", 0, mark.index) + 1 : mark.index]
        if not before.strip(" "):
            return YamlProblem(SYNTAX, "tab character; indent YAML with spaces", line, column)
        return YamlProblem(
            SYNTAX,
            f"tab character after '{show(before.strip()[-1:] or ' ')}' is not accepted here; "
            "separate with spaces",
            line,
            column,
        )
    context = str(exc.context)
    if context in ("while scanning an anchor", "while scanning an alias") and exc.context_mark:
        start = exc.context_mark.index
        name = _ALIAS_NAME.match(text, start + 1)
        return YamlProblem(
            SYNTAX,
            _anchor_message(text[start : start + 1], name.group(0) if name else ""),
            line,
            column,
        )
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


def _anchor_message(sigil: str, name: str) -> str:
    what = "alias" if sigil == "*" else "anchor"
    return (
        f"{what} '{sigil}{show(name)}': use only letters, digits, '-' and '_' in anchor "
        "names (the YAML reader cuts or refuses a name at any other character)"
    )


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

    def __init__(self, limits: Limits, text: str) -> None:
        self.limits = limits
        self.text = text
        # Properties (and "?" keys, below) need a look at the source; most files have
        # no '&', '!' or '?' at all, and then no node is looked at.
        self.has_properties = "&" in text or "!" in text
        self.has_question = "?" in text
        self.built: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}
        self.in_progress: set[int] = set()
        self.aliased = False
        # Without '&', '*', '!' and '?' a text has no anchors, aliases, explicit tags or
        # '?' keys (each needs its character): the plain walk below needs no bookkeeping.
        self.plain = not (self.has_properties or self.has_question or "*" in text)

    def build(self, root: Node) -> Any:
        if self.plain:
            return self.plain_value(root, 1)
        data = self.value(root, 1)
        if self.aliased:
            self.expanded_size(root)
        return data

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
        non_specific = self.has_properties and self.properties(node)
        if isinstance(node, ScalarNode):
            if tag == _PLAIN:
                result = node.value if non_specific else self.scalar(node)
            else:
                result = self.tagged_scalar(node)
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

    def plain_value(self, node: Node, depth: int) -> Any:
        """``value`` for a plain text (``self.plain``), the hot path of every load:
        every scalar's tag is _PLAIN or _STR and every collection's its own, no node is
        reached twice. A mapping with an unusual key (not a plain string, ``<<``, a
        duplicate) is handed to ``mapping``, which reports it as ever."""
        kind = node.__class__
        if kind is ScalarNode:
            if node.tag != _PLAIN:
                return node.value
            text: str = node.value
            if text and text[0] not in _MAYBE_NOT_STRING:
                return text
            return self.scalar(node)  # type: ignore[arg-type]
        if depth > self.limits.max_depth:
            raise self._problem(LIMITS, _too_deep(self.limits), node)
        if kind is SequenceNode:
            return [self.plain_value(item, depth + 1) for item in node.value]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode:
                return self.mapping(node, depth)  # type: ignore[arg-type]
            key = key_node.value
            if key_node.tag == _PLAIN and (
                key == "<<"
                or ((not key or key[0] in _MAYBE_NOT_STRING) and core_type(key) != "str")
            ):
                return self.mapping(node, depth)  # type: ignore[arg-type]
            if key in result:
                return self.mapping(node, depth)  # type: ignore[arg-type]
            # Field names repeat in every file: one string each (a third less memory for
            # a large repository's values; marshal keeps them shared across processes).
            result[_intern(key)] = self.plain_value(value_node, depth + 1)
        return result

    def properties(self, node: Node) -> bool:
        """Check the anchor and tag written before ``node`` as YAML 1.2 reads them;
        True if its tag is the non-specific "!" (the scalar is a string)."""
        at = node.start_mark.index
        text = self.text
        non_specific = False
        for _ in range(2):  # at most an anchor and a tag, in either order
            if text.startswith("&", at):
                anchor = _ANCHOR_12.match(text, at)
                if anchor is None:
                    break  # "&" alone: libyaml refuses it before composing
                if not _LIBYAML_ANCHOR.fullmatch(anchor.group(1)):
                    # libyaml ends the name at the first other character and reads the
                    # rest as the value: "&an:chor value" gave ":chor value".
                    raise self._problem(SYNTAX, _anchor_message("&", anchor.group(1)), node)
                at = anchor.end()
            elif text.startswith("!", at):
                tag = _TAG_12.match(text, at)
                assert tag is not None  # the pattern matches any "!"
                non_specific = tag.group(0) == "!"
                at = tag.end()
            else:
                break
            separation = _SEPARATION.match(text, at)
            at = separation.end() if separation else at
        return non_specific

    def question_key(self, node: MappingNode, key_node: ScalarNode) -> str | None:
        """The key of ``{ ?foo: bar }``: YAML 1.2 reads "?foo" (a '?' indicator needs a
        space after it), libyaml reads "foo" or, in a list, a new mapping."""
        at = key_node.start_mark.index
        if not (at and self.text[at - 1] == "?"):
            return None
        if key_node.tag == _PLAIN and node.flow_style and node.start_mark.index != at - 1:
            return "?" + str(key_node.value)
        mark = key_node.start_mark  # the '?' is just before it, on the same line
        written = show(self.text[at - 1 : key_node.end_mark.index])
        raise YamlProblem(
            SYNTAX,
            f"'{written}' in a flow collection: the YAML reader takes '?' for a key "
            "indicator; quote the key or write '? ' for an explicit key",
            mark.line + 1,
            mark.column,
        )

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
            key = self.question_key(node, key_node) if self.has_question else None
            if key is None:
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
            return text  # most scalars: decided without a call (this is the hot path)
        kind = core_type(text)
        if kind == "str":
            return text
        if kind == "null":
            return None
        if kind == "bool":
            return _BOOLS[text]
        if len(text) > _MAX_NUMBER_DIGITS:
            raise self._problem(
                LIMITS,
                f"number {show(text)} has {len(text)} digits; numbers are limited "
                f"to {_MAX_NUMBER_DIGITS} (quote it if it is text)",
                node,
            )
        if kind == "int":
            base = {"0o": 8, "0x": 16}.get(text[:2])
            return int(text[2:], base) if base else int(text)
        if _INF.fullmatch(text):
            return -math.inf if text.startswith("-") else math.inf
        return math.nan if _NAN.fullmatch(text) else float(text)

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


# -- streams of several documents (foreign files: Backstage catalogs) -----------------

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


# -- writing -------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """PyYAML's safe emitter, quoting every string a YAML 1.2 *or* 1.1 reader would
    take for something else.

    PyYAML resolves by YAML 1.1, so ``"1e3"`` and ``"0o17"`` (numbers only in 1.2) were
    written bare and read back by itsm as 1000.0 and 15; ``"no"`` and ``"2026-01-01"``
    (a boolean and a date only in 1.1) are quoted too, so other tools agree.
    """

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        tag: str = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
        if kind is ScalarNode and implicit[0] and tag == _STR and core_type(value) != "str":
            return f"tag:yaml.org,2002:{core_type(value)}"  # not a plain string: quote it
        return tag


_YAML11 = yaml.resolver.Resolver()


def plain_reads_as_string(value: str) -> bool:
    """Whether ``value`` written as a plain scalar reads back as that string under YAML
    1.2 (itsmcode) and YAML 1.1 (PyYAML, yamllint, older tools) alike."""
    tag: str = _YAML11.resolve(ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    return tag == _STR and core_type(value) == "str"


def _represent_str(dumper: _Dumper, data: str) -> Node:
    # YAML 1.1 counts NEL, LS and PS as line breaks, YAML 1.2 does not: PyYAML would
    # write them raw, folded, in a quoted scalar that each reader unfolds differently.
    # Double quotes write them as escapes, which both read the same.
    style = '"' if any(ch in data for ch in "\x85\u2028\u2029") else None
    return dumper.represent_scalar(_STR, data, style=style)


_Dumper.add_representer(str, _represent_str)


def dump(value: Any) -> str:
    """``value`` (plain data: dicts, lists, strings, numbers, booleans, None) as block
    YAML that YAML 1.2 (``load_value``) and YAML 1.1 readers both read back as ``value``;
    keys keep their order, non-ASCII text is written as is."""
    return yaml.dump(
        value, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False
    )
