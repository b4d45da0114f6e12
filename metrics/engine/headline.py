"""A KPI's headline for a period: value, previous period, baseline, target and the status its trend supports."""
from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from metrics.engine.answers import Headline
from metrics.engine.periods import Filters, add_months, month_start
from metrics.engine.planning import Ask, Planner
from metrics.engine.status import judge, months_to_target
from metrics.semantics.model import Grain, Metric, MetricKind


def headline(planner: Planner, metric: Metric, filters: Filters, target_date: date | None) -> Headline:
    """The headline of `metric` for the filters, from one batch of scans."""
    baseline_period = planner.baseline_period(metric)
    # The trend behind the status: the monthly values of the six months up to the period's end.
    trend_filters = filters.with_period(add_months(month_start(filters.end - timedelta(days=1)), -5), filters.end)
    # A calendar month and the month before it are rows of that monthly trend (same rows, same expression):
    # read them there instead of scanning the data twice more.
    one_month = filters.start.day == 1 and filters.end == add_months(filters.start, 1)
    asks = [Ask(metric, trend_filters, (), Grain.MONTH)]
    if not one_month:
        asks += [Ask(metric, filters), Ask(metric, filters.previous())]
    if baseline_period is not None and metric.kind is not MetricKind.CHANGE:
        asks.append(Ask(metric, filters.with_period(*baseline_period)))
    trend, *rest = planner.tables(asks)
    if one_month:
        value, rows = _month_of(trend, filters.start)
        previous, _ = _month_of(trend, add_months(filters.start, -1))
    else:
        now, before, *rest = rest
        value, rows, previous = now["value"][0], int(now["rows"][0]), before["value"][0]
    base = rest
    baseline = 0.0 if metric.kind is MetricKind.CHANGE else (base[0]["value"][0] if base else None)
    monthly = [v for v in trend.sort("period")["value"] if v is not None]
    months_left = None if target_date is None else (target_date - filters.end).days / 30.44
    status = judge(value, metric.target, metric.good, monthly, months_left)
    eta = months_to_target(monthly, metric.target, metric.good) if metric.target is not None else None
    return Headline(metric.key, value, previous, rows, baseline, metric.target, target_date, status, eta,
                    filters.start, filters.end)


def _month_of(trend: pl.DataFrame, month: date) -> tuple[float | None, int]:
    """(value, rows) of one month of a monthly trend; (None, 0) when the month had no rows."""
    row = trend.filter(pl.col("period") == month)
    return (row["value"][0], int(row["rows"][0])) if row.height else (None, 0)
