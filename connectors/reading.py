"""A table's declared read options applied to frames: polars types by name, missing-value markers, text dates and
times parsed by their declared format. One place, used by the file, Excel and SQL connectors alike."""
from __future__ import annotations

import hashlib
import json
import re
from typing import Mapping

import polars as pl

from config.read_options import ReadOptions
from config.settings import TableSpec
from connectors.base import Schema

POLARS_TYPES: Mapping[str, pl.DataType] = {
    "Int64": pl.Int64(), "Float64": pl.Float64(), "String": pl.String(), "Boolean": pl.Boolean(),
    "Date": pl.Date(), "Datetime": pl.Datetime("us"),
}
# Text layouts tried, in order, when a time column holds text and no format is declared (to say which to declare).
COMMON_TIME_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y",
                       "%m/%d/%Y", "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d.%m.%Y", "%Y/%m/%d",
                       "%d-%m-%Y", "%Y%m%d")
# Formats whose text sorts as its times do, so a database's min/max of the text is the earliest/latest time.
SORTABLE_FORMAT = re.compile(r"%Y(.?)%m\1%d([ T]%H(:?)%M(\3%S)?)?")


def time_columns(tspec: TableSpec) -> dict[str, pl.DataType]:
    """The columns read from text as dates or times (see ReadOptions.time_columns), with their polars types."""
    return {c: POLARS_TYPES[t] for c, t in tspec.read.time_columns(tspec.freshness_column).items()}


def declared_types(tspec: TableSpec) -> dict[str, pl.DataType]:
    """Every column whose type the table declares: its dtypes and its text time columns."""
    return {**{c: POLARS_TYPES[t] for c, t in tspec.read.dtypes.items()}, **time_columns(tspec)}


def read_overrides(tspec: TableSpec) -> dict[str, pl.DataType]:
    """Types to hand a file reader: the declared ones, time columns as text (they are parsed after reading)."""
    times = time_columns(tspec)
    return {c: pl.String() if c in times else t for c, t in declared_types(tspec).items()}


def conversions(schema: Schema, tspec: TableSpec) -> tuple[list[pl.Expr], dict[str, pl.DataType]]:
    """The expressions that turn a frame read with `schema` into the declared types, and the schema after them.

    A text time column is parsed with the table's time_format (strictly: a value in another layout fails the read
    with the column named); a declared column of another type is cast strictly. Columns the table does not
    have are left alone (check names them against the metrics that read them).
    """
    exprs: list[pl.Expr] = []
    out = dict(schema)
    fmt = tspec.read.time_format or None
    for column, dtype in declared_types(tspec).items():
        current = schema.get(column)
        if current is None or current == dtype:
            continue
        col = pl.col(column)
        if current == pl.String and dtype == pl.Date:
            exprs.append(col.str.to_date(fmt, strict=True).alias(column))
        elif current == pl.String and isinstance(dtype, pl.Datetime):
            exprs.append(col.str.to_datetime(fmt, time_unit="us", strict=True).alias(column))
        elif isinstance(current, pl.Datetime) and dtype == pl.Date:
            exprs.append(col.dt.date().alias(column))
        else:
            exprs.append(col.cast(dtype, strict=True).alias(column))
        out[column] = dtype
    return exprs, out


def without_markers(frame: pl.DataFrame, options: ReadOptions) -> pl.DataFrame:
    """Text cells that are a missing-value marker become null (Excel: a CSV reader does this itself); a text column
    that was text only because of them is then read as the numbers or ISO dates its other cells hold."""
    markers = list(options.null_values)
    if not markers:
        return frame
    marked = [c for c, t in frame.schema.items() if t == pl.String and frame[c].is_in(markers).any()]
    if not marked:
        return frame
    frame = frame.with_columns(pl.when(pl.col(c).is_in(markers)).then(None).otherwise(pl.col(c)).alias(c)
                               for c in marked)
    for column in (c for c in marked if c not in options.dtypes):  # a declared type is cast later, strictly
        for dtype in (pl.Int64(), pl.Float64(), pl.Date()):
            try:
                frame = frame.with_columns(frame[column].str.strip_chars().cast(dtype, strict=True))
                break
            except pl.exceptions.PolarsError:
                continue
    return frame


def guess_time_format(values: pl.Series) -> str | None:
    """The first common layout that reads every non-empty text in `values`; None when none does."""
    texts = values.cast(pl.String).drop_nulls().str.strip_chars()
    texts = texts.filter(texts != "")
    if texts.is_empty():
        return None
    for fmt in COMMON_TIME_FORMATS:
        parsed = texts.str.strptime(pl.Datetime("us"), fmt, strict=False)
        if parsed.null_count() == 0:
            return fmt
    return None


def fingerprint(tspec: TableSpec) -> str:
    """A short fingerprint of the options that change what a read returns ('' for the defaults), put in the data
    version so that cached answers and local copies read under other options are not served."""
    changed = tspec.read.changed()
    if not changed:
        return ""
    text = json.dumps({k: dict(v) if isinstance(v, Mapping) else v for k, v in sorted(changed.items())},
                      sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
