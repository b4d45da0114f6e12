"""Maturity assessments through the engine: the questionnaire, its dates, and every dimension's score at each.

The questionnaire's mean is asked of the engine as a metric of its own (`maturity_questionnaire`, declared in
metrics/pack/maturity.py and validated like every other metric). It is an answer sheet held every few months, not a
KPI with a monthly value, so it is not listed on the overview. Asking through the engine keeps the viewer's scope, the
cache and the stale-answer rules.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Sequence

from core.errors import UsageError
from metrics.engine.periods import DimensionFilters, Filters, add_months, month_start
from metrics.engine.protocol import Questions
from metrics.pack.maturity import QUESTIONNAIRE
from metrics.semantics.model import Grain
from programme.maturity import DIMENSIONS, Dimension, Rule, blend, rule_level

# Questionnaires are read over all time: their dates come from the answers, not from a period.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 1, 1)

@dataclass(frozen=True)
class Check:
    """One rule of one level, against the KPI's value: held, failed (and by how much), or no data."""

    level: int
    rule: Rule
    value: float | None

    @property
    def held(self) -> bool | None:
        return None if self.value is None else self.rule.holds(self.value)

    @property
    def margin(self) -> float | None:
        return None if self.value is None else self.rule.margin(self.value)


@dataclass(frozen=True)
class Score:
    """A dimension at one assessment: the rule level, the questionnaire mean, the blended score and every check."""

    dimension: Dimension
    rule_level: int | None
    questionnaire: float | None
    score: int | None
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class Assessment:
    """Every dimension's score at one date: KPIs of the month before it and the latest questionnaire by then."""

    assessment_id: str  # the questionnaire's id; '' when no questionnaire had been answered by then
    assessed_on: date
    kpi_month: date  # first day of the month whose KPI values the rules judge
    where: DimensionFilters
    scores: tuple[Score, ...]
    stale: str = ""  # why some value is the last good one, when a source failed

    def score(self, key: str) -> Score:
        return next(s for s in self.scores if s.dimension.key == key)


def questionnaires(engine: Questions, today: date, where: DimensionFilters = ()) -> list[tuple[str, date]]:
    """(assessment id, first day answered) of every questionnaire held by today, oldest first."""
    window = Filters(EARLIEST, today + timedelta(days=1), where)
    ids = engine.breakdown(QUESTIONNAIRE, window, "assessment_id").data["assessment_id"].to_list()
    held = []
    for assessment_id in ids:
        days = engine.trend(QUESTIONNAIRE, replace(window, where=(*where, ("assessment_id", assessment_id))),
                            Grain.DAY).data
        first = days["period"].min()
        if isinstance(first, date):
            held.append((str(assessment_id), first))
    return sorted(held, key=lambda pair: pair[1])


def assess(engine: Questions, on: date, assessment_id: str, where: DimensionFilters = (),
           dimensions: Sequence[Dimension] = DIMENSIONS) -> Assessment:
    """Every dimension at a date: each rule judged on the month before `on`, blended with that questionnaire."""
    kpi_month = add_months(month_start(on), -1)
    month = Filters(kpi_month, month_start(on), where)
    stale: list[str] = []
    values: dict[str, float | None] = {}
    for key in dict.fromkeys(m for d in dimensions for m in d.metrics()):
        answer = engine.value(key, month)
        values[key] = answer.data
        if answer.stale_reason:
            stale.append(answer.stale_reason)
    means: dict[str, float] = {}
    if assessment_id:
        asked = Filters(EARLIEST, LATEST, (*where, ("assessment_id", assessment_id)))
        by_dimension = engine.breakdown(QUESTIONNAIRE, asked, "dimension")
        means = {row["dimension"]: row["value"] for row in by_dimension.data.iter_rows(named=True)}
        if by_dimension.stale_reason:
            stale.append(by_dimension.stale_reason)
    scores = []
    for dim in dimensions:
        checks = tuple(Check(level.level, rule, values[rule.metric]) for level in dim.levels for rule in level.rules)
        level = rule_level(dim, values)
        scores.append(Score(dim, level, means.get(dim.key), blend(level, means.get(dim.key)), checks))
    return Assessment(assessment_id, on, kpi_month, tuple(where), tuple(scores), "; ".join(dict.fromkeys(stale)))


def assessments(engine: Questions, today: date, where: DimensionFilters = ()) -> list[Assessment]:
    """Every questionnaire's assessment, oldest first (the first is the programme-start baseline)."""
    return [assess(engine, on, assessment_id, where) for assessment_id, on in questionnaires(engine, today, where)]


def assess_at(engine: Questions, at: date, today: date, where: DimensionFilters = ()) -> Assessment:
    """The scores as they stood on a date: its previous month's KPIs and the latest questionnaire by then."""
    if at > today:
        raise UsageError(f"{at} is after today ({today})", "--at", "give a date up to today")
    held = [pair for pair in questionnaires(engine, today, where) if pair[1] <= at]
    return assess(engine, at, held[-1][0] if held else "", where)


def monthly_levels(engine: Questions, start: date, end: date, where: DimensionFilters = (),
                   dimensions: Sequence[Dimension] = DIMENSIONS) -> dict[str, list[tuple[date, int | None]]]:
    """Each dimension's rule level month by month in [start, end): the path between assessments (KPIs only)."""
    frames = {}
    for key in dict.fromkeys(m for d in dimensions for m in d.metrics()):
        frame = engine.trend(key, Filters(start, end, where), Grain.MONTH).data
        frames[key] = dict(zip(frame["period"].to_list(), frame["value"].to_list()))
    months, month = [], start
    while month < end:
        months.append(month)
        month = add_months(month, 1)
    return {d.key: [(m, rule_level(d, {k: frames[k].get(m) for k in d.metrics()})) for m in months]
            for d in dimensions}
