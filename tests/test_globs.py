"""The glob engine against a slow, obvious reference matcher, over arbitrary paths.

A path rule must match every path under its directory whatever characters the path
holds (issue 16: ``**`` compiled to ``.*`` without DOTALL, so a newline in a file name
escaped every ``paths`` rule).
"""

from __future__ import annotations

from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.load.globs import matches


def reference(path: str, pattern: str) -> bool:
    """Backtracking over the pattern's tokens, character by character (no regex).

    ``**/`` is zero or more whole leading segments, ``**`` any characters, ``*`` any
    characters but ``/``, ``?`` one character but ``/``; a pattern without ``/`` may
    start at any segment; a pattern ending in ``/`` matches what is under that folder.
    """
    pattern = pattern.lstrip("/")
    directory = pattern.endswith("/")
    core = pattern.rstrip("/") if directory else pattern

    @cache
    def here(p: int, s: int, end: int) -> bool:
        """Whether core[p:] matches path[s:end] exactly."""
        if p == len(core):
            return s == end
        if core.startswith("**/", p):
            return here(p + 3, s, end) or any(
                path[k - 1] == "/" and here(p + 3, k, end) for k in range(s + 1, end + 1)
            )
        if core.startswith("**", p):
            return any(here(p + 2, k, end) for k in range(s, end + 1))
        if core[p] == "*":
            k = s
            while True:
                if here(p + 1, k, end):
                    return True
                if k == end or path[k] == "/":
                    return False
                k += 1
        if s == end:
            return False
        if core[p] == "?":
            return path[s] != "/" and here(p + 1, s + 1, end)
        return path[s] == core[p] and here(p + 1, s + 1, end)

    starts = [0]
    if "/" not in core:
        starts += [k + 1 for k, c in enumerate(path) if c == "/"]
    ends = [k for k, c in enumerate(path) if c == "/"] if directory else [len(path)]
    return any(here(0, s, e) for s in starts for e in ends if s <= e)


# Characters that broke or could break a translation to regex: newlines and other
# control characters, regex metacharacters, separators, non-ASCII.
ODD = "/ab.*?[]\\^$()+{}|\n\r\t\x00\x1b\x7f\x85\u2028é☃"
paths = st.text(alphabet=st.sampled_from(ODD), max_size=14) | st.text(max_size=14)
patterns = st.text(alphabet=st.sampled_from("/ab.*?\n\\[é"), max_size=8)


@settings(max_examples=3000, deadline=None)
@given(path=paths, pattern=patterns)
def test_globs_agree_with_the_reference(path: str, pattern: str) -> None:
    assert matches(path, [pattern]) == reference(path, pattern)


@settings(max_examples=500, deadline=None)
@given(
    folder=st.sampled_from([".github", ".github/workflows", "processes", "a/b.c"]),
    rest=st.text(min_size=1),
)
def test_a_folder_rule_covers_every_path_under_it(folder: str, rest: str) -> None:
    path = f"{folder}/{rest}"
    assert matches(path, [f"{folder}/**"])
    assert matches(path, [f"{folder}/"])
    assert matches(path, [f"/{folder}/**"])


def test_the_reference_itself_on_known_cases() -> None:
    """The reference is only a reference if it says what the docs say."""
    cases = [
        ("processes/x.yaml", "processes/**", True),
        (".github/workflows/gate\n.yml", ".github/**", True),
        ("a/b/c.yaml", "*.yaml", True),
        ("a/b/c.yaml", "a/*.yaml", False),
        ("a/b/c.yaml", "a/**/c.yaml", True),
        ("a/c.yaml", "a/**/c.yaml", True),
        ("docs/x/y.md", "docs/", True),
        ("docs", "docs/", False),
        ("itsm.yaml", "itsm.yaml", True),
        ("x/itsm.yaml.bak", "itsm.yaml", False),
        ("a?b", "a?b", True),
        ("a/b", "a?b", False),
    ]
    for path, pattern, expected in cases:
        assert reference(path, pattern) is expected, (path, pattern)
        assert matches(path, [pattern]) is expected, (path, pattern)
