"""Hypothesis: for scrambled, commented entity files with awkward strings, fmt keeps
the values, keeps every comment, and is stable (fmt of fmt output changes nothing)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.fmt.run import format_text
from itsmcode.load.yamlio import parse

AWKWARD = [
    "no",
    "yes",
    "on",
    "off",
    "y",
    "~",
    "null",
    "true",
    "1e3",
    "0o17",
    "0x1F",
    "12:30",
    "08:00",
    ".inf",
    "2026-01-01",
    "a: b",
    "x #y",
    "*glob/**",
    "&anchor",
    "!tag",
    "@at",
    "`tick",
    "%pct",
    "it's",
    'say "hi"',
    "plain words",
    "ünïcødé",
    "-dash",
    "? q",
    "- item",
    "[x]",
    "{y}",
    "a,b",
    "",
]
SCALARS = st.one_of(
    st.sampled_from(AWKWARD),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12),
    st.integers(-5, 5000),
    st.booleans(),
)
COMMENTS = st.lists(st.sampled_from(["# note", "# why: because", "#x", "# ---"]), max_size=2)


def quoted(value: object) -> str:
    """The reference writer: every string as a JSON (hence YAML) double-quoted scalar."""
    return json.dumps(value, ensure_ascii=False)


@st.composite
def documents(draw: st.DrawFn) -> str:
    labels = draw(
        st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True), SCALARS, max_size=4)
    )
    metadata = {"name": '"svc"', "title": quoted(draw(SCALARS)), "labels": None}
    spec = {
        "type": '"technical"',
        "tier": str(draw(st.integers(1, 4))),
        "lifecycle": '"live"',
        "owner": '"payments"',
    }
    top = {"apiVersion": '"itsmcode/v1"', "kind": '"Service"', "metadata": None, "spec": None}
    lines: list[str] = []
    for key in draw(st.permutations(list(top))):
        lines += draw(COMMENTS)
        if key == "metadata":
            lines.append("metadata:")
            for mkey in draw(st.permutations(list(metadata))):
                lines += ["  " + c for c in draw(COMMENTS)]
                if mkey == "labels":
                    lines.append("  labels:")
                    lines += [f"    {k}: {quoted(v)}" for k, v in labels.items()] or []
                    if not labels:
                        lines[-1] = "  labels: {}"
                else:
                    lines.append(f"  {mkey}: {metadata[mkey]}")
        elif key == "spec":
            lines.append("spec:" + draw(st.sampled_from(["", "  # eol"])))
            for skey in draw(st.permutations(list(spec))):
                lines += ["  " + c for c in draw(COMMENTS)]
                lines.append(f"  {skey}: {spec[skey]}")
        else:
            lines.append(f"{key}: {top[key]}")
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None)
@given(documents())
def test_fmt_keeps_values_comments_and_is_stable(text: str) -> None:
    result = format_text(text)
    assert parse(result.text).data == parse(text).data
    assert not format_text(result.text).changed
    assert full_line_comments(result.text) == full_line_comments(text)
    assert ("spec:  # eol" in result.text) == ("spec:  # eol" in text)


def full_line_comments(text: str) -> list[str]:
    return sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#"))
