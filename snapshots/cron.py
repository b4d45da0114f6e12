"""Five-field cron expressions (minute hour day-of-month month day-of-week), matched in a time zone.

Schedules name wall-clock times in their zone, so daylight-saving changes matter:
- a time skipped when clocks go forward (02:30 on the spring-forward night) falls due right after the jump,
  as Vixie cron does;
- a time that happens twice when clocks go back (01:30 on the fall-back night) is one occurrence: it is
  identified by its wall-clock time, and the outbox never queues an identity twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

MINUTE = timedelta(minutes=1)
# Catching up further back than this is pointless: missed occurrences are merged into the latest one anyway.
MAX_LOOKBACK = timedelta(days=400)

MONTHS = {name: i for i, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
WEEKDAYS = {name: i for i, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
MACROS = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
          "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *"}
# name, lowest, highest, names allowed
FIELDS = (("minute", 0, 59, {}), ("hour", 0, 23, {}), ("day of month", 1, 31, {}), ("month", 1, 12, MONTHS),
          ("day of week", 0, 7, WEEKDAYS))


@dataclass(frozen=True)
class Cron:
    """A parsed expression: the values each field allows."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday (7 is folded into 0)
    days_restricted: bool
    weekdays_restricted: bool

    def matches(self, wall: datetime) -> bool:
        """Whether a wall-clock minute is one of the schedule's."""
        if wall.minute not in self.minutes or wall.hour not in self.hours or wall.month not in self.months:
            return False
        day, weekday = wall.day in self.days, wall.isoweekday() % 7 in self.weekdays
        # Vixie cron: when both day fields are restricted, either one matching is enough.
        if self.days_restricted and self.weekdays_restricted:
            return day or weekday
        return day and weekday


@dataclass(frozen=True)
class Occurrence:
    """One time a schedule fell due: the wall-clock time it names and the instant it came."""

    wall: datetime  # naive, in the zone
    due: datetime  # aware, UTC
    zone: str

    @property
    def key(self) -> str:
        """The occurrence's identity: its wall-clock minute and zone (the same for both 01:30s of a fall-back)."""
        return f"{self.wall:%Y-%m-%dT%H:%M} {self.zone}"


def parse_cron(expression: str) -> Cron:
    """Parse '*/15 8-18 * * mon-fri' and the like; ValueError saying which field is wrong and why."""
    text = MACROS.get(expression.strip().lower(), expression)
    parts = text.split()
    if len(parts) != 5:
        raise ValueError(f"'{expression}' has {len(parts)} fields; a cron expression has 5: "
                         "minute hour day-of-month month day-of-week")
    values = [_field(part, *spec) for part, spec in zip(parts, FIELDS)]
    weekdays = frozenset(0 if d == 7 else d for d in values[4])
    # As in Vixie cron, a field that starts with '*' (also '*/2') does not restrict the day.
    return Cron(expression.strip(), *map(frozenset, values[:4]), weekdays,  # type: ignore[arg-type]
                days_restricted=not parts[2].startswith("*"), weekdays_restricted=not parts[4].startswith("*"))


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


def occurrences(cron: Cron, zone: ZoneInfo, after: datetime, until: datetime) -> list[Occurrence]:
    """The occurrences due in (after, until], oldest first; `after` and `until` are aware datetimes."""
    after, until = after.astimezone(timezone.utc), until.astimezone(timezone.utc)
    start = max(after.replace(second=0, microsecond=0) + MINUTE,
                until.replace(second=0, microsecond=0) - MAX_LOOKBACK)
    found: list[Occurrence] = []
    seen: set[datetime] = set()
    previous = _wall(start - MINUTE, zone)
    moment = start
    while moment <= until:
        wall = _wall(moment, zone)
        # Clocks went forward: the skipped wall-clock minutes fall due now, at the first minute after the jump.
        skipped = (wall - previous) // MINUTE - 1
        walls = [previous + MINUTE * i for i in range(1, skipped + 1)]
        for candidate in (*walls, wall):
            if candidate not in seen and cron.matches(candidate):
                seen.add(candidate)
                found.append(Occurrence(candidate, moment, zone.key))
        previous = wall
        moment += MINUTE
    return found


def next_occurrence(cron: Cron, zone: ZoneInfo, after: datetime, within: timedelta = timedelta(days=366)
                    ) -> Occurrence | None:
    """The first occurrence after `after`, if there is one within `within` (for log lines, not for scheduling)."""
    step = timedelta(days=7)
    start = after
    while start < after + within:
        found = occurrences(cron, zone, start, min(start + step, after + within))
        if found:
            return found[0]
        start += step
    return None


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)
