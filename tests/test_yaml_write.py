"""``yamlio.dump`` (the writer of ``itsm show`` and of policy scenario files): what it
writes reads back as the same values under YAML 1.2 (itsm's own loader) and YAML 1.1
(PyYAML's safe loader, as many other tools read). Reference: the value itself."""

from __future__ import annotations

import math
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.load.yamlio import dump, load_value

# Strings that are something else in YAML 1.2, in YAML 1.1, or in both.
TRICKY = [
    "no", "No", "NO", "yes", "on", "off", "y", "n", "true", "False", "~", "null", "Null", "",
    "1e3", "1E3", "-1e-3", "0x1F", "0o17", "017", "0b101", "1_000", "12:30", "190:20:30",
    ".inf", "-.Inf", ".nan", ".NaN", "+12", "-0", "3.", ".5", "2026-01-01",
    "2026-01-01T10:00:00Z", "2026-01-01 10:00", "=", "<<", "-", "?", ":", "- x", "? x",
    "a: b", "#x", "x #y", "&a", "*a", "!x", "!!str", "%x", "@x", "`x", "|", ">", "'", '"',
    "[a]", "{a: b}", " lead", "trail ", "two\nlines", "tab\tin", "é", "日本語", "emoji 🎉",
    "\x85", "\u2028", "\ufeff", "\x1b[31m",
]  # fmt: skip
PLAIN = st.one_of(
    st.sampled_from(TRICKY),
    st.text(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
KEYS = st.one_of(st.sampled_from(TRICKY), st.text(min_size=1))
VALUES = st.recursive(
    PLAIN,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, min_size=1, max_size=4)
    ),
    max_leaves=12,
)


def same(loaded: Any, expected: Any) -> bool:
    if isinstance(expected, float):
        return isinstance(loaded, float) and (
            loaded == expected and math.copysign(1, loaded) == math.copysign(1, expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(loaded, list)
            and len(loaded) == len(expected)
            and all(same(a, b) for a, b in zip(loaded, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(loaded, dict)
            and list(loaded) == list(expected)
            and all(same(loaded[k], expected[k]) for k in expected)
        )
    return type(loaded) is type(expected) and loaded == expected


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(TRICKY) | st.text())
def test_a_string_reads_back_as_that_string_under_yaml_1_2_and_1_1(text: str) -> None:
    written = dump({"v": text})
    assert load_value(written) == {"v": text}
    assert yaml.safe_load(written) == {"v": text}


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, VALUES, min_size=1, max_size=5))
def test_any_plain_document_reads_back_unchanged(document: dict[str, Any]) -> None:
    written = dump(document)
    assert same(load_value(written), document), written
    assert same(yaml.safe_load(written), document), written


def test_strings_that_are_numbers_in_yaml_1_2_only_are_quoted() -> None:
    # PyYAML's YAML 1.1 emitter wrote these bare; itsm read them back as numbers.
    assert dump({"github": "1e3", "mode": "0o17"}) == "github: '1e3'\nmode: '0o17'\n"


def test_numbers_booleans_and_null_stay_bare() -> None:
    written = dump({"a": 1, "b": 2.5, "c": True, "d": None, "e": "text"})
    assert written == "a: 1\nb: 2.5\nc: true\nd: null\ne: text\n"
