"""A KPI's headline for a period: value, previous period, baseline, and the status decision for its goal."""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from metrics.engine.answers import Headline
from metrics.engine.baselines import subject
from metrics.engine.decision import Goal, decide
from metrics.engine.periods import Filters, add_months, month_start
from metrics.engine.planning import Ask, Planner
from metrics.semantics.model import Grain, Metric, MetricKind


def headline(planner: Planner, metric: Metric, filters: Filters, goal: Goal, today: date) -> Headline:
    """The headline of `metric` for the filters, judged on `today` against the goal of their slice, from one batch
    of scans."""
    baseline_ask = subject(planner, metric, filters)  # the metric (a CHANGE metric: its base) over the baseline
    # The trend behind the status: the monthly values of the six months up to the period's end.
    trend_filters = filters.with_period(add_months(month_start(filters.end - timedelta(days=1)), -5), filters.end)
    # A calendar month and the month before it are rows of that monthly trend (same rows, same expression):
    # read them there instead of scanning the data twice more.
    one_month = filters.start.day == 1 and filters.end == add_months(filters.start, 1)
    asks = [Ask(metric, trend_filters, (), Grain.MONTH)]
    if not one_month:
        asks += [Ask(metric, filters), Ask(metric, filters.previous())]
    if baseline_ask is not None:
        asks.append(baseline_ask)
    trend, *rest = planner.tables(asks)
    if one_month:
        value, rows = _month_of(trend, filters.start)
        previous, _ = _month_of(trend, add_months(filters.start, -1))
    else:
        now, before, *rest = rest
        value, rows, previous = now["value"][0], int(now["rows"][0]), before["value"][0]
    base = rest
    live = base[0]["value"][0] if base else None
    # Once the window has closed, the recorded baseline, and whether the data now gives another (a restatement).
    baseline, restated = (planner.frozen.settle(planner, baseline_ask, live)
                          if planner.frozen is not None and baseline_ask is not None else (live, None))
    baseline = 0.0 if metric.kind is MetricKind.CHANGE else baseline  # a change is measured from its baseline
    monthly = [v for v in trend.sort("period")["value"] if v is not None]
    decision = decide(metric, value, rows, goal, monthly, filters.start, filters.end, today)
    return Headline(metric.key, value, previous, rows, baseline, filters.start, filters.end, decision,
                    restated=restated)


def _month_of(trend: pl.DataFrame, month: date) -> tuple[float | None, int]:
    """(value, rows) of one month of a monthly trend; (None, 0) when the month had no rows."""
    row = trend.filter(pl.col("period") == month)
    return (row["value"][0], int(row["rows"][0])) if row.height else (None, 0)
