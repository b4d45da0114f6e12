"""Generation context: the calendar and table sizes derived from (records, seed, end)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from demo.calendar import DAY_SECONDS, MONTH_DAYS, OFFICE_HOURS, OFFICE_WEEK, _add_months, _Clock
from demo.draws import _take
from demo.reference import DEPARTMENTS, DEPT_INDEX

PROCESS_RUNS_CAP = 2_000_000
SERVICE_REQUESTS_CAP = 400_000


@dataclass(frozen=True)
class _Context:
    """Everything derived from (records, seed, end) that the generators share."""

    records: int
    seed: int
    end: date
    programme_start: date
    baseline_start: date
    days: int
    runs: int
    requests: int
    join_day: tuple[int, ...]
    clock: _Clock

    @classmethod
    def create(cls, records: int, seed: int, end: date) -> _Context:
        """Derive the programme calendar and table sizes."""
        programme_start = _add_months(end, -17)
        baseline_start = _add_months(programme_start, -3)
        join_day = tuple(
            (_add_months(programme_start, m) - baseline_start).days for *_x, m in DEPARTMENTS
        )
        days = (end - baseline_start).days
        return cls(
            records=records,
            seed=seed,
            end=end,
            programme_start=programme_start,
            baseline_start=baseline_start,
            days=days,
            runs=min(round(0.8 * records), PROCESS_RUNS_CAP),
            requests=min(round(0.16 * records), SERVICE_REQUESTS_CAP),
            join_day=join_day,
            clock=_Clock(baseline_start, days, 0.25, OFFICE_WEEK, OFFICE_HOURS),
        )

    @property
    def epoch(self) -> int:
        """Unix seconds of baseline_start midnight."""
        return (self.baseline_start - date(1970, 1, 1)).days * DAY_SECONDS

    def months_since_join(self, seconds: pl.Series, dept: pl.Series) -> pl.Series:
        """Months between each department's joining and each event (negative before)."""
        join = _take(self.join_day, dept, pl.Float64)
        return (seconds.cast(pl.Float64) / DAY_SECONDS - join) / MONTH_DAYS

    def timestamps(self, seconds: pl.Series) -> pl.Series:
        """Format seconds since baseline_start as 'YYYY-MM-DD HH:MM:SS'."""
        return pl.from_epoch(seconds + self.epoch, time_unit="s").dt.strftime("%Y-%m-%d %H:%M:%S")

    def day(self, offset: int) -> date:
        """Calendar date `offset` days after baseline_start."""
        return self.baseline_start + timedelta(days=offset)

    def month_ends(self) -> list[tuple[date, date]]:
        """(first day, as-of day) of every month of the data, oldest first. The as-of day is the month's last day,
        or the data's last day in the month the data ends: month-end snapshots (rosters, registers) describe it."""
        last = self.end - timedelta(days=1)
        months: list[tuple[date, date]] = []
        month = self.baseline_start
        while month <= last:
            following = _add_months(month, 1)
            months.append((month, min(following - timedelta(days=1), last)))
            month = following
        return months


# ---------------------------------------------------------------------------
# Small tables (random.Random per table so each is stable on its own)
# ---------------------------------------------------------------------------


def _rng(ctx: _Context, table: str) -> random.Random:
    """Random generator dedicated to one table."""
    return random.Random(f"vantage:{ctx.seed}:{table}")


def _join_date(ctx: _Context, dept: str) -> date:
    """Day a department joins the programme."""
    return ctx.day(ctx.join_day[DEPT_INDEX[dept]])
