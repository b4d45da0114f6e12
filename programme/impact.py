"""What milestones moved: a KPI before and after a finished milestone, in scope against a control group (an
unfinished one has no after-period: it gets its outcome instead); phase scorecards."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

from core.errors import VantageError
from metrics.engine.periods import Filters, add_months, month_start
from metrics.engine.protocol import Questions
from metrics.semantics.model import Direction
from programme.milestones import FINISHED, outcome
from programme.plan import Plan

DEPARTMENT = "department"


@dataclass(frozen=True)
class Window:
    """A KPI over the weeks before and after a date."""

    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class Impact:
    """A milestone's effect on one KPI: everyone, the departments in scope, and those not yet in the programme."""

    milestone_id: str
    metric: str
    on: date
    before: tuple[date, date]
    after: tuple[date, date]
    overall: Window
    in_scope: Window | None
    control: Window | None
    in_scope_departments: tuple[str, ...]
    control_departments: tuple[str, ...]

    @property
    def net_of_control(self) -> float | None:
        """The in-scope change less the control group's change (difference in differences)."""
        if self.in_scope is None or self.control is None:
            return None
        a, b = self.in_scope.change, self.control.change
        return None if a is None or b is None else a - b


@dataclass(frozen=True)
class Unfinished:
    """A milestone not finished (done, with the day it was done): no after-period, so no before and after; its
    outcome today instead (overdue, in progress, blocked, not started, or done without a date)."""

    milestone_id: str
    metric: str
    outcome: str  # one of programme.milestones.OUTCOMES
    planned_end: date | None


def before_after(engine: Questions, plan: Plan, milestone_id: str, key: str, today: date,
                 weeks: int = 8) -> Impact | Unfinished:
    """The KPI over `weeks` weeks before the day the milestone was done and after it (up to today); Unfinished
    when it is not done, or done without a date."""
    m = plan.milestone(milestone_id)
    if m is None:
        raise VantageError(f"unknown milestone '{milestone_id}'", "programme plan", "pick a milestone from the plan")
    metric = engine.metric(key)  # an unknown KPI, or one outside the viewer's scope, is an error either way
    judged = plan.milestones.filter(pl.col("milestone_id") == milestone_id).select(
        finished=FINISHED, outcome=outcome(today)).row(0, named=True)
    if not judged["finished"]:
        return Unfinished(milestone_id, key, judged["outcome"], m["planned_end"])
    on = m["actual_end"]
    before = (on - timedelta(weeks=weeks), on)
    after = (on, min(on + timedelta(weeks=weeks), today))
    scope_depts = tuple(plan.joining(m["phase_id"]))
    control_depts = tuple(plan.not_yet_in(m["phase_id"]))

    def window(where: tuple = ()) -> Window:
        b = engine.value(key, Filters(*before, where)).data
        a = engine.value(key, Filters(*after, where)).data if after[1] > after[0] else None
        return Window(b, a)

    grouped = DEPARTMENT in metric.dimensions
    return Impact(
        milestone_id, key, on, before, after, window(),
        window(((DEPARTMENT, scope_depts),)) if grouped and scope_depts else None,
        window(((DEPARTMENT, control_depts),)) if grouped and control_depts else None,
        scope_depts, control_depts)


@dataclass(frozen=True)
class ScoreRow:
    """One phase target: the value reached in the phase's last month (or the latest month while it runs)."""

    phase_id: str
    metric: str
    target: float
    value: float | None
    month: date
    verdict: str  # met, missed, in_progress, no_data, error
    error: str = ""


def met(value: float, target: float, good: Direction) -> bool:
    return value >= target if good is Direction.UP else value <= target


def phase_scorecard(engine: Questions, plan: Plan, today: date) -> list[ScoreRow]:
    """Every phase target with the value reached and whether it was met."""
    rows = []
    ends = {r["phase_id"]: r["planned_end"] for r in plan.phases.iter_rows(named=True)}
    for t in plan.targets.iter_rows(named=True):
        phase, key, target = t["phase_id"], t["metric"], float(t["target"])
        end = ends.get(phase)
        running = end is None or end >= today
        month = month_start(end) if end is not None and not running else add_months(month_start(today), -1)
        try:
            metric = engine.metric(key)
            value = engine.value(key, Filters(month, add_months(month, 1))).data
        except VantageError as exc:
            rows.append(ScoreRow(phase, key, target, None, month, "error", exc.message))
            continue
        if value is None:
            verdict = "no_data"
        elif met(value, target, metric.good):
            verdict = "met"
        else:
            verdict = "in_progress" if running else "missed"
        rows.append(ScoreRow(phase, key, target, value, month, verdict))
    return rows
