"""What a snapshot reports, asked of the engine: headlines, chart series, programme status, and what failed.

A metric that raises a VantageError or answers stale becomes a problem; the snapshot never reports it as if
all were well (see compose.py for hold / send_marked).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, cast

import polars as pl

from config.snapshots import ChartSpec, SnapshotSpec
from core.errors import VantageError
from dashboard.figures import trend_window
from metrics.engine.answers import Answer, Headline
from metrics.engine.contributions import Movement, decomposable
from metrics.engine.periods import Filters, resolve_period
from metrics.engine.protocol import Questions
from metrics.engine.questions import Engine
from metrics.semantics.model import Grain, Metric
from programme import milestones as ms
from programme.checkins import CheckIn, currents_in, month_of
from programme.plan import Plan, plan_or_issue


@dataclass(frozen=True)
class Trouble:
    """Why a part cannot be trusted as current: it failed, it is the last good value, or its data is too old."""

    kind: str  # failed, last_good or behind_sla
    detail: str = ""  # the error's whole message (what, where, fix)
    summary: str = ""  # the error's 'what' alone, for the row it stands on
    when: datetime | None = None  # last_good: when that value was computed; behind_sla: how old the data is

    def english(self) -> str:
        """One line for logs, the outbox history and the CSV."""
        when = f"{self.when:%Y-%m-%d %H:%M}" if self.when else "an unknown time"
        if self.kind == "last_good":
            return f"the source failed, this is the last good value (computed {when}): {self.detail}"
        if self.kind == "behind_sla":
            return f"stale: the source's data (as of {when}) is older than its freshness limit"
        return self.detail


def trouble_of(answer: Answer[Any]) -> Trouble | None:
    if answer.stale_reason:
        return Trouble("last_good", answer.stale_reason, when=answer.computed_at)
    if answer.behind_sla:
        return Trouble("behind_sla", when=answer.data_as_of)
    return None


def failed(exc: VantageError) -> Trouble:
    return Trouble("failed", exc.message, exc.what)


@dataclass(frozen=True)
class KpiResult:
    """One KPI of the table: the engine's answer (None when it failed) and what is wrong with it, if anything."""

    metric: Metric
    answer: Answer[Headline] | None
    trouble: Trouble | None = None
    movement: Movement | None = None  # a ratio's change from the previous period, split by its drill path's first level
    checkin: CheckIn | None = None  # what its owner says about the period's last month (programme/checkins.py)

    @property
    def problem(self) -> str:
        return self.trouble.english() if self.trouble else ""


@dataclass(frozen=True)
class ChartData:
    """A chart's series and the headline that gives it target, baseline and projection."""

    spec: ChartSpec
    metric: Metric
    filters: Filters
    periods: list[date] = field(default_factory=list)
    values: list[float | None] = field(default_factory=list)
    headline: Headline | None = None
    trouble: Trouble | None = None


@dataclass(frozen=True)
class ProgrammeStatus:
    """The plan's milestones, counted as the programme page and the wall count them (programme/milestones.py): how
    many in each status, which are overdue, which fall due soon (within DUE_DAYS days)."""

    counts: dict[str, int]
    overdue: list[dict[str, Any]]
    upcoming: list[dict[str, Any]]


@dataclass(frozen=True)
class Problem:
    """A part of the snapshot that failed or is stale: a KPI, a chart, or the programme status."""

    part: str  # kpi, chart, programme or pdf
    metric: Metric | None
    trouble: Trouble

    @property
    def label(self) -> str:
        if self.part == "pdf":
            return "PDF board pack"
        key = self.metric.key if self.metric else "programme status"
        return f"{key} (chart)" if self.part == "chart" else key

    def english(self) -> str:
        return f"{self.label}: {self.trouble.english()}"


@dataclass(frozen=True)
class SnapshotNumbers:
    """Everything a snapshot shows, in numbers; language-free."""

    period: tuple[date, date]
    today: date
    kpis: list[KpiResult]
    charts: list[ChartData]
    programme: ProgrammeStatus | None
    programme_trouble: Trouble | None = None
    plan: pl.DataFrame = field(default_factory=pl.DataFrame)  # milestones, drawn on the charts

    def problems(self) -> list[Problem]:
        """Every part that failed or is stale, in the order the email shows them."""
        found = [Problem("kpi", k.metric, k.trouble) for k in self.kpis if k.trouble]
        found += [Problem("chart", c.metric, c.trouble) for c in self.charts if c.trouble]
        if self.programme_trouble:
            found.append(Problem("programme", None, self.programme_trouble))
        return found

    def record(self) -> dict[str, dict[str, Any]]:
        """The KPI values and statuses kept in the outbox, to say next time what changed."""
        return {k.metric.key: {"value": k.answer.data.value, "status": k.answer.data.status.value}
                for k in self.kpis if k.answer is not None and not k.trouble}


def collect(engine: Questions, spec: SnapshotSpec, today: date, plan_engine: Engine | None = None
            ) -> SnapshotNumbers:
    """Ask the engine for everything the snapshot shows; failures are recorded, never turned into numbers."""
    start, end = resolve_period(spec.period, today)
    said = currents_in(engine.config.data_path, spec.metrics, month_of(end - timedelta(days=1)))
    kpis = [replace(_kpi(engine, engine.metric(key), Filters(start, end)), checkin=said.get(key))
            for key in spec.metrics]
    plan = engine.milestones() if spec.charts else pl.DataFrame()
    charts = [_chart(engine, chart, today) for chart in spec.charts]
    programme, programme_trouble = None, None
    if spec.programme_status:
        programme, programme_trouble = _programme(plan_engine or _unscoped(engine), today)
    return SnapshotNumbers((start, end), today, kpis, charts, programme, programme_trouble, plan)


def _kpi(engine: Questions, metric: Metric, filters: Filters) -> KpiResult:
    try:
        answer = engine.headline(metric.key, filters)
    except VantageError as exc:
        return KpiResult(metric, None, failed(exc))
    moved = None
    if decomposable(metric) and metric.drill_path:
        try:
            moved = engine.movement(metric.key, filters).data
        except VantageError:  # the headline stands; the email then says no more than the headline does
            moved = None
    return KpiResult(metric, answer, trouble_of(answer), moved)


def _chart(engine: Questions, chart: ChartSpec, today: date) -> ChartData:
    """The same series the metric page's trend shows: from the baseline (or a year back) to the period's end."""
    metric = engine.metric(chart.metric)
    start, end = resolve_period(chart.period, today)
    filters = Filters(start, end, chart.where)
    try:
        headline = engine.headline(metric.key, filters)
        baseline = engine.baseline_period(metric)
        first = trend_window(end, engine.programme_start(), baseline[0] if baseline else None)
        trend = engine.trend(metric.key, filters.with_period(first, end), Grain.MONTH)
    except VantageError as exc:
        return ChartData(chart, metric, filters, trouble=failed(exc))
    return ChartData(chart, metric, filters, list(trend.data["period"]), list(trend.data["value"]), headline.data,
                     trouble_of(headline) or trouble_of(trend))


def _programme(engine: Engine, today: date) -> tuple[ProgrammeStatus | None, Trouble | None]:
    """The programme status from the plan source, or why it cannot be read (never an empty status)."""
    plan, issue = plan_or_issue(engine)
    if plan is None or plan.milestones.is_empty():
        why = issue or f"no milestones in source '{engine.config.plan_source}'"
        what = f"the programme plan could not be read ({why})"
        return None, Trouble("failed", what, what)
    return programme_status(plan, today), None


def programme_status(plan: Plan, today: date) -> ProgrammeStatus:
    """Milestone counts by status, the overdue ones (longest overdue first) and those due soon (soonest first)."""
    judged = ms.judge_plan(plan, today)
    return ProgrammeStatus(ms.by_status(judged), ms.overdue(judged).to_dicts(), ms.due_soon(judged).to_dicts())


def _unscoped(engine: Questions) -> Engine:
    """The engine a scoped engine narrows: the plan's tables are read through its connectors (a plan holds no
    department numbers)."""
    from metrics.engine.scope import ScopedEngine

    return engine.engine if isinstance(engine, ScopedEngine) else cast(Engine, engine)
