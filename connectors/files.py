"""CSV and Parquet sources: single files or globs, scanned lazily."""
from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Sequence

import polars as pl

from config.settings import SourceSpec
from connectors.base import DataVersion, Schema, Where
from core.errors import SourceError


class FileConnector:
    """A folder of files; table T is T.parquet or T.csv there, or the path/glob declared for T."""

    def __init__(self, spec: SourceSpec, folder: str) -> None:
        self.name, self.spec, self.folder = spec.name, spec, Path(folder)

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
        files = self._files(table)
        stamp = "|".join(f"{f}:{os.stat(f).st_mtime_ns}:{os.stat(f).st_size}" for f in files)
        fresh = self.spec.table(table).freshness_column
        newest = None
        if fresh:
            try:
                newest = self._lazy(table).select(pl.col(fresh).max()).collect().item()
            except pl.exceptions.PolarsError as exc:
                raise SourceError(f"cannot read freshness column '{fresh}': {exc}", self._where(table),
                                  "name an existing date or time column as freshness_column") from None
        return DataVersion(token=stamp, newest=newest)

    def scan(self, table: str, columns: Sequence[str], where: Where) -> pl.LazyFrame:
        schema = self.schema(table)
        missing = [c for c in list(columns) + sorted(where.columns()) if c not in schema]
        if missing:
            raise SourceError(f"column '{missing[0]}' does not exist", self._where(table),
                              f"use one of: {', '.join(schema)}")
        return self._lazy(table).filter(where.to_polars(schema)).select(list(columns))
