"""The department league table: every department's KPIs side by side, ranked by the share of KPIs on target.

- Columns: every visible KPI with a department dimension. Ranked are those whose target applies to a department
  (`target_scope` SAME: rates, averages, durations, scores; PER_SLICE: the department's own target, given as data);
  those whose target is the programme's only are shown without a status.
- A cell is the department's status decision (metrics/engine/decision.py), the same one its view of the overview,
  the metric page, the wall, the email and `python app.py query --where department=D` show.
- A department's score: KPIs that meet their target ÷ ranked KPIs with a status (too few records, no value or no
  target for it: not counted). Ranked by score, then by the number on target; equal on both, equal rank (1, 2, 2, 4).
- The change: the rank and every value against the previous period of the same length (the previous quarter for
  a quarter).
- Ranks compare every department, so they are left out when the engine is narrowed to one department (a
  department lead sees their own row, numbers and score, but no rank).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Mapping

from metrics.engine.answers import Answer, Headline
from metrics.engine.decision import Decision
from metrics.engine.periods import Filters
from metrics.engine.protocol import Questions
from metrics.engine.scope import ScopedEngine
from metrics.engine.status import Status
from metrics.semantics.model import TargetScope, listed

DEPARTMENT = "department"
WORKERS = 4  # departments' headlines asked side by side (polars works outside Python's lock)


@dataclass(frozen=True)
class Cell:
    """One department's value of one KPI, now and in the previous period, with the status decision of each."""

    value: float | None
    previous: float | None
    decision: Decision | None  # None: no headline (the department had no rows)
    previous_decision: Decision | None

    @property
    def status(self) -> Status:
        return self.decision.status if self.decision is not None else Status.UNKNOWN

    @property
    def previous_status(self) -> Status:
        return self.previous_decision.status if self.previous_decision is not None else Status.UNKNOWN

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


def _count(cells: Mapping[str, Cell], ranked: tuple[str, ...], now: bool) -> tuple[int, int]:
    """(KPIs that meet their target, ranked KPIs with a status), now or in the previous period."""
    decisions = [c.decision if now else c.previous_decision for k, c in cells.items() if k in ranked]
    judged = [d for d in decisions if d is not None and d.judged]
    return sum(d.met for d in judged), len(judged)


def _ranks(scores: Mapping[str, tuple[int, int]]) -> dict[str, int | None]:
    """Competition ranking by score, then by KPIs on target; no rank without a ranked value."""
    keys = {d: (on / judged, on) for d, (on, judged) in scores.items() if judged}
    return {d: (1 + sum(other > keys[d] for other in keys.values()) if d in keys else None) for d in scores}


def league(engine: Questions, filters: Filters) -> League:
    """Every department's KPIs for the period and the one before, through the engine (the viewer's scope holds)."""
    catalogue = listed(engine.catalogue)
    shown = [k for k, m in catalogue.items() if DEPARTMENT in m.dimensions]
    ranked = tuple(k for k in shown if catalogue[k].target is not None
                   and catalogue[k].target_scope in (TargetScope.SAME, TargetScope.PER_SLICE))
    metrics = (*ranked, *(k for k in shown if k not in ranked))
    previous = filters.previous()
    asks: list[tuple[str, str, int]] = []  # (metric, department, 0 now / 1 previous) of every department with rows
    stale: list[str] = []
    for key in metrics:
        for slot, period in enumerate((filters, previous)):
            answer = engine.breakdown(key, period, DEPARTMENT)
            stale += [answer.stale_reason] if answer.stale_reason else []
            asks += [(key, str(row[DEPARTMENT]), slot) for row in answer.data.iter_rows(named=True)]
    periods = (filters, previous)

    def headline(ask: tuple[str, str, int]) -> Answer[Headline]:
        key, department, slot = ask
        where = {**dict(periods[slot].where), DEPARTMENT: department}
        return engine.headline(key, replace(periods[slot], where=tuple(where.items())))

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        answers = dict(zip(asks, pool.map(headline, asks)))
    stale += [a.stale_reason for a in answers.values() if a.stale_reason]
    found: dict[str, dict[str, list[Decision | None]]] = {}
    for (key, department, slot), asked in answers.items():
        found.setdefault(department, {}).setdefault(key, [None, None])[slot] = asked.data.decision
    cells = {dept: {k: _cell(*per.get(k, [None, None])) for k in metrics} for dept, per in found.items()}
    now = {d: _count(c, ranked, True) for d, c in cells.items()}
    before = {d: _count(c, ranked, False) for d, c in cells.items()}
    ranks_shown = not isinstance(engine, ScopedEngine) or engine.scope.department is None
    rank_now, rank_before = _ranks(now), _ranks(before)
    rows = [Row(d, cells[d], *now[d], rank_now[d] if ranks_shown else None,
                before[d][0] / before[d][1] if before[d][1] else None,
                rank_before[d] if ranks_shown else None) for d in cells]
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), -r.on_target, r.department))
    return League(tuple(metrics), ranked, tuple(rows), filters, previous, ranks_shown, "; ".join(dict.fromkeys(stale)))


def _cell(now: Decision | None, before: Decision | None) -> Cell:
    return Cell(now.value if now else None, before.value if before else None, now, before)
