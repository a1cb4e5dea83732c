"""JSON Schemas (draft 2020-12) generated from the models, for editors and check-jsonschema.

One file per kind, ``<kind in lower case>.schema.json`` (``service.schema.json``,
``changerequest.schema.json``: the ``kind:`` value lower-cased, so the name follows from
the file's content with no word-splitting rules), plus ``itsmcode.schema.json``, which
validates any entity by its ``kind`` (an ``if``/``then`` per kind: an error inside a
Service is reported against the Service schema, not as "matches none of ten
alternatives", and an unknown kind fails on the ``kind`` enum).

Field names are the YAML ones (``by_alias``). Durations, dates, timestamps and times of
day are strings in YAML 1.2 (and check-jsonschema loads them as strings), so the schema
types them as strings with the patterns the loader uses. What the schema cannot say
(references, cycles, windows in a freeze...) is for ``itsm lint``.

Output is deterministic (sorted keys, two-space indent, trailing newline) so that
``itsm schema check`` is a byte comparison.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import (
    DEFAULT_REF_TEMPLATE,
    GenerateJsonSchema,
    NoDefault,
    models_json_schema,
)
from pydantic_core import core_schema

from itsmcode.files import write_atomic
from itsmcode.models import MODELS, Entity
from itsmcode.models.types import format_duration

DIALECT = "https://json-schema.org/draft/2020-12/schema"
#: Schemas are identified by URN, not a URL: nothing is published at an address, and a
#: URN can never make a validator fetch anything over the network.
ID_PREFIX = "urn:itsmcode:schema:v1:"
COMBINED = "itsmcode.schema.json"
SUFFIX = ".schema.json"


def file_name(kind: str) -> str:
    """The schema file of a kind: ``ChangeRequest`` -> ``changerequest.schema.json``."""
    return f"{kind.lower()}{SUFFIX}"


class _Generator(GenerateJsonSchema):
    """pydantic's generator with what users of the files need, and less noise."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        # pydantic titles every property with its prettified Python name ("Depends On"):
        # that repeats the key and hides the description in editors' hovers.
        return False

    def get_default_value(self, schema: core_schema.WithDefaultSchema) -> Any:
        # Show defaults the way they are written in YAML, including those built by a
        # factory (``tiers: [1, 2, 3, 4]``, ``exemptTypes: [emergency]``); a ``null``
        # default or a default sub-object says nothing an editor user can act on.
        if "default" in schema:
            value = schema["default"]
        elif "default_factory" in schema and not schema.get("default_factory_takes_data"):
            value = schema["default_factory"]()  # type: ignore[call-arg]
        else:
            return NoDefault
        return _yaml_value(value)


def _yaml_value(value: Any) -> Any:
    if value is None or isinstance(value, BaseModel):
        return NoDefault
    if isinstance(value, timedelta):
        return format_duration(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


_QUALIFIED = re.compile(r"^itsmcode__models__([a-z_]+)__([A-Za-z]+)$")


def _rename_defs(schema: dict[str, Any]) -> dict[str, Any]:
    """Give colliding definitions readable names: ``itsmcode__models__policy__Freeze``
    (pydantic's disambiguation) becomes ``PolicyFreeze``."""
    renames: dict[str, str] = {}
    for name in schema.get("$defs", {}):
        match = _QUALIFIED.match(name)
        if match:
            module = "".join(part.title() for part in match.group(1).split("_"))
            renames[name] = f"{module}{match.group(2)}"
    if not renames:
        return schema
    text = json.dumps(schema)
    for old, new in renames.items():
        text = text.replace(f'"#/$defs/{old}"', f'"#/$defs/{new}"').replace(
            f'"{old}":', f'"{new}":'
        )
    result: dict[str, Any] = json.loads(text)
    return result


def _header(name: str, title: str, description: str) -> dict[str, Any]:
    return {
        "$schema": DIALECT,
        "$id": f"{ID_PREFIX}{name.removesuffix(SUFFIX)}",
        "title": title,
        "description": description,
    }


def kind_summary(model: type[Entity]) -> str:
    """The first line of the kind's module docstring, without the ``Kind:`` prefix."""
    doc = (sys.modules[model.__module__].__doc__ or model.KIND).strip().splitlines()[0]
    # "Problem (practice ``problem``): the cause..." -> "the cause..."
    summary = re.sub(rf"^{model.KIND}( \([^)]*\))?: ", "", doc)
    return summary.replace("``", "`")


def kind_schema(model: type[Entity]) -> dict[str, Any]:
    """The standalone schema of one kind."""
    body = model.model_json_schema(by_alias=True, mode="validation", schema_generator=_Generator)
    summary = kind_summary(model)
    header = _header(
        file_name(model.KIND),
        f"itsmcode {model.KIND}",
        f"An itsmcode {model.KIND} file (apiVersion itsmcode/v1): {summary}",
    )
    _describe_kind(body, model.KIND)
    return {**body, **header}


def _describe_kind(entity: dict[str, Any], kind: str) -> None:
    # Each kind narrows ``kind`` to a Literal, which drops the envelope's description.
    entity["properties"]["kind"]["description"] = f"Always {kind} in this kind of file."


def combined_schema(models: Iterable[type[Entity]] | None = None) -> dict[str, Any]:
    """One schema for every kind, dispatching on ``kind``."""
    chosen = list(models if models is not None else MODELS.values())
    refs, defs = models_json_schema(
        [(model, "validation") for model in chosen],
        by_alias=True,
        ref_template=DEFAULT_REF_TEMPLATE,
        schema_generator=_Generator,
    )
    kinds = [model.KIND for model in chosen]
    for kind in kinds:
        _describe_kind(defs["$defs"][kind], kind)
    schema: dict[str, Any] = {
        **_header(
            COMBINED,
            "itsmcode entity",
            "Any itsmcode file (apiVersion itsmcode/v1), validated against the schema of its kind.",
        ),
        "type": "object",
        "required": ["apiVersion", "kind", "metadata"],
        "properties": {
            "apiVersion": {"const": "itsmcode/v1"},
            "kind": {"enum": kinds, "description": "Which kind of entity this file holds."},
        },
        # if/then rather than oneOf: a validator reports the errors of the one branch
        # that applies instead of "not valid under any of the given schemas".
        "allOf": [
            {
                "if": {"properties": {"kind": {"const": model.KIND}}, "required": ["kind"]},
                "then": refs[(model, "validation")],
            }
            for model in chosen
        ],
        **defs,
    }
    return _rename_defs(schema)


def render(schema: dict[str, Any]) -> str:
    """Deterministic text of a schema: sorted keys, two-space indent, newline at the end."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def generate() -> dict[str, str]:
    """File name -> content of every schema file, in documentation order."""
    files = {file_name(kind): render(kind_schema(model)) for kind, model in MODELS.items()}
    files[COMBINED] = render(combined_schema())
    return files


@dataclass
class Drift:
    """How a schemas directory differs from what ``generate`` produces."""

    stale: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.stale or self.missing or self.extra)


def _present(directory: Path) -> set[str]:
    # Only top-level ``*.schema.json`` files belong to itsm; anything else in the folder
    # (a README, org overlays under another name or in a sub-folder) is left alone.
    if not directory.is_dir():
        return set()
    return {p.name for p in directory.glob(f"*{SUFFIX}") if p.is_file()}


def check(directory: Path, expected: dict[str, str] | None = None) -> Drift:
    expected = generate() if expected is None else expected
    present = _present(directory)
    drift = Drift(extra=sorted(present - set(expected)))
    for name, text in expected.items():
        if name not in present:
            drift.missing.append(name)
        elif (directory / name).read_bytes() != text.encode("utf-8"):
            drift.stale.append(name)
    return drift


def export(directory: Path) -> Drift:
    """Bring ``directory`` up to date; returns what had to change (empty when fresh).

    Unchanged files are not rewritten; ``*.schema.json`` files that itsm does not
    generate (a kind that no longer exists) are removed.
    """
    expected = generate()
    drift = check(directory, expected)
    for name in (*drift.stale, *drift.missing):
        write_atomic(directory / name, expected[name])
    for name in drift.extra:
        (directory / name).unlink()
    return drift


__all__ = [
    "COMBINED",
    "DIALECT",
    "Drift",
    "check",
    "combined_schema",
    "export",
    "file_name",
    "generate",
    "kind_schema",
    "kind_summary",
    "render",
]
