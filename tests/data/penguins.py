"""The vendored Palmer penguins raw export (penguins-raw.csv, CC0) read in plain Python, and the same rows written as
Parquet, as an Excel workbook and as a SQLite table whose dates are text in another layout, for tests that read
every kind of source and expect the same frame."""
from __future__ import annotations

import csv
import sqlite3
from datetime import date
from pathlib import Path

import polars as pl

CSV = Path(__file__).resolve().parent / "penguins-raw.csv"
MISSING = ("", "NA", "N/A", "null")  # the default null_values
DATE_COLUMN = "Date Egg"
SQLITE_DATE_FORMAT = "%d/%m/%Y"  # not ISO: the text does not sort as the dates do, so a filter must parse it first


def plain_rows() -> list[dict[str, str]]:
    """The file's rows as the csv module reads them: every value the text written."""
    with CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def missing_per_column() -> dict[str, int]:
    """How many cells of each column the file writes as a missing-value marker, counted in plain Python."""
    rows = plain_rows()
    return {column: sum(row[column] in MISSING for row in rows) for column in rows[0]}


def write_parquet(frame: pl.DataFrame, folder: Path) -> Path:
    path = folder / "penguins.parquet"
    frame.write_parquet(path)
    return path


def write_workbook(frame: pl.DataFrame, folder: Path) -> Path:
    """A workbook with the rows on a sheet named 'penguins' after another sheet, as a person would keep it."""
    import xlsxwriter

    path = folder / "penguins.xlsx"
    with xlsxwriter.Workbook(path) as book:
        pl.DataFrame({"note": ["read me first"]}).write_excel(book, worksheet="about")
        frame.write_excel(book, worksheet="penguins")
    return path


def write_sqlite(frame: pl.DataFrame, folder: Path) -> Path:
    """A SQLite table 'penguins' with the frame's rows: numbers as INTEGER or REAL, dates as TEXT day/month/year."""
    path = folder / "penguins.sqlite"
    kinds = {pl.Int64: "INTEGER", pl.Float64: "REAL"}
    columns = ", ".join(f'"{c}" {kinds.get(t.base_type(), "TEXT")}' for c, t in frame.schema.items())
    rows = [tuple(v.strftime(SQLITE_DATE_FORMAT) if isinstance(v, date) else v for v in row) for row in frame.rows()]
    with sqlite3.connect(path) as con:
        con.execute(f"CREATE TABLE penguins ({columns})")
        con.executemany(f"INSERT INTO penguins VALUES ({', '.join('?' * frame.width)})", rows)
    con.close()
    return path
