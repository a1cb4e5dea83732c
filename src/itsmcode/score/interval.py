"""``--every``: the interval between the sample dates of a trend, and the dates themselves.

An interval is a whole number of days (``3d``), weeks (``1w``, ``2w``) or calendar
months (``1mo``, ``3mo``). Samples are counted from ``--since``, never from the previous
sample: a month step from 31 January gives 28 February, then 31 March (each date is
``since`` plus k steps, the day clamped to the month's last), so the clamping never
drifts.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from itsmcode.errors import ConfigError

_EVERY = re.compile(r"^([0-9]{1,4})(d|w|mo)$")
#: Samples a trend shows at most: beyond that a table says nothing a reader can use.
MAX_SAMPLES = 520
EVERY_HELP = "a whole number and a unit: d (days), w (weeks) or mo (months), e.g. 1w, 2w, 1mo"


@dataclass(frozen=True)
class Interval:
    count: int
    unit: str  # "d", "w" or "mo"

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def step(self, start: date, k: int) -> date:
        """``start`` plus ``k`` intervals (months: the day clamped to the month's end)."""
        if self.unit == "d":
            return start + timedelta(days=self.count * k)
        if self.unit == "w":
            return start + timedelta(weeks=self.count * k)
        months = start.year * 12 + start.month - 1 + self.count * k
        year, month = divmod(months, 12)
        if year > 9999:
            return date.max
        last = calendar.monthrange(year, month + 1)[1]
        return date(year, month + 1, min(start.day, last))


def parse_every(text: str) -> Interval:
    """``1w`` -> Interval(1, "w"); anything else is a one-line ConfigError (exit 2)."""
    found = _EVERY.match(text.strip())
    if found is None or int(found.group(1)) == 0:
        raise ConfigError(f"--every '{text}': use {EVERY_HELP}")
    return Interval(int(found.group(1)), found.group(2))


def sample_dates(since: date, until: date, every: Interval) -> list[date]:
    """``since``, ``since`` + 1 interval, ... up to ``until``; ``until`` itself ends the
    list when the steps do not land on it (a trend always ends at its last day)."""
    if until < since:
        raise ConfigError(
            f"--since {since.isoformat()} is after --until {until.isoformat()}: swap them"
        )
    dates: list[date] = []
    k = 0
    while True:
        day = every.step(since, k)
        if day > until:
            break
        dates.append(day)
        if len(dates) > MAX_SAMPLES:
            raise ConfigError(
                f"--every {every} from {since.isoformat()} to {until.isoformat()} gives more "
                f"than {MAX_SAMPLES} samples: choose a longer interval"
            )
        k += 1
    if dates[-1] != until:
        dates.append(until)
    return dates
