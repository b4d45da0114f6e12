"""People tables: the key-staff roster with each person's programme training, and weekly use of the data platform.

- key_staff: every key person (key user, data steward, process owner) on the roster on each month's as-of day
  (`_Context.month_ends`), with the day their role's programme training falls due and the day they completed it,
  empty while it is not completed by the as-of day. HR reports the roster at each month's end, so a share trained is
  read at a moment, not summed over time.
- platform_usage: every account of the shared data platform in every week (Monday to Sunday) it existed, with that
  week's sign-in sessions (0: not active), for the weeks that ended before the data's end.

A department's key staff are trained in its phase's training window (that phase's data-steward training milestone);
process owners are the hardest to release, and a few are late. Someone who leaves is followed by a successor whose
training is due 60 days after appointment. Platform accounts open as a department joins, and are used more as it
settles in; a few stay dormant.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from demo.calendar import MONTH_DAYS, _months_between, _programme_date
from demo.context import _Context, _join_date, _rng
from demo.names import _person
from demo.plan import MILESTONES
from demo.reference import DEPARTMENTS

# Per department: key users, data stewards, process owners, and accounts on the shared data platform.
HEADCOUNT: dict[str, tuple[int, int, int, int]] = {
    "procurement": (10, 2, 4, 48),
    "finance": (12, 2, 5, 56),
    "sales": (12, 2, 4, 64),
    "supply_chain": (10, 2, 4, 44),
    "rnd_lab": (8, 2, 3, 36),
    "production": (12, 2, 4, 52),
    "hr": (6, 1, 3, 24),
    "it": (8, 2, 3, 32),
}
ROLES: tuple[str, ...] = ("key_user", "data_steward", "process_owner")
# A phase's key staff are trained in the window of that phase's data-steward training milestone.
TRAINING_MILESTONE: dict[str, str] = {"pilot": "M11", "expansion": "M23", "rollout": "M31"}
SUCCESSOR_DAYS = 60  # a successor's training falls due this many days after appointment
LEAVERS_PER_MONTH = 0.012  # the chance that a key person leaves in a given month


@dataclass(frozen=True)
class _KeyPerson:
    """One key person's time in the role and their programme training."""

    staff_id: str
    name: str
    department: str
    role: str
    phase: str
    appointed: date
    left: date | None
    due: date
    trained: date | None


def _training_windows(ctx: _Context) -> dict[str, tuple[date, date]]:
    """(first day, due day) of each phase's training."""
    plans = {plan.milestone_id: plan for plan in MILESTONES}
    return {
        phase: (
            _programme_date(ctx.programme_start, plans[mid].start),
            _programme_date(ctx.programme_start, plans[mid].stop) - timedelta(days=1),
        )
        for phase, mid in TRAINING_MILESTONE.items()
    }


def _trained_on(rng: random.Random, role: str, opens: date, due: date) -> date | None:
    """When a key person completes the training: mostly in its window, some weeks late, a few not at all."""
    u = rng.random()
    if u < (0.70 if role == "process_owner" else 0.84):
        return opens + timedelta(days=rng.randint(0, max(0, (due - opens).days)))
    if u < 0.97:
        return due + timedelta(days=rng.randint(3, 75))
    return None


def _key_people(ctx: _Context) -> list[_KeyPerson]:
    """Everyone who holds a key role while the data runs: those in post at its start and their successors."""
    rng = _rng(ctx, "key_staff")
    windows = _training_windows(ctx)
    last = ctx.end - timedelta(days=1)
    people: list[_KeyPerson] = []
    for dept, _en, _zh, phase, _month in DEPARTMENTS:
        opens, due = windows[phase]
        for role, count in zip(ROLES, HEADCOUNT[dept]):
            for _ in range(count):
                appointed = ctx.baseline_start - timedelta(days=rng.randint(30, 900))
                while appointed <= last:
                    start = max(appointed, ctx.baseline_start)
                    tenure = rng.expovariate(LEAVERS_PER_MONTH / MONTH_DAYS)
                    leaves = start + timedelta(days=round(tenure))
                    left = None if leaves > last else leaves
                    # In post before the phase's training: trained with everyone else; later: within 60 days.
                    first, by = (opens, due) if appointed < opens else (
                        appointed, appointed + timedelta(days=SUCCESSOR_DAYS))
                    people.append(_KeyPerson(f"K{len(people) + 1:04d}", _person(rng), dept, role, phase, appointed,
                                             left, by, _trained_on(rng, role, first, by)))
                    if left is None:
                        break
                    appointed = left + timedelta(days=rng.randint(5, 30))
    return people


def _key_staff(ctx: _Context) -> list[tuple[object, ...]]:
    """The key-staff roster on each month's as-of day, with the training each had completed by then."""
    people = _key_people(ctx)
    rows: list[tuple[object, ...]] = []
    for month, as_of in ctx.month_ends():
        for p in people:
            if p.appointed <= as_of and (p.left is None or p.left > as_of):
                trained = p.trained.isoformat() if p.trained is not None and p.trained <= as_of else None
                rows.append((month.isoformat(), as_of.isoformat(), p.staff_id, p.name, p.department, p.role,
                             p.phase, p.due.isoformat(), trained))
    return rows


def _platform_usage(ctx: _Context) -> list[tuple[object, ...]]:
    """Each platform account's sign-in sessions per week, from the week after it opened."""
    rng = _rng(ctx, "platform_usage")
    accounts: list[tuple[str, str, date, date, float]] = []
    for dept, *_rest in DEPARTMENTS:
        join = _join_date(ctx, dept)
        for _ in range(HEADCOUNT[dept][3]):
            opened = join + timedelta(days=min(120, round(rng.expovariate(1 / 20))))
            propensity = 0.1 if rng.random() < 0.06 else rng.uniform(0.75, 1.15)  # some accounts stay dormant
            accounts.append((f"U{len(accounts) + 1:04d}", dept, opened, join, propensity))
    week = ctx.programme_start + timedelta(days=(7 - ctx.programme_start.weekday()) % 7)  # the first Monday
    rows: list[tuple[object, ...]] = []
    while week + timedelta(days=7) <= ctx.end:
        for account_id, dept, opened, join, propensity in accounts:
            if opened > week:
                continue
            settled = 1.0 - math.exp(-max(0.0, _months_between(week, join)) / 2.5)
            active = rng.random() < min(0.97, (0.30 + 0.55 * settled) * propensity)
            sessions = 1 + min(29, round(rng.expovariate(1 / 4))) if active else 0
            rows.append((week.isoformat(), account_id, dept, sessions))
        week += timedelta(days=7)
    return rows
