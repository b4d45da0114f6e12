"""The snapshot's numbers as a CSV attachment: the values rounded as the email shows them, then the raw values
`python app.py query KEY --format csv` prints (the *_raw columns), for analysts."""
from __future__ import annotations

from typing import Any

from core.csvfile import csv_text as write_csv
from metrics.semantics.format import rounded
from snapshots.numbers import KpiResult, SnapshotNumbers

# The columns of `python app.py query KEY` (headline), then the KPI's title and what went wrong with it.
QUERY_COLUMNS = ["metric", "value", "previous", "delta", "baseline", "target", "target_date", "status", "rows",
                 "start", "end_exclusive", "data_as_of", "stale"]
NUMBERS = ("value", "previous", "delta", "baseline", "target")  # rounded as shown; raw in NAME_raw
COLUMNS = [*QUERY_COLUMNS, "title", "problem", *(f"{n}_raw" for n in NUMBERS)]


def headline_row(kpi: KpiResult) -> list[Any]:
    """One KPI as the query command's raw row; empty numbers (never zeros) when it could not be computed."""
    if kpi.answer is None:
        return [kpi.metric.key] + [None] * (len(QUERY_COLUMNS) - 1)
    answer, h = kpi.answer, kpi.answer.data
    return [kpi.metric.key, h.value, h.previous, h.delta, h.baseline, h.target,
            h.target_date.isoformat() if h.target_date else None, h.status.value, h.rows, h.start.isoformat(),
            h.end.isoformat(), answer.data_as_of.isoformat(sep=" ") if answer.data_as_of else None, answer.stale]


def csv_text(numbers: SnapshotNumbers, lang: str) -> str:
    """All KPIs of the snapshot, one row each: the values rounded as shown, then those the query command prints."""
    rows = []
    for kpi in numbers.kpis:
        raw = headline_row(kpi)
        shown = [rounded(v, kpi.metric.unit) if c in NUMBERS else v for c, v in zip(QUERY_COLUMNS, raw)]
        rows.append([*shown, kpi.metric.title(lang), kpi.problem, *(raw[QUERY_COLUMNS.index(n)] for n in NUMBERS)])
    return write_csv(COLUMNS, rows)
