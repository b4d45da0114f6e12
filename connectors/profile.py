"""Propose a dataset from a table's rows, as Metabase's x-ray does for a new table: the column that dates the rows
(a date or timestamp, or text that parses as one with a format found here), the markers written for a missing
value, the type each column is read as, the low-cardinality text columns that cut it, the yes/no columns, the
identifiers and the numeric measures. `python app.py init` writes a config and a starter metric module from it.

The frame may come typed (Parquet, Excel, SQL) or as text (a CSV read without inference, so that "NA" or "-" are
seen as written): text columns are cleaned of missing markers and then read as numbers, dates or yes/no where
every value fits."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

import polars as pl

# What exports write for "no value"; only those seen in a text column are proposed as the table's null_values.
MISSING_MARKERS = ("", "NA", "N/A", "n/a", "na", "NULL", "null", "Null", "None", "NaN", "nan", "-", "--", "?", ".",
                   "#N/A", "(blank)")
TEXT, INTEGER, DECIMAL, BOOLEAN, DATE, DATETIME = "String", "Int64", "Float64", "Boolean", "Date", "Datetime"
MAX_DIMENSION_VALUES = 50  # a text column with more distinct values is a label or a comment, not a dimension
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%d/%m/%Y", "%m/%d/%Y", "%d-%m-%Y", "%Y%m%d", "%d %b %Y",
                "%d-%b-%Y", "%b %d, %Y", "%d %B %Y", "%B %d, %Y", "%Y年%m月%d日")
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f",
                    "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d/%m/%Y %H:%M:%S",
                    "%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M")
LOOKS_LIKE_TIME = re.compile(r"^\s*(\d{1,4}[-/.年]\d{1,2}|\d{8}$|\d{1,2}[ -][A-Za-z]{3}|[A-Za-z]{3,9} \d{1,2},)")
# Yes/no spellings, lower-cased: the pair's first word is the one a share counts.
FLAG_PAIRS = (("yes", "no"), ("y", "n"), ("true", "false"), ("t", "f"), ("1", "0"), ("是", "否"))
TIME_NAME = re.compile(r"date|time|day|month|created|updated|timestamp|period|_at$|日期|时间", re.I)
IDENTIFIER_NAME = re.compile(r"(^|[^a-z])(id|no|nr|number|num|key|uuid|code)([^a-z]|$)|[a-z]Id$|编号|代码", re.I)

Flag = str | int | float | bool


@dataclass(frozen=True)
class Column:
    """One column as proposed: the type to read it as, its distinct and missing values, and what it is for."""

    name: str
    dtype: str  # TEXT, INTEGER, DECIMAL, BOOLEAN, DATE or DATETIME
    distinct: int  # distinct values, missing ones left out
    missing: int  # missing fields: nulls, and text cells holding a missing marker
    time_format: str = ""  # the strptime format of text that holds dates or timestamps
    flag: Flag | None = None  # for a yes/no column, the value as written that means yes
    share: float | None = None  # for a yes/no column, the share of yes among the rows that have a value

    @property
    def is_time(self) -> bool:
        return self.dtype in (DATE, DATETIME)

    @property
    def is_number(self) -> bool:
        return self.dtype in (INTEGER, DECIMAL)


@dataclass(frozen=True)
class Proposal:
    """What a table's rows suggest: its columns, the time column, dimensions, yes/no columns and measures."""

    rows: int
    columns: tuple[Column, ...]
    null_values: tuple[str, ...]  # the missing markers seen, in the order of MISSING_MARKERS
    decimal_comma: bool  # text numbers written with a decimal comma ("3,5")
    time: Column | None  # the column that dates a row; None when no column holds dates
    dimensions: tuple[str, ...]
    flags: tuple[Column, ...]
    identifiers: tuple[str, ...]
    measures: tuple[str, ...]
    first: date | None = None  # the earliest and latest day of the time column
    last: date | None = None
    undated: int = 0  # rows without a time value: they fall in no period
    rows_per_month: float = 0.0  # the median of the rows dated in each month that has any
    other_time_format: str = ""  # another layout that reads the time column's text as other dates (01/02 vs 02/01)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def profile(frame: pl.DataFrame) -> Proposal:
    """The proposal for a table's rows (all of them, or a sample of them)."""
    seen: set[str] = set()
    columns, decimal_comma, typed = [], False, {}
    for name in frame.columns:
        series, markers = _without_markers(frame[name])
        seen |= markers
        series, dtype, time_format, comma = _read_as(series)
        decimal_comma |= comma
        typed[name], flag = series, _flag(series, dtype)
        share = None if flag is None else float((series == flag).sum()) / max(series.len() - series.null_count(), 1)
        columns.append(Column(name, dtype, series.drop_nulls().n_unique(), series.null_count(), time_format, flag,
                              share))
    rows = frame.height
    time = _time_column(columns)
    first = last = None
    per_month = 0.0
    if time is not None:
        days = typed[time.name].drop_nulls()
        first, last = _day(days.min()), _day(days.max())
        if not days.is_empty():
            per_month = float(days.dt.truncate("1mo").value_counts()["count"].median() or 0)  # type: ignore[arg-type]
    other = _other_layout(_without_markers(frame[time.name])[0], time.time_format) if time and time.time_format else ""
    identifiers = tuple(c.name for c in columns if c is not time and c.flag is None and _is_identifier(c, rows))
    dimensions = tuple(c.name for c in columns if c.dtype == TEXT and _is_dimension(c, rows))
    measures = tuple(c.name for c in columns if c.is_number and c.flag is None and c.name not in identifiers)
    return Proposal(rows, tuple(columns), tuple(m for m in MISSING_MARKERS if m in seen), decimal_comma, time,
                    dimensions, tuple(c for c in columns if c.flag is not None), identifiers, measures, first, last,
                    time.missing if time else 0, per_month, other)


def _without_markers(series: pl.Series) -> tuple[pl.Series, set[str]]:
    """A text column with its missing markers made null (other types unchanged), and the markers it held."""
    if isinstance(series.dtype, (pl.Categorical, pl.Enum)):
        series = series.cast(pl.String)
    if series.dtype != pl.String:
        return series, set()
    is_marker = series.is_in(list(MISSING_MARKERS))
    if not is_marker.any():
        return series, set()
    markers = set(series.filter(is_marker).unique().to_list())
    return series.set(is_marker, None), markers


def _read_as(series: pl.Series) -> tuple[pl.Series, str, str, bool]:
    """(the column as its type, the type's name, a time format for text dates, whether a decimal comma was read)."""
    dtype = series.dtype
    if dtype == pl.Boolean:
        return series, BOOLEAN, "", False
    if dtype == pl.Date:
        return series, DATE, "", False
    if isinstance(dtype, pl.Datetime):
        return series, DATETIME, "", False
    if dtype.is_integer():
        return series.cast(pl.Int64), INTEGER, "", False
    if dtype.is_numeric():
        return series.cast(pl.Float64), DECIMAL, "", False
    if dtype != pl.String:
        return series.cast(pl.String), TEXT, "", False
    values = series.drop_nulls()
    if values.is_empty():
        return series, TEXT, "", False
    if values.str.contains(r"^0\d+$").any():  # codes with leading zeros ("00123") are text, not numbers
        return series, TEXT, "", False
    if _fits(values.cast(pl.Int64, strict=False)):
        return series.cast(pl.Int64, strict=False), INTEGER, "", False
    if _fits(values.cast(pl.Float64, strict=False)):
        return series.cast(pl.Float64, strict=False), DECIMAL, "", False
    with_point = values.str.replace(",", ".", literal=True)
    if values.str.contains(r"^-?\d+,\d+$").any() and _fits(with_point.cast(pl.Float64, strict=False)):
        return series.str.replace(",", ".", literal=True).cast(pl.Float64), DECIMAL, "", True
    if LOOKS_LIKE_TIME.match(str(values[0])):
        for fmt in DATE_FORMATS:
            if _fits(values.str.strptime(pl.Date, fmt, strict=False)):
                return series.str.strptime(pl.Date, fmt, strict=False), DATE, fmt, False
        for fmt in DATETIME_FORMATS:
            if _fits(values.str.strptime(pl.Datetime("us"), fmt, strict=False)):
                return series.str.strptime(pl.Datetime("us"), fmt, strict=False), DATETIME, fmt, False
    return series, TEXT, "", False


def _other_layout(texts: pl.Series, chosen: str) -> str:
    """A layout other than `chosen` that reads every text too, as other dates (day and month swapped when no day is
    past the 12th); '' when none does."""
    values = texts.drop_nulls()
    target = pl.Datetime("us") if chosen in DATETIME_FORMATS else pl.Date()
    mine = values.str.strptime(target, chosen, strict=False)
    for fmt in (DATETIME_FORMATS if chosen in DATETIME_FORMATS else DATE_FORMATS):
        theirs = values.str.strptime(target, fmt, strict=False)
        if fmt != chosen and _fits(theirs) and not theirs.equals(mine):
            return fmt
    return ""


def _fits(converted: pl.Series) -> bool:
    """Whether every value converted (the input had no nulls, so a null is a value that did not fit)."""
    return converted.null_count() == 0


def _flag(series: pl.Series, dtype: str) -> Flag | None:
    """The value that means yes when the column holds exactly the two values of a yes/no pair; else None."""
    if dtype == BOOLEAN:
        return True
    values = series.drop_nulls().unique().to_list()
    if len(values) != 2 or dtype not in (TEXT, INTEGER, DECIMAL):
        return None
    spelt = {(str(v).strip().lower() if dtype == TEXT else "1" if v == 1 else "0" if v == 0 else ""): v
             for v in values}
    for yes, no in FLAG_PAIRS:
        if set(spelt) == {yes, no}:
            return spelt[yes]
    return None


def _time_column(columns: list[Column]) -> Column | None:
    """The date or timestamp column with the fewest missing values; a name that says time wins a tie."""
    found = [c for c in columns if c.is_time and c.distinct]
    if not found:
        return None
    return min(found, key=lambda c: (c.missing, TIME_NAME.search(c.name) is None, columns.index(c)))


def _is_identifier(column: Column, rows: int) -> bool:
    """A column that names a record: a name that says so, or text with a value of its own for every row (numbers
    that never repeat are as often measures, as in a small file)."""
    return bool(IDENTIFIER_NAME.search(column.name)) or (
        rows > 1 and column.missing == 0 and column.distinct == rows and column.dtype == TEXT)


def _is_dimension(column: Column, rows: int) -> bool:
    """Text with 2 to MAX_DIMENSION_VALUES values, present in at least half the rows, where values repeat."""
    present = rows - column.missing
    return 2 <= column.distinct <= MAX_DIMENSION_VALUES and column.distinct < present and present * 2 >= rows


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None
