"""What a milestone's outcome is on a given day, and the counts every screen shows: the one definition.

The programme page, the wall's programme slide and the snapshot's programme status all read milestones through
`judge_plan` and `counts`, so they count the same milestones the same way. "Done" and "on time" are the programme
metrics' own expressions (metrics/pack/programme.py), so the KPIs and the screens agree on what late means.

Also here: milestones as the plan states them, read for the KPIs they moved (`Milestone`, `milestones_for`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Sequence

import polars as pl

from core import labels
from core.i18n import t
from metrics.pack.programme import DONE, ON_TIME, SLIP_DAYS
from programme.plan import STATUSES, Plan, usable_milestones

DUE_DAYS = 30  # "due soon": open, with its planned end between today and this many days ahead (both included)
# A milestone's outcome, worst news last; "done" is a done milestone without an actual end date.
OUTCOMES = ("on_time", "done", "in_progress", "not_started", "blocked", "late", "overdue")
ORDER = ["planned_end", "milestone_id"]  # the order milestones are listed in, ties broken by id

# -- what each milestone is (expressions over a milestones frame) ---------------------------------------------------
FINISHED = DONE & pl.col("actual_end").is_not_null()  # done, with the date it was done
DONE_ON_TIME = FINISHED & ON_TIME
DONE_LATE = FINISHED & ~ON_TIME
DONE_UNDATED = DONE & pl.col("actual_end").is_null()  # a data issue, still counted as done
OPEN = ~DONE
# The plan's own status of an open milestone; an overdue one keeps its status (in progress, blocked, not started).
IN_PROGRESS = OPEN & (pl.col("status") == "in_progress")
BLOCKED = OPEN & (pl.col("status") == "blocked")
NOT_STARTED = OPEN & (pl.col("status") == "not_started")


def is_overdue(today: date) -> pl.Expr:
    """Open, and its planned end has passed."""
    return OPEN & (pl.col("planned_end") < pl.lit(today))


def is_due_soon(today: date, days: int = DUE_DAYS) -> pl.Expr:
    """Open, with its planned end from today to `days` days ahead."""
    return OPEN & pl.col("planned_end").is_between(pl.lit(today), pl.lit(today + timedelta(days=days)))


def outcome(today: date) -> pl.Expr:
    """One of OUTCOMES. Blocked outranks overdue (a blocked milestone past its end is both; it shows as blocked)."""
    return (pl.when(DONE_ON_TIME).then(pl.lit("on_time"))
            .when(FINISHED).then(pl.lit("late"))
            .when(DONE).then(pl.lit("done"))
            .when(BLOCKED).then(pl.lit("blocked"))
            .when(is_overdue(today)).then(pl.lit("overdue"))
            .when(IN_PROGRESS).then(pl.lit("in_progress"))
            .otherwise(pl.lit("not_started")))


def slip_days(today: date) -> pl.Expr:
    """Done with a date: actual end − planned end (negative: early); overdue: days past the planned end; else null."""
    past_due = (pl.lit(today) - pl.col("planned_end")).dt.total_days()
    return pl.when(FINISHED).then(SLIP_DAYS).when(is_overdue(today)).then(past_due).otherwise(None)


# -- frames ---------------------------------------------------------------------------------------------------------
def judge(frame: pl.DataFrame, today: date, days: int = DUE_DAYS) -> pl.DataFrame:
    """The milestones with outcome, overdue, due_soon and slip_days as of today, listed by planned end then id."""
    return frame.with_columns(outcome=outcome(today), overdue=is_overdue(today), due_soon=is_due_soon(today, days),
                              slip_days=slip_days(today)).sort(ORDER)


def judge_plan(plan: Plan, today: date) -> pl.DataFrame:
    """The plan's milestones every screen counts, judged: the drawable ones (both planned dates, end not before
    start); the others are data issues, shown as such."""
    return judge(usable_milestones(plan), today)


def counts(judged: pl.DataFrame, by: Sequence[str] = ()) -> pl.DataFrame:
    """Per group (one row for all when `by` is empty) of a judged frame: total, done, on_time, overdue, due_soon,
    open, in_progress, blocked, not_started, and slip, the mean slip of the milestones done with a date.

    in_progress, blocked and not_started count open milestones by their status, so they overlap overdue.
    """
    aggregates = [pl.len().alias("total"), DONE.sum().alias("done"), DONE_ON_TIME.sum().alias("on_time"),
                  pl.col("overdue").sum().alias("overdue"), pl.col("due_soon").sum().alias("due_soon"),
                  OPEN.sum().alias("open"), IN_PROGRESS.sum().alias("in_progress"), BLOCKED.sum().alias("blocked"),
                  NOT_STARTED.sum().alias("not_started"), SLIP_DAYS.filter(FINISHED).mean().alias("slip")]
    if not by:
        return judged.select(aggregates)
    return judged.group_by(list(by), maintain_order=True).agg(aggregates)


def totals(judged: pl.DataFrame) -> dict[str, int | float | None]:
    """`counts` of all the milestones, as one dict."""
    return counts(judged).row(0, named=True)


def by_status(judged: pl.DataFrame) -> dict[str, int]:
    """Milestones per status as the plan states it: the known statuses in plan order, then any other; none at 0."""
    found = {str(k): int(v) for k, v in judged.group_by("status").len().iter_rows()}
    order = [s for s in STATUSES if s in found] + sorted(set(found) - set(STATUSES))
    return {s: found[s] for s in order}


def overdue(judged: pl.DataFrame) -> pl.DataFrame:
    """Open milestones past their planned end, the longest overdue first."""
    return judged.filter(pl.col("overdue")).sort(["slip_days", "milestone_id"], descending=[True, False])


def due_soon(judged: pl.DataFrame) -> pl.DataFrame:
    """Open milestones whose planned end falls within DUE_DAYS of today, the soonest first."""
    return judged.filter(pl.col("due_soon")).sort(ORDER)


# -- milestones on a KPI's trend ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Milestone:
    """A programme milestone as drawn on a trend: when it finished (or is due), and what it is."""

    milestone_id: str
    title: str
    on: date
    done: bool
    status: str


def milestones_for(frame: pl.DataFrame, key: str, lang: str) -> list[Milestone]:
    """The plan's milestones that name this KPI, dated by when they finished (or are due)."""
    if frame.is_empty() or "kpis" not in frame.columns:
        return []
    out = []
    for row in frame.iter_rows(named=True):
        if key not in [k.strip() for k in str(row.get("kpis") or "").split(",")]:
            continue
        done = row.get("status") == "done" and row.get("actual_end") is not None
        on = row["actual_end"] if done else row.get("planned_end")
        if on is None:
            continue
        when = t("milestone.actual" if done else "milestone.planned", lang, date=labels.date_label(on, lang))
        if not done:
            when = t("milestone." + str(row.get("status")), lang) + " · " + when
        title = row.get("title_zh" if lang == "zh" else "title_en") or row.get("title_en") or ""
        out.append(Milestone(str(row["milestone_id"]), str(title), on, done, when))
    return out
