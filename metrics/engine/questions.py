"""The engine's public questions: for a metric and filters it answers headline, value, trend, breakdown, drill
level, detail rows and how a number is computed.

Every number is computed in polars from the rows a connector yields (planning.py); views only show what it
returns. Answers are cached by question and data version (cache.py); when a source fails, the last good answer is
served, marked stale.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any, Callable, Mapping, Sequence, TypeVar

import polars as pl

from config.settings import Config
from connectors.base import Connector, DataVersion, Where
from core.errors import SourceError, UnknownName, VantageError
from metrics.engine import pushdown, rollups
from metrics.engine.answers import Answer, DetailPage, Explanation, Headline
from metrics.engine.baselines import BaselineStore, FrozenBaselines, Restatement
from metrics.engine.breaker import SourceBreaker
from metrics.engine.cache import ResultCache, digest
from metrics.engine.contributions import Movement, movement
from metrics.engine.decision import goal_for, slice_targets
from metrics.engine.details import detail_page
from metrics.engine.headline import headline as compute_headline
from metrics.engine.periods import Filters, add_months, month_start
from metrics.engine.planning import Ask, Planner, Span
from metrics.engine.rollup_store import RollupStore
from metrics.engine.spans import span_versions
from metrics.engine.values import distinct_values
from metrics.semantics.model import Change, Grain, Metric, MetricKind

T = TypeVar("T")


@dataclass
class Engine:
    """Computes metrics of a catalogue over the connectors' frames, through the cache."""

    catalogue: Mapping[str, Metric]
    connectors: Mapping[str, Connector]
    config: Config
    cache: ResultCache
    now: Callable[[], datetime] = datetime.now
    baselines: BaselineStore | None = None  # where closed baseline windows are recorded; None: always live
    breaker: SourceBreaker = field(default_factory=SourceBreaker)  # a failing source is left alone a while
    use_rollups: bool = False  # decomposable metrics answer from their rollups (rollups.py): the `rollups` setting
    refreshing: Callable[[Mapping[str, DataVersion]], str] | None = None  # with a worker pool: see _answer
    _programme_start: date | None = field(default=None, init=False)
    _rollup_store: RollupStore | None = field(default=None, init=False)
    _collided: set[str] = field(default_factory=set, init=False)  # distinct rollups whose hashes were not injective

    # -- catalogue -------------------------------------------------------------------------------------------
    def metric(self, key: str) -> Metric:
        if key not in self.catalogue:
            raise UnknownName(f"unknown metric '{key}'", "metric catalogue",
                              f"use one of: {', '.join(self.catalogue)} (python app.py metrics lists them)")
        return self.catalogue[key]

    @property
    def planner(self) -> Planner:
        return Planner(self.metric, self.connectors, self.baseline_period, self.data_span,
                       None if self.baselines is None else FrozenBaselines(self.baselines, self.now), self.rollup,
                       self.pushdown)

    def rollup(self, metric: Metric) -> pl.DataFrame | rollups.Distinct | None:
        """The metric's part of its table's rollup (rollups.py) for the table's data version, built once in one scan
        for every decomposable metric of that table and time column (a distinct count's own, scanned from disk);
        None when its value does not decompose or its source keeps no local copy (a warehouse query answers filtered
        questions itself)."""
        spec = self.config.sources.get(metric.source)
        if not self.use_rollups or spec is None or not spec.mirror or metric.source not in self.connectors:
            return None
        connector = self.connectors[metric.source]
        schema = dict(connector.schema(metric.table))
        if not rollups.usable(metric, schema):
            return None
        version = self.versions(metric)[f"{metric.source}.{metric.table}"]
        getattr(connector, "sync", lambda table: None)(metric.table)  # as a scan would: SourceError when it cannot be
        if self._rollup_store is None:
            self._rollup_store = RollupStore(self.config.data_path / "rollups")
        parts = rollups.decompose(metric)
        if parts is not None and parts.distinct:  # its own rollup, by the hashes of the values it counts
            key = digest(metric.fingerprint(), version.token, pl.__version__)[:20]
            if key in self._collided:
                return None
            try:
                name = digest("distinct", metric.key)[:12]
                daily = self._rollup_store.scan(name, key, lambda: rollups.build_distinct(
                    connector, metric, self.config.memory_budget_mb))
                return rollups.Distinct(pl.concat(daily), self._rollup_store.get(
                    f"{name}m", key, lambda: rollups.monthly(daily, metric)))
            except rollups.Collision:
                self._collided.add(key)  # its rows answer, until the data changes
                return None
        group = [m for m in self.catalogue.values() if (m.source, m.table, m.time_column) ==
                 (metric.source, metric.table, metric.time_column) and rollups.usable(m, schema)
                 and not getattr(rollups.decompose(m), "distinct", False)]
        name = digest("rollup", metric.source, metric.table, metric.time_column)[:12]
        definitions = digest(sorted(m.fingerprint() for m in group))
        key = digest(definitions, version.token)[:20]
        store = self._rollup_store
        stamps = getattr(connector, "month_stamps", lambda *a: None)(metric.table, metric.time_column, version)
        about = None if stamps is None else {**stamps, "definitions": definitions}

        def build() -> pl.DataFrame:
            """Only the months changed since the group's last rollup, when the copy can tell them; else whole."""
            last = store.previous(name, key) if about is not None else None
            if about is None or last is None or last[1].get("epoch") != about["epoch"] or \
                    last[1].get("definitions") != definitions:
                return rollups.build(connector, group)
            changed = {m for m, by in about["months"].items() if last[1]["months"].get(m) != by}
            about["rebuilt"] = sorted(changed)
            return rollups.update(last[0], connector, group, changed)
        return rollups.of_metric(store.get(name, key, build, about), metric)

    def pushdown(self, ask: Ask) -> pl.DataFrame | None:
        """The ask's table computed in the database (pushdown.py); None: the metric reads its filtered rows."""
        return pushdown.answer(self.connectors.get(ask.metric.source), self.config.sources.get(ask.metric.source), ask)

    def data_span(self, metric: Metric) -> Span | None:
        """The first day and as-of of a metric's table (the rate windows' clip), read once per data version."""
        version = self.versions(metric)[f"{metric.source}.{metric.table}"]
        key = digest("span", metric.source, metric.table, metric.time_column, version.token)
        return self.cache.remember(key, lambda: pushdown.span(self.connectors[metric.source],
                                                              self.config.sources.get(metric.source), metric))

    def _rows_metric(self, metric: Metric) -> Metric:
        """The metric whose rows stand behind this one (a CHANGE's base, a DERIVED's first input)."""
        if metric.kind is MetricKind.CHANGE:
            return self._rows_metric(self.metric(metric.base))
        if metric.kind is MetricKind.DERIVED:
            return self._rows_metric(self.metric(metric.inputs[0]))
        return metric

    def tables_of(self, metric: Metric) -> set[tuple[str, str]]:
        """The (source, table) pairs the metric reads, through the metrics it is made of."""
        if metric.kind is MetricKind.CHANGE:
            return self.tables_of(self.metric(metric.base))
        if metric.kind is MetricKind.DERIVED:
            return set().union(*(self.tables_of(self.metric(k)) for k in metric.inputs))
        return {(metric.source, metric.table)}

    def definition(self, metric: Metric) -> str:
        """The hash of the metric's definition and of those it is made of: a changed one is a new question."""
        deps = [metric.base] if metric.kind is MetricKind.CHANGE else list(metric.inputs)
        return digest(metric.fingerprint(), [self.definition(self.metric(k)) for k in deps])

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

    def restated_baselines(self) -> dict[str, list[Restatement]]:
        """Per metric of the catalogue whose baseline is restated, every recorded baseline (company-wide, then per
        slice) the data now gives differently (a CHANGE metric's are its base's); records those due first."""
        if self.baselines is None:
            return {}
        frozen, planner, out = FrozenBaselines(self.baselines, self.now), self.planner, {}
        for metric in self.catalogue.values():
            window = self.baseline_period(metric)
            of = self.metric(metric.base) if metric.kind is MetricKind.CHANGE else metric
            found = frozen.restatements(planner, of, window) if window is not None else []
            if found:
                out[metric.key] = found
        return out

    def target_date(self, metric: Metric) -> date | None:
        start = self.programme_start()
        return None if start is None else add_months(month_start(start), metric.target_month) - timedelta(days=1)

    # -- public questions --------------------------------------------------------------------------------------
    def headline(self, key: str, filters: Filters) -> Answer[Headline]:
        """Value, previous period, baseline and the status decision against the goal of the filters' slice."""
        metric, today = self.metric(key), self.now().date()
        own = slice_targets(metric, filters.where, self.config.targets)  # a new one must not serve the old decision
        return self._answer(metric, "headline", {**filters.params(), "targets": own, "today": today.isoformat()},
                            lambda: compute_headline(self.planner, metric, filters, goal_for(
                                metric, filters.where, self.config.targets, self.target_date(metric)), today))

    def value(self, key: str, filters: Filters) -> Answer[float | None]:
        """Only the value for the filters (no previous period, baseline or status)."""
        metric = self.metric(key)
        return self._answer(metric, "value", filters.params(),
                            lambda: self._table(metric, filters, [], None)["value"][0], (filters,))

    def trend(self, key: str, filters: Filters, grain: Grain | None = None) -> Answer[pl.DataFrame]:
        """Columns period (date), value, rows; one row per period that has data."""
        metric = self.metric(key)
        grain = grain or metric.grain
        return self._answer(metric, "trend", {**filters.params(), "grain": grain.value},
                            lambda: self._table(metric, filters, [], grain).sort("period"), (filters,))

    def breakdown(self, key: str, filters: Filters, dimension: str) -> Answer[pl.DataFrame]:
        """Columns <dimension>, value, rows; worst value first."""
        metric = self.metric(key)
        self.planner.check_dimension(metric, dimension)
        good_up = metric.good.value == "up"
        return self._answer(metric, "breakdown", {**filters.params(), "by": dimension},
                            lambda: self._table(metric, filters, [dimension], None).sort(
                                ["value", dimension], descending=[not good_up, False], nulls_last=True), (filters,))

    def movement(self, key: str, filters: Filters, dimension: str | None = None) -> Answer[Movement]:
        """Why a ratio moved from the previous period to this one: each slice's contribution (contributions.py),
        by `dimension` (default: the first level of its drill path)."""
        metric = self.metric(key)
        by = dimension or (metric.drill_path or metric.dimensions or ("",))[0]
        return self._answer(metric, "movement", {**filters.params(), "by": by},
                            lambda: movement(self.planner, metric, filters, filters.previous(), by),
                            (filters, filters.previous()))

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
        return self._answer(metric, "detail", params, lambda: detail_page(
            self.planner, metric, self._rows_metric(metric), filters, page, page_size, sort_by, descending,
            only_to_fix), (filters,))

    def explain(self, key: str, filters: Filters) -> Explanation:
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
                "definition": self.definition(metric), "module": metric.module,
                "sql": pushdown.sql_text(self.connectors.get(metric.source), self.config.sources.get(metric.source),
                                         metric, filters)}

    def values(self, dimension: str) -> tuple[str, ...]:
        """The distinct values of a dimension in the tables of the listed metrics that declare it (sorted; none
        when no listed metric does), read once per data version."""
        declaring = [m for m in self.catalogue.values() if m.listed and dimension in m.dimensions]
        tables = {(s, t): versions[f"{s}.{t}"] for m in declaring for versions in [self.versions(m)]
                  for s, t in self.tables_of(m)}
        return distinct_values(self.connectors, self.cache, dimension, tables)

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
    def versions(self, metric: Metric) -> dict[str, DataVersion]:
        """The data versions of the metric's tables, asked of their sources at most once per TTL: its answers' key."""
        versions: dict[str, DataVersion] = {}
        for source, table in sorted(self.tables_of(metric)):
            if source not in self.connectors:
                raise SourceError(f"source '{source}' is not declared", f"metric {metric.key}",
                                  f"add [sources.{source}] to the config")
            ask = partial(self.breaker.ask, source, table, partial(self.connectors[source].data_version, table))
            versions[f"{source}.{table}"] = self.cache.version(source, table,
                                                               self.config.sources[source].cache_ttl_seconds, ask)
        return versions

    def _answer(self, metric: Metric, op: str, params: dict[str, Any], compute: Callable[[], T],
                reads: Sequence[Filters] = ()) -> Answer[T]:
        """The answer to a question, from the cache when the data it reads is unchanged: the versions of the months
        of `reads` (the periods it reads) where the connectors tell them (spans.py), else of its whole tables."""
        question = digest(self.definition(metric), op, params)
        try:
            versions = self.versions(metric)
            tokens = tuple(sorted((k, v.token) for k, v in versions.items()))
            # A worker pool reads changed tables, not a request: the last answer stands (a first one is computed here);
            # computed from these very versions (on any node), it is the answer itself.
            if self.refreshing is not None and (last := self.cache.last_good(question)) is not None:
                if last.versions == tokens:
                    return self.fresh(metric, last, versions)
                if reason := self.refreshing(versions):
                    return replace(last, stale_reason=reason, refreshing=True)
            spans = span_versions(self, metric, reads, versions) if reads else None
            key = digest(question, spans if spans is not None else {k: v.token for k, v in versions.items()})
            cached = self.cache.get(key)
            if cached is not None:
                return self.fresh(metric, cached, versions)
            answer = Answer(compute(), self.now(), None, versions=tokens)
            self.cache.put(key, question, answer)
            return self.fresh(metric, answer, versions)
        except SourceError as exc:
            last = self.cache.last_good(question)
            if last is None:
                raise
            return replace(last, stale_reason=exc.message)

    def fresh(self, metric: Metric, answer: Answer[T], versions: dict[str, DataVersion]) -> Answer[T]:
        """The answer marked with its data's as-of and whether that is behind the tables' SLA, not stale."""
        times = [v.as_of for v in versions.values() if v.as_of is not None]
        as_of = min(times) if times else None
        sla = min(self.config.sources[s].sla_hours(t) for s, t in self.tables_of(metric))
        behind = as_of is not None and self.now() - as_of > timedelta(hours=sla)
        return replace(answer, data_as_of=as_of, behind_sla=behind, stale_reason="")

    # -- computation -------------------------------------------------------------------------------------------
    def _table(self, metric: Metric, filters: Filters, by: list[str], grain: Grain | None) -> pl.DataFrame:
        """Group columns (period first, when a grain is given) + value + rows."""
        return self.planner.table(metric, filters, by, grain)
