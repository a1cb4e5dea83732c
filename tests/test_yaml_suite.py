"""The official YAML test suite through the real loader (``yamlio.load_value``).

Every case either loads to the suite's expected JSON, or is an error case that is
refused, or is listed in tests/data/yaml-test-suite/classification.tsv with what it
does instead (refused for a documented reason, or an error case libyaml accepts with
the value the author wrote). A case that loads to a different value always fails.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from itsmcode.load.yamlio import SYNTAX, YamlProblem, load_value

DATA = Path(__file__).parent / "data" / "yaml-test-suite"

# What the message of each reason must say: a refusal for another reason is a change
# to review, not a pass.
REASONS = {
    "multi-document": r"^more than one YAML document; put one entity in each file$",
    "empty": r"^file is empty; ",
    "tag": r"^unsupported tag '[^']+'; only plain YAML values are allowed",
    "complex-key": r"^a (list|mapping) cannot be a mapping key; keys are plain strings$",
    "empty-key": r"^(mapping key \(empty\) reads as null|did not find expected key)",
    "anchor-name": r"(^anchor '&[^']+': use only letters, digits|while scanning an anchor|"
    r"^mapping values are not allowed in this context$)",
    "duplicate-anchor": r"found duplicate anchor",
    "tab": r"^tab character",
    "flow": r"(did not find expected ',' or '}'|did not find expected node content \(while "
    r"parsing a flow node\)|found unexpected ':'|takes '\?' for a key indicator)",
    "directive": r"(directive|found incompatible YAML document)",
    "document-marker": r"(did not find expected <document start>|did not find expected node "
    r"content \(while parsing a block node\))",
}


@dataclass(frozen=True)
class Case:
    id: str
    name: str
    yaml: str
    json: str | None
    error: bool


@dataclass(frozen=True)
class Entry:
    outcome: str  # refused | accepts | value
    detail: str  # the reason, or the JSON of the value


def _cases() -> list[Case]:
    raw = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
    return [Case(**case) for case in raw]


def _classification() -> dict[str, Entry]:
    table: dict[str, Entry] = {}
    for line in (DATA / "classification.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        case_id, outcome, detail, *_why = line.split("\t")
        assert case_id not in table, f"{case_id} is classified twice"
        table[case_id] = Entry(outcome, detail)
    return table


CASES = _cases()
TABLE = _classification()


def _json_values(text: str) -> list[Any]:
    """The suite's in.json holds one JSON value per document, one after another."""
    decoder = json.JSONDecoder()
    values, at, text = [], 0, text.strip()
    while at < len(text):
        value, at = decoder.raw_decode(text, at)
        values.append(value)
        while at < len(text) and text[at].isspace():
            at += 1
    return values


def same(loaded: Any, expected: Any) -> bool:
    """JSON equality: booleans, null and strings by type; numbers by value (JSON
    writes 1.0 as 1); mappings regardless of order."""
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return type(loaded) is type(expected) and loaded == expected
    if isinstance(expected, (int, float)):
        if isinstance(loaded, bool) or not isinstance(loaded, (int, float)):
            return False
        return loaded == expected or (math.isnan(loaded) and math.isnan(expected))
    if isinstance(expected, list):
        return (
            isinstance(loaded, list)
            and len(loaded) == len(expected)
            and all(same(a, b) for a, b in zip(loaded, expected, strict=True))
        )
    assert isinstance(expected, dict)
    return (
        isinstance(loaded, dict)
        and loaded.keys() == expected.keys()
        and all(same(loaded[k], expected[k]) for k in expected)
    )


def _refusal(case: Case) -> YamlProblem:
    with pytest.raises(YamlProblem) as caught:
        load_value(case.yaml)
    problem = caught.value
    lines = case.yaml.count("\n") + 1
    assert 1 <= problem.line <= lines, (problem.line, problem.message)
    assert problem.column >= 1
    assert "\n" not in problem.message
    return problem


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    entry = TABLE.get(case.id)
    if entry is None:
        if case.error:
            _refusal(case)
            return
        assert case.json is not None, f"{case.id} has no in.json: classify it by hand"
        expected = _json_values(case.json)
        assert len(expected) == 1, f"{case.id} has {len(expected)} documents: classify it"
        loaded = load_value(case.yaml)
        assert same(loaded, expected[0]), f"{case.id} ({case.name}): loaded {loaded!r}"
    elif entry.outcome == "refused":
        assert not case.error, f"{case.id} is an error case; it needs no classification"
        problem = _refusal(case)
        assert problem.rule == SYNTAX
        assert re.search(REASONS[entry.detail], problem.message), problem.message
    else:
        assert entry.outcome in ("accepts", "value"), entry.outcome
        assert case.error == (entry.outcome == "accepts")
        assert case.json is None or entry.outcome == "accepts", "compare with in.json instead"
        assert same(load_value(case.yaml), json.loads(entry.detail))


def test_classification_names_only_suite_cases_and_known_reasons() -> None:
    ids = {case.id for case in CASES}
    assert set(TABLE) <= ids, set(TABLE) - ids
    for case_id, entry in TABLE.items():
        if entry.outcome == "refused":
            assert entry.detail in REASONS, (case_id, entry.detail)


def test_most_of_the_suite_loads_as_the_suite_says() -> None:
    """Guards against growing the table instead of fixing the loader."""
    valid = [c for c in CASES if not c.error]
    loaded = [c for c in valid if c.id not in TABLE]
    assert len(CASES) == 402 and len(valid) == 308
    assert len(loaded) >= 200
    accepted = [c for c in CASES if c.error and c.id in TABLE]
    assert len(accepted) <= 7
