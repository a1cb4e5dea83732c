"""The approval record (git note) format: canonical, round-trips, refuses what it isn't."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from itsmcode.policy.approval_record import (
    Approval,
    ApprovalRecord,
    Commits,
    PolicyRef,
    PullRequestFacts,
    RecordError,
    RuleOutcome,
)

WHEN = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)


def record() -> ApprovalRecord:
    return ApprovalRecord(
        pull_request=PullRequestFacts(number=42, author="alice", base_ref="main", labels=["x"]),
        commits=Commits(base="1" * 40, head="2" * 40, merge="3" * 40, merge_tree="4" * 40),
        policy=PolicyRef(path="processes/approval-policy.yaml", blob="5" * 40, commit="1" * 40),
        decision="approved",
        approvers=[Approval(login="bob", submitted_at=WHEN, commit="2" * 40, review_id=7)],
        rules=[RuleOutcome(name="owners", status="satisfied", approved_by=["bob"])],
        evaluated_at=WHEN,
    )


def test_round_trip_and_documented_field_names() -> None:
    text = record().to_json()
    data = json.loads(text)
    assert data["schema"] == "itsmcode/approval-record/v1"
    assert data["pullRequest"]["number"] == 42
    assert data["commits"]["mergeTree"] == "4" * 40
    assert data["approvers"][0] == {
        "login": "bob",
        "submittedAt": "2026-11-20T10:00:00Z",
        "commit": "2" * 40,
        "reviewId": 7,
    }
    assert ApprovalRecord.from_json(text) == record()


def test_same_decision_gives_byte_identical_note() -> None:
    assert record().to_json() == record().to_json()
    assert list(json.loads(record().to_json())) == sorted(json.loads(record().to_json()))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(schema="itsmcode/approval-record/v9"), "schema"),
        (lambda d: d.update(decision="approved-by-me"), "decision"),
        (lambda d: d["commits"].pop("head"), "commits.head"),
        (lambda d: d.update(approvedBy="mallory"), "approvedBy"),
    ],
)
def test_forged_or_malformed_notes_are_refused(mutate: object, message: str) -> None:
    data = json.loads(record().to_json())
    mutate(data)  # type: ignore[operator]
    with pytest.raises(RecordError, match=message):
        ApprovalRecord.from_json(json.dumps(data))


def test_not_json_is_refused() -> None:
    with pytest.raises(RecordError, match="invalid approval record"):
        ApprovalRecord.from_json("approved by bob")
