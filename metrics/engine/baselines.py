"""Frozen baselines: a metric's baseline is recorded once its window has closed, so a late correction cannot move it.

When a metric's baseline window (the `baseline_months` before the programme start) ends before today, the first
question that needs the baseline records it in DATA_DIR/baselines.sqlite: the value company-wide and for each value
of the drill path's first dimension (each department, say), under the metric's definition version. Later questions
use the record: the headline's baseline and what a CHANGE metric compares with. The live value is still computed
beside it; when the two differ beyond float rounding the baseline is *restated*: the record stays in use, and the
metric page and `python app.py check` say what it was and what the data gives now. A changed definition is another
version: it records a new baseline, and the old rows stay for history. A question cut finer than the drill path's
first dimension (a system within a department, several departments at once) compares with the live baseline.
"""
from __future__ import annotations

import hashlib
import math
from contextlib import closing
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Iterable

import polars as pl

from core.errors import VantageError
from core.store import SqliteStore, StoreError
from metrics.engine.periods import Filters
from metrics.engine.planning import Ask, Planner
from metrics.semantics.model import Metric, MetricKind

COMPANY = ""  # the dimension and slice of a company-wide record
REL_TOL = 1e-9  # what float rounding may move a recomputed value by; more than this is a restatement


@dataclass(frozen=True)
class Record:
    """A baseline as recorded: a metric's value over its window, company-wide or for one slice, with its version."""

    metric: str
    version: str
    start: date
    end: date  # exclusive, like every period
    dimension: str  # COMPANY for the company-wide value
    slice: str  # the dimension's value; COMPANY for the company-wide value
    value: float | None  # None: no rows in the window
    rows: int
    recorded_at: datetime


@dataclass(frozen=True)
class Restatement:
    """A recorded baseline the data no longer gives: what was recorded (and when), and what the data gives now."""

    metric: str  # the metric whose baseline it is (a CHANGE metric's base)
    dimension: str  # COMPANY, or the dimension of the slice
    slice: str
    start: date
    end: date
    recorded: float | None
    now: float | None
    recorded_at: datetime


class BaselineStore(SqliteStore):
    """DATA_DIR/baselines.sqlite: every baseline recorded, one row per metric, version, window and slice; never
    updated (the first writer wins when two workers record at once)."""

    FILE = "baselines.sqlite"
    SCHEMA = """CREATE TABLE IF NOT EXISTS baselines (
        metric TEXT NOT NULL,
        version TEXT NOT NULL,
        start TEXT NOT NULL,
        "end" TEXT NOT NULL,
        dimension TEXT NOT NULL,
        slice TEXT NOT NULL,
        value REAL,
        rows INTEGER NOT NULL,
        recorded_at TEXT NOT NULL,
        PRIMARY KEY (metric, version, start, "end", dimension, slice)
    )"""
    COLUMNS = 'metric, version, start, "end", dimension, slice, value, rows, recorded_at'

    def records(self, metric: str, version: str, start: date, end: date) -> list[Record]:
        """The records of one metric version over one window (none when it was not recorded yet)."""
        return self._select("WHERE metric = ? AND version = ? AND start = ? AND \"end\" = ?",
                            (metric, version, start.isoformat(), end.isoformat()))

    def history(self, metric: str) -> list[Record]:
        """Every record of a metric, every version and window, oldest first."""
        return self._select("WHERE metric = ?", (metric,))

    def add(self, records: Iterable[Record]) -> None:
        """Record baselines; a row already recorded (by another worker, say) is kept as it was."""
        rows = [(r.metric, r.version, r.start.isoformat(), r.end.isoformat(), r.dimension, r.slice, r.value, r.rows,
                 r.recorded_at.isoformat(sep=" ", timespec="seconds")) for r in records]
        try:
            with closing(self._connect()) as con, con:
                con.executemany(f"INSERT INTO baselines ({self.COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                "ON CONFLICT DO NOTHING", rows)
        except StoreError as exc:
            raise self._failed(exc) from None

    def _select(self, where: str, params: tuple[str, ...]) -> list[Record]:
        try:
            with closing(self._connect()) as con:
                found = con.execute(f"SELECT {self.COLUMNS} FROM baselines {where} ORDER BY rowid", params).fetchall()
        except StoreError as exc:
            raise self._failed(exc) from None
        return [Record(m, v, date.fromisoformat(s), date.fromisoformat(e), d, sl, val, n, datetime.fromisoformat(at))
                for m, v, s, e, d, sl, val, n, at in found]

    def _failed(self, exc: Exception) -> VantageError:
        return VantageError(f"cannot use the recorded baselines: {exc}", str(self.path),
                            "check that the data folder is writable, or move the damaged file aside "
                            "(the baselines are recorded again from the data as it is now)")


def version(planner: Planner, metric: Metric) -> str:
    """The definition version a baseline is recorded under: the metric's definition_hash(), together with those of
    the metrics it is computed from (a changed input changes the number as much as a changed formula)."""
    parts = [metric.base] if metric.kind is MetricKind.CHANGE else list(metric.inputs)
    if not parts:
        return metric.definition_hash()
    joined = " ".join([metric.definition_hash(), *(version(planner, planner.metric(k)) for k in parts)])
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def subject(planner: Planner, metric: Metric, filters: Filters) -> Ask | None:
    """The question whose value is the metric's baseline for these filters: the metric (a CHANGE metric: its base)
    over the baseline window; None when the programme start, and so the window, is unknown."""
    window = planner.baseline_period(metric)
    if window is None:
        return None
    of = planner.metric(metric.base) if metric.kind is MetricKind.CHANGE else metric
    return Ask(of, filters.with_period(*window))


def same(recorded: float | None, now: float | None) -> bool:
    """Whether a recomputed baseline is the recorded one, up to float rounding."""
    if recorded is None or now is None:
        return recorded is None and now is None
    return math.isclose(recorded, now, rel_tol=REL_TOL, abs_tol=1e-12)


@dataclass(frozen=True)
class FrozenBaselines:
    """The recorded baselines the engine's planner answers baseline questions from, recording them when due."""

    store: BaselineStore
    now: Callable[[], datetime]

    def table(self, planner: Planner, ask: Ask) -> pl.DataFrame | None:
        """The recorded baseline for an ask over its metric's baseline window, as the planner's table (the ask's
        group column, value, rows); None when no record answers it (the window is still open, or the ask is cut
        finer than the drill path's first dimension), so the live value stands."""
        found = self._answering(planner, ask)
        if found is None:
            return None
        chosen, level, _ = found
        if not ask.by and not chosen:  # the slice had no rows in the window: no baseline, as the live table says
            return pl.DataFrame({"value": [None], "rows": [0]}, schema={"value": pl.Float64, "rows": pl.UInt32})
        frame = pl.DataFrame({"value": [r.value for r in chosen], "rows": [r.rows for r in chosen]},
                             schema={"value": pl.Float64, "rows": pl.UInt32})
        if not ask.by:
            return frame
        return frame.with_columns(pl.Series(level, [r.slice for r in chosen], pl.String)).select(
            [level, "value", "rows"])

    def settle(self, planner: Planner, ask: Ask, live: float | None) -> tuple[float | None, Restatement | None]:
        """The baseline a headline shows for an ask with no group columns: the recorded value when there is one
        (with the restatement when the live value differs), else the live value."""
        found = self._answering(planner, ask)
        if found is None:
            return live, None
        chosen, _, recorded_at = found
        dimension, value = _slice_of(ask) or (COMPANY, COMPANY)
        recorded = chosen[0].value if chosen else None  # no record of a slice: it had no rows in the window
        if same(recorded, live):
            return recorded, None
        return recorded, Restatement(ask.metric.key, dimension, value, ask.filters.start, ask.filters.end, recorded,
                                     live, recorded_at)

    def restatements(self, planner: Planner, metric: Metric, window: tuple[date, date]) -> list[Restatement]:
        """Every baseline of the metric over the window (company-wide, then each slice) that the data now gives
        differently from its record; records it first when it is due and not recorded yet."""
        if window[1] > self.now().date():
            return []
        records = self._recorded(planner, metric, window)
        live = {(r.dimension, r.slice): r.value for r in self._compute(planner, metric, window, "")}
        recorded = {(r.dimension, r.slice): r.value for r in records}
        stamp = records[0].recorded_at
        return [Restatement(metric.key, d, s, *window, recorded.get((d, s)), live.get((d, s)), stamp)
                for d, s in dict.fromkeys([*recorded, *live]) if not same(recorded.get((d, s)), live.get((d, s)))]

    # -- recording ------------------------------------------------------------------------------------------------
    def _answering(self, planner: Planner, ask: Ask) -> tuple[list[Record], str, datetime] | None:
        """The records that answer an ask, the dimension they are cut by and when they were recorded; None when no
        record can answer it."""
        metric, filters = ask.metric, ask.filters
        level = metric.drill_path[0] if metric.drill_path else COMPANY
        wanted = _slice_of(ask)
        if (ask.grain is not None or filters.end > self.now().date() or ask.by not in ((), (level,))
                or wanted is None or wanted[0] not in (COMPANY, level)):
            return None
        records = self._recorded(planner, metric, (filters.start, filters.end))
        if ask.by:
            chosen = [r for r in records if r.dimension == level and (wanted[0] == COMPANY or r.slice == wanted[1])]
        else:
            chosen = [r for r in records if (r.dimension, r.slice) == wanted]
        return chosen, level, records[0].recorded_at

    def _recorded(self, planner: Planner, metric: Metric, window: tuple[date, date]) -> list[Record]:
        """The metric's records over the window under its current version, recorded now if there are none yet
        (the company-wide record comes first)."""
        current = version(planner, metric)
        records = self.store.records(metric.key, current, *window)
        if not records:
            self.store.add(self._compute(planner, metric, window, current))
            records = self.store.records(metric.key, current, *window)
        return records

    def _compute(self, planner: Planner, metric: Metric, window: tuple[date, date], current: str) -> list[Record]:
        """The live baseline over the window: company-wide and per value of the drill path's first dimension."""
        filters = Filters(*window)
        level = metric.drill_path[0] if metric.drill_path else COMPANY
        asks = [Ask(metric, filters)] + ([Ask(metric, filters, (level,))] if level else [])
        company, *sliced = planner.tables(asks)
        stamp = self.now().replace(microsecond=0)
        out = [Record(metric.key, current, *window, COMPANY, COMPANY, company["value"][0], int(company["rows"][0]),
                      stamp)]
        for frame in sliced:
            out += [Record(metric.key, current, *window, level, str(s), v, int(n), stamp)
                    for s, v, n in frame.select([level, "value", "rows"]).iter_rows() if s is not None]
        return out


def _slice_of(ask: Ask) -> tuple[str, str] | None:
    """(dimension, value) of the one slice an ask's filters choose, (COMPANY, COMPANY) when they choose none;
    None when they choose several values or several dimensions (no record answers that)."""
    where = ask.filters.where
    if not where:
        return COMPANY, COMPANY
    if len(where) > 1:
        return None
    dimension, value = where[0]
    if isinstance(value, tuple):
        if len(value) != 1:
            return None
        value = value[0]
    return dimension, str(value)
