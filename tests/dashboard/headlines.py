"""Headlines as the engine builds them, their status decided by metrics/engine/decision.py, for tests of views
that need a headline without a database (a stale answer, a status the demo does not have this month)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Sequence

from metrics.engine.answers import Answer, Headline
from metrics.engine.decision import Goal, decide, goal_for
from metrics.semantics.model import Metric

OCTOBER = (date(2026, 10, 1), date(2026, 11, 1))
TODAY = date(2026, 11, 27)


def decided(metric: Metric, value: float | None, previous: float | None = None, *, rows: int = 2663,
            baseline: float | None = None, monthly: Sequence[float] = (), goal: Goal | None = None,
            period: tuple[date, date] = OCTOBER, due: date | None = date(2026, 11, 30)) -> Headline:
    """A headline of October 2026 seen on 27 Nov 2026, judged against `goal` (default: the metric's own target)."""
    goal = goal or goal_for(metric, (), (), due)
    return Headline(metric.key, value, previous, rows, baseline, *period,
                    decide(metric, value, rows, goal, monthly, *period, TODAY))


def answered(headline: Headline, stale_reason: str = "", behind_sla: bool = False) -> Answer[Headline]:
    return Answer(headline, datetime(2026, 11, 27, 8, 0), datetime(2026, 11, 26, 22, 51), behind_sla, stale_reason)
