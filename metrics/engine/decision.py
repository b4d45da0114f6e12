"""One status decision per (metric, slice, period): the value, the target that applies to the slice and when it is
due, the status the rule in status.py gives, the evidence behind it and the sentence that says so in both languages.

Badges, tiles, the metric page, the wall, emails, the command line and the league table all render this object;
none of them writes status words of its own. The slice's target comes from the metric's `target_scope`: the same
target for every slice, the slice's own target given as data (`[[targets]]` in the config), or none.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any, Sequence

from config.settings import SliceTarget
from core import labels
from core.i18n import t
from metrics.engine.periods import DimensionFilters
from metrics.engine.status import DAYS_PER_MONTH, JUDGED, Status, judge, meets, near, pace
from metrics.semantics.format import format_value
from metrics.semantics.model import Direction, Metric, TargetScope, Unit


class Origin(Enum):
    """Where the target a value is judged against comes from."""

    PROGRAMME = "programme"  # the metric's own target: the whole programme, or a slice where the same target holds
    SLICE = "slice"  # the slice's own target, given as data
    NOT_FOR_SLICE = "not_for_slice"  # the target is not for this slice (the programme's only, or none was given)
    NONE = "none"  # the metric has no target


@dataclass(frozen=True)
class Goal:
    """The target a slice is judged against, when it is due, and where it comes from."""

    target: float | None
    due: date | None
    origin: Origin
    slice: tuple[tuple[str, str], ...] = ()  # the (dimension, value) pairs of the slice, to name it


def goal_for(metric: Metric, where: DimensionFilters, targets: Sequence[SliceTarget], due: date | None) -> Goal:
    """The goal of the slice `where` picks: the metric's target, the slice's own, or none (never the programme's
    target for a slice it does not hold for). `due` is the metric's target date."""
    named = tuple((d, v if isinstance(v, str) else " + ".join(v)) for d, v in where)
    if not where or metric.target_scope is TargetScope.SAME:
        if metric.target is None:
            return Goal(None, None, Origin.NONE)
        return Goal(metric.target, due, Origin.PROGRAMME)
    if metric.target_scope is TargetScope.PER_SLICE and len(where) == 1 and isinstance(where[0][1], str):
        dimension, value = where[0]
        own = next((e for e in targets if (e.metric, e.dimension, e.value) == (metric.key, dimension, value)), None)
        if own is not None:
            return Goal(own.target, own.due or due, Origin.SLICE, named)
    return Goal(None, None, Origin.NOT_FOR_SLICE, named)


def slice_targets(metric: Metric, where: DimensionFilters, targets: Sequence[SliceTarget]) -> list[list[Any]]:
    """The config's own targets of the slice `where` picks, as plain data: what a cached decision depends on besides
    the metric's declaration."""
    return [[e.dimension, e.value, e.target, e.due.isoformat() if e.due else None] for e in targets
            if e.metric == metric.key and (e.dimension, e.value) in where]


@dataclass(frozen=True)
class Evidence:
    """What the status stands on: how many records, how many it needs, and the trend."""

    sample: int  # rows (events, milestones) behind the value
    min_sample: int  # the fewest the metric needs for a status
    slope: float | None  # change per month over the last six monthly values; None with fewer than two
    projected: float | None  # the value at the target date at that pace
    months_needed: float | None  # months from the value to the target at that pace: 0 when met, None when never
    months_left: float | None  # from the period's last day or today (the later) to the target date; < 0: passed


@dataclass(frozen=True)
class Decision:
    """The status of one KPI for one slice and period, with what it stands on and how to say it."""

    key: str
    unit: Unit
    good: Direction
    value: float | None
    goal: Goal
    status: Status
    evidence: Evidence
    start: date
    end: date  # exclusive
    since: date  # where the time left is counted from: the period's last day or today, whichever is later
    to_date: bool  # the period runs to today (year to date)
    reason: str  # the i18n key of the sentence that says why

    @property
    def target(self) -> float | None:
        return self.goal.target

    @property
    def due(self) -> date | None:
        return self.goal.due

    @property
    def met(self) -> bool:
        """Whether the value meets the target (the only case that may say so)."""
        return self.value is not None and self.target is not None and meets(self.value, self.target, self.good)

    @property
    def judged(self) -> bool:
        """Whether the status judges the value against its target (on track, at risk, off track)."""
        return self.status in JUDGED

    def label(self, lang: str) -> str:
        """The status in words, as a badge shows it: 'On track', 'Too few records (3)', 'No data', 'No target'."""
        if self.status is Status.TOO_FEW:
            return t("decision.too_few_label", lang, n=f"{self.evidence.sample:,}")
        if self.status is Status.UNKNOWN:
            return t("status.no_data" if self.value is None else "status.no_target", lang)
        return t(f"status.{self.status.value}", lang)

    def period(self, lang: str) -> str:
        """The period as people say it: 'Oct 2026', 'Q3 2026', 'YTD 2026', '27 Aug – 25 Nov 2026'."""
        return period_name(self.start, self.end, lang, self.to_date)

    def slice_name(self, lang: str) -> str:
        return " / ".join(labels.value_label(d, v, lang) for d, v in self.goal.slice)

    def target_text(self, lang: str) -> str:
        """The target as a tile's fact: 'Target 96.0% by 30 Nov 2026', 'Finance target 220 h by …', 'No target for
        Finance', 'No target set'."""
        if self.goal.origin is Origin.NOT_FOR_SLICE:
            return t("decision.target_not_for", lang, slice=self.slice_name(lang))
        if self.target is None:
            return t("tile.no_target", lang)
        target = format_value(self.target, self.unit, lang)
        if self.goal.origin is Origin.SLICE:
            return t("decision.slice_target", lang, slice=self.slice_name(lang), target=target,
                     date=labels.date_label(self.due, lang))
        if self.due is None:
            return t("tile.target_only", lang, target=target)
        return t("tile.target_by", lang, target=target, date=labels.date_label(self.due, lang))

    def params(self, lang: str) -> dict[str, str]:
        """The sentence's placeholders in `lang`."""
        fmt = lambda v: format_value(v, self.unit, lang)  # noqa: E731
        e = self.evidence
        when = self.since + timedelta(days=round((e.months_needed or 0) * DAYS_PER_MONTH))
        return {"value": fmt(self.value), "target": fmt(self.target), "date": labels.date_label(self.due, lang),
                "months": f"{e.months_needed:.1f}" if e.months_needed is not None else "—",
                "when": labels.month_label(when, lang), "n": f"{e.sample:,}", "min": f"{e.min_sample:,}",
                "period": self.period(lang), "slice": self.slice_name(lang), "projected": fmt(e.projected)}

    def sentence(self, lang: str) -> str:
        """Why the status is what it is, in one sentence."""
        return t(self.reason, lang, **self.params(lang))


def decide(metric: Metric, value: float | None, sample: int, goal: Goal, monthly: Sequence[float], start: date,
           end: date, today: date) -> Decision:
    """The decision for a value over [start, end) with `sample` rows, judged against the goal on the trend of the
    latest monthly values (oldest first). The time left runs from the period's last day or today, whichever is
    later: a past period's pace must still reach the target in the time that is actually left."""
    since = max(end - timedelta(days=1), today)
    months_left = None if goal.due is None else (goal.due - since).days / DAYS_PER_MONTH
    needed = metric.sample_needed
    status = judge(value, goal.target, metric.good, monthly, months_left, sample, needed)
    found = pace(value, goal.target, metric.good, monthly, months_left)
    evidence = Evidence(sample, needed, found.slope, found.projected, found.months_needed, months_left)
    return Decision(metric.key, metric.unit, metric.good, value, goal, status, evidence, start, end, since,
                    end == today, _reason(value, goal, status, evidence))


def _reason(value: float | None, goal: Goal, status: Status, e: Evidence) -> str:
    """The i18n key of the sentence that says why: the same conditions as status.judge, in its order."""
    if value is None:
        return "decision.no_data"
    if goal.origin is Origin.NOT_FOR_SLICE:
        return "decision.no_slice_target"
    if goal.target is None:
        return "decision.no_target"
    if status is Status.TOO_FEW:
        return "decision.too_few"
    if status is Status.ON_TRACK and e.months_needed == 0:
        return "decision.met"
    if e.months_left is not None and e.months_left < 0:
        return "decision.passed"
    close = near(value, goal.target)
    if e.slope is None:
        return "decision.no_trend_near" if close else "decision.no_trend"
    if e.months_needed is None:
        return "decision.never_near" if close else "decision.never"
    if e.months_left is None:
        return "decision.on_pace_no_date"
    return "decision.on_pace" if e.months_needed <= e.months_left else "decision.late"


def period_name(start: date, end: date, lang: str, to_date: bool = False) -> str:
    """A period as people say it: 'Oct 2026', 'Q3 2026', 'YTD 2026' (1 January to today), '27 Aug – 25 Nov 2026'."""
    if to_date and start == date(start.year, 1, 1) and start < end <= date(start.year + 1, 1, 1):
        return t("period.ytd_name", lang, year=start.year)
    months = (end.year - start.year) * 12 + end.month - start.month
    if start.day == 1 and end.day == 1 and (months == 1 or (months == 3 and start.month % 3 == 1)):
        return labels.period_label(start, end, lang)
    last = end - timedelta(days=1)
    if last.year != start.year:
        return f"{labels.date_label(start, lang)} – {labels.date_label(last, lang)}"
    if lang == "zh":
        return f"{labels.date_label(start, lang)} – {labels.date_label(last, lang, with_year=False)}"
    return f"{labels.date_label(start, lang, with_year=False)} – {labels.date_label(last, lang)}"
