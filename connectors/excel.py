"""Excel workbooks (.xlsx), a sheet per table, read by polars' own reader (calamine, through fastexcel; no pandas).

A workbook is read whole into memory (a sheet holds at most about a million rows); the file connector keeps the
frame until the file changes.
"""
from __future__ import annotations

import fastexcel
import polars as pl

from config.settings import TableSpec
from connectors.reading import without_markers
from core.errors import SourceError

EXTENSIONS = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")


def is_workbook(path: str) -> bool:
    return path.lower().endswith(EXTENSIONS)


def sheet_names(path: str, where: str) -> list[str]:
    """The workbook's sheets; SourceError when it is not a workbook that opens (damaged, cut short, or another
    kind of file under the name)."""
    try:
        return list(fastexcel.read_excel(path).sheet_names)
    except Exception as exc:  # fastexcel raises its own error types, all meaning the same here
        raise SourceError(f"the workbook {path} cannot be opened: {_short(exc)}", where,
                          "put a complete .xlsx file there (save it again from Excel if it was cut short)") from None


def sheet_of(path: str, tspec: TableSpec, where: str) -> str:
    """The table's sheet: the declared `sheet`, else the sheet named after the table, else the first."""
    names = sheet_names(path, where)
    if tspec.read.sheet:
        if tspec.read.sheet not in names:
            raise SourceError(f"the workbook {path} has no sheet '{tspec.read.sheet}'", where,
                              f"set sheet to one of: {', '.join(names)}")
        return tspec.read.sheet
    if not names:
        raise SourceError(f"the workbook {path} has no sheet", where, "put a workbook with the table's sheet there")
    return tspec.name if tspec.name in names else names[0]


def read_sheet(path: str, tspec: TableSpec, where: str) -> pl.DataFrame:
    """The table's sheet as a frame: header at `header_row`, types inferred from every row, missing-value markers
    as nulls (declared types are applied after, by connectors.reading.conversions)."""
    sheet = sheet_of(path, tspec, where)
    try:
        frame = pl.read_excel(path, sheet_name=sheet, engine="calamine", infer_schema_length=None,
                              read_options={"header_row": tspec.read.header_row}, raise_if_empty=False)
    except Exception as exc:  # calamine's and fastexcel's errors have no common base but Exception
        raise SourceError(f"cannot read sheet '{sheet}' of {path}: {_short(exc)}", where,
                          "check the sheet and header_row declared for the table") from None
    return without_markers(frame, tspec.read)


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
