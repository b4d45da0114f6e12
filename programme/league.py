"""The department league table: every department's KPIs side by side, ranked by the share of KPIs on target.

- Columns: every visible KPI with a department dimension. Ranked are those whose target applies to each department
  (rates, averages, durations); sums such as hours saved or money have a programme-wide target and are shown
  without a status.
- A cell's status: on track when the value meets the target, at risk within 5% of it, off track otherwise.
- A department's score: KPIs on target ÷ ranked KPIs with a value. Ranked by score, then by the number of KPIs on
  target; equal on both, equal rank (1, 2, 2, 4).
- The change: the rank and every value against the previous period of the same length (the previous quarter for
  a quarter).
- Ranks compare every department, so they are left out when the engine is narrowed to one department (a
  department lead sees their own row, numbers and score, but no rank).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from metrics.engine.periods import Filters
from metrics.engine.status import NEAR, Status, meets
from metrics.semantics.model import Metric

DEPARTMENT = "department"


def cell_status(metric: Metric, value: float | None) -> Status:
    """On track (meets the target), at risk (within 5% of it), off track; unknown without a value or a target."""
    if value is None or not metric.target_per_slice:
        return Status.UNKNOWN
    target = float(metric.target)  # type: ignore[arg-type]
    if meets(value, target, metric.good):
        return Status.ON_TRACK
    near = target != 0 and abs(value - target) / abs(target) <= NEAR
    return Status.AT_RISK if near else Status.OFF_TRACK


@dataclass(frozen=True)
class Cell:
    """One department's value of one KPI, now and in the previous period."""

    value: float | None
    previous: float | None
    status: Status
    previous_status: Status

    @property
    def delta(self) -> float | None:
        return None if self.value is None or self.previous is None else self.value - self.previous


@dataclass(frozen=True)
class Row:
    """A department's line: its cells, its score and rank now and in the previous period."""

    department: str
    cells: Mapping[str, Cell]
    on_target: int
    judged: int
    rank: int | None
    previous_score: float | None
    previous_rank: int | None

    @property
    def score(self) -> float | None:
        return self.on_target / self.judged if self.judged else None

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (negative: places lost)."""
        return None if self.rank is None or self.previous_rank is None else self.previous_rank - self.rank


@dataclass(frozen=True)
class League:
    """The table: its KPI columns (ranked ones first), rows best first, and the periods compared."""

    metrics: tuple[str, ...]
    ranked: tuple[str, ...]
    rows: tuple[Row, ...]
    filters: Filters
    previous: Filters
    ranks_shown: bool
    stale: str = ""

    def row(self, department: str) -> Row | None:
        return next((r for r in self.rows if r.department == department), None)


def _cell(metric: Metric, value: float | None, previous: float | None) -> Cell:
    return Cell(value, previous, cell_status(metric, value), cell_status(metric, previous))


def _count(cells: Mapping[str, Cell], ranked: tuple[str, ...], now: bool) -> tuple[int, int]:
    """(KPIs on target, ranked KPIs with a value), now or in the previous period."""
    statuses = [c.status if now else c.previous_status for k, c in cells.items() if k in ranked]
    judged = [s for s in statuses if s is not Status.UNKNOWN]
    return sum(s is Status.ON_TRACK for s in judged), len(judged)


def _ranks(scores: Mapping[str, tuple[int, int]]) -> dict[str, int | None]:
    """Competition ranking by score, then by KPIs on target; no rank without a ranked value."""
    keys = {d: (on / judged, on) for d, (on, judged) in scores.items() if judged}
    return {d: (1 + sum(other > keys[d] for other in keys.values()) if d in keys else None) for d in scores}


def league(engine: Any, filters: Filters) -> League:
    """Every department's KPIs for the period and the one before, through the engine (the viewer's scope holds)."""
    catalogue = engine.catalogue
    shown = [k for k, m in catalogue.items() if DEPARTMENT in m.dimensions]
    ranked = tuple(k for k in shown if catalogue[k].target_per_slice)
    metrics = (*ranked, *(k for k in shown if k not in ranked))
    previous = filters.previous()
    values: dict[str, dict[str, list[float | None]]] = {}
    stale: list[str] = []
    for key in metrics:
        for slot, period in enumerate((filters, previous)):
            answer = engine.breakdown(key, period, DEPARTMENT)
            if answer.stale_reason:
                stale.append(answer.stale_reason)
            for row in answer.data.iter_rows(named=True):
                values.setdefault(row[DEPARTMENT], {}).setdefault(key, [None, None])[slot] = row["value"]
    cells = {dept: {k: _cell(catalogue[k], *per.get(k, [None, None])) for k in metrics}
             for dept, per in values.items()}
    now = {d: _count(c, ranked, True) for d, c in cells.items()}
    before = {d: _count(c, ranked, False) for d, c in cells.items()}
    ranks_shown = getattr(getattr(engine, "scope", None), "department", None) is None
    rank_now, rank_before = _ranks(now), _ranks(before)
    rows = [Row(d, cells[d], *now[d], rank_now[d] if ranks_shown else None,
                before[d][0] / before[d][1] if before[d][1] else None,
                rank_before[d] if ranks_shown else None) for d in cells]
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), -r.on_target, r.department))
    return League(tuple(metrics), ranked, tuple(rows), filters, previous, ranks_shown, "; ".join(dict.fromkeys(stale)))
