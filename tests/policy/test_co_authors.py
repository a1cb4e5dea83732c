"""``Co-authored-by:`` trailers, read from any commit message (Hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.git.facts import Identity
from itsmcode.policy.identities import co_authors

names = st.text(
    alphabet=st.characters(blacklist_characters="<>\n\r,;", blacklist_categories=("Cs",)),
    max_size=12,
).map(str.strip)
emails = st.from_regex(r"[a-z0-9+.-]{1,8}@[a-z0-9-]{1,8}\.[a-z]{2,3}", fullmatch=True)
keys = st.sampled_from(
    [
        "Co-authored-by:",
        "co-authored-by:",
        "CO-AUTHORED-BY:",
        "Co-Authored-By :",
        "co-authored-BY\t:",
    ]
)


@settings(max_examples=300, deadline=None)
@given(
    people=st.lists(st.tuples(keys, names, emails), max_size=5),
    body=st.text(max_size=40).filter(lambda t: "co-authored-by" not in t.lower()),
)
def test_every_trailer_is_read_whatever_the_key_case(
    people: list[tuple[str, str, str]], body: str
) -> None:
    lines = [f"{key} {name} <{email}>" for key, name, email in people]
    message = "subject\n\n" + body + "\n\n" + "\n".join(lines)
    assert co_authors(message) == [Identity(name, email) for _, name, email in people]


def test_odd_trailers_name_someone_or_stay_unknown() -> None:
    assert co_authors("x\n\nCo-authored-by: A <a@x.io>, B <b@y.io>") == [
        Identity("A", "a@x.io"),
        Identity("B", "b@y.io"),
    ]
    assert co_authors("Co-authored-by: b@y.io") == [Identity("", "b@y.io")]
    assert co_authors("Co-authored-by: just a name") == [Identity("just a name", "")]
    assert co_authors("Signed-off-by: A <a@x.io>\nCo-authored-by-not: B <b@y.io>") == []
