"""Calendar: business hours, holidays and change freezes in one time zone."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from itsmcode.models.base import Entity, Strict
from itsmcode.models.types import Clock, Date, Duration, RRule, Timestamp, TimeZone

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class BusinessHours(Strict):
    days: list[Weekday] = Field(min_length=1, description="Weekdays these hours apply to.")
    start: Clock = Field(alias="from", description="Opening time, HH:MM.")
    end: Clock = Field(alias="to", description="Closing time, HH:MM (24:00 allowed).")


class Holiday(Strict):
    date: Date = Field(description="The day, YYYY-MM-DD.")
    name: str | None = Field(None, description="What the holiday is.")


class Freeze(Strict):
    """A one-off freeze (start/end) or a recurring one (rrule/duration)."""

    name: str = Field(description="What the freeze is for.")
    start: Timestamp | None = Field(None, description="Start of a one-off freeze.")
    end: Timestamp | None = Field(None, description="End of a one-off freeze.")
    rrule: RRule | None = Field(
        None,
        description="Recurrence of a recurring freeze, read in the calendar's zone.",
    )
    duration: Duration | None = Field(
        None, description="Length of each occurrence of a recurring freeze."
    )


class MaintenanceWindow(Strict):
    """An agreed maintenance window: one-off (start/end) or recurring (rrule/duration).

    The same shape and reading as a freeze (clock/freezes.py); ``timezone`` says which
    wall clock a recurring window's rrule is read on (docs/calendar.md).
    """

    name: str = Field(description="What the window is for.")
    start: Timestamp | None = Field(None, description="Start of a one-off window.")
    end: Timestamp | None = Field(None, description="End of a one-off window.")
    rrule: RRule | None = Field(
        None,
        description="Recurrence of a recurring window, read in its zone from "
        "1970-01-01T00:00 local time.",
    )
    duration: Duration | None = Field(
        None, description="Length of each occurrence of a recurring window."
    )
    timezone: TimeZone | None = Field(
        None,
        description="IANA zone the rrule is read in; default: the calendar's zone (on a "
        "calendar), itsm.yaml's spec.timezone (on a service).",
    )


class CalendarSpec(Strict):
    timezone: TimeZone = Field(description="IANA zone the calendar is read in.")
    business_hours: list[BusinessHours] = Field(
        default_factory=list, description="Opening hours; omitted: 24x7."
    )
    holidays: list[Holiday] = Field(
        default_factory=list, description="Days without business hours."
    )
    freezes: list[Freeze] = Field(
        default_factory=list,
        description="Change freezes: one-off (start/end) or recurring (rrule/duration).",
    )
    maintenance_windows: list[MaintenanceWindow] = Field(
        default_factory=list,
        description="Agreed maintenance windows of every service whose SLA uses this "
        "calendar: normal changes on them must fit in one (docs/calendar.md).",
    )


class Calendar(Entity):
    KIND = "Calendar"
    kind: Literal["Calendar"]
    spec: CalendarSpec
