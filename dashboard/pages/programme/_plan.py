"""The plan's milestones as the PMO reads them, narrowed to the drill; names of phases and workstreams; the
programme KPIs' window.

What a milestone's outcome is, what overdue and due soon mean and how they are counted live in
programme/milestones.py, shared with the wall and the snapshot emails so no two screens disagree.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from core import labels
from dashboard.pages.programme._state import Focus
from metrics.engine.periods import Filters, month_start
from programme import milestones as ms
from programme.milestones import overdue  # noqa: F401 - the page's overdue list, as the browser tests read it
from programme.plan import Plan


def milestones(plan: Plan, today: date, focus: Focus | None = None) -> pl.DataFrame:
    """The drawable milestones within the focus, judged as of today (outcome, overdue, due_soon, slip_days)."""
    frame = ms.judge_plan(plan, today)
    if focus is not None and focus.phase is not None:
        frame = frame.filter(pl.col("phase_id") == focus.phase)
    if focus is not None and focus.workstream is not None:
        frame = frame.filter(pl.col("workstream_id") == focus.workstream)
    return frame


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
