"""Periods and filters: what a question about a metric is asked over."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

PRESETS = ("month", "quarter", "ytd", "last_90d", "custom")
# Filters on dimensions: (dimension, a value or a tuple of values) pairs.
DimensionFilters = tuple[tuple[str, str | tuple[str, ...]], ...]


@dataclass(frozen=True)
class Filters:
    """A half-open period [start, end) and filters on dimensions (a value, or a tuple of values), in a stable order."""

    start: date
    end: date
    where: DimensionFilters = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "where", tuple(sorted(self.where, key=lambda pair: pair[0])))

    def previous(self) -> Filters:
        """The period of the same length just before, or the previous calendar month/quarter/year span."""
        if _is_month_span(self.start, self.end):
            months = (self.end.year - self.start.year) * 12 + self.end.month - self.start.month
            return replace(self, start=add_months(self.start, -months), end=self.start)
        length = self.end - self.start
        return replace(self, start=self.start - length, end=self.start)

    def with_period(self, start: date, end: date) -> Filters:
        return replace(self, start=start, end=end)

    def params(self) -> dict[str, Any]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "where": list(self.where)}


def add_months(day: date, months: int) -> date:
    """The same day-of-month `months` later (clamped to the 1st: only used on month starts)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1) if day.day == 1 else date(index // 12, index % 12 + 1, min(day.day, 28))


def month_start(day: date) -> date:
    return day.replace(day=1)


def _is_month_span(start: date, end: date) -> bool:
    return start.day == 1 and end.day == 1


def resolve_period(preset: str, today: date, start: date | None = None, end: date | None = None) -> tuple[date, date]:
    """[start, end) for a preset, relative to today. Complete months and quarters, not partial ones.

    month: the last complete calendar month; quarter: the last complete quarter; ytd: 1 January to today;
    last_90d: the 90 days before today; custom: start to end inclusive (end given as the last day).
    """
    if preset == "month":
        end_ = month_start(today)
        return add_months(end_, -1), end_
    if preset == "quarter":
        end_ = date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
        return add_months(end_, -3), end_
    if preset == "ytd":
        return date(today.year, 1, 1), today
    if preset == "last_90d":
        return today - timedelta(days=90), today
    if preset == "custom":
        if start is None or end is None:
            raise ValueError("a custom period needs a start and an end date")
        if end < start:
            raise ValueError(f"the period ends ({end}) before it starts ({start})")
        return start, end + timedelta(days=1)
    raise ValueError(f"unknown period '{preset}'; use one of: {', '.join(PRESETS)}")
