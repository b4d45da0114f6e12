"""A schedule's cron expression, read and checked: five fields (minute hour day-of-month month day-of-week) or a macro.

The grammar is Vixie cron's: numbers, names (jan-dec, sun-sat), ranges, lists and steps ('*/15', '5/20'); 7 is Sunday
too; when both day fields are restricted, either matching is enough. A mistake names its field. croniter does the
calendar and time-zone arithmetic; it is handed the schedule as explicit values, so none of its extensions
(seconds, years, L, W, #, H) and none of its readings of a range ('5-5' as every minute) can change what a
schedule means.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from croniter import croniter

MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
WEEKDAYS = {name: i for i, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
MACROS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
          "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}
# name, lowest, highest, names allowed
FIELDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}), ("hour", 0, 23, {}), ("day of month", 1, 31, {}), ("month", 1, 12, MONTHS),
    ("day of week", 0, 7, WEEKDAYS))


@dataclass(frozen=True)
class Cron:
    """A checked expression, and the same schedule as croniter reads it."""

    expression: str  # as written
    fields: str  # every field as its explicit values, e.g. "0 7 * * 1,2,3,4,5"
    day_or: bool  # both day fields restricted: a day matching either is a day of the schedule

    def matches(self, wall: datetime) -> bool:
        """Whether a wall-clock minute is one of the schedule's."""
        return bool(croniter.match(self.fields, wall.replace(second=0, microsecond=0), day_or=self.day_or))


def parse_cron(expression: str) -> Cron:
    """Parse '*/15 8-18 * * mon-fri' and the like; ValueError saying which field is wrong and why."""
    text = MACROS.get(expression.strip().lower(), expression)
    parts = text.split()
    if len(parts) != 5:
        raise ValueError(f"'{expression}' has {len(parts)} fields; a cron expression has 5: "
                         "minute hour day-of-month month day-of-week")
    values = [_field(part, *spec) for part, spec in zip(parts, FIELDS)]
    values[4] = {0 if d == 7 else d for d in values[4]}
    # As in Vixie cron, a field that starts with '*' (also '*/2') does not restrict the day.
    day_or = not parts[2].startswith("*") and not parts[4].startswith("*")
    fields = " ".join(_written(n, allowed, day_or) for n, allowed in enumerate(values))
    return Cron(expression.strip(), fields, day_or)


def _written(n: int, allowed: set[int], day_or: bool) -> str:
    _, low, high, _ = FIELDS[n]
    every = len(allowed) == high - low + (n != 4)  # the day of week allows 0-6 once 7 is folded into 0
    # Both day fields stay written out when they restrict the day, so croniter reads either as enough.
    return "*" if every and not (day_or and n in (2, 4)) else ",".join(map(str, sorted(allowed)))


def _field(text: str, name: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    allowed: set[int] = set()
    for item in text.lower().split(","):
        body, _, step_text = item.partition("/")
        try:
            step = int(step_text) if step_text else 1
        except ValueError:
            raise ValueError(f"{name}: step '{step_text}' is not a number") from None
        if step < 1:
            raise ValueError(f"{name}: step must be 1 or more")
        if body == "*":
            first, last = low, high
        elif "-" in body:
            a, b = body.split("-", 1)
            first, last = _value(a, name, low, high, names), _value(b, name, low, high, names)
            if last < first:
                raise ValueError(f"{name}: range '{body}' runs backwards")
        else:
            first = _value(body, name, low, high, names)
            last = high if step_text else first  # '5/15' means 5, 20, 35, 50
        allowed.update(range(first, last + 1, step))
    return allowed


def _value(text: str, name: str, low: int, high: int, names: dict[str, int]) -> int:
    if text in names:
        return names[text]
    if not text.isdigit():
        raise ValueError(f"{name}: '{text}' is not a number" + (f" or a name ({', '.join(names)})" if names else ""))
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{name}: {value} is outside {low}-{high}")
    return value
