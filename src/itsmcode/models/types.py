"""Value types shared by the models: names, logins, durations, timestamps, dates, zones.

Each type validates the *text* a user writes in YAML and explains a mistake in the
user's terms. Error types double as rule ids: a problem found here is reported under
that id (``calendar-valid`` for zones and rrules), everything else under ``schema``.
"""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, timedelta
from functools import cache
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError

NAME_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"
LOGIN_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$"
DURATION_PATTERN = r"^[0-9]+[mhdw]$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TIME_OF_DAY = r"[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?"
_OFFSET = r"(Z|z|[+-][0-9]{2}:[0-9]{2})"
TIMESTAMP_PATTERN = rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}[Tt ]{_TIME_OF_DAY}{_OFFSET}$"
CLOCK_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"
#: TIMESTAMP_PATTERN with field ranges, for the JSON Schema only. The schema cannot use
#: ``format: date-time``: validators implement RFC 3339, which refuses the space
#: separator that the loader accepts, so editors would flag valid files.
TIMESTAMP_SCHEMA_PATTERN = (
    r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt ]"
    r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?"
    r"(Z|z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
)

_NAME = re.compile(NAME_PATTERN)
_LOGIN = re.compile(LOGIN_PATTERN)
_DURATION = re.compile(DURATION_PATTERN)
_DATE = re.compile(DATE_PATTERN)
_TIMESTAMP = re.compile(TIMESTAMP_PATTERN)
_CLOCK = re.compile(CLOCK_PATTERN)
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def _require_str(value: Any, what: str, example: str) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError(
            "schema",
            "expected {what} as a string such as {example}, got {got}",
            {"what": what, "example": example, "got": type(value).__name__},
        )
    return value


def _name(value: Any) -> str:
    text = _require_str(value, "a name", "'payments-api'")
    if not _NAME.match(text):
        raise PydanticCustomError(
            "schema",
            "invalid name '{value}': use lowercase letters, digits and inner hyphens, "
            "1-63 characters",
            {"value": text},
        )
    return text


def _login(value: Any) -> str:
    text = _require_str(value, "a GitHub login", "'alice'")
    if not _LOGIN.match(text):
        raise PydanticCustomError("schema", "invalid GitHub login '{value}'", {"value": text})
    return text


def parse_duration(text: str) -> timedelta:
    return timedelta(seconds=int(text[:-1]) * _UNIT_SECONDS[text[-1]])


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit in ("w", "d", "h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0 and seconds:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds // 60}m"


def _duration(value: Any) -> timedelta:
    text = _require_str(value, "a duration", "'4h'")
    if not _DURATION.match(text):
        raise PydanticCustomError(
            "schema",
            "invalid duration '{value}': write <number><unit> with unit m, h, d or w, "
            "e.g. '15m', '4h', '2d'",
            {"value": text},
        )
    return parse_duration(text)


def _timestamp(value: Any) -> datetime:
    text = _require_str(value, "a timestamp", "'2026-12-02T22:00:00+01:00'")
    if not _TIMESTAMP.match(text):
        raise PydanticCustomError(
            "schema",
            "invalid timestamp '{value}': use ISO 8601 with an explicit offset, "
            "e.g. '2026-12-02T22:00:00+01:00' or '2026-12-02T21:00:00Z'",
            {"value": text},
        )
    try:
        return datetime.fromisoformat(text.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError as exc:
        raise PydanticCustomError(
            "schema", "invalid timestamp '{value}': {reason}", {"value": text, "reason": str(exc)}
        ) from None


def _date(value: Any) -> date:
    text = _require_str(value, "a date", "'2027-03-01'")
    try:
        if not _DATE.match(text):
            raise ValueError("expected YYYY-MM-DD")
        return date.fromisoformat(text)
    except ValueError as exc:
        raise PydanticCustomError(
            "schema", "invalid date '{value}': {reason}", {"value": text, "reason": str(exc)}
        ) from None


def _clock(value: Any) -> str:
    text = _require_str(value, "a time of day", "'08:00'")
    if not _CLOCK.match(text):
        raise PydanticCustomError(
            "schema",
            "invalid time of day '{value}': use HH:MM from 00:00 to 24:00",
            {"value": text},
        )
    return text


@cache
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _zone(value: Any) -> str:
    text = _require_str(value, "an IANA time zone", "'Europe/Berlin'")
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        from itsmcode.suggest import did_you_mean

        raise PydanticCustomError(
            "calendar-valid",
            "unknown time zone '{value}'{hint}; use an IANA name such as 'Europe/Berlin'",
            {"value": text, "hint": did_you_mean(text, _known_zones())},
        ) from None
    return text


def _rrule(value: Any) -> str:
    text = _require_str(value, "an RFC 5545 RRULE", "'FREQ=WEEKLY;BYDAY=FR'")
    from dateutil.rrule import rrulestr

    try:
        rrulestr(text, dtstart=datetime(1970, 1, 1))
    except (ValueError, TypeError) as exc:
        raise PydanticCustomError(
            "calendar-valid",
            "invalid rrule '{value}': {reason}",
            {"value": text, "reason": str(exc)},
        ) from None
    return text


def _string(pattern: str, title: str, description: str, **extra: Any) -> WithJsonSchema:
    # The title names the value type in editors' hovers and in docs/reference (docgen
    # labels field types by it); a field's own description replaces ``description``.
    return WithJsonSchema(
        {"type": "string", "title": title, "pattern": pattern, "description": description, **extra}
    )


Name = Annotated[str, BeforeValidator(_name), _string(NAME_PATTERN, "name", "An entity name.")]
Login = Annotated[
    str, BeforeValidator(_login), _string(LOGIN_PATTERN, "GitHub login", "A GitHub login.")
]
Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(format_duration, return_type=str),
    _string(DURATION_PATTERN, "duration", "A duration: <number><unit>, unit m, h, d or w."),
]
Timestamp = Annotated[
    datetime,
    BeforeValidator(_timestamp),
    PlainSerializer(lambda v: v.isoformat(), return_type=str),
    _string(
        TIMESTAMP_SCHEMA_PATTERN,
        "timestamp",
        "An ISO 8601 timestamp with an explicit offset, e.g. 2026-12-02T22:00:00+01:00.",
    ),
]
Date = Annotated[
    date,
    BeforeValidator(_date),
    PlainSerializer(lambda v: v.isoformat(), return_type=str),
    _string(DATE_PATTERN, "date", "A date, YYYY-MM-DD.", format="date"),
]
Clock = Annotated[
    str, BeforeValidator(_clock), _string(CLOCK_PATTERN, "time of day", "A time of day, HH:MM.")
]
TimeZone = Annotated[
    str,
    BeforeValidator(_zone),
    WithJsonSchema({"type": "string", "title": "time zone", "description": "An IANA time zone."}),
]
RRule = Annotated[
    str,
    BeforeValidator(_rrule),
    WithJsonSchema({"type": "string", "title": "RRULE", "description": "An RFC 5545 RRULE."}),
]


def _non_empty(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("schema", "must not be empty", {})
    return value


Text = Annotated[str, AfterValidator(_non_empty)]
