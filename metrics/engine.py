"""The engine: for a metric and filters it answers headline, trend, breakdown, drill level and detail rows.

Every number is computed here in polars from the rows a connector yields; views only show what it returns.
Answers are cached (see cache.py); when a source fails, the last good answer is served, marked stale.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Callable, Generic, Mapping, Sequence, TypeVar

import polars as pl

from config.errors import MetricError, SourceError, UnknownName, VantageError
from config.settings import Config
from connectors.base import Connector, DataVersion, Where
from metrics.cache import ResultCache, digest
from metrics.model import Change, Grain, Metric, MetricKind
from metrics.periods import Filters, add_months, month_start
from metrics.status import Status, judge, months_to_target

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
class DetailPage:
    """One page of the rows behind a number, with what is wrong with each in the `problem` column."""

    rows: pl.DataFrame
    total: int
    page: int
    page_size: int


@dataclass
class Engine:
    """Computes metrics of a catalogue over the connectors' frames, through the cache."""

    catalogue: Mapping[str, Metric]
    connectors: Mapping[str, Connector]
    config: Config
    cache: ResultCache
    now: Callable[[], datetime] = datetime.now
    _programme_start: date | None = field(default=None, init=False)

    # -- catalogue -------------------------------------------------------------------------------------------
    def metric(self, key: str) -> Metric:
        if key not in self.catalogue:
            raise UnknownName(f"unknown metric '{key}'", "metric catalogue",
                              f"use one of: {', '.join(self.catalogue)} (python app.py metrics lists them)")
        return self.catalogue[key]

    def _rows_metric(self, metric: Metric) -> Metric:
        """The metric whose rows stand behind this one (a CHANGE's base, a DERIVED's first input)."""
        if metric.kind is MetricKind.CHANGE:
            return self._rows_metric(self.metric(metric.base))
        if metric.kind is MetricKind.DERIVED:
            return self._rows_metric(self.metric(metric.inputs[0]))
        return metric

    def _sources(self, metric: Metric) -> set[tuple[str, str]]:
        if metric.kind is MetricKind.CHANGE:
            return self._sources(self.metric(metric.base))
        if metric.kind is MetricKind.DERIVED:
            return set().union(*(self._sources(self.metric(k)) for k in metric.inputs))
        return {(metric.source, metric.table)}

    def _definition(self, metric: Metric) -> str:
        deps = [metric.base] if metric.kind is MetricKind.CHANGE else list(metric.inputs)
        return digest(metric.fingerprint(), [self._definition(self.metric(k)) for k in deps])

    # -- programme calendar ----------------------------------------------------------------------------------
    def programme_start(self) -> date | None:
        """The programme's first day: from config, else the earliest phase start in the plan source."""
        if self._programme_start is None:
            if self.config.programme_start:
                self._programme_start = date.fromisoformat(self.config.programme_start)
            elif self.config.plan_source in self.connectors:
                try:
                    frame = self.connectors[self.config.plan_source].scan("phases", ["planned_start"], Where())
                    first = frame.select(pl.col("planned_start").min()).collect().item()
                    self._programme_start = first if isinstance(first, date) else None
                except VantageError:
                    return None
        return self._programme_start

    def baseline_period(self, metric: Metric) -> tuple[date, date] | None:
        start = self.programme_start()
        if start is None:
            return None
        start = month_start(start)
        return add_months(start, -metric.baseline_months), start

    def target_date(self, metric: Metric) -> date | None:
        start = self.programme_start()
        return None if start is None else add_months(month_start(start), metric.target_month) - timedelta(days=1)

    # -- public questions --------------------------------------------------------------------------------------
    def headline(self, key: str, filters: Filters) -> Answer[Headline]:
        metric = self.metric(key)
        return self._answer(metric, "headline", filters.params(), lambda: self._headline(metric, filters))

    def value(self, key: str, filters: Filters) -> Answer[float | None]:
        """Only the value for the filters (no previous period, baseline or status)."""
        metric = self.metric(key)
        return self._answer(metric, "value", filters.params(),
                            lambda: self._table(metric, filters, [], None)["value"][0])

    def trend(self, key: str, filters: Filters, grain: Grain | None = None) -> Answer[pl.DataFrame]:
        """Columns period (date), value, rows; one row per period that has data."""
        metric = self.metric(key)
        grain = grain or metric.grain
        return self._answer(metric, "trend", {**filters.params(), "grain": grain.value},
                            lambda: self._table(metric, filters, [], grain).sort("period"))

    def breakdown(self, key: str, filters: Filters, dimension: str) -> Answer[pl.DataFrame]:
        """Columns <dimension>, value, rows; worst value first."""
        metric = self.metric(key)
        self._check_dimension(metric, dimension)
        good_up = metric.good.value == "up"
        return self._answer(metric, "breakdown", {**filters.params(), "by": dimension},
                            lambda: self._table(metric, filters, [dimension], None).sort(
                                ["value", dimension], descending=[not good_up, False], nulls_last=True))

    def drill(self, key: str, filters: Filters, path: tuple[str, ...]) -> tuple[str | None, Filters]:
        """The next dimension of the drill path after choosing `path` values, and the filters they add.

        None as dimension means the path is complete: show detail rows next.
        """
        metric = self.metric(key)
        levels = metric.drill_path
        if len(path) > len(levels):
            raise UnknownName(f"the drill path of {key} has {len(levels)} levels, {len(path)} values were given",
                              f"metric {key}", f"drill at most along {' → '.join(levels)}")
        where = dict(filters.where)
        where.update(zip(levels, path))
        drilled = replace(filters, where=tuple(where.items()))
        return (levels[len(path)] if len(path) < len(levels) else None), drilled

    def detail(self, key: str, filters: Filters, page: int = 0, page_size: int = 50, sort_by: str | None = None,
               descending: bool = False, only_to_fix: bool = True) -> Answer[DetailPage]:
        """The rows behind the number, those that need fixing first; paged and sorted."""
        metric = self.metric(key)
        params = {**filters.params(), "page": page, "size": page_size, "sort": sort_by, "desc": descending,
                  "fix": only_to_fix}
        return self._answer(metric, "detail", params,
                            lambda: self._detail(metric, filters, page, page_size, sort_by, descending, only_to_fix))

    def explain(self, key: str, filters: Filters) -> dict[str, Any]:
        """How the number is computed: definition, source, formula and the filters applied."""
        metric = self.metric(key)
        rows_metric = self._rows_metric(metric)
        formula = {
            MetricKind.SIMPLE: lambda: str(metric.value),
            MetricKind.RATIO: lambda: f"{metric.numerator}  ÷  {metric.denominator}",
            MetricKind.CHANGE: lambda: (f"1 − {metric.base}(period) ÷ {metric.base}(baseline)"
                                        if metric.change is Change.RELATIVE_REDUCTION else
                                        f"({metric.base}(baseline) − {metric.base}(period)) × {metric.scale:g}"),
            MetricKind.DERIVED: lambda: f"{metric.formula}",
        }[metric.kind]()
        return {"kind": metric.kind.value, "source": rows_metric.source, "table": rows_metric.table,
                "time_column": rows_metric.time_column, "formula": formula,
                "row_filter": str(rows_metric.row_filter) if rows_metric.row_filter is not None else "",
                "filters": filters.params(), "baseline_period": self.baseline_period(metric),
                "definition": self._definition(metric), "module": metric.module}

    def milestones(self) -> pl.DataFrame:
        """The programme plan's milestones (for annotations on trends); empty when there is no plan source."""
        connector = self.connectors.get(self.config.plan_source)
        if connector is None:
            return pl.DataFrame()
        columns = ["milestone_id", "phase_id", "workstream_id", "title_en", "title_zh", "planned_end", "actual_end",
                   "status", "kpis"]
        try:
            return connector.scan("milestones", columns, Where()).sort("planned_end").collect()
        except (VantageError, pl.exceptions.PolarsError):
            return pl.DataFrame()

    # -- caching and freshness ---------------------------------------------------------------------------------
    def _versions(self, metric: Metric) -> dict[str, DataVersion]:
        versions = {}
        for source, table in sorted(self._sources(metric)):
            if source not in self.connectors:
                raise SourceError(f"source '{source}' is not declared", f"metric {metric.key}",
                                  f"add [sources.{source}] to the config")
            spec = self.config.sources[source]
            connector = self.connectors[source]
            versions[f"{source}.{table}"] = self.cache.version(
                source, table, spec.cache_ttl_seconds, lambda c=connector, t=table: c.data_version(t))
        return versions

    def _answer(self, metric: Metric, op: str, params: dict, compute: Callable[[], T]) -> Answer[T]:
        question = digest(self._definition(metric), op, params)
        try:
            versions = self._versions(metric)
            key = digest(question, {k: v.token for k, v in versions.items()})
            cached = self.cache.get(key)
            if cached is not None:
                return self._fresh(metric, cached, versions)
            answer = Answer(compute(), self.now(), None)
            self.cache.put(key, question, answer)
            return self._fresh(metric, answer, versions)
        except SourceError as exc:
            last = self.cache.last_good(question)
            if last is None:
                raise
            return replace(last, stale_reason=exc.message)

    def _fresh(self, metric: Metric, answer: Answer[T], versions: dict[str, DataVersion]) -> Answer[T]:
        times = [v.as_of for v in versions.values() if v.as_of is not None]
        as_of = min(times) if times else None
        sla = min(self.config.sources[s].sla_hours(t) for s, t in self._sources(metric))
        behind = as_of is not None and self.now() - as_of > timedelta(hours=sla)
        return replace(answer, data_as_of=as_of, behind_sla=behind, stale_reason="")

    # -- computation -------------------------------------------------------------------------------------------
    def _check_dimension(self, metric: Metric, dimension: str) -> None:
        if dimension not in metric.dimensions:
            raise UnknownName(f"{metric.key} cannot be broken down by '{dimension}'", f"metric {metric.key}",
                              f"use one of its dimensions: {', '.join(metric.dimensions)}")

    def _frame(self, metric: Metric, filters: Filters, columns: set[str]) -> pl.LazyFrame:
        for dim, _ in filters.where:
            self._check_dimension(metric, dim)
        equals = tuple((dim, value if isinstance(value, tuple) else (value,)) for dim, value in filters.where)
        where = Where(metric.time_column, filters.start, filters.end, equals=equals)
        frame = self.connectors[metric.source].scan(metric.table, sorted(columns | where.columns()), where)
        return frame.filter(metric.row_filter) if metric.row_filter is not None else frame

    def _table(self, metric: Metric, filters: Filters, by: list[str], grain: Grain | None) -> pl.DataFrame:
        """Group columns (period first, when a grain is given) + value + rows."""
        return self._tables([Ask(metric, filters, tuple(by), grain)])[0]

    def _tables(self, asks: Sequence[Ask]) -> list[pl.DataFrame]:
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

    def _plan(self, ask: Ask, leaves: dict[Ask, int]) -> Callable[[list[pl.DataFrame]], pl.DataFrame]:
        """How to build an ask's table from the collected leaf tables (simple and ratio metrics)."""
        metric = ask.metric
        if metric.kind is MetricKind.CHANGE:
            base = self.metric(metric.base)
            baseline_period = self.baseline_period(metric)
            if baseline_period is None:
                raise MetricError(f"{metric.key} compares with a baseline, but the programme start is unknown",
                                  f"metric {metric.key}", "set programme_start in [vantage] or provide the plan's phases")
            now = self._plan(Ask(base, ask.filters, ask.by, ask.grain), leaves)
            then = self._plan(Ask(base, ask.filters.with_period(*baseline_period), ask.by, None), leaves)
            return lambda frames: self._change(metric, ask, now(frames), then(frames))
        if metric.kind is MetricKind.DERIVED:
            parts = [(key, self._plan(Ask(self.metric(key), ask.filters, ask.by, ask.grain), leaves))
                     for key in metric.inputs]
            return lambda frames: self._derived(metric, ask, [(key, plan(frames)) for key, plan in parts])
        index = leaves.setdefault(ask, len(leaves))
        return lambda frames: frames[index]

    def _lazy(self, ask: Ask) -> pl.LazyFrame:
        """The grouped aggregation of a simple or ratio metric, as a lazy query."""
        metric, by = ask.metric, list(ask.by)
        columns = {c for e in (metric.value, metric.numerator, metric.denominator, metric.row_filter)
                   if e is not None for c in e.meta.root_names()} | set(by) | {metric.time_column}
        frame = self._frame(metric, ask.filters, columns)
        keys = list(by)
        if ask.grain is not None:
            frame = frame.with_columns(period=pl.col(metric.time_column).dt.truncate(ask.grain.every).cast(pl.Date))
            keys = ["period", *keys]
        aggs = [pl.len().alias("rows")]
        if metric.kind is MetricKind.SIMPLE:
            aggs.append(metric.value.cast(pl.Float64).alias("value"))  # type: ignore[union-attr]
        else:
            aggs += [metric.numerator.cast(pl.Float64).alias("_num"),  # type: ignore[union-attr]
                     metric.denominator.cast(pl.Float64).alias("_den")]  # type: ignore[union-attr]
        out = frame.group_by(keys).agg(aggs) if keys else frame.select(aggs)
        if metric.kind is MetricKind.RATIO:
            out = out.with_columns(value=pl.when(pl.col("_den") != 0).then(pl.col("_num") / pl.col("_den")))
        out = out.with_columns(pl.when(pl.col("rows") > 0).then(pl.col("value")).alias("value"))
        return out.select([*keys, "value", "rows"])

    def _change(self, metric: Metric, ask: Ask, now: pl.DataFrame, then: pl.DataFrame) -> pl.DataFrame:
        by = list(ask.by)
        then = then.rename({"value": "_baseline", "rows": "_baseline_rows"})
        joined = now.join(then, on=by, how="left") if by else now.join(then, how="cross")
        if metric.change is Change.RELATIVE_REDUCTION:
            value = pl.when(pl.col("_baseline") != 0).then(1 - pl.col("value") / pl.col("_baseline"))
        else:
            value = (pl.col("_baseline") - pl.col("value")) * metric.scale
        keys = (["period"] if ask.grain else []) + by
        return joined.with_columns(value=value).select([*keys, "value", "rows"])

    def _derived(self, metric: Metric, ask: Ask, parts: list[tuple[str, pl.DataFrame]]) -> pl.DataFrame:
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

    def _headline(self, metric: Metric, filters: Filters) -> Headline:
        baseline_period = self.baseline_period(metric)
        # The trend behind the status: the monthly values of the six months up to the period's end.
        trend_filters = filters.with_period(add_months(month_start(filters.end - timedelta(days=1)), -5), filters.end)
        # A calendar month and the month before it are rows of that monthly trend (same rows, same expression):
        # read them there instead of scanning the data twice more.
        one_month = filters.start.day == 1 and filters.end == add_months(filters.start, 1)
        asks = [Ask(metric, trend_filters, (), Grain.MONTH)]
        if not one_month:
            asks += [Ask(metric, filters), Ask(metric, filters.previous())]
        if baseline_period is not None and metric.kind is not MetricKind.CHANGE:
            asks.append(Ask(metric, filters.with_period(*baseline_period)))
        trend, *rest = self._tables(asks)
        if one_month:
            value, rows = _month_of(trend, filters.start)
            previous, _ = _month_of(trend, add_months(filters.start, -1))
        else:
            now, before, *rest = rest
            value, rows, previous = now["value"][0], int(now["rows"][0]), before["value"][0]
        base = rest
        baseline = 0.0 if metric.kind is MetricKind.CHANGE else (base[0]["value"][0] if base else None)
        target_date = self.target_date(metric)
        monthly = [v for v in trend.sort("period")["value"] if v is not None]
        months_left = None if target_date is None else (target_date - filters.end).days / 30.44
        status = judge(value, metric.target, metric.good, monthly, months_left)
        eta = months_to_target(monthly, metric.target, metric.good) if metric.target is not None else None
        return Headline(metric.key, value, previous, rows, baseline, metric.target, target_date, status, eta,
                        filters.start, filters.end)

    def _detail(self, metric: Metric, filters: Filters, page: int, page_size: int, sort_by: str | None,
                descending: bool, only_to_fix: bool) -> DetailPage:
        rows_metric = self._rows_metric(metric)
        exprs = [e for e in (rows_metric.problems, rows_metric.needs_fixing, rows_metric.row_filter) if e is not None]
        columns = set(rows_metric.detail_columns) | {c for e in exprs for c in e.meta.root_names()}
        frame = self._frame(rows_metric, filters, columns | {rows_metric.time_column})
        if only_to_fix and rows_metric.needs_fixing is not None:
            frame = frame.filter(rows_metric.needs_fixing)
        problem = rows_metric.problems if rows_metric.problems is not None else pl.lit("")
        frame = frame.with_columns(problem=problem.cast(pl.String).fill_null(""))
        shown = [*rows_metric.detail_columns, "problem"]
        sort_col = sort_by if sort_by in shown else rows_metric.time_column
        frame = frame.select(shown).sort(sort_col, descending=descending, nulls_last=True)
        try:
            total = frame.select(pl.len()).collect().item()
            rows = frame.slice(page * page_size, page_size).collect()
        except pl.exceptions.PolarsError as exc:
            raise MetricError(f"cannot list the rows of {metric.key}: {str(exc).splitlines()[0]}",
                              f"metric {metric.key} in {metric.module}", "check the detail and problem columns") from None
        return DetailPage(rows, int(total), page, page_size)


def _month_of(trend: pl.DataFrame, month: date) -> tuple[float | None, int]:
    """(value, rows) of one month of a monthly trend; (None, 0) when the month had no rows."""
    row = trend.filter(pl.col("period") == month)
    return (row["value"][0], int(row["rows"][0])) if row.height else (None, 0)
