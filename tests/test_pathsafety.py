"""pathsafety: every path a case-insensitive or Windows checkout would merge with a
file of a kind's folder is refused, checked by Hypothesis against a slow reference
(what such a file system compares: lower case, trailing dots and spaces dropped)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from itsmcode.load.layout import Layout
from itsmcode.load.pathsafety import Places, path_problem, path_problems
from itsmcode.models import Config

CONFIG = Config.model_validate(
    {
        "apiVersion": "itsmcode/v1",
        "kind": "Config",
        "metadata": {"name": "t"},
        "spec": {"timezone": "UTC", "practices": ["catalog", "change"]},
    }
)
PLACES = Places.of([Layout.from_config(CONFIG)])
FOLDERS = sorted(f for f in Layout.from_config(CONFIG).folders.values() if "." not in f)
NAMES = st.from_regex(r"[a-z0-9][a-z0-9-]{0,12}", fullmatch=True)


def windows_key(path: str) -> tuple[str, ...]:
    """The slow obvious reference: how NTFS / APFS (case-insensitive) compare names."""
    return tuple(part.rstrip(". ").lower() for part in path.split("/"))


@st.composite
def real_and_variant(draw: st.DrawFn) -> tuple[str, str]:
    folder = draw(st.sampled_from(FOLDERS))
    name = draw(NAMES)
    real = f"{folder}/{name}.yaml"
    chars = list(real)
    for i in draw(st.sets(st.integers(0, len(chars) - 1), max_size=4)):
        chars[i] = chars[i].upper()
    variant = "".join(chars)
    if draw(st.booleans()):
        parts = variant.split("/")
        k = draw(st.integers(0, len(parts) - 1))
        parts[k] += draw(st.sampled_from([".", " ", "..", ". "]))
        variant = "/".join(parts)
    return real, variant


@given(real_and_variant())
def test_every_variant_a_checkout_would_merge_is_refused(pair: tuple[str, str]) -> None:
    real, variant = pair
    assert windows_key(real) == windows_key(variant)  # the reference says: same file there
    problems = path_problems([real, variant], PLACES)
    assert real not in problems or variant in problems
    if variant != real:
        assert variant in problems, variant
    else:
        assert problems == {}


@given(st.sampled_from(FOLDERS), NAMES)
def test_the_real_file_alone_is_fine(folder: str, name: str) -> None:
    assert path_problem(f"{folder}/{name}.yaml", PLACES) is None
    assert path_problem(f"{folder}/sub/{name}.yml", PLACES) is None


@given(st.from_regex(r"[A-Za-z0-9 ._-]{1,10}(/[A-Za-z0-9 ._-]{1,10}){0,2}", fullmatch=True))
def test_paths_no_checkout_puts_in_a_kind_folder_are_not_judged(path: str) -> None:
    key = "/".join(windows_key(path))
    inside = any(
        key == "/".join(windows_key(f)) or key.startswith("/".join(windows_key(f)) + "/")
        for f in [*Layout.from_config(CONFIG).folders.values(), "itsm.yaml"]
    )
    above = any(
        "/".join(windows_key(f)).startswith(key + "/")
        for f in Layout.from_config(CONFIG).folders.values()
    )
    if not inside and not above:
        assert path_problem(path, PLACES) is None


@given(st.sampled_from(FOLDERS), NAMES, st.sampled_from(["\n", "\t", "\x7f", "\x1b"]))
def test_a_control_character_in_a_kind_folder_is_refused(
    folder: str, name: str, control: str
) -> None:
    why = path_problem(f"{folder}/{name}{control}x.yaml", PLACES)
    assert why is not None and why.startswith("control character in the path")


@given(
    st.lists(
        st.one_of(
            st.from_regex(r"[a-z0-9. _-]{0,8}", fullmatch=True),
            st.text(st.sampled_from("aZé.ß K\u0130\u212a-"), max_size=6),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_folding_a_path_takes_no_shortcut_that_changes_it(parts: list[str]) -> None:
    """``fold_path`` returns a lower-case ASCII path as it is (most paths): the same as
    folding each component, trailing dots and spaces, Unicode and ``..`` included."""
    from itsmcode.load.pathsafety import fold, fold_path

    path = "/".join(parts)
    assert fold_path(path) == "/".join(fold(part) for part in path.split("/"))
