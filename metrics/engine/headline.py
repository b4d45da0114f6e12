"""A KPI's headline for a period: value, previous period, baseline, and the status decision for its goal."""
from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import polars as pl

from metrics.engine.answers import Headline
from metrics.engine.baselines import subject
from metrics.engine.decision import Goal, decide
from metrics.engine.periods import Filters, add_months, month_start
from metrics.engine.planning import Ask, Planner, read_span
from metrics.semantics.model import Grain, Metric, MetricKind

EARLIEST = date(1900, 1, 1)  # where the search for the latest month with rows starts


def headline(planner: Planner, metric: Metric, filters: Filters, goal: Goal, today: date) -> Headline:
    """The headline of `metric` for the filters, judged on `today` against the goal of their slice.

    When the data ends before the last complete month (the default period), that month gives way to the latest
    month before it that has rows: the headline's start and end say which, and `latest_with_data` that it is not
    the month asked for. A month the data covers is answered as asked, rows or none.
    """
    found = _headline(planner, metric, filters, goal, today)
    last_month = filters.end == month_start(today) and filters.start == add_months(filters.end, -1)
    if found.rows or not last_month or _covers(planner, metric, filters.start):
        return found
    months = planner.table(metric, filters.with_period(EARLIEST, filters.start), (), Grain.MONTH)
    with_rows = months.filter(pl.col("rows") > 0)["period"]
    if with_rows.is_empty():
        return found
    latest = with_rows.max()
    assert isinstance(latest, date)
    moved = _headline(planner, metric, filters.with_period(latest, add_months(latest, 1)), goal, today)
    return replace(moved, latest_with_data=True)


def _covers(planner: Planner, metric: Metric, day: date) -> bool:
    """Whether the table behind the metric (a CHANGE's base, a DERIVED's first input) has data on or after `day`."""
    while metric.kind in (MetricKind.CHANGE, MetricKind.DERIVED):
        metric = planner.metric(metric.base if metric.kind is MetricKind.CHANGE else metric.inputs[0])
    span = planner.data_span(metric) if planner.data_span else read_span(planner.connectors[metric.source], metric)
    return span is not None and span.end > day


def _headline(planner: Planner, metric: Metric, filters: Filters, goal: Goal, today: date) -> Headline:
    """The headline of `metric` for the filters as asked, from one batch of scans."""
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
