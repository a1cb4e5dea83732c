"""Calendar: business hours, holidays and change freezes in one time zone."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Strict
from itsmcode.models.types import Clock, Date, Duration, RRule, Timestamp, TimeZone

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class BusinessHours(Strict):
    days: list[Weekday] = Field(min_length=1)
    start: Clock = Field(alias="from")
    end: Clock = Field(alias="to")


class Holiday(Strict):
    date: Date
    name: str | None = None


class Freeze(Strict):
    """A one-off freeze (start/end) or a recurring one (rrule/duration)."""

    name: str
    start: Timestamp | None = None
    end: Timestamp | None = None
    rrule: RRule | None = None
    duration: Duration | None = None


class CalendarSpec(Strict):
    timezone: TimeZone
    business_hours: list[BusinessHours] = Field(default_factory=list)
    holidays: list[Holiday] = Field(default_factory=list)
    freezes: list[Freeze] = Field(default_factory=list)


class Calendar(Entity):
    KIND = "Calendar"
    kind: Literal["Calendar"]
    spec: CalendarSpec
