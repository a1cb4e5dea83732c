"""Plain YAML values to typed entities; pydantic errors to located, readable diagnostics."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from itsmcode.load.yamlio import show, show_message
from itsmcode.models import MODELS, Entity
from itsmcode.suggest import did_you_mean

SCHEMA = "schema"
#: Fields through which a file would claim its own approval (data-model.md, Principles).
AUTHORIZATION_FIELDS = frozenset(
    {"approved", "approvedBy", "approvedAt", "approver", "approvers", "approvals", "authorizedBy"}
)
AUTHORIZATION_STATUSES = frozenset({"approved", "authorized", "authorised"})
#: Validation errors whose type names a lint rule are reported under that rule's id.
RULE_ERROR_TYPES = frozenset({"calendar-valid"})

Loc = tuple[str | int, ...]


class Problem(typing.NamedTuple):
    """A validation problem before it is located in a file."""

    rule: str
    loc: Loc
    message: str
    at_key: bool


def validate(data: dict[str, Any]) -> tuple[Entity | None, list[Problem]]:
    """Validate one file's values; the entity is None when anything is wrong."""
    kind = data.get("kind")
    model = MODELS.get(kind) if isinstance(kind, str) else None
    if model is None:
        return None, [_kind_problem(kind)]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        problems = [p for p in _problems(model, exc) if p is not None]
        if problems:
            return None, problems
    except Exception as exc:  # see _validator_bug
        return None, [_validator_bug(exc)]
    # Only self-authorization fields were wrong: their rule reports them, and the rest
    # of the entity is still checked by the other rules.
    try:
        return model.model_validate(_without_authorization(data)), []
    except ValidationError as exc:  # pragma: no cover - stripping cannot add errors
        return None, [p for p in _problems(model, exc) if p is not None]
    except Exception as exc:  # pragma: no cover - as above
        return None, [_validator_bug(exc)]


def _validator_bug(exc: Exception) -> Problem:
    """A model validator raised something pydantic does not turn into an error.

    That is a bug in a model, but the file is still bad input to be reported where it
    is, and one bad file must not stop the run over the others.
    """
    return Problem(
        SCHEMA,
        (),
        show_message(
            f"this file could not be validated ({type(exc).__name__}: {exc}); "
            "this is a bug in itsmcode, please report it with the file"
        ),
        False,
    )


def _kind_problem(kind: object) -> Problem:
    if kind is None:
        return Problem(SCHEMA, (), "missing 'kind'; one of: " + ", ".join(MODELS), False)
    if not isinstance(kind, str):
        return Problem(
            SCHEMA, ("kind",), f"kind must be a string, one of: {', '.join(MODELS)}", False
        )
    hint = did_you_mean(kind, MODELS)
    return Problem(SCHEMA, ("kind",), f"unknown kind '{show(kind)}'{hint}", False)


def model_problems(model: type[BaseModel], exc: ValidationError) -> list[Problem]:
    """A model's validation errors as readable problems with did-you-mean, for files
    that are not entities (policy scenarios): no field is left to a lint rule."""
    return [p for p in _problems(model, exc, entity=False) if p is not None]


def _problems(
    model: type[BaseModel], exc: ValidationError, *, entity: bool = True
) -> Iterator[Problem | None]:
    for error in exc.errors(include_url=False):
        loc: Loc = tuple(error["loc"])
        kind = error["type"]
        dotted = _dotted(loc)
        if kind == "extra_forbidden":
            field = str(loc[-1])
            if entity and field in AUTHORIZATION_FIELDS:
                yield None
                continue
            hint = did_you_mean(field, _fields_at(model, loc[:-1]))
            yield Problem(SCHEMA, loc, f"unknown field '{dotted}'{hint}", True)
        elif kind == "missing":
            yield Problem(SCHEMA, loc[:-1], f"missing required field '{dotted}'", True)
        elif kind == "literal_error":
            value = error.get("input")
            # isinstance first: a list or mapping value is unhashable.
            if entity and loc and loc[-1] == "status" and _is_authorization_status(value):
                yield None
                continue
            expected = re.findall(r"'([^']*)'", str(error.get("ctx", {}).get("expected", "")))
            hint = did_you_mean(value, expected) if isinstance(value, str) else ""
            yield Problem(
                SCHEMA,
                loc,
                f"{dotted}: invalid value {_shown(value)}{hint}; expected one of: "
                + ", ".join(expected),
                False,
            )
        elif kind in RULE_ERROR_TYPES:
            yield Problem(kind, loc, show_message(f"{dotted}: {_quoted_input(error)}"), False)
        else:
            yield Problem(SCHEMA, loc, show_message(f"{dotted}: {_message(error)}"), False)


def _message(error: Any) -> str:
    message = _quoted_input(error)
    if error["type"] in ("model_type", "dict_type"):
        return f"expected a mapping, got {_type_name(error.get('input'))}"
    if error["type"] == "list_type":
        return f"expected a list, got {_type_name(error.get('input'))}"
    if error["type"].endswith("_type") or error["type"].endswith("_parsing"):
        value = error.get("input")
        return f"{message[0].lower()}{message[1:]}, got {_type_name(value)} {_shown(value)}"
    if error["type"] == "value_error":
        return message.removeprefix("Value error, ")
    return message[0].lower() + message[1:] if message else "invalid value"


def _quoted_input(error: Any) -> str:
    """The error's message with a long quoted input cut short.

    Model validators quote the offending value; a 200,000-character name must not push
    the advice that follows it out of the (length-capped) message.
    """
    message = str(error["msg"])
    value = error.get("input")
    if isinstance(value, str) and len(value) > 60 and value in message:
        message = message.replace(value, show(value))
    return message


def _shown(value: object) -> str:
    """A value from the file as it appears in a message: quoted if text, cut if long."""
    if isinstance(value, str):
        return f"'{show(value)}'"
    if isinstance(value, (dict, list)):
        return "{...}" if isinstance(value, dict) else "[...]"
    return show(value)


def _type_name(value: object) -> str:
    return {
        str: "string",
        int: "integer",
        float: "number",
        bool: "boolean",
        list: "list",
        dict: "mapping",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _dotted(loc: Sequence[str | int]) -> str:
    out = ""
    for step in loc:
        # Keys come from the file: a hostile one must not break the message's single line.
        name = show(step) if isinstance(step, str) else str(step)
        out += f"[{step}]" if isinstance(step, int) else (f".{name}" if out else name)
    return out


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The YAML field names allowed at ``loc`` inside ``model`` (for did-you-mean)."""
    current: Any = model
    for step in loc:
        current = _unwrap(current)
        if isinstance(step, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            fields = {f.alias or n: f for n, f in current.model_fields.items()}
            field = fields.get(step)
            current = field.annotation if field else None
        else:
            current = None
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated so the model or container type shows."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0] if len(args) == 1 else annotation
            if len(args) != 1:
                return annotation
        else:
            return annotation


def _is_authorization_status(value: object) -> bool:
    return isinstance(value, str) and value in AUTHORIZATION_STATUSES


def _without_authorization(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_authorization(v)
            for k, v in value.items()
            if k not in AUTHORIZATION_FIELDS and not (k == "status" and _is_authorization_status(v))
        }
    if isinstance(value, list):
        return [_without_authorization(v) for v in value]
    return value
