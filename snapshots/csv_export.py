"""The snapshot's numbers as a CSV attachment: the raw values `python app.py query KEY --format csv` prints."""
from __future__ import annotations

from typing import Any

from core.csvfile import csv_text as write_csv
from snapshots.numbers import KpiResult, SnapshotNumbers

# The columns of `python app.py query KEY` (headline), then the KPI's title and what went wrong with it.
QUERY_COLUMNS = ["metric", "value", "previous", "delta", "baseline", "target", "target_date", "status", "rows",
                 "start", "end_exclusive", "data_as_of", "stale"]
COLUMNS = [*QUERY_COLUMNS, "title", "problem"]


def headline_row(kpi: KpiResult) -> list[Any]:
    """One KPI as the query command's raw row; empty numbers (never zeros) when it could not be computed."""
    if kpi.answer is None:
        return [kpi.metric.key] + [None] * (len(QUERY_COLUMNS) - 1)
    answer, h = kpi.answer, kpi.answer.data
    return [kpi.metric.key, h.value, h.previous, h.delta, h.baseline, h.target,
            h.target_date.isoformat() if h.target_date else None, h.status.value, h.rows, h.start.isoformat(),
            h.end.isoformat(), answer.data_as_of.isoformat(sep=" ") if answer.data_as_of else None, answer.stale]


def csv_text(numbers: SnapshotNumbers, lang: str) -> str:
    """All KPIs of the snapshot, one row each, with the same values the query command prints."""
    return write_csv(COLUMNS, ([*headline_row(kpi), kpi.metric.title(lang), kpi.problem] for kpi in numbers.kpis))
