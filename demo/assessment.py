"""The assessment_answers table: a maturity questionnaire at programme start, around month 9 and around month 17."""

from __future__ import annotations

import math
from datetime import date, timedelta

from demo.calendar import _add_months, _months_between
from demo.context import _Context, _join_date, _rng
from demo.reference import DEPT_IDS

# (assessment_id, programme month it is held in)
ASSESSMENTS: tuple[tuple[str, int], ...] = (
    ("baseline", 0),
    ("reassessment_1", 9),
    ("reassessment_2", 17),
)
# Dimension, where departments start (mean score before joining) and how much they gain once settled in.
DIMENSIONS: tuple[tuple[str, float, float], ...] = (
    ("data_governance", 1.7, 2.0),
    ("data_quality", 2.1, 1.8),
    ("process", 1.9, 1.9),
    ("integration", 1.6, 1.9),
    ("security_compliance", 2.3, 1.6),
    ("people", 2.0, 1.6),
)
QUESTIONS: dict[str, tuple[str, ...]] = {
    "data_governance": (
        "Data owners are named for every master-data domain",
        "Data standards are published and followed when records are created",
        "Data issues are tracked to closure by a governance forum",
    ),
    "data_quality": (
        "Master data is accurate enough to use without checking",
        "Required fields are filled in when records are created",
        "Data-quality rules run automatically and errors are fixed at the source",
    ),
    "process": (
        "Core processes run end to end without re-keying",
        "Process owners measure cycle time and errors",
        "Manual workarounds are rare",
    ),
    "integration": (
        "Systems exchange data through the standard integration platform",
        "Interfaces are documented and monitored",
        "New interfaces follow the interface standard",
    ),
    "security_compliance": (
        "Access rights follow roles and are reviewed regularly",
        "Operation logs are kept and reviewed for sensitive data",
        "Audit evidence can be produced within days",
    ),
    "people": (
        "Staff are trained on the systems and processes they use",
        "Users know whom to ask for help with data and systems",
        "Data and process KPIs are part of team goals",
    ),
}
RESPONDENTS = 3  # per department: the department lead, a key user and the IT business partner
SETTLE_MONTHS = 5.0  # how fast a department's practice matures after it joins


def _assessed_on(ctx: _Context, month: int, day: int) -> date:
    """The day a department answers, never on or after the end of the data."""
    held = _add_months(ctx.programme_start, month) + timedelta(days=day)
    return min(held, ctx.end - timedelta(days=1))


def _assessment_answers(ctx: _Context) -> list[tuple[object, ...]]:
    """Every respondent's 1-5 answer to every question, per department and assessment."""
    rng = _rng(ctx, "assessment_answers")
    offset = {dept: rng.uniform(-0.25, 0.25) for dept in DEPT_IDS}  # some departments start ahead
    rows: list[tuple[object, ...]] = []
    for assessment_id, month in ASSESSMENTS:
        for dept in DEPT_IDS:
            assessed_on = _assessed_on(ctx, month, rng.randint(2, 11))
            settled = 1.0 - math.exp(-max(0.0, _months_between(assessed_on, _join_date(ctx, dept))) / SETTLE_MONTHS)
            for dimension, start, gain in DIMENSIONS:
                mean = start + gain * settled + offset[dept]
                for question in QUESTIONS[dimension]:
                    for _respondent in range(RESPONDENTS):
                        score = min(5, max(1, round(rng.gauss(mean, 0.55))))
                        rows.append((len(rows) + 1, assessment_id, assessed_on.isoformat(), dept, dimension,
                                     question, score))
    return rows
