"""CSV and Parquet sources: single files or globs, scanned lazily. A file put in place of another is checked
before it is read: a Parquet footer that does not parse, or a CSV header without the columns read before, is a
failing source (the engine then serves the last good values, marked stale), never a silent zero."""
from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Sequence

import polars as pl

from config.settings import SourceSpec
from connectors.base import DataVersion, Schema, Where, check_columns, file_stamp
from core.errors import SourceError


class FileConnector:
    """A folder of files; table T is T.parquet or T.csv there, or the path/glob declared for T."""

    def __init__(self, spec: SourceSpec, folder: str) -> None:
        self.name, self.spec, self.folder = spec.name, spec, Path(folder)
        # Per table: the files' stamps that passed the check, the CSV header read then, and stamps that failed.
        self._seen: dict[str, str] = {}
        self._headers: dict[str, list[str]] = {}
        self._failed: dict[str, tuple[str, SourceError]] = {}

    def _where(self, table: str) -> str:
        return f"source {self.name}, table {table}"

    def _files(self, table: str) -> list[str]:
        declared = self.spec.table(table).path
        if declared:
            pattern = declared if os.path.isabs(declared) else str(self.folder / declared)
            files = sorted(glob.glob(pattern))
        else:
            files = [str(p) for ext in ("parquet", "csv") if (p := self.folder / f"{table}.{ext}").is_file()][:1]
        if not files:
            raise SourceError(f"no file for table '{table}'", f"{self._where(table)}, folder {self.folder}",
                              f"put {table}.csv or {table}.parquet there, or declare path = \"...\" for the table")
        return files

    def _lazy(self, table: str) -> pl.LazyFrame:
        files = self._files(table)
        if files[0].endswith(".parquet"):
            return pl.scan_parquet(files)
        return pl.scan_csv(files, try_parse_dates=True)

    def schema(self, table: str) -> Schema:
        try:
            return dict(self._lazy(table).collect_schema())
        except (pl.exceptions.PolarsError, OSError) as exc:
            raise SourceError(f"cannot read the file: {exc}", self._where(table), "check the file's format") from None

    def data_version(self, table: str) -> DataVersion:
        stamp, identity = self._checked(table)
        fresh = self.spec.table(table).freshness_column
        newest = None
        if fresh:
            try:
                newest = self._lazy(table).select(pl.col(fresh).max()).collect().item()
            except pl.exceptions.PolarsError as exc:
                raise SourceError(f"cannot read freshness column '{fresh}': {exc}", self._where(table),
                                  "name an existing date or time column as freshness_column") from None
        return DataVersion(token=stamp, newest=newest, identity=identity)

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
                header = _check_files(files, self._headers.get(table), self._where(table))
            except SourceError as exc:
                self._failed[table] = (token, exc)
                raise
            if header:
                self._headers[table] = header
            self._seen[table] = token
        return token, "|".join(s.identity for s in stamps)

    def forget(self) -> None:
        """Forget the files checked and the headers read: the next question checks every file again."""
        self._seen.clear()
        self._headers.clear()
        self._failed.clear()

    def scan(self, table: str, columns: Sequence[str], where: Where) -> pl.LazyFrame:
        self._checked(table)  # a file replaced since the engine last asked for the version is checked too
        schema = self.schema(table)
        check_columns(schema, columns, where, self._where(table))
        return self._lazy(table).filter(where.to_polars(schema)).select(list(columns))


def _check_files(files: list[str], header: list[str] | None, where: str) -> list[str] | None:
    """SourceError when a Parquet file's footer does not parse, or a CSV file's header lacks a column of `header`
    (the one read before) or of the first CSV file; the CSV header found, None when there are only Parquet files."""
    for path in files:
        if path.endswith(".parquet"):
            try:
                pl.read_parquet_schema(path)
            except (pl.exceptions.PolarsError, OSError) as exc:
                raise SourceError(f"the Parquet file {path} is damaged: {_short(exc)}", where,
                                  "put a complete copy of the file there (a copy still being written, or cut short, "
                                  "has no footer)") from None
            continue
        try:
            found = pl.read_csv(path, n_rows=0, infer_schema=False).columns
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
