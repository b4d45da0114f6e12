"""CSV, Parquet and Excel sources: single files or globs. CSV is read with the table's read options (missing-value
markers, declared types, delimiter, encoding, header row, decimal comma; types of the other columns inferred from
every row, so a column whose first "NA" is thousands of rows down is still a number; nothing inferred when every
column is declared), Parquet as it is, a workbook a sheet per table (excel.py); text dates are then parsed by the
declared time_format (reading.py).

A file put in place of another is checked before it is read: a Parquet footer that does not parse, a CSV header
without the columns read before, or a workbook that does not open, is a failing source (the engine then serves the
last good values, marked stale), never a silent zero."""
from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from config.read_options import NATIVE_ENCODINGS
from config.settings import SourceSpec, TableSpec
from connectors import excel
from connectors.base import DataVersion, Schema, Where, check_columns, file_stamp
from connectors.reading import conversions, fingerprint, read_overrides
from core.errors import SourceError

DEFAULT_EXTENSIONS = ("parquet", "csv", "xlsx")


class FileConnector:
    """A folder of files; table T is T.parquet, T.csv or T.xlsx there, or the path/glob declared for T."""

    def __init__(self, spec: SourceSpec, folder: str) -> None:
        self.name, self.spec, self.folder = spec.name, spec, Path(folder)
        # Per table: the files' stamps that passed the check, the CSV header read then, and stamps that failed.
        self._seen: dict[str, str] = {}
        self._headers: dict[str, list[str]] = {}
        self._failed: dict[str, tuple[str, SourceError]] = {}
        # Per table, for the files' stamps they were read from: a CSV's schema inferred from every row (read once,
        # then handed to each scan), and a workbook's sheet (read whole).
        self._schemas: dict[str, tuple[str, Schema]] = {}
        self._sheets: dict[str, tuple[str, pl.DataFrame]] = {}

    def _where(self, table: str) -> str:
        return f"source {self.name}, table {table}"

    def _files(self, table: str) -> list[str]:
        declared = self.spec.table(table).path
        if declared:
            pattern = declared if os.path.isabs(declared) else str(self.folder / declared)
            files = sorted(glob.glob(pattern))
        else:
            files = [str(p) for ext in DEFAULT_EXTENSIONS if (p := self.folder / f"{table}.{ext}").is_file()][:1]
        if not files:
            raise SourceError(f"no file for table '{table}'", f"{self._where(table)}, folder {self.folder}",
                              f"put {table}.csv, {table}.parquet or {table}.xlsx there, or declare path = \"...\" for "
                              "the table")
        return files

    def _raw(self, table: str) -> pl.LazyFrame:
        """The table's files as read, before text dates are parsed and declared types cast."""
        tspec, files = self.spec.table(table), self._files(table)
        where = self._where(table)
        try:
            token = "|".join(f"{f}:{file_stamp(f)}" for f in files)
        except FileNotFoundError as exc:
            raise SourceError(f"file {exc.filename} went away while it was read", where,
                              "ask again once the file is in place") from None
        if files[0].endswith(".parquet"):
            return pl.scan_parquet(files)
        if excel.is_workbook(files[0]):
            cached = self._sheets.get(table)
            if cached is None or cached[0] != token:
                frames = [excel.read_sheet(f, tspec, where) for f in files]
                cached = (token, frames[0] if len(frames) == 1 else pl.concat(frames, how="diagonal_relaxed"))
                self._sheets[table] = cached
            return cached[1].lazy()
        sources: Any = files if tspec.read.encoding in NATIVE_ENCODINGS else [
            _decoded(f, tspec.read.encoding, where) for f in files]
        known = self._schemas.get(table)
        if known is None or known[0] != token:
            known = (token, _csv_schema(sources, tspec))
            self._schemas[table] = known
        return pl.scan_csv(sources, schema=known[1], **{**_csv_options(tspec), "schema_overrides": None})

    def _lazy(self, table: str) -> pl.LazyFrame:
        raw = self._raw(table)
        exprs, _ = conversions(raw.collect_schema(), self.spec.table(table))
        return raw.with_columns(exprs) if exprs else raw

    def schema(self, table: str) -> Schema:
        try:
            raw = self._raw(table).collect_schema()
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise SourceError(f"cannot read the file: {_short(exc)}", self._where(table),
                              "check the file's format and the table's read options (delimiter, encoding, header_row, "
                              "dtypes) under [sources.NAME.tables.TABLE]") from None
        return conversions(raw, self.spec.table(table))[1]

    def data_version(self, table: str) -> DataVersion:
        stamp, identity = self._checked(table)
        fresh = self.spec.table(table).freshness_column
        newest = None
        if fresh:
            try:
                newest = self._lazy(table).select(pl.col(fresh).max()).collect().item()
            except pl.exceptions.PolarsError as exc:
                raise SourceError(f"cannot read freshness column '{fresh}': {_short(exc)}", self._where(table),
                                  "name an existing date or time column as freshness_column, and declare its "
                                  "time_format when it is text") from None
        options = fingerprint(self.spec.table(table))
        return DataVersion(token=stamp + (f"|read:{options}" if options else ""), newest=newest, identity=identity)

    def _checked(self, table: str) -> tuple[str, str]:
        """The stamp (path, identity, size, time of each file) and identities of a table's files, checked when they
        changed since the last look; SourceError when one fails the check."""
        files = self._files(table)
        try:
            stamps = [file_stamp(f) for f in files]
        except FileNotFoundError as exc:
            raise SourceError(f"file {exc.filename} went away while it was read", self._where(table),
                              "ask again once the file is in place") from None
        token = "|".join(f"{f}:{s}" for f, s in zip(files, stamps))
        if self._seen.get(table) != token:
            failed = self._failed.get(table)
            if failed and failed[0] == token:
                raise failed[1]
            try:
                header = _check_files(files, self._headers.get(table), self.spec.table(table), self._where(table))
            except SourceError as exc:
                self._failed[table] = (token, exc)
                raise
            if header:
                self._headers[table] = header
            self._seen[table] = token
        return token, "|".join(s.identity for s in stamps)

    def forget(self) -> None:
        """Forget the files checked, the headers and schemas read: the next question checks every file again."""
        self._seen.clear()
        self._headers.clear()
        self._failed.clear()
        self._schemas.clear()
        self._sheets.clear()

    def scan(self, table: str, columns: Sequence[str], where: Where) -> pl.LazyFrame:
        self._checked(table)  # a file replaced since the engine last asked for the version is checked too
        schema = self.schema(table)
        check_columns(schema, columns, where, self._where(table))
        return self._lazy(table).filter(where.to_polars(schema)).select(list(columns))


def _csv_schema(sources: Any, tspec: TableSpec) -> Schema:
    """A CSV table's column types. When the table declares every column of the header, they are the declared ones
    and only the header is read; else every row is read to infer the others (on a million rows, tens of seconds)."""
    options = _csv_options(tspec)
    declared = read_overrides(tspec)
    header = pl.scan_csv(sources, **{**options, "infer_schema": False, "schema_overrides": None}).collect_schema()
    if all(column in declared for column in header):
        return {column: declared[column] for column in header}
    return dict(pl.scan_csv(sources, infer_schema_length=None, **options).collect_schema())


def _csv_options(tspec: TableSpec) -> dict[str, Any]:
    """polars' CSV reader options for a table's read options."""
    read = tspec.read
    return {"separator": read.delimiter, "null_values": list(read.null_values) or None,
            "schema_overrides": read_overrides(tspec) or None,
            "encoding": "utf8-lossy" if read.encoding == "utf8-lossy" else "utf8", "skip_rows": read.header_row,
            "decimal_comma": read.decimal_comma, "try_parse_dates": True}


def _decoded(path: str, encoding: str, where: str) -> bytes:
    """A CSV file in another encoding than UTF-8, decoded and handed to polars as UTF-8."""
    try:
        return Path(path).read_bytes().decode(encoding).encode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path} is not {encoding} text (byte {exc.start} does not decode)", where,
                          "declare the encoding the file is written in, e.g. encoding = \"gbk\", or \"utf8-lossy\" to "
                          "read bad bytes as �") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {_short(exc)}", where, "put the file back in place") from None


def _check_files(files: list[str], header: list[str] | None, tspec: TableSpec, where: str) -> list[str] | None:
    """SourceError when a Parquet file's footer does not parse, a workbook does not open or lacks the table's sheet,
    or a CSV file's header lacks a column of `header` (the one read before) or of the first CSV file; the CSV
    header found, None when there are no CSV files."""
    for path in files:
        if path.endswith(".parquet"):
            try:
                pl.read_parquet_schema(path)
            except (pl.exceptions.PolarsError, OSError) as exc:
                raise SourceError(f"the Parquet file {path} is damaged: {_short(exc)}", where,
                                  "put a complete copy of the file there (a copy still being written, or cut short, "
                                  "has no footer)") from None
            continue
        if excel.is_workbook(path):
            excel.sheet_of(path, tspec, where)
            continue
        read = tspec.read
        source: Any = path if read.encoding in NATIVE_ENCODINGS else _decoded(path, read.encoding, where)
        try:
            found = pl.read_csv(source, n_rows=0, infer_schema=False, separator=read.delimiter,
                                skip_rows=read.header_row, encoding="utf8-lossy").columns
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise SourceError(f"the CSV file {path} cannot be read: {_short(exc)}", where,
                              "put a complete copy of the export there") from None
        header = header or found
        missing = [c for c in header if c not in found]
        if missing:
            raise SourceError(f"the header of {path} does not match: it lacks {', '.join(missing[:10])} (it has "
                              f"{', '.join(found[:10])})", where,
                              "put back a file with those columns; if they were dropped on purpose, restart Vantage "
                              "so that it reads the new header")
    return header


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
