"""What the engine returns: an answer with its freshness, a headline, a page of detail rows, how a number is
computed."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypedDict, TypeVar

import polars as pl

from metrics.engine.baselines import Restatement
from metrics.engine.decision import Decision
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
    refreshing: bool = False  # the last good answer, served while a worker computes the newer data's: not a failure
    versions: tuple[tuple[str, str], ...] = ()  # the data versions it was computed from (table, token)

    @property
    def stale(self) -> bool:
        return self.behind_sla or bool(self.stale_reason)


@dataclass(frozen=True)
class Headline:
    """A KPI for one period: value, previous period, baseline, and its status decision (target, due date, status,
    evidence and sentence)."""

    key: str
    value: float | None
    previous: float | None
    rows: int
    baseline: float | None
    start: date
    end: date
    decision: Decision
    restated: Restatement | None = None  # the recorded baseline in use when the data now gives another
    latest_with_data: bool = False  # the last complete month had no rows: start-end is the latest month that has

    @property
    def delta(self) -> float | None:
        return None if self.value is None or self.previous is None else self.value - self.previous

    @property
    def status(self) -> Status:
        return self.decision.status

    @property
    def target(self) -> float | None:
        """The target that applies to what the headline is for (a slice's own, or none for it)."""
        return self.decision.target

    @property
    def target_date(self) -> date | None:
        return self.decision.due

    @property
    def months_to_target(self) -> float | None:
        """Months from the value to the target at the current pace (0: met; None: never)."""
        return self.decision.evidence.months_needed


@dataclass(frozen=True)
class DetailPage:
    """One page of the rows behind a number, with what is wrong with each in the `problem` column."""

    rows: pl.DataFrame
    total: int
    page: int
    page_size: int


class Explanation(TypedDict):
    """How a number is computed: the metric's kind, the rows it reads, its formula, and the question asked."""

    kind: str
    source: str
    table: str
    time_column: str
    formula: str
    row_filter: str  # '' when the metric has none
    filters: dict[str, Any]  # Filters.params() of the question: start, end, where
    baseline_period: tuple[date, date] | None
    definition: str  # the definition's fingerprint
    module: str
    sql: str  # the SELECT run in the database when the metric is computed there (pushdown.py); '' when not
