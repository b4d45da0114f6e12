"""What the engine returns: an answer with its freshness, a headline, a page of detail rows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Generic, TypeVar

import polars as pl

from metrics.engine.status import Status

T = TypeVar("T")


@dataclass(frozen=True)
class Answer(Generic[T]):
    """What the engine returns: the data, when it was computed, how fresh its source is, and if it is stale."""

    data: T
    computed_at: datetime
    data_as_of: datetime | None
    behind_sla: bool = False
    stale_reason: str = ""  # set when this is the last good answer, served because a refresh failed

    @property
    def stale(self) -> bool:
        return self.behind_sla or bool(self.stale_reason)


@dataclass(frozen=True)
class Headline:
    """A KPI for one period: value, previous period, baseline, target and status."""

    key: str
    value: float | None
    previous: float | None
    rows: int
    baseline: float | None
    target: float | None
    target_date: date | None
    status: Status
    months_to_target: float | None
    start: date
    end: date

    @property
    def delta(self) -> float | None:
        return None if self.value is None or self.previous is None else self.value - self.previous


@dataclass(frozen=True)
class DetailPage:
    """One page of the rows behind a number, with what is wrong with each in the `problem` column."""

    rows: pl.DataFrame
    total: int
    page: int
    page_size: int
