"""The YAML layer on its own: YAML 1.2 core-schema values, positions, aliases, limits,
and the located problems it reports instead of raising anything else."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from itsmcode.load.yamlio import (
    DUPLICATE_KEY,
    LIMITS,
    SYNTAX,
    UNREADABLE,
    Limits,
    YamlDocument,
    YamlProblem,
    core_type,
    decode,
    parse,
    show,
)


def value(scalar: str) -> Any:
    """What the plain scalar ``scalar`` reads as under the core schema."""
    return parse(f"v: {scalar}\n").data["v"]


def problem(text: str, limits: Limits | None = None) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        parse(text, limits or Limits())
    return caught.value


# -- YAML 1.2 core schema --------------------------------------------------------------


@pytest.mark.parametrize(
    "scalar",
    [
        "no",
        "No",
        "NO",
        "yes",
        "Yes",
        "YES",
        "on",
        "On",
        "ON",
        "off",
        "Off",
        "OFF",
        "y",
        "n",
        "Y",
        "N",
    ],
)
def test_yaml11_booleans_stay_strings(scalar: str) -> None:
    assert value(scalar) == scalar


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
    ],
)
def test_core_booleans(scalar: str, expected: bool) -> None:
    assert value(scalar) is expected


@pytest.mark.parametrize("scalar", ["tRUE", "fAlse", "truee"])
def test_near_booleans_are_strings(scalar: str) -> None:
    assert value(scalar) == scalar


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("-17", -17),
        ("+5", 5),
        ("007", 7),
        ("0o17", 15),
        ("0o0", 0),
        ("0x1F", 31),
        ("0xff", 255),
    ],
)
def test_integers(scalar: str, expected: int) -> None:
    result = value(scalar)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    "scalar",
    ["0b101", "1_000", "0x", "0o", "0o8", "0xG", "1:30", "017:00", "+0x1F", "-0o7"],
)
def test_yaml11_and_malformed_integers_are_strings(scalar: str) -> None:
    # Binary, underscores and sexagesimal are YAML 1.1 only; a sign before 0x/0o is
    # outside the core schema's patterns.
    assert value(scalar) == scalar


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("1.5", 1.5),
        ("-0.25", -0.25),
        (".5", 0.5),
        ("1.", 1.0),
        ("1e3", 1000.0),
        ("2.5E-2", 0.025),
        ("+1.0", 1.0),
    ],
)
def test_floats(scalar: str, expected: float) -> None:
    result = value(scalar)
    assert result == expected
    assert type(result) is float


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        (".inf", math.inf),
        (".Inf", math.inf),
        (".INF", math.inf),
        ("+.inf", math.inf),
        ("-.inf", -math.inf),
        ("-.INF", -math.inf),
    ],
)
def test_infinity(scalar: str, expected: float) -> None:
    assert value(scalar) == expected


@pytest.mark.parametrize("scalar", [".nan", ".NaN", ".NAN"])
def test_not_a_number(scalar: str) -> None:
    assert math.isnan(value(scalar))


@pytest.mark.parametrize("scalar", ["inf", "nan", ".infinity", "-.nan", "1.2.3", "e3"])
def test_near_floats_are_strings(scalar: str) -> None:
    assert value(scalar) == scalar


@pytest.mark.parametrize("text", ["v:\n", "v: ~\n", "v: null\n", "v: Null\n", "v: NULL\n"])
def test_null_forms(text: str) -> None:
    assert parse(text).data == {"v": None}


@pytest.mark.parametrize("scalar", ["nul", "NuLL", "none", "None", "~~"])
def test_near_nulls_are_strings(scalar: str) -> None:
    assert value(scalar) == scalar


@pytest.mark.parametrize(
    "quoted",
    ["'no'", '"yes"', "'true'", '"42"', "'0x1F'", '"1.5"', "'~'", '"null"', "''", "'.inf'"],
)
def test_quoted_scalars_stay_strings(quoted: str) -> None:
    assert value(quoted) == quoted[1:-1]


def test_block_scalars_stay_strings() -> None:
    assert parse("v: |\n  true\n").data == {"v": "true\n"}
    assert parse("v: >-\n  42\n").data == {"v": "42"}


def test_dates_and_times_stay_strings() -> None:
    # The core schema has no timestamps; models parse them, with their offset.
    assert value("2026-11-24") == "2026-11-24"
    assert value("2026-11-24T10:00:00+01:00") == "2026-11-24T10:00:00+01:00"


@pytest.mark.parametrize(
    ("tagged", "expected"),
    [
        ("!!str 42", "42"),
        ("!!str true", "true"),
        ("!!int 42", 42),
        ("!!float 1", 1.0),
        ("!!bool false", False),
        ("!!null ~", None),
        ("!!float -" + "9" * 400, -math.inf),
    ],
)
def test_core_tags_are_allowed(tagged: str, expected: Any) -> None:
    result = value(tagged)
    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("tagged", "message"),
    [
        ("!!int abc", "'abc' is not a valid !!int"),
        ("!!bool yes", "'yes' is not a valid !!bool"),
        ("!!int true", "'true' is not a valid !!int"),
        ("!!seq x", "'!!seq' tags a scalar; remove the tag"),
        ("!!str [a]", "'!!str' tags a list; remove the tag"),
        ("!!python/object:os.system {}", "unsupported tag '!!python/object:os.system'"),
        ("!!python/name:os.system ''", "unsupported tag '!!python/name:os.system'"),
        ("!!binary aGk=", "unsupported tag '!!binary'"),
        ("!!timestamp 2001-12-14", "unsupported tag '!!timestamp'"),
        ("!!set {a}", "unsupported tag '!!set'"),
        ("!custom x", "unsupported tag '!custom'"),
        ("!<tag:example.com,2000:x> 1", "unsupported tag 'tag:example.com,2000:x'"),
    ],
)
def test_other_tags_are_refused(tagged: str, message: str) -> None:
    found = problem(f"v: {tagged}\n")
    assert (found.rule, found.line, found.column) == (SYNTAX, 1, 4)
    assert message in found.message


def test_float_tag_on_a_huge_integer_is_infinite_not_an_error() -> None:
    assert value("!!float " + "9" * 400) == math.inf
    assert value("!!float 12") == 12.0


# -- keys ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("1", "a number"),
        ("1.5", "a number"),
        ("true", "a boolean"),
        ("~", "null"),
        ("null", "null"),
        (".nan", "a number"),
    ],
)
def test_keys_must_be_strings(key: str, kind: str) -> None:
    found = problem(f"a: 1\n{key}: 2\n")
    assert (found.rule, found.line, found.column) == (SYNTAX, 2, 1)
    assert f"mapping key {key} reads as {kind}, not a string" in found.message
    assert f'quote it: "{key}"' in found.message


def test_quoted_and_word_keys_are_strings() -> None:
    assert parse("'1': a\nno: b\non: c\n\"true\": d\n").data == {
        "1": "a",
        "no": "b",
        "on": "c",
        "true": "d",
    }


@pytest.mark.parametrize(
    ("text", "kind", "line", "column"),
    [
        ("? [a, b]\n: c\n", "list", 1, 3),
        ("{a: 1}: x\n", "mapping", 1, 1),
        ("? {a: 1}\n: x\n", "mapping", 1, 3),
    ],
)
def test_complex_keys_are_refused(text: str, kind: str, line: int, column: int) -> None:
    found = problem(text)
    assert (found.rule, found.line, found.column) == (SYNTAX, line, column)
    assert f"a {kind} cannot be a mapping key" in found.message


def test_duplicate_keys_point_at_the_second_and_name_the_first() -> None:
    found = problem("a: 1\nspec:\n  tier: 1\n  'tier': 2\n")
    assert (found.rule, found.line, found.column) == (DUPLICATE_KEY, 4, 3)
    assert found.message == (
        "duplicate key 'tier' (first defined on line 3, column 3); keep one of them"
    )


def test_merge_key_is_refused_but_a_quoted_one_is_a_plain_key() -> None:
    found = problem("base: &b {x: 1}\nother:\n  <<: *b\n")
    assert (found.rule, found.line, found.column) == (SYNTAX, 3, 3)
    assert "merge key '<<' is not supported" in found.message
    assert parse("'<<': 1\n").data == {"<<": 1}


# -- positions -----------------------------------------------------------------------

DOC = """\
apiVersion: itsmcode/v1
kind: Service
metadata: {name: api, labels: {team: core}}
spec:
  dependsOn:
    - service: db
      type: hard
    - {service: cache, type: soft}
"""


@pytest.fixture
def doc() -> YamlDocument:
    return parse(DOC)


@pytest.mark.parametrize(
    ("loc", "key", "expected"),
    [
        ((), False, (1, 1)),
        (("kind",), False, (2, 7)),
        (("kind",), True, (2, 1)),
        (("metadata", "name"), False, (3, 18)),
        (("metadata", "name"), True, (3, 12)),
        (("metadata", "labels", "team"), False, (3, 38)),
        (("spec", "dependsOn"), True, (5, 3)),
        (("spec", "dependsOn", 0), False, (6, 7)),
        (("spec", "dependsOn", 0, "type"), False, (7, 13)),
        (("spec", "dependsOn", 0, "type"), True, (7, 7)),
        (("spec", "dependsOn", 1, "service"), False, (8, 17)),
        (("spec", "dependsOn", 1, "type"), True, (8, 24)),
    ],
)
def test_locate(
    doc: YamlDocument, loc: tuple[str | int, ...], key: bool, expected: tuple[int, int]
) -> None:
    assert doc.locate(loc, key=key) == expected


@pytest.mark.parametrize(
    ("loc", "expected"),
    [
        (("spec", "owner"), (5, 3)),  # missing field: the mapping that should hold it
        (("spec", "dependsOn", 7), (6, 5)),  # index out of range: the list
        (("spec", "dependsOn", "x"), (6, 5)),  # a key into a list: the list
        (("kind", "deeper"), (2, 7)),  # below a scalar: the scalar
        (("nowhere", "at", "all"), (1, 1)),
    ],
)
def test_locate_a_missing_path_answers_the_deepest_node_found(
    doc: YamlDocument, loc: tuple[str | int, ...], expected: tuple[int, int]
) -> None:
    assert doc.locate(loc) == expected
    # key=True cannot point at a key that is not there: it answers the same node.
    assert doc.locate(loc, key=True) == expected


def test_positions_ignore_bom_and_crlf() -> None:
    text = decode(b"\xef\xbb\xbfa: 1\r\nb:\r\n  c: x\r\n")
    document = parse(text)
    assert document.data == {"a": 1, "b": {"c": "x"}}
    assert document.locate(("b", "c")) == (3, 6)


def test_columns_count_characters_not_bytes() -> None:
    document = parse('title: "héllo wörld"\nname: ünïcødé\nemoji: 🙂\nafter: x\n')
    assert document.locate(("name",)) == (2, 7)
    assert document.locate(("emoji",)) == (3, 8)
    assert problem("a: 😀😀 b: c\n").column == 8


def test_deep_loc_in_a_nested_list(doc: YamlDocument) -> None:
    nested = parse("a:\n  - - - {b: [1, 2, {c: here}]}\n")
    assert nested.locate(("a", 0, 0, 0, "b", 2, "c")) == (2, 24)


# -- aliases ---------------------------------------------------------------------------


def test_aliases_share_one_value() -> None:
    data = parse("base: &b {tier: 1, tags: [a, b]}\nx: *b\ny: *b\ns: &s hello\nt: *s\n").data
    assert data["x"] == {"tier": 1, "tags": ["a", "b"]}
    assert data["x"] is data["base"] is data["y"]  # built once, not copied
    assert data["t"] == "hello"


def test_alias_position_is_the_anchor() -> None:
    document = parse("base: &b {tier: 1}\nx: *b\n")
    assert document.locate(("x", "tier")) == (1, 17)


def test_alias_as_a_key() -> None:
    assert parse("k: &k name\n*k : 1\n").data == {"k": "name", "name": 1}


def test_undefined_alias() -> None:
    found = problem("a: 1\nb: *missing\n")
    assert (found.rule, found.line, found.column) == (SYNTAX, 2, 4)
    assert found.message == "alias '*missing' has no anchor; define '&missing' before it"


@pytest.mark.parametrize(
    ("text", "line", "column"), [("a: &a [*a]\n", 1, 4), ("a: &a\n  b: *a\n", 1, 4)]
)
def test_recursive_alias(text: str, line: int, column: int) -> None:
    found = problem(text)
    assert (found.rule, found.line, found.column) == (LIMITS, line, column)
    assert "recursive alias" in found.message


# -- limits ---------------------------------------------------------------------------


def bomb(levels: int, fan: int = 9) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * fan)}]"]
    for i in range(1, levels + 1):
        lines.append(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * fan)}]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_bounded() -> None:
    found = problem(bomb(9))
    assert found.rule == LIMITS
    assert "aliases expand to more than 250000 nodes" in found.message
    assert found.line > 1


def test_moderate_alias_use_is_fine_and_the_bound_is_configurable() -> None:
    text = bomb(3)  # about 9**4 = 6,561 nodes expanded
    assert len(parse(text).data["l3"]) == 9
    assert problem(text, Limits(max_nodes=1000)).rule == LIMITS


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 70 + "]" * 70 + "\n",
        "".join("  " * i + f"k{i}:\n" for i in range(70)),
        "a: " + "[" * 5000 + "]" * 5000 + "\n",  # past the event-stream pre-check's bound
        "a:\n" + "- " * 5000 + "x\n",
    ],
)
def test_nesting_limit(text: str) -> None:
    found = problem(text)
    assert found.rule == LIMITS
    assert found.message == "nesting deeper than 64 levels; flatten the structure"


def test_nesting_at_the_limit_is_fine() -> None:
    # The root mapping is level 1; 63 lists below it make 64.
    document = parse("a: " + "[" * 63 + "]" * 63 + "\n")
    inner = document.data["a"]
    for _ in range(62):
        inner = inner[0]
    assert inner == []
    assert problem("a: " + "[" * 64 + "]" * 64 + "\n").rule == LIMITS


def test_depth_limit_is_configurable() -> None:
    # Collections are levels (the root mapping is the first); scalars are not.
    assert problem("a: {b: {c: 1}}\n", Limits(max_depth=2)).rule == LIMITS
    assert parse("a: {b: {c: 1}}\n", Limits(max_depth=3)).data == {"a": {"b": {"c": 1}}}


def test_numbers_longer_than_a_thousand_digits_are_refused() -> None:
    found = problem("a: 1\nn: " + "7" * 5000 + "\n")
    assert (found.rule, found.line, found.column) == (LIMITS, 2, 4)
    assert "has 5000 digits" in found.message
    assert len(found.message) < 200
    assert value("0x" + "f" * 998) == int("f" * 998, 16)


# -- syntax and document shape ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document; put one entity in each file"),
        ("a:\n\tb: 1\n", 2, 1, "tab character; indent YAML with spaces"),
        ("- a\n", 1, 1, "top level is a list; expected a mapping"),
        ("just text\n", 1, 1, "top level is a scalar; expected a mapping"),
        ("---\n", 2, 1, "top level is a scalar"),
        ("a: [1, 2\n", 2, 1, "did not find expected ',' or ']'"),
        ("a: b\x07c\n", 1, 5, "control character U+0007 is not allowed in YAML; remove it"),
        ("é: b\x01\n", 1, 5, "control character U+0001"),
        ('a: "\\ud800"\n', 1, 7, "found invalid Unicode character escape code"),
        ("a: b: c\n", 1, 5, "mapping values are not allowed in this context"),
    ],
)
def test_syntax_problems_are_located(text: str, line: int, column: int, message: str) -> None:
    found = problem(text)
    assert (found.rule, found.line, found.column) == (SYNTAX, line, column)
    assert message in found.message
    assert "\n" not in found.message


@pytest.mark.parametrize("text", ["", "  \n\n", " \t \n", "# only\n# comments\n", "\n\n\n"])
def test_empty_documents(text: str) -> None:
    found = problem(text)
    assert (found.rule, found.line, found.column) == (SYNTAX, 1, 1)
    assert found.message.startswith("file is empty")


def test_explicit_document_markers_around_one_document_are_fine() -> None:
    assert parse("%YAML 1.2\n---\na: 1\n...\n").data == {"a": 1}


# -- decode ----------------------------------------------------------------------------


def test_decode_accepts_utf8_with_and_without_bom() -> None:
    assert decode("a: ü\n".encode()) == "a: ü\n"
    assert decode(b"\xef\xbb\xbfa: 1\n") == "a: 1\n"


@pytest.mark.parametrize(
    ("raw", "line", "column", "message"),
    [
        ("a: 1\n".encode("utf-16"), 1, 1, "file is UTF-16-encoded; save it as UTF-8"),
        ("a: 1\n".encode("utf-16-be"), 1, 1, "file looks UTF-16-encoded; save it as UTF-8"),
        ("a: 1\n".encode("utf-32"), 1, 1, "file is UTF-32-encoded; save it as UTF-8"),
        (b"a: 1\nb: caf\xe9\n", 2, 7, "invalid UTF-8 (byte 0xe9); save the file as UTF-8"),
        (b"a: \xc3\n", 1, 4, "invalid UTF-8 (byte 0xc3)"),
        (b"\x7fELF\x02\x01\x01\x00\x00", 1, 8, "binary file (contains a NUL byte)"),
    ],
)
def test_decode_problems(raw: bytes, line: int, column: int, message: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        decode(raw)
    found = caught.value
    assert (found.rule, found.line, found.column) == (UNREADABLE, line, column)
    assert message in found.message


# -- messages ----------------------------------------------------------------------------


def test_show_cuts_and_escapes_file_content() -> None:
    assert show("payments") == "payments"
    assert show("x" * 500) == "x" * 59 + "…"
    assert show("red\x1b[31m") == "red\\x1b[31m"
    assert show(3) == "3"


def test_hostile_key_cannot_bloat_or_repaint_a_message() -> None:
    key = "k" * 500 + "\\e[2J"  # ESC written as a YAML escape; implicit keys stop at 1024
    found = problem(f'"{key}": 1\n"{key}": 2\n')
    assert found.rule == DUPLICATE_KEY
    assert "\x1b" not in found.message
    assert len(found.message) < 200


def test_deep_but_bounded_nesting_fits_a_small_thread_stack() -> None:
    """libyaml composes recursively in C: the pre-check must refuse a file before that
    recursion could overflow even a 512 KiB thread stack (a crash, not an exception).
    Run in a child process so that a regression fails this test, not the whole suite."""
    import subprocess
    import sys

    script = """
import threading
from itsmcode.load.yamlio import YamlProblem, parse

def work():
    for text in ["a: " + "[" * 999 + "]" * 999, "a:\\n" + "- " * 999 + "x",
                 "a: " + "{b: " * 998 + "}" * 998, "a: " + "[" * 100000]:
        try:
            parse(text)
        except YamlProblem as problem:
            print(problem.rule)

threading.stack_size(512 * 1024)
thread = threading.Thread(target=work)
thread.start()
thread.join()
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["yaml-limits"] * 4


def test_bad_bytes_after_a_bom_are_located_in_text_columns() -> None:
    with pytest.raises(YamlProblem) as invalid:
        decode(b'\xef\xbb\xbfa: "xx" \xff\r\n')
    assert (invalid.value.line, invalid.value.column) == (1, 9)
    assert "0xff" in invalid.value.message
    with pytest.raises(YamlProblem) as nul:
        decode(b"\xef\xbb\xbfab\x00")
    assert (nul.value.line, nul.value.column) == (1, 3)


def _core_type_reference(text: str) -> str:
    """The core schema's resolution, pattern by pattern (yaml.org/spec/1.2.2, 10.3.2)."""
    patterns = {
        "null": r"null|Null|NULL|~|",
        "bool": r"true|True|TRUE|false|False|FALSE",
        "int": r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
        "float": r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)"
        r"|\.(nan|NaN|NAN)",
    }
    for kind, pattern in patterns.items():
        if re.fullmatch(pattern, text):
            return kind
    return "str"


@settings(max_examples=500)
@given(st.text(alphabet="0123456789-+.eExXoOabcdfABCDF_infINFNaNtrueTRUEalsFLS~ :", max_size=10))
@example("1e3")
@example("0x1F")
@example("-.Inf")
@example("2026-12-01")
def test_core_type_is_the_core_schema(text: str) -> None:
    assert core_type(text) == _core_type_reference(text)
