"""Query planning, per metric kind in one place: a grouped question (an Ask) becomes lazy polars scans of the
source, run together, and the tables of change and derived metrics are joined from their parts' tables. A rate's total
is divided by the days or months of its window here (README "Rates")."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

import polars as pl

from connectors.base import Connector, Where
from core.errors import MetricError, UnknownName
from metrics.engine import rollups
from metrics.engine.periods import Filters, add_months, month_start
from metrics.semantics.model import Change, Grain, Metric, MetricKind, Per

if TYPE_CHECKING:
    from metrics.engine.baselines import FrozenBaselines

Table = Callable[[list[pl.DataFrame]], pl.DataFrame]
AVERAGE_MONTH_DAYS = 30.4375  # 365.25 / 12


@dataclass(frozen=True)
class Ask:
    """One grouped question about a metric: its filters, the dimensions to group by and the time grain."""

    metric: Metric
    filters: Filters
    by: tuple[str, ...] = ()
    grain: Grain | None = None

    def __hash__(self) -> int:
        return hash((self.metric.key, self.metric.fingerprint(), self.filters, self.by, self.grain))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ask) and hash(self) == hash(other)


@dataclass(frozen=True)
class Planner:
    """Turns asks into tables (group columns, period first when a grain is given, then value and rows)."""

    metric: Callable[[str], Metric]
    connectors: Mapping[str, Connector]
    baseline_period: Callable[[Metric], tuple[date, date] | None]
    # Where a rate's table lies in time; the engine passes one cached by data version, else it is read each time.
    data_span: Callable[[Metric], Span | None] | None = None
    # The recorded baselines (baselines.py) a CHANGE metric compares with once the window has closed; None: live.
    frozen: FrozenBaselines | None = None
    # A metric's rollup (rollups.py), cached by data version; None (or a None answer): the metric reads its rows.
    rollup: Callable[[Metric], pl.DataFrame | rollups.Distinct | None] | None = None
    # An ask's table computed in the database (pushdown.py); None (or a None answer): the metric reads its rows.
    pushdown: Callable[[Ask], pl.DataFrame | None] | None = None

    def table(self, metric: Metric, filters: Filters, by: Sequence[str] = (), grain: Grain | None = None) -> pl.DataFrame:
        return self.tables([Ask(metric, filters, tuple(by), grain)])[0]

    def tables(self, asks: Sequence[Ask]) -> list[pl.DataFrame]:
        """Answer several grouped questions at once: their scans run together and identical ones once."""
        leaves: dict[Ask, int] = {}
        plans = [self._plan(ask, leaves) for ask in asks]
        lazies = [self._lazy(ask) for ask in leaves]
        try:
            frames = pl.collect_all(lazies)
        except pl.exceptions.PolarsError as exc:
            keys = ", ".join(sorted({a.metric.key for a in leaves}))
            raise MetricError(f"cannot compute {keys}: {str(exc).splitlines()[0]}", f"metric {keys}",
                              "check that the columns it reads have the types its expressions expect") from None
        return [plan(frames) for plan in plans]

    def check_dimension(self, metric: Metric, dimension: str) -> None:
        if dimension not in metric.dimensions:
            raise UnknownName(f"{metric.key} cannot be broken down by '{dimension}'", f"metric {metric.key}",
                              f"use one of its dimensions: {', '.join(metric.dimensions)}")

    def frame(self, metric: Metric, filters: Filters, columns: set[str]) -> pl.LazyFrame:
        """The metric's rows for the filters (pushed into the connector's scan), its row filter applied."""
        for dim, _ in filters.where:
            self.check_dimension(metric, dim)
        equals = tuple((dim, value if isinstance(value, tuple) else (value,)) for dim, value in filters.where)
        where = Where(metric.time_column, filters.start, filters.end, equals=equals)
        frame = self.connectors[metric.source].scan(metric.table, sorted(columns | where.columns()), where)
        return frame.filter(metric.row_filter) if metric.row_filter is not None else frame

    def _plan(self, ask: Ask, leaves: dict[Ask, int]) -> Table:
        """How to build an ask's table from the collected leaf tables (simple and ratio metrics)."""
        metric = ask.metric
        if metric.kind is MetricKind.CHANGE:
            base = self.metric(metric.base)
            baseline_period = self.baseline_period(metric)
            if baseline_period is None:
                raise MetricError(f"{metric.key} compares with a baseline, but the programme start is unknown",
                                  f"metric {metric.key}", "set programme_start in [vantage] or provide the plan's phases")
            now = self._plan(Ask(base, ask.filters, ask.by, ask.grain), leaves)
            then_ask = Ask(base, ask.filters.with_period(*baseline_period), ask.by, None)
            recorded = self.frozen.table(self, then_ask) if self.frozen is not None else None
            then = self._plan(then_ask, leaves) if recorded is None else _given(recorded)
            return lambda frames: _change(metric, ask, now(frames), then(frames))
        if metric.kind is MetricKind.DERIVED:
            parts = [(key, self._plan(Ask(self.metric(key), ask.filters, ask.by, ask.grain), leaves))
                     for key in metric.inputs]
            return lambda frames: _derived(metric, ask, [(key, plan(frames)) for key, plan in parts])
        index = leaves.setdefault(ask, len(leaves))
        if metric.per is None:
            return lambda frames: frames[index]
        span = self.data_span(metric) if self.data_span else read_span(self.connectors[metric.source], metric)
        return lambda frames: _per_window(ask, span, frames[index])

    def _lazy(self, ask: Ask) -> pl.LazyFrame:
        """The grouped aggregation of a simple or ratio metric, as a lazy query: over its rollup when it has one."""
        metric, by = ask.metric, list(ask.by)
        rollup = self.rollup(metric) if self.rollup is not None else None
        if rollup is not None:
            for dim in [d for d, _ in ask.filters.where] + by:
                self.check_dimension(metric, dim)
            return rollups.table(rollup, metric, ask.filters, by, ask.grain.every if ask.grain else None)
        if self.pushdown is not None:
            for dim in [d for d, _ in ask.filters.where] + by:
                self.check_dimension(metric, dim)
            pushed = self.pushdown(ask)
            if pushed is not None:
                return pushed.lazy()
        columns = {c for e in (metric.value, metric.numerator, metric.denominator, metric.row_filter)
                   if e is not None for c in e.meta.root_names()} | set(by) | {metric.time_column}
        frame = self.frame(metric, ask.filters, columns)
        keys = list(by)
        if ask.grain is not None:
            frame = frame.with_columns(period=pl.col(metric.time_column).dt.truncate(ask.grain.every).cast(pl.Date))
            keys = ["period", *keys]
        aggs = [pl.len().alias("rows")]
        if metric.kind is MetricKind.SIMPLE and metric.value is not None:
            aggs.append(metric.value.cast(pl.Float64).alias("value"))
        elif metric.numerator is not None and metric.denominator is not None:
            aggs += [metric.numerator.cast(pl.Float64).alias("_num"), metric.denominator.cast(pl.Float64).alias("_den")]
        out = frame.group_by(keys).agg(aggs) if keys else frame.select(aggs)
        if metric.kind is MetricKind.RATIO:
            out = out.with_columns(value=pl.when(pl.col("_den") != 0).then(pl.col("_num") / pl.col("_den")))
        out = out.with_columns(pl.when(pl.col("rows") > 0).then(pl.col("value")).alias("value"))
        return out.select([*keys, "value", "rows"])


def _change(metric: Metric, ask: Ask, now: pl.DataFrame, then: pl.DataFrame) -> pl.DataFrame:
    by = list(ask.by)
    then = then.rename({"value": "_baseline", "rows": "_baseline_rows"})
    then = then.with_columns([pl.col(c).cast(now.schema[c]) for c in by])  # a recorded slice's name is a string
    joined = now.join(then, on=by, how="left") if by else now.join(then, how="cross")
    value: pl.Expr
    if metric.change is Change.RELATIVE_REDUCTION:
        value = pl.when(pl.col("_baseline") != 0).then(1 - pl.col("value") / pl.col("_baseline"))
    else:
        value = (pl.col("_baseline") - pl.col("value")) * metric.scale
    keys = (["period"] if ask.grain else []) + by
    return joined.with_columns(value=value).select([*keys, "value", "rows"])


def _given(frame: pl.DataFrame) -> Table:
    """A table known before any scan runs (a recorded baseline)."""
    return lambda frames: frame


def _derived(metric: Metric, ask: Ask, parts: list[tuple[str, pl.DataFrame]]) -> pl.DataFrame:
    keys = (["period"] if ask.grain else []) + list(ask.by)
    joined: pl.DataFrame | None = None
    for key, part in parts:
        part = part.rename({"value": key, "rows": f"_rows_{key}"})
        joined = part if joined is None else (joined.join(part, on=keys, how="full", coalesce=True)
                                              if keys else joined.join(part, how="cross"))
    assert joined is not None and metric.formula is not None
    first = f"_rows_{metric.inputs[0]}"
    return joined.with_columns(value=metric.formula.cast(pl.Float64), rows=pl.col(first).fill_null(0)).select(
        [*keys, "value", "rows"])


@dataclass(frozen=True)
class Span:
    """Where a table's data lies in time: its first day and the day after its as-of (its newest time value).

    A table whose every time value is the first of a month holds monthly figures: a row dated 1 November covers
    November, so its window is read in whole months.
    """

    first: date
    end: date  # exclusive
    monthly: bool = False

    def clip(self, start: date, end: date) -> tuple[date, date]:
        """The part of [start, end) the data covers."""
        if self.monthly:  # the rows dated inside [start, end) are the months that start inside it
            start, end = _month_ceiling(start), _month_ceiling(end)
        return max(start, self.first), min(end, self.end)

    def divisor(self, per: Per, start: date, end: date) -> float | None:
        """What a rate's total over [start, end) is divided by: the days the data covers, or for a per-month rate
        the number of whole calendar months, or those days over an average month; None when it covers no day."""
        lo, hi = self.clip(start, end)
        days = (hi - lo).days
        if days <= 0:
            return None
        if per is Per.DAY:
            return float(days)
        if lo.day == 1 and hi.day == 1:
            return float((hi.year - lo.year) * 12 + hi.month - lo.month)
        return days / AVERAGE_MONTH_DAYS


def read_span(connector: Connector, metric: Metric) -> Span | None:
    """The span of the metric's table (all its rows, whatever the slice); None when the table has no dated row."""
    time = pl.col(metric.time_column)
    frame = connector.scan(metric.table, [metric.time_column], Where())
    try:
        first, newest, monthly = frame.select(time.min().alias("first"), time.max().alias("newest"),
                                              (time.dt.truncate("1mo") == time).all().alias("monthly")).collect().row(0)
    except pl.exceptions.PolarsError as exc:
        raise MetricError(f"cannot read the time span of {metric.table}.{metric.time_column}: "
                          f"{str(exc).splitlines()[0]}", f"metric {metric.key}",
                          "give the metric a time column of dates or timestamps") from None
    if first is None or newest is None:
        return None
    first, newest = _day(first), _day(newest)
    return Span(first, add_months(month_start(newest), 1), True) if monthly else Span(first, newest + timedelta(days=1))


def _per_window(ask: Ask, span: Span | None, frame: pl.DataFrame) -> pl.DataFrame:
    """A rate's table: each total divided by its window (the ask's period, or each trend bucket within it)."""
    filters, per = ask.filters, ask.metric.per
    assert per is not None

    def divisor(start: date, end: date) -> float | None:
        return None if span is None else span.divisor(per, max(start, filters.start), min(end, filters.end))

    if ask.grain is None:
        return frame.with_columns(value=pl.col("value") / pl.lit(divisor(filters.start, filters.end), pl.Float64))
    grain = ask.grain
    windows = {p: divisor(p, _bucket_end(p, grain)) for p in frame["period"].unique().to_list()}
    return frame.with_columns(value=pl.col("value") / pl.col("period").replace_strict(windows, return_dtype=pl.Float64))


def _bucket_end(start: date, grain: Grain) -> date:
    if grain is Grain.DAY:
        return start + timedelta(days=1)
    if grain is Grain.WEEK:
        return start + timedelta(days=7)
    return add_months(start, 1 if grain is Grain.MONTH else 3)


def _month_ceiling(day: date) -> date:
    return day if day.day == 1 else add_months(month_start(day), 1)


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value
