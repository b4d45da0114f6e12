"""Dated programme rows: departments joining, phase dates and milestone statuses."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from demo.calendar import _add_months, _programme_date
from demo.context import _Context, _rng
from demo.plan import MIGRATION_MILESTONES, MILESTONES, OVERDUE_MILESTONES, PHASES
from demo.reference import DEPARTMENTS


def _departments(ctx: _Context) -> list[tuple[object, ...]]:
    """Rows of the departments table."""
    return [
        (dept, en, zh, phase, _add_months(ctx.programme_start, month).isoformat())
        for dept, en, zh, phase, month in DEPARTMENTS
    ]


def _phases(ctx: _Context) -> list[tuple[object, ...]]:
    """Rows of the phases table."""
    return [
        (
            phase,
            en,
            zh,
            first,
            last,
            _add_months(ctx.programme_start, first).isoformat(),
            (_add_months(ctx.programme_start, last + 1) - timedelta(days=1)).isoformat(),
        )
        for phase, en, zh, first, last in PHASES
    ]


def _milestones(
    ctx: _Context, interfaces: Sequence[tuple[object, ...]]
) -> list[tuple[object, ...]]:
    """Programme milestones with statuses consistent with the end date and the data."""
    rng = _rng(ctx, "milestones")
    last_day = ctx.end - timedelta(days=1)
    phase_of = {d[0]: d[3] for d in DEPARTMENTS}
    last_move: dict[str, date] = {}
    for *_ids, dept, migrated in interfaces:
        if migrated:
            phase = phase_of[str(dept)]
            moved = date.fromisoformat(str(migrated))
            last_move[phase] = max(last_move.get(phase, moved), moved)
    actual_end_of: dict[str, date | None] = {}
    rows: list[tuple[object, ...]] = []
    for plan in MILESTONES:
        mid = plan.milestone_id
        planned_start = _programme_date(ctx.programme_start, plan.start)
        planned_end = _programme_date(ctx.programme_start, plan.stop) - timedelta(days=1)
        dep_ids = plan.depends_on.split(",") if plan.depends_on else []
        dep_ends = [actual_end_of[d] for d in dep_ids]
        start = planned_start + timedelta(days=rng.randint(-3, 7))
        late = rng.random() < 0.25
        finish = planned_end + timedelta(
            days=rng.randint(3, 40) if late else -rng.randint(0, 10)
        )
        hour, minute = rng.randint(8, 18), rng.randint(0, 59)
        actual_start: date | None
        actual_end: date | None
        if any(d is None for d in dep_ends):
            # Work cannot begin until every prerequisite is finished.
            status = "blocked" if planned_start <= last_day else "not_started"
            actual_start = actual_end = None
        else:
            if dep_ends:
                start = max(start, max(d for d in dep_ends if d) + timedelta(days=1))
            finish = max(finish, start + timedelta(days=5))
            if mid in MIGRATION_MILESTONES and MIGRATION_MILESTONES[mid] in last_move:
                finish = max(finish, last_move[MIGRATION_MILESTONES[mid]])
            if start > last_day:
                status, actual_start, actual_end = "not_started", None, None
            elif finish <= last_day and mid not in OVERDUE_MILESTONES:
                status, actual_start, actual_end = "done", start, finish
            else:
                status, actual_start, actual_end = "in_progress", start, None
        actual_end_of[mid] = actual_end
        if status == "done" and actual_end is not None:
            touched = actual_end
        elif status in ("in_progress", "blocked"):
            touched = last_day - timedelta(days=rng.randint(0, 12))
        else:
            touched = ctx.programme_start - timedelta(days=14)
        rows.append(
            (
                mid,
                plan.phase,
                plan.workstream,
                plan.title_en,
                plan.title_zh,
                plan.owner,
                planned_start.isoformat(),
                planned_end.isoformat(),
                actual_start.isoformat() if actual_start else None,
                actual_end.isoformat() if actual_end else None,
                status,
                plan.depends_on,
                plan.kpis,
                f"{touched.isoformat()} {hour:02d}:{minute:02d}:00",
            )
        )
    return rows
