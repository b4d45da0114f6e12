"""The connector protocol every source speaks, and the filter it accepts."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Mapping, Protocol, Sequence, runtime_checkable

import polars as pl

from core.errors import SourceError

Schema = Mapping[str, pl.DataType]


@dataclass(frozen=True)
class Where:
    """Row filter pushed into a source: a half-open time range and equality on dimension columns."""

    time_column: str | None = None
    start: date | None = None  # inclusive
    end: date | None = None  # exclusive
    newer_than: datetime | date | None = None  # exclusive lower bound, for incremental loads
    equals: tuple[tuple[str, tuple[object, ...]], ...] = ()

    def columns(self) -> set[str]:
        return ({self.time_column} if self.time_column else set()) | {c for c, _ in self.equals}

    def to_polars(self, schema: Schema) -> pl.Expr:
        """The same filter as a polars expression, with bounds typed like the time column."""
        expr = pl.lit(True)
        if self.time_column:
            col, dtype = pl.col(self.time_column), schema[self.time_column]
            if self.start is not None:
                expr &= col >= _typed(self.start, dtype)
            if self.end is not None:
                expr &= col < _typed(self.end, dtype)
            if self.newer_than is not None:
                expr &= col > _typed(self.newer_than, dtype)
        for column, values in self.equals:
            expr &= pl.col(column).is_in(list(values))
        return expr


def check_columns(schema: Schema, columns: Sequence[str], where: Where, place: str) -> None:
    """SourceError naming the first column a scan asks for that the table does not have, and the ones it has."""
    missing = [c for c in list(columns) + sorted(where.columns()) if c not in schema]
    if missing:
        raise SourceError(f"column '{missing[0]}' does not exist", place, f"use one of: {', '.join(schema)}")


def _typed(value: date | datetime, dtype: pl.DataType) -> date | datetime:
    if dtype == pl.Date:
        return value.date() if isinstance(value, datetime) else value
    if isinstance(dtype, pl.Datetime) and not isinstance(value, datetime):
        return datetime.combine(value, time())
    return value


@dataclass(frozen=True)
class DataVersion:
    """What identifies the current contents of a table: a token that changes when the data does."""

    token: str
    rows: int | None = None
    newest: datetime | date | None = None  # the freshness column's maximum
    identity: str = ""  # which files hold the data (device:inode): another identity means replaced, not grown

    @property
    def as_of(self) -> datetime | None:
        if self.newest is None:
            return None
        return self.newest if isinstance(self.newest, datetime) else datetime.combine(self.newest, time())


@dataclass(frozen=True)
class FileStamp:
    """Which file sits at a path (device and inode: a copy moved over it is another file) and its size and time."""

    identity: str
    size: int
    mtime_ns: int

    def __str__(self) -> str:
        return f"{self.identity}:{self.size}:{self.mtime_ns}"


def file_stamp(path: str) -> FileStamp:
    """The stamp of the file at `path` now; FileNotFoundError when there is none."""
    st = os.stat(path)
    return FileStamp(f"{st.st_dev}:{st.st_ino}", st.st_size, st.st_mtime_ns)


class Connector(Protocol):
    """A source of polars frames. Caching and mirroring wrap this protocol; connectors stay simple."""

    name: str

    def schema(self, table: str) -> Schema:
        """Column names and polars types of a table; SourceError when it cannot be read."""
        ...

    def data_version(self, table: str) -> DataVersion:
        """A cheap fingerprint of the table's contents; SourceError when the source cannot be read, or a file put
        in its place fails its check (corrupt, truncated, another header)."""
        ...

    def scan(self, table: str, columns: Sequence[str], where: Where) -> pl.LazyFrame:
        """Only these columns of the rows that pass the filter (filters pushed to the source)."""
        ...


@runtime_checkable
class Remembers(Protocol):
    """A connector that remembers what it read of its source (versions, checks, copies) between questions."""

    def forget(self) -> None:
        """Forget it all, so the next question reads and checks the source afresh (`python app.py cache clear`)."""
        ...
