"""The one CSV writer: the CLI's `--format csv`, the dashboard's exports and the snapshot attachment all use it."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable, Sequence

import polars as pl

BOM = "\ufeff"  # lets spreadsheet programs read UTF-8 (Chinese titles) correctly


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool = True) -> str:
    """Rows as CSV text (`\\n` line ends), with a byte-order mark for spreadsheets unless `bom` is False."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return (BOM if bom else "") + out.getvalue()


def frame_csv(frame: pl.DataFrame, bom: bool = True) -> str:
    """A polars frame as CSV text, its dates and numbers written as polars writes them."""
    return (BOM if bom else "") + frame.write_csv()
