"""Read a file or a SQL table as written, for `python app.py init` to profile (connectors/profile.py): a CSV file as
text (so that "NA" or "-" are seen as written, and no type is guessed from the first rows), its encoding and
delimiter found from its bytes; Parquet, Excel and SQL tables with their own types."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from core.errors import SourceError, UsageError

PROFILE_ROWS = 1_000_000  # a larger table is profiled on its first rows
CSV_SUFFIXES, PARQUET_SUFFIXES, EXCEL_SUFFIXES = (".csv", ".tsv", ".txt"), (".parquet", ".pq"), (".xlsx", ".xlsm")
DELIMITERS = (",", ";", "\t", "|")
ENCODINGS = ("gb18030", "cp1252")  # for a file that is not UTF-8: Chinese, or Western European (see _decode)
FORMATS = "a CSV, Parquet or Excel (.xlsx) file, or a SQLAlchemy URL such as sqlite:///path/to/file.db with --table"


@dataclass(frozen=True)
class Sample:
    """A table's rows as read for profiling, and how to find and read it again."""

    kind: str  # "csv", "parquet", "excel" or "sql"
    location: str  # the file's absolute path, or the database URL
    name: str  # a lower_snake_case name for the source, the table and the metric module
    table: str  # the SQL table or the Excel sheet ("" for CSV and Parquet)
    frame: pl.DataFrame
    options: dict[str, Any] = field(default_factory=dict)  # read options found (delimiter, encoding)
    more_rows: bool = False  # the table has more than PROFILE_ROWS rows: the sample is its first rows
    others: tuple[str, ...] = ()  # the workbook's other sheets, the database's other tables

    @property
    def shown(self) -> str:
        """The location as it may be printed: a password in a URL as ***."""
        return _hide_password(self.location)


def name_for(text: str) -> str:
    """A lower_snake_case name made of a file's stem or a table's name ("Penguins-Raw (2)" → "penguins_raw_2")."""
    name = re.sub(r"[^0-9a-z]+", "_", text.lower()).strip("_") or "data"
    return name if name[0].isalpha() else f"t_{name}"


def read_sample(location: str, table: str | None) -> Sample:
    """The rows of the file at `location`, or of `table` in the database at URL `location`.

    UsageError (exit 2) saying what could not be read and what is accepted."""
    if "://" in location:
        return _read_sql(location, table)
    path = Path(location).expanduser().resolve()
    where = f"--from {location}"
    if not path.is_file():
        raise UsageError(f"no file at {path}", where, f"give the path of {FORMATS}")
    suffix = path.suffix.lower()
    if table and suffix not in EXCEL_SUFFIXES:
        raise UsageError(f"--table names a SQL table or an Excel sheet, not a part of a {suffix} file", where,
                         "leave --table out")
    try:
        if suffix in CSV_SUFFIXES:
            return _read_csv(path)
        if suffix in PARQUET_SUFFIXES:
            frame = pl.read_parquet(path, n_rows=PROFILE_ROWS + 1)
            return _sample("parquet", str(path), name_for(path.stem), "", frame)
        if suffix in EXCEL_SUFFIXES:
            return _read_excel(path, table)
    except (pl.exceptions.PolarsError, OSError, ValueError, ImportError) as exc:
        raise UsageError(f"cannot read {path}: {_short(exc)}", where,
                         f"give {FORMATS}, complete and readable") from None
    raise UsageError(f"cannot read a {suffix or 'suffix-less'} file ({path})", where, f"give {FORMATS}")


def _sample(kind: str, location: str, name: str, table: str, frame: pl.DataFrame, others: tuple[str, ...] = (),
            options: dict[str, Any] | None = None) -> Sample:
    more = frame.height > PROFILE_ROWS
    if frame.width == 0 or frame.height == 0:
        shown = _hide_password(location)
        raise UsageError(f"{shown} {'table ' + table + ' ' if table else ''}has no rows", f"--from {shown}",
                         "give a table with a header and at least one row"
                         + (f", with --table one of: {', '.join(others)}" if others else ""))
    return Sample(kind, location, name, table, frame.head(PROFILE_ROWS), options or {}, more, others)


def _read_csv(path: Path) -> Sample:
    """A CSV file as text: UTF-8 read by polars from the file (only the rows profiled), any other encoding decoded
    here first; the delimiter is the candidate the header holds most of."""
    with path.open("rb") as handle:
        header = handle.read(65536).decode("utf8", errors="replace").split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=lambda d: (header.count(d), d == ","))

    def read(source: Path | bytes) -> pl.DataFrame:
        return pl.read_csv(source, separator=delimiter, infer_schema=False, empty_string_is_null=False,
                           n_rows=PROFILE_ROWS + 1)

    encoding = "utf8"
    try:
        frame = read(path)
    except pl.exceptions.ComputeError as exc:
        if "utf-8" not in str(exc).lower():
            raise
        encoding, text = _decode(path.read_bytes())
        frame = read(text.encode("utf8"))
    options = {k: v for k, v in (("delimiter", delimiter), ("encoding", encoding)) if v not in (",", "utf8")}
    return _sample("csv", str(path), name_for(path.stem), "", frame, options=options)


def _decode(raw: bytes) -> tuple[str, str]:
    """(encoding, text) of the bytes of a file that is not UTF-8. Chinese text (GBK, GB18030) writes its non-ASCII
    bytes in pairs; Western European text (cp1252) writes one among ASCII letters: the one that fits is tried first,
    then the other, then latin1 (every byte a character)."""
    high = len(re.findall(rb"[\x80-\xff]", raw))
    paired = 2 * len(re.findall(rb"[\x80-\xff]{2}", raw))
    for encoding in (ENCODINGS if paired >= 0.8 * high else ENCODINGS[::-1]):
        try:
            return encoding, raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return "latin1", raw.decode("latin1")


def _read_excel(path: Path, sheet: str | None) -> Sample:
    from connectors.excel import sheet_names

    where = f"--from {path}"
    try:
        names = sheet_names(str(path), where)
    except SourceError as exc:
        raise UsageError(exc.what, where, exc.fix) from None
    if not names or (sheet and sheet not in names):
        raise UsageError(f"no sheet '{sheet}' in {path}" if sheet else f"{path} has no sheet", f"--table {sheet}",
                         f"use one of: {', '.join(names)}" if names else "give a workbook with a sheet of rows")
    name = sheet or names[0]
    try:
        frame = pl.read_excel(path, sheet_name=name, engine="calamine", infer_schema_length=None)
    except Exception as exc:  # calamine's and fastexcel's errors have no common base but Exception
        raise UsageError(f"cannot read sheet '{name}' of {path}: {_short(exc)}", where,
                         "save the workbook again from Excel, with a header row on top of the sheet") from None
    return _sample("excel", str(path), name_for(path.stem), name, frame, tuple(n for n in names if n != name))


def _read_sql(url: str, table: str | None) -> Sample:
    import sqlalchemy as sa

    from config.settings import SourceSpec
    from connectors.base import Where
    from connectors.sql import SqlConnector

    where = f"--from {_hide_password(url)}"
    try:
        parsed = sa.make_url(url)
        if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
            parsed = parsed.set(database=str(Path(parsed.database).expanduser().resolve()))
            if not Path(str(parsed.database)).is_file():  # connecting would create an empty database there
                raise UsageError(f"no database file at {parsed.database}", where,
                                 "give the URL of an existing SQLite file, e.g. sqlite:////abs/path/to/file.db")
        connector = SqlConnector(SourceSpec("init", "sql", url=url), parsed.render_as_string(hide_password=False))
        tables = sa.inspect(connector.engine).get_table_names()
    except SourceError as exc:
        raise UsageError(exc.what, f"{where}, {exc.where}", exc.fix) from None
    except (sa.exc.SQLAlchemyError, ImportError, ValueError) as exc:
        raise UsageError(f"cannot open the database: {_short(exc)}", where,
                         f"give {FORMATS}, and check that the database is up") from None
    if not table or table not in tables:
        what = f"no table '{table}' in the database" if table else "a SQL source needs --table"
        raise UsageError(what, where, f"give --table with one of: {', '.join(tables) or '(the database has none)'}")
    try:
        columns = list(connector.schema(table))
        frame = connector.scan(table, columns, Where()).head(PROFILE_ROWS + 1).collect()
    except SourceError as exc:
        raise UsageError(exc.what, f"{where}, {exc.where}", exc.fix) from None
    shown = parsed.render_as_string(hide_password=False)
    return _sample("sql", shown, name_for(table), table, frame, tuple(t for t in tables if t != table))


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def _short(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
