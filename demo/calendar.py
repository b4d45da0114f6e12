"""Demo calendar: month arithmetic, programme dates and the clock that spreads events over time."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from itertools import accumulate

import polars as pl

from demo.draws import _uniform

# Average month length in days, used to express "months since a department joined".
MONTH_DAYS = 30.4375
DAY_SECONDS = 86_400

# Share of each weekday (Monday first) in business activity.
OFFICE_WEEK: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0, 0.95, 0.25, 0.15)
OFFICE_HOURS: tuple[float, ...] = (
    0.05, 0.03, 0.03, 0.03, 0.05, 0.1, 0.3, 0.7, 1.0, 1.0, 1.0, 0.9,
    0.6, 0.9, 1.0, 1.0, 1.0, 0.9, 0.6, 0.4, 0.3, 0.2, 0.12, 0.08,
)


def _add_months(day: date, months: int) -> date:
    """Return the first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _programme_date(programme_start: date, month: float) -> date:
    """Turn a fractional programme month into a calendar date."""
    whole = math.floor(month)
    first = _add_months(programme_start, whole)
    length = (_add_months(first, 1) - first).days
    return first + timedelta(days=round((month - whole) * length))


def _months_between(later: date, earlier: date) -> float:
    """Fractional months from `earlier` to `later`."""
    return (later - earlier).days / MONTH_DAYS


class _Clock:
    """Spreads N ordered events over the calendar with weekly, daily and growth shapes."""

    def __init__(
        self, start: date, days: int, growth: float, week: Sequence[float], hours: Sequence[float]
    ) -> None:
        """Precompute the cumulative day and hour weights."""
        weekday = start.weekday()
        day_w = [(1.0 + growth * d / days) * week[(weekday + d) % 7] for d in range(days)]
        self.day_edges, self.day_lo, self.day_width = self._tables(day_w)
        self.hour_edges, self.hour_lo, self.hour_width = self._tables(hours)

    @staticmethod
    def _tables(weights: Sequence[float]) -> tuple[pl.Series, pl.Series, pl.Series]:
        """Cumulative edges, lower bounds and widths of normalised weights."""
        total = float(sum(weights))
        widths = [w / total for w in weights]
        cum = list(accumulate(widths))
        return (
            pl.Series(cum[:-1], dtype=pl.Float64),
            pl.Series([0.0, *cum[:-1]], dtype=pl.Float64),
            pl.Series(widths, dtype=pl.Float64),
        )

    def seconds(self, idx: pl.Series, n: int, seed: int, salt: str) -> pl.Series:
        """Seconds since the start for events idx of n, non-decreasing in idx."""
        # Stratified quantiles: event i sits in [i/n, (i+1)/n), so order follows the index.
        u = (idx.cast(pl.Float64) + _uniform(idx, seed, salt)) / n
        day = self.day_edges.search_sorted(u, side="right")
        f = ((u - self.day_lo.gather(day)) / self.day_width.gather(day)).clip(0.0, 1.0 - 1e-12)
        hour = self.hour_edges.search_sorted(f, side="right")
        g = ((f - self.hour_lo.gather(hour)) / self.hour_width.gather(hour)).clip(0.0, 1.0 - 1e-12)
        return (
            day.cast(pl.Int64) * DAY_SECONDS
            + hour.cast(pl.Int64) * 3600
            + (g * 3600).floor().cast(pl.Int64)
        )
