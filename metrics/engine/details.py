"""The rows behind a number: those that need fixing first, with what is wrong with each; paged and sorted."""
from __future__ import annotations

import polars as pl

from core.errors import MetricError
from metrics.engine.answers import DetailPage
from metrics.engine.periods import Filters
from metrics.engine.planning import Planner
from metrics.semantics.model import Metric


def detail_page(planner: Planner, metric: Metric, rows_metric: Metric, filters: Filters, page: int, page_size: int,
                sort_by: str | None, descending: bool, only_to_fix: bool) -> DetailPage:
    """A page of `rows_metric`'s rows (the metric whose rows stand behind `metric`)."""
    exprs = [e for e in (rows_metric.problems, rows_metric.needs_fixing, rows_metric.row_filter) if e is not None]
    columns = set(rows_metric.detail_columns) | {c for e in exprs for c in e.meta.root_names()}
    frame = planner.frame(rows_metric, filters, columns | {rows_metric.time_column})
    if only_to_fix and rows_metric.needs_fixing is not None:
        frame = frame.filter(rows_metric.needs_fixing)
    problem = rows_metric.problems if rows_metric.problems is not None else pl.lit("")
    frame = frame.with_columns(problem=problem.cast(pl.String).fill_null(""))
    shown = [*rows_metric.detail_columns, "problem"]
    sort_col = sort_by if sort_by in shown else rows_metric.time_column
    frame = frame.select(shown).sort(sort_col, descending=descending, nulls_last=True)
    try:
        total = frame.select(pl.len()).collect().item()
        rows = frame.slice(page * page_size, page_size).collect()
    except pl.exceptions.PolarsError as exc:
        raise MetricError(f"cannot list the rows of {metric.key}: {str(exc).splitlines()[0]}",
                          f"metric {metric.key} in {metric.module}", "check the detail and problem columns") from None
    return DetailPage(rows, int(total), page, page_size)
