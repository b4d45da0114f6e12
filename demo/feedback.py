"""The feedback_responses table: a monthly user survey whose complaints shift as departments join."""

from __future__ import annotations

import math
from datetime import timedelta

from demo.calendar import _add_months, _months_between
from demo.context import _Context, _join_date, _rng
from demo.operations import REQUEST_DEPTS

SURVEY_DAYS = 14  # the survey opens on the 1st of each month and stays open two weeks
SYSTEM_WORDS: dict[str, str] = {
    "ERP": "ERP", "CRM": "CRM", "HRM": "the HR system", "LIMS": "LIMS", "TRACE": "the traceability system",
    "SUPPLIER_PORTAL": "the supplier portal", "FIN": "the finance system",
}
# What people write, by the complaint behind it; {system} is the system the answer is about.
COMPLAINTS: dict[str, tuple[str, ...]] = {
    "slow_approvals": (
        "Approvals in {system} still take days; purchases wait for sign-off",
        "Waiting over a week for invoice approval again",
        "The approval chain is too long: three managers for a small order",
        "My request has been pending approval since last month",
    ),
    "duplicate_entry": (
        "I enter the same supplier details twice, in {system} and in Excel",
        "We re-key customer data from {system} into another system",
        "Duplicate data entry between {system} and the spreadsheet tracker",
        "Have to re-enter order lines by hand every morning",
    ),
    "report_errors": (
        "The monthly report had wrong totals again",
        "Sales figures in {system} do not match the finance report",
        "Report numbers changed after we sent them to management",
        "Stock figures on the screen are off by several hundred units",
    ),
    "access_requests": (
        "Still waiting for access to {system} after two weeks",
        "The access request for our new starter took ten days",
        "I was locked out of {system} and the reset took a day",
        "No permission to see the supplier records I need",
    ),
    "training": (
        "Nobody showed us how to use the new {system} screens",
        "Need more training on the new workflow in {system}",
        "The training material does not cover our process",
        "New colleagues start work before anyone has trained them",
    ),
}
PRAISE: tuple[str, ...] = (
    "Much faster than last year, thank you",
    "The new screens in {system} are easy to use",
    "Invoice matching works smoothly now",
    "Good support from the service desk",
    "Master data is finally consistent across systems",
    "Saves me about an hour a week",
)


def _bump(months: float, peak: float) -> float:
    """0 before joining, rising to 1 at `peak` months, then fading: the new-system teething troubles."""
    if months <= 0:
        return 0.0
    return (months / peak) * math.exp(1.0 - months / peak)


def _theme_weights(months: float) -> list[float]:
    """How likely each complaint is, `months` after the department joined (negative: not yet)."""
    m = max(months, 0.0)
    return [
        0.30 * (0.35 + 0.65 * math.exp(-m / 4)),  # slow approvals: workflows re-engineered
        0.30 * (0.25 + 0.75 * math.exp(-m / 3)),  # duplicate entry: systems integrated
        0.25 * (0.35 + 0.65 * math.exp(-m / 5)),  # report errors: master data cleaned
        0.08 + 0.30 * _bump(months, 1.5),  # access requests: new systems need new rights
        0.07 + 0.30 * _bump(months, 2.5),  # training: new screens need new skills
    ]


def _feedback_responses(ctx: _Context) -> list[tuple[object, ...]]:
    """Responses to the monthly survey from every department, from the baseline period on."""
    rng = _rng(ctx, "feedback_responses")
    themes = list(COMPLAINTS)
    rows: list[tuple[object, ...]] = []
    month = ctx.baseline_start
    while month < ctx.end:
        for dept, _weight, systems in REQUEST_DEPTS:
            for _ in range(rng.randint(10, 18)):
                day = month + timedelta(days=rng.randrange(SURVEY_DAYS))
                system = rng.choices([s for s, _ in systems], [w for _, w in systems])[0]
                months = _months_between(day, _join_date(ctx, dept))
                settled = 0.0 if months < 0 else 1.0 - math.exp(-months / 4)
                complains = rng.random() < (0.75 if months < 0 else 0.30 + 0.45 * math.exp(-months / 4))
                if complains:
                    theme = rng.choices(themes, _theme_weights(months))[0]
                    comment: str | None = rng.choice(COMPLAINTS[theme])
                    mean = 2.6 + 0.6 * settled
                else:
                    comment = rng.choice(PRAISE) if rng.random() < 0.6 else None
                    mean = 3.6 + 0.6 * settled
                score = min(5, max(1, round(rng.gauss(mean, 0.8))))
                if day < ctx.end:
                    text = comment.format(system=SYSTEM_WORDS[system]) if comment else None
                    rows.append((day, dept, system, score, text))
        month = _add_months(month, 1)
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    return [(n + 1, day.isoformat(), *rest) for n, (day, *rest) in enumerate(rows)]
