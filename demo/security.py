"""Security and compliance tables: access reviews, privileged accounts, operation-logging scans and audit findings.

- access_reviews: each reviewer's certification of their team's access to one system in a quarterly campaign, with
  the day it was due and the day it was completed (empty: not yet). A department's campaigns are spread over the
  quarter's months; only reviews due before the data's end are listed.
- privileged_accounts: the inventory of privileged accounts (administrators, database administrators, service
  accounts) on each month's as-of day (`_Context.month_ends`), with the day each account's access was last reviewed.
- logging_scans: the weekly configuration scan (on Mondays) of every system component (application server,
  database, interface gateway): is operation logging switched on.
- audit_findings: the findings register: every audit cycle's findings, raised the day the audit completed, and the
  findings of earlier audits still open when the data starts (no cycle), with the days they are due and closed.
- open_findings: the register's findings open on each month's as-of day, as internal audit reports them monthly.

Before a department joins, reviews run late, privileged access is reviewed once a year, half the components log and
findings wait months; after it joins, each improves over a few months, with a few slips left to fix.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from demo.calendar import _add_months, _months_between
from demo.context import _Context, _join_date, _rng
from demo.names import _person
from demo.operations import AUDIT_TYPE_WEIGHTS, AUDIT_TYPES, REQUEST_DEPTS
from demo.reference import DEPT_IDS

# Managers who certify their team's access, per department.
REVIEWERS: dict[str, int] = {
    "procurement": 9, "finance": 10, "sales": 10, "supply_chain": 9, "rnd_lab": 7, "production": 10, "hr": 5, "it": 7,
}
REVIEW_DAYS = 20  # a campaign opens on the 1st of its month and is due 20 days later
ACCOUNT_TYPES: tuple[str, ...] = ("admin", "dba", "service")
ACCOUNT_TYPE_WEIGHTS: tuple[float, ...] = (0.5, 0.2, 0.3)
ASSET_TYPES: tuple[tuple[str, str], ...] = (("app_server", "app"), ("database", "db"), ("interface_gateway", "gw"))
SEVERITIES: tuple[str, ...] = ("high", "medium", "low")
SEVERITY_WEIGHTS: tuple[float, ...] = (0.15, 0.45, 0.40)
DUE_DAYS: dict[str, int] = {"high": 30, "medium": 60, "low": 90}  # days to remediate a finding
FINDING_TITLES: dict[str, tuple[str, ...]] = {
    "GDPR": ("Record of processing incomplete", "Consent evidence missing",
             "Personal data kept past its retention period"),
    "MLPS": ("Operation logs not kept for six months", "Privileged access not reviewed",
             "Weak password policy on a server"),
    "internal": ("Access not removed for a leaver", "Segregation-of-duties conflict", "Approval evidence missing"),
    "financial": ("Journal entry posted without approval", "Vendor bank change not verified",
                  "Reconciliation not signed off"),
}
LEGACY_MONTHS = 12  # audits before the data whose findings may still be open when it starts


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _mondays(start: date, end: date) -> list[date]:
    """Every Monday in [start, end)."""
    day = start + timedelta(days=(7 - start.weekday()) % 7)
    days = []
    while day < end:
        days.append(day)
        day += timedelta(days=7)
    return days


# ---------------------------------------------------------------------------
# access_reviews
# ---------------------------------------------------------------------------


def _access_reviews(ctx: _Context) -> list[tuple[object, ...]]:
    """Quarterly access-review tasks per reviewer and system, due before the end of the data."""
    rng = _rng(ctx, "access_reviews")
    reviewers = {dept: [_person(rng) for _ in range(n)] for dept, n in REVIEWERS.items()}
    rows: list[tuple[object, ...]] = []
    for index, (month, _as_of) in enumerate(ctx.month_ends()):
        due = month + timedelta(days=REVIEW_DAYS)
        if due >= ctx.end:
            continue
        campaign = f"{month.year}-Q{(month.month - 1) // 3 + 1}"
        for dept, _weight, systems in REQUEST_DEPTS:
            months = _months_between(due, _join_date(ctx, dept))
            on_time = 0.45 if months < 0 else 0.45 + 0.52 * (1.0 - math.exp(-months / 2))
            for j, (system, _share) in enumerate(systems):
                if (index + j) % 3:
                    continue  # this system's campaign falls in another month of the quarter
                for reviewer in reviewers[dept]:
                    u = rng.random()
                    done: date | None
                    if u < on_time:
                        done = due - timedelta(days=rng.randint(0, 15))
                    elif u < (0.97 if months < 0 else 0.99):
                        done = due + timedelta(days=rng.randint(1, 45 if months < 0 else 14))
                    else:
                        done = None
                    if done is not None and done >= ctx.end:
                        done = None
                    accounts = rng.randint(6, 40)
                    rate = 0.08 if months < 0 else 0.03  # leavers and movers whose access is taken away
                    revoked = sum(rng.random() < rate for _ in range(accounts)) if done else 0
                    rows.append((f"{campaign} {system}", system, dept, reviewer, due.isoformat(), _day(done),
                                 accounts, revoked))
    return [(n + 1, *row) for n, row in enumerate(rows)]


# ---------------------------------------------------------------------------
# privileged_accounts
# ---------------------------------------------------------------------------


def _review_days(rng: random.Random, ctx: _Context, join: date) -> list[date]:
    """The days a privileged account's access is reviewed: once a year before its department joins, then every
    quarter, a few reviews slipping by weeks."""
    days = []
    day = ctx.baseline_start - timedelta(days=rng.randint(0, 364))
    while day < join:
        days.append(day)
        day += timedelta(days=rng.randint(330, 400))
    day = join + timedelta(days=rng.randint(5, 45))
    while day < ctx.end:
        days.append(day)
        day += timedelta(days=rng.randint(100, 150) if rng.random() < 0.08 else rng.randint(75, 90))
    return days


def _privileged_accounts(ctx: _Context) -> list[tuple[object, ...]]:
    """The privileged-account inventory on each month's as-of day, with each account's last review by then."""
    rng = _rng(ctx, "privileged_accounts")
    accounts: list[tuple[str, str, str, str, str, list[date]]] = []
    for dept, _weight, systems in REQUEST_DEPTS:
        join = _join_date(ctx, dept)
        for system, _share in systems:
            for _ in range(rng.randint(3, 6)):
                kind = rng.choices(ACCOUNT_TYPES, ACCOUNT_TYPE_WEIGHTS)[0]
                accounts.append((f"PA-{len(accounts) + 1:03d}", system, dept, kind, _person(rng),
                                 _review_days(rng, ctx, join)))
    rows: list[tuple[object, ...]] = []
    for month, as_of in ctx.month_ends():
        for account_id, system, dept, kind, holder, reviews in accounts:
            last = max((d for d in reviews if d <= as_of), default=None)
            rows.append((month.isoformat(), as_of.isoformat(), account_id, system, dept, kind, holder, _day(last)))
    return rows


# ---------------------------------------------------------------------------
# logging_scans
# ---------------------------------------------------------------------------


def _logging_scans(ctx: _Context) -> list[tuple[object, ...]]:
    """Weekly scans of every component: logging on from the start, or switched on after its department joins
    (a few never), with short lapses after upgrades."""
    rng = _rng(ctx, "logging_scans")
    mondays = _mondays(ctx.baseline_start, ctx.end)
    rows: list[tuple[object, ...]] = []
    for dept, _weight, systems in REQUEST_DEPTS:
        join = _join_date(ctx, dept)
        for system, _share in systems:
            for asset_type, short in ASSET_TYPES:
                u = rng.random()
                if u < 0.55:
                    on_from = date.min
                elif u < 0.96:
                    on_from = join + timedelta(days=round(rng.expovariate(1 / 40)))
                else:
                    on_from = date.max  # a legacy component that cannot log yet
                lapse = 0
                for week in mondays:
                    on = week >= on_from and lapse == 0
                    if lapse:
                        lapse -= 1
                    elif on and rng.random() < (0.02 if week < join else 0.008):
                        on, lapse = False, rng.randint(0, 3)
                    rows.append((week.isoformat(), f"{system}-{dept}-{short}", system, dept, asset_type, int(on)))
    rows.sort(key=lambda r: (r[0], r[1]))
    return rows


# ---------------------------------------------------------------------------
# audit_findings and open_findings
# ---------------------------------------------------------------------------


def _closed_on(rng: random.Random, ctx: _Context, raised: date, dept: str) -> date | None:
    """When a finding is closed (None: still open at the end of the data)."""
    join = _join_date(ctx, dept)
    if raised < join:
        waited = raised + timedelta(days=round(80 * math.exp(0.6 * rng.gauss(0.0, 1.0))))
        cleared = join + timedelta(days=round(rng.expovariate(1 / 45)))  # the programme works off the backlog
        closed = min(waited, cleared)
    else:
        typical = 12 + 40 * math.exp(-_months_between(raised, join) / 3)
        closed = raised + timedelta(days=max(1, round(typical * math.exp(0.5 * rng.gauss(0.0, 1.0)))))
    return closed if closed < ctx.end else None


class _Finding(NamedTuple):
    cycle_id: int | None
    audit_type: str
    department: str
    severity: str
    title: str
    raised: date
    due: date
    closed: date | None


def _finding(rng: random.Random, ctx: _Context, cycle_id: int | None, kind: str, dept: str, raised: date) -> _Finding:
    severity = rng.choices(SEVERITIES, SEVERITY_WEIGHTS)[0]
    return _Finding(cycle_id, kind, dept, severity, rng.choice(FINDING_TITLES[kind]), raised,
                    raised + timedelta(days=DUE_DAYS[severity]), _closed_on(rng, ctx, raised, dept))


def _audit_findings(ctx: _Context, cycles: Sequence[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The findings register: the findings of earlier audits still open at the start, then each cycle's."""
    rng = _rng(ctx, "audit_findings")
    found: list[_Finding] = []
    month = _add_months(ctx.baseline_start, -LEGACY_MONTHS)
    while month < ctx.baseline_start:
        length = (_add_months(month, 1) - month).days
        for _ in range(rng.randint(8, 12)):
            raised = month + timedelta(days=rng.randrange(length))
            dept, kind = rng.choice(DEPT_IDS), rng.choices(AUDIT_TYPES, AUDIT_TYPE_WEIGHTS)[0]
            for _n in range(max(0, round(rng.gauss(7.0, 2.5)))):
                finding = _finding(rng, ctx, None, kind, dept, raised)
                if finding.closed is None or finding.closed >= ctx.baseline_start:
                    found.append(finding)
        month = _add_months(month, 1)
    for cycle_id, kind, dept, _started, completed, findings in cycles:
        raised = date.fromisoformat(str(completed))
        for _n in range(int(str(findings))):
            found.append(_finding(rng, ctx, int(str(cycle_id)), str(kind), str(dept), raised))
    found.sort(key=lambda f: (f.raised, f.cycle_id or 0))
    return [(n + 1, f.cycle_id, f.audit_type, f.department, f.severity, f.title, f.raised.isoformat(),
             f.due.isoformat(), _day(f.closed)) for n, f in enumerate(found)]


def _open_findings(ctx: _Context, findings: Sequence[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """The findings open on each month's as-of day: raised by then and not closed by then."""
    rows: list[tuple[object, ...]] = []
    for month, as_of in ctx.month_ends():
        day = as_of.isoformat()
        for finding_id, cycle, kind, dept, severity, title, raised, due, closed in findings:
            if str(raised) <= day and (closed is None or str(closed) > day):
                rows.append((month.isoformat(), day, finding_id, cycle, kind, dept, severity, title, raised, due))
    return rows
