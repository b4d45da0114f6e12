"""The plan's milestones as the PMO reads them: outcome, slip, progress counts, what is due and what is overdue.

Counts only (done, on time, overdue): the definitions of "on time" and "slip" are the programme metrics' own
expressions (metrics/programme.py), so the page and the KPIs cannot disagree on what late means.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import polars as pl

from core import labels
from dashboard.pages.programme._state import Focus
from metrics.engine.periods import Filters, month_start
from metrics.pack.programme import DONE, ON_TIME, SLIP_DAYS
from programme.plan import Plan, usable_milestones

DUE_DAYS = 30
# Outcome of a milestone on the Gantt, worst news last; "done" is a done milestone without an actual end date.
OUTCOMES = ("on_time", "done", "in_progress", "not_started", "blocked", "late", "overdue")


def milestones(plan: Plan, today: date, focus: Focus | None = None) -> pl.DataFrame:
    """The drawable milestones within the focus, with outcome, whether overdue, and slip in days.

    slip_days: done → actual end − planned end; open and past its planned end → days overdue; else null.
    """
    frame = usable_milestones(plan)
    if focus is not None and focus.phase is not None:
        frame = frame.filter(pl.col("phase_id") == focus.phase)
    if focus is not None and focus.workstream is not None:
        frame = frame.filter(pl.col("workstream_id") == focus.workstream)
    finished = DONE & pl.col("actual_end").is_not_null()
    overdue = ~DONE & (pl.col("planned_end") < pl.lit(today))
    outcome = (pl.when(finished & ON_TIME).then(pl.lit("on_time"))
               .when(finished).then(pl.lit("late"))
               .when(DONE).then(pl.lit("done"))
               .when(pl.col("status") == "blocked").then(pl.lit("blocked"))
               .when(overdue).then(pl.lit("overdue"))
               .when(pl.col("status") == "in_progress").then(pl.lit("in_progress"))
               .otherwise(pl.lit("not_started")))
    overdue_days = (pl.lit(today) - pl.col("planned_end")).dt.total_days()
    return frame.with_columns(
        outcome=outcome, overdue=overdue,
        slip_days=pl.when(finished).then(SLIP_DAYS).when(overdue).then(overdue_days).otherwise(None),
    ).sort(["planned_end", "milestone_id"])


def progress(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Milestones, done, done on time, overdue and mean slip of the done ones, per group (or all, by=[])."""
    aggregates = [pl.len().alias("total"), DONE.sum().alias("done"), ON_TIME.fill_null(False).sum().alias("on_time"),
                  pl.col("overdue").sum().alias("overdue"),
                  SLIP_DAYS.filter(DONE & pl.col("actual_end").is_not_null()).mean().alias("slip")]
    if not by:
        return frame.select(aggregates)
    return frame.group_by(by).agg(aggregates)


def overdue(frame: pl.DataFrame) -> pl.DataFrame:
    """Open milestones past their planned end, the longest overdue first."""
    return frame.filter(pl.col("overdue")).sort(["slip_days", "milestone_id"], descending=[True, False])


def due_soon(frame: pl.DataFrame, today: date, days: int = DUE_DAYS) -> pl.DataFrame:
    """Open milestones whose planned end falls in the next `days` days, the soonest first."""
    soon = (pl.col("planned_end") >= pl.lit(today)) & (pl.col("planned_end") <= pl.lit(today + timedelta(days=days)))
    return frame.filter(~DONE & soon).sort(["planned_end", "milestone_id"])


# -- names --------------------------------------------------------------------------------------------------------
def phase_order(plan: Plan) -> list[str]:
    """Phases by planned start; phases only milestones name (a data issue) come last, so they still show."""
    known = [p for p in plan.phases["phase_id"].to_list() if p is not None]
    extra = sorted({p for p in plan.milestones["phase_id"].to_list() if p is not None} - set(known))
    return known + extra


def workstream_order(plan: Plan) -> list[str]:
    known = [w for w in plan.workstreams["workstream_id"].to_list() if w is not None]
    extra = sorted({w for w in plan.milestones["workstream_id"].to_list() if w is not None} - set(known))
    return known + extra


def _name(frame: pl.DataFrame, column: str, value: str | None, lang: str, dimension: str) -> str:
    rows = frame.filter(pl.col(column) == value) if value is not None else frame.head(0)
    if rows.height:
        row = rows.row(0, named=True)
        name = row.get("name_zh") if lang == "zh" else row.get("name_en")
        if name:
            return str(name)
    return labels.value_label(dimension, value, lang)


def phase_name(plan: Plan, phase_id: str | None, lang: str) -> str:
    return _name(plan.phases, "phase_id", phase_id, lang, "phase_id")


def workstream_name(plan: Plan, workstream_id: str | None, lang: str) -> str:
    return _name(plan.workstreams, "workstream_id", workstream_id, lang, "workstream_id")


def workstream_lead(plan: Plan, workstream_id: str | None) -> str:
    rows = plan.workstreams.filter(pl.col("workstream_id") == workstream_id)
    return str(rows["lead"][0] or "") if rows.height else ""


def title(row: dict[str, Any], lang: str) -> str:
    """A milestone's title in the reader's language (English when the Chinese one is missing)."""
    return str((row.get("title_zh") if lang == "zh" else None) or row.get("title_en") or row.get("milestone_id"))


def split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


# -- the programme KPIs' question -----------------------------------------------------------------------------------
def programme_window(engine: Any, plan: Plan, today: date) -> tuple[date, date]:
    """[programme start, first day of this month): the milestones judged so far, month by complete month."""
    start = engine.programme_start()
    if start is None:
        first = plan.phases["planned_start"].min() if plan.phases.height else None
        start = first if isinstance(first, date) else month_start(today)
    return start, month_start(today)


def kpi_filters(window: tuple[date, date], focus: Focus) -> Filters:
    """The programme KPIs' filters: the window, narrowed to the drilled phase and workstream."""
    where = tuple((dim, value) for dim, value in (("phase_id", focus.phase), ("workstream_id", focus.workstream))
                  if value is not None)
    return Filters(window[0], window[1], where)
