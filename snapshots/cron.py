"""When a schedule falls due: its occurrences in a time zone, found by croniter (config/cron.py reads the expression).

Schedules name wall-clock times in their zone, so daylight-saving changes matter:
- a time skipped when clocks go forward (02:30 on the spring-forward night) falls due right after the jump,
  named by the time it skipped, as Vixie cron does; as there too, a schedule with every hour ('30 * * * *') just
  goes on at its next time that exists, and the times one jump skips fall due as one occurrence;
- a time that happens twice when clocks go back (01:30 on the fall-back night) is one occurrence: it is
  identified by its wall-clock time, and the outbox never queues an identity twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

from croniter import CroniterBadDateError, croniter

from config.cron import Cron

MINUTE = timedelta(minutes=1)
# Catching up further back than this is pointless: missed occurrences are merged into the latest one anyway.
MAX_LOOKBACK = timedelta(days=400)


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


def occurrences(cron: Cron, zone: ZoneInfo, after: datetime, until: datetime) -> list[Occurrence]:
    """The occurrences due in (after, until], oldest first; `after` and `until` are aware datetimes."""
    after, until = after.astimezone(timezone.utc), until.astimezone(timezone.utc)
    # croniter starts at the minute after its start: from one minute before the look-back's first minute.
    start = max(after, until.replace(second=0, microsecond=0) - MAX_LOOKBACK - MINUTE)
    found: list[Occurrence] = []
    seen: set[datetime] = set()
    for moment in _times(cron, start.astimezone(zone), until - start):
        if moment > until:
            break
        wall = _named(cron, moment.replace(tzinfo=None))
        if wall not in seen:  # the second 01:30 of a fall-back night is the same occurrence
            seen.add(wall)
            found.append(Occurrence(wall, moment.astimezone(timezone.utc), zone.key))
    return found


def next_occurrence(cron: Cron, zone: ZoneInfo, after: datetime, within: timedelta = timedelta(days=366)
                    ) -> Occurrence | None:
    """The first occurrence after `after`, if there is one within `within` (for log lines, not for scheduling)."""
    for moment in _times(cron, after.astimezone(zone), within):
        if moment > after + within:
            break
        return Occurrence(_named(cron, moment.replace(tzinfo=None)), moment.astimezone(timezone.utc), zone.key)
    return None


def _times(cron: Cron, start: datetime, span: timedelta) -> Iterator[datetime]:
    """The schedule's instants after `start` (aware, in the zone), ending quietly when none comes within `span`."""
    years = max(1, span.days // 365 + 1)
    iterator = croniter(cron.fields, start, ret_type=datetime, day_or=cron.day_or, max_years_between_matches=years)
    return iterator.all_next(datetime)


def _named(cron: Cron, wall: datetime) -> datetime:
    """The wall-clock time an instant croniter found stands for: itself, or the time skipped by a spring-forward."""
    if cron.matches(wall):
        return wall
    try:  # croniter moved a time that does not exist to the first minute after the jump
        return croniter(cron.fields, wall, ret_type=datetime, day_or=cron.day_or).get_prev()
    except CroniterBadDateError:
        return wall
