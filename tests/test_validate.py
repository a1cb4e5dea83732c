"""Validation: plain values to entities, pydantic errors to located, readable problems.

Through ``snapshot.load_record``, so each problem is asserted where the user sees it:
(line, column, rule) and the message.
"""

from __future__ import annotations

import textwrap

import pytest

from itsmcode.load.catalog import Record
from itsmcode.load.snapshot import load_record
from itsmcode.load.validate import validate
from itsmcode.load.yamlio import Limits
from itsmcode.models import Service

SERVICE = """\
apiVersion: itsmcode/v1
kind: Service
metadata: {name: api}
spec:
  type: technical
  tier: 2
  lifecycle: live
  owner: payments
"""


def load(text: str) -> Record:
    return load_record("catalog/services/api.yaml", textwrap.dedent(text).encode(), None, Limits())


def problems(text: str) -> list[tuple[int, int, str, str]]:
    return [(p.location.line, p.location.column, p.rule, p.message) for p in load(text).problems]


def test_a_valid_entity() -> None:
    record = load(SERVICE)
    assert record.problems == []
    assert isinstance(record.entity, Service)
    assert record.entity.spec.tier == 2


def test_missing_kind_is_located_at_the_top() -> None:
    assert problems("apiVersion: itsmcode/v1\nmetadata: {name: api}\n") == [
        (
            1,
            1,
            "schema",
            "missing 'kind'; one of: Config, Team, Service, SLA, Calendar, "
            "ChangeRequest, StandardChange, ApprovalPolicy, Incident, Problem, Scorecard, "
            "CabMinutes",
        ),
    ]


def test_unknown_kind_suggests_the_closest() -> None:
    assert problems(SERVICE.replace("kind: Service", "kind: service")) == [
        (2, 7, "schema", "unknown kind 'service' (did you mean 'Service'?)"),
    ]


def test_null_kind_is_a_missing_kind() -> None:
    ((line, column, rule, message),) = problems(SERVICE.replace("kind: Service", "kind: ~"))
    assert (line, column, rule) == (1, 1, "schema")
    assert message.startswith("missing 'kind'; one of: Config")


@pytest.mark.parametrize("kind", ["[Service]", "{a: 1}", "1", "true"])
def test_kind_that_is_not_a_string(kind: str) -> None:
    found = problems(SERVICE.replace("kind: Service", f"kind: {kind}"))
    assert found == [
        (
            2,
            7,
            "schema",
            "kind must be a string, one of: Config, Team, Service, "
            "SLA, Calendar, ChangeRequest, StandardChange, ApprovalPolicy, Incident, "
            "Problem, Scorecard, CabMinutes",
        )
    ]


def test_unknown_field_is_located_at_its_key_with_a_suggestion() -> None:
    assert problems(SERVICE.replace("  tier: 2", "  teir: 2")) == [
        (4, 1, "schema", "missing required field 'spec.tier'"),
        (6, 3, "schema", "unknown field 'spec.teir' (did you mean 'tier'?)"),
    ]


def test_wrong_type_deep_inside_spec() -> None:
    text = SERVICE + "  dependsOn:\n    - {service: db, type: hard}\n    - {service: 7}\n"
    assert problems(text) == [
        (
            11,
            17,
            "schema",
            "spec.dependsOn[1].service: expected a name as a string such as "
            "'payments-api', got int",
        ),
    ]


def test_string_where_a_number_belongs() -> None:
    assert problems(SERVICE.replace("tier: 2", 'tier: "2"')) == [
        (6, 9, "schema", "spec.tier: input should be a valid integer, got string '2'"),
    ]


def test_yaml11_boolean_is_the_string_it_looks_like() -> None:
    assert problems(SERVICE.replace("lifecycle: live", "lifecycle: no")) == [
        (
            7,
            14,
            "schema",
            "spec.lifecycle: invalid value 'no'; expected one of: planned, "
            "live, deprecated, retired",
        ),
    ]


def test_enumeration_with_a_suggestion() -> None:
    assert problems(SERVICE.replace("lifecycle: live", "lifecycle: lve")) == [
        (
            7,
            14,
            "schema",
            "spec.lifecycle: invalid value 'lve' (did you mean 'live'?); "
            "expected one of: planned, live, deprecated, retired",
        ),
    ]


def test_mapping_where_a_list_belongs() -> None:
    found = problems(SERVICE + "  dependsOn: {service: db}\n")
    assert found == [(9, 14, "schema", "spec.dependsOn: expected a list, got mapping")]


def test_a_long_value_is_cut_but_the_advice_stays() -> None:
    (found,) = problems(SERVICE.replace("name: api", "name: " + "x" * 100_000))
    line, column, rule, message = found
    assert (line, column, rule) == (3, 18, "schema")
    assert message.startswith("metadata.name: invalid name 'xxxxx")
    assert message.endswith("…': use lowercase letters, digits and inner hyphens, 1-63 characters")
    assert len(message) < 200


def test_control_characters_in_a_value_are_escaped() -> None:
    (found,) = problems(SERVICE.replace("owner: payments", 'owner: "pay\\e[2Jments"'))
    assert found[:3] == (8, 10, "schema")
    assert "\x1b" not in found[3]
    assert "pay\\x1b[2Jments" in found[3]


def test_a_hostile_key_name_is_cut_and_escaped() -> None:
    key = "k" * 300 + "\\e[31m"
    (found,) = problems(SERVICE + f'  "{key}": 1\n')
    assert found[:3] == (9, 3, "schema")
    assert "\x1b" not in found[3]
    assert len(found[3]) < 200


def test_self_authorization_fields_are_left_to_their_rule() -> None:
    # validate() drops them so that the rest of the entity is still checked by the rules;
    # no-self-authorization reports them.
    record = load(SERVICE + "  approved: true\n  approvedBy: [alice]\n")
    assert record.problems == []
    assert isinstance(record.entity, Service)


@pytest.mark.parametrize("status", ["[]", "{a: 1}", "[approved]"])
def test_a_status_that_is_not_a_string_is_a_schema_problem(status: str) -> None:
    text = f"""\
    apiVersion: itsmcode/v1
    kind: ChangeRequest
    metadata: {{name: chg-1}}
    spec: {{status: {status}}}
    """
    found = problems(text)
    assert found and all(rule == "schema" for _, _, rule, _ in found)
    assert any(message.startswith("spec.status:") for *_, message in found)


def test_a_validator_bug_is_a_located_problem_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(cls: type, data: object) -> object:
        raise OverflowError("date value out of range")

    monkeypatch.setattr(Service, "model_validate", classmethod(explode))
    entity, found = validate({"kind": "Service"})
    assert entity is None
    (problem,) = found
    assert (problem.rule, problem.loc) == ("schema", ())
    assert problem.message == (
        "this file could not be validated (OverflowError: date value out of range); this is "
        "a bug in itsmcode, please report it with the file"
    )
