"""The two parsers break-glass and the merge queue rest on, against slow references.

- ``merge_group.head_ref``: ``refs/heads/gh-readonly-queue/<base>/pr-<N>-<sha>`` names
  pull request N of a group into ``<base>`` (a branch name may itself hold slashes and
  ``pr-`` parts); anything else is refused, never guessed.
- the break-glass marker: a review invokes it only when its text, leading blank space
  aside, starts with exactly ``break-glass:``; the reason is the rest, trimmed.
"""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.policy.breakglass import MARKER, reason_of
from itsmcode.policy.github import PayloadError, parse_merge_group

SHA = "0123456789abcdef0123456789abcdef01234567"
OTHER = "89abcdef0123456789abcdef0123456789abcdef"
BRANCH = st.text(alphabet=string.ascii_letters + string.digits + "-_./", min_size=1, max_size=30)


def group(head_ref: object, base_ref: object = "refs/heads/main") -> dict[str, object]:
    return {"head_sha": SHA, "base_sha": OTHER, "head_ref": head_ref, "base_ref": base_ref}


def reference_number(head_ref: str, branch: str) -> int | None:
    """Slowly: strip the known prefix, then the last '-<40 hex>', then 'pr-<digits>'."""
    prefix = f"refs/heads/gh-readonly-queue/{branch}/"
    if not head_ref.startswith(prefix):
        return None
    rest = head_ref[len(prefix) :]
    if len(rest) < 42 or rest[-41] != "-":
        return None
    sha, name = rest[-40:], rest[:-41]
    if any(c not in "0123456789abcdef" for c in sha):
        return None
    if not name.startswith("pr-") or not name[3:].isdigit() or not name[3:].isascii():
        return None
    return int(name[3:])


@settings(max_examples=300, deadline=None)
@given(branch=BRANCH, number=st.integers(min_value=0, max_value=10**9))
def test_a_queue_ref_names_its_pull_request(branch: str, number: int) -> None:
    head_ref = f"refs/heads/gh-readonly-queue/{branch}/pr-{number}-{OTHER}"
    parsed = parse_merge_group(group(head_ref, f"refs/heads/{branch}"), "merge_group")
    assert (parsed.number, parsed.base_ref, parsed.ref_sha) == (number, branch, OTHER)
    assert parsed.number == reference_number(head_ref, branch)


@settings(max_examples=300, deadline=None)
@given(branch=BRANCH, tail=st.text(max_size=60))
def test_any_other_head_ref_is_refused_or_agrees_with_the_reference(branch: str, tail: str) -> None:
    head_ref = f"refs/heads/gh-readonly-queue/{branch}/{tail}"
    expected = reference_number(head_ref, branch)
    try:
        parsed = parse_merge_group(group(head_ref, f"refs/heads/{branch}"), "merge_group")
    except PayloadError as exc:
        assert expected is None
        assert "merge_group.head_ref: expected refs/heads/gh-readonly-queue/" in str(exc)
    else:
        assert parsed.number == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (group(f"refs/heads/gh-readonly-queue/release/pr-1-{SHA}"), "merge_group.head_ref"),
        (group(f"refs/heads/gh-readonly-queue/main/pr-1-{SHA}", "main"), "merge_group.base_ref"),
        ({**group(f"refs/heads/gh-readonly-queue/main/pr-1-{SHA}"), "head_sha": "abc"}, "head_sha"),
        ("not an object", "merge_group: missing or not an object"),
    ],
)
def test_a_malformed_group_is_a_located_error(data: object, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        parse_merge_group(data, "merge_group")


def reference_reason(body: str) -> str | None:
    """Slowly: drop leading whitespace characters one by one, compare the marker."""
    index = 0
    while index < len(body) and body[index].isspace():
        index += 1
    if body[index : index + len(MARKER)] != MARKER:
        return None
    return body[index + len(MARKER) :].strip()


@settings(max_examples=500, deadline=None)
@given(
    lead=st.text(alphabet=" \t\n\r", max_size=5),
    marker=st.sampled_from(
        [MARKER, "Break-Glass:", "BREAK-GLASS:", "break-glass", "> break-glass:"]
    ),
    reason=st.text(max_size=40),
    before=st.text(max_size=10),
)
def test_the_marker_reading_agrees_with_the_reference(
    lead: str, marker: str, reason: str, before: str
) -> None:
    for body in (lead + marker + reason, before + lead + marker + reason):
        assert reason_of(body) == reference_reason(body)
    assert reason_of(None) is None
