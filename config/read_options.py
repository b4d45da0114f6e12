"""How a table's rows are read: missing-value markers, column types, the format of text dates, and for CSV files the
delimiter, encoding, header row and decimal comma; for Excel workbooks the sheet.

Each option is declared once below (a field of ReadOptions: its default, its help text and its checker). A source's
`[sources.NAME]` may set any of them but `sheet` as the default of its tables; a table's
`[sources.NAME.tables.TABLE]` overrides it (its `dtypes` are added to the source's, column by column).
The connectors apply them (connectors/reading.py); `python app.py init` writes them under these same names.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Mapping

from config.fields import flag, text
from core.errors import ConfigError

# The polars types a column may be declared as (`dtypes`), by their polars names.
DTYPE_NAMES = ("Int64", "Float64", "String", "Boolean", "Date", "Datetime")
TIME_TYPES = ("Date", "Datetime")
# Encodings polars reads itself; any other is decoded by Python before the CSV is parsed.
NATIVE_ENCODINGS = ("utf8", "utf8-lossy")
# Format directives that carry a time of day: such a time_format gives a Datetime, any other a Date.
TIME_OF_DAY = re.compile(r"%[HIMSTRrfpcX]")

Checker = Callable[[Mapping[str, Any], str, Any, str], Any]


def _markers(raw: Mapping[str, Any], key: str, default: Any, section: str) -> tuple[str, ...]:
    value = raw.get(key, default)
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key} must be a list of texts, not {value!r}", f"{section} {key}",
                          f'write e.g. {key} = ["", "NA", "N/A", "null"] (an empty list: no marker)')
    return tuple(value)


def _dtypes(raw: Mapping[str, Any], key: str, default: Any, section: str) -> Mapping[str, str]:
    value = raw.get(key, default)
    example = 'dtypes = {"Body Mass (g)" = "Float64", "day" = "Date"}'
    if not isinstance(value, Mapping):
        raise ConfigError(f"{key} must be a table of column = type, not {value!r}", f"{section} {key}",
                          f"write e.g. {example}")
    for column, name in value.items():
        if name not in DTYPE_NAMES:
            raise ConfigError(f"unknown type {name!r} for column '{column}'", f"{section} {key}",
                              f"use one of: {', '.join(DTYPE_NAMES)}, e.g. {example}")
    return dict(value)


def _time_format(raw: Mapping[str, Any], key: str, default: Any, section: str) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or (value and "%" not in value):
        raise ConfigError(f"{key} must be a strptime format such as \"%Y-%m-%d\", not {value!r}", f"{section} {key}",
                          'write the format the text is in, e.g. time_format = "%d/%m/%Y" or "%d/%m/%Y %H:%M"')
    return value


def _delimiter(raw: Mapping[str, Any], key: str, default: Any, section: str) -> str:
    value = raw.get(key, default)
    if not isinstance(value, str) or len(value) != 1:
        raise ConfigError(f"{key} must be one character, not {value!r}", f"{section} {key}",
                          'write e.g. delimiter = ";" or delimiter = "\\t"')
    return value


def _encoding(raw: Mapping[str, Any], key: str, default: Any, section: str) -> str:
    value = text(raw, key, default, section)
    if value.lower() in NATIVE_ENCODINGS:
        return value.lower()
    try:
        found = codecs.lookup(value).name
    except LookupError:
        raise ConfigError(f"unknown encoding {value!r}", f"{section} {key}",
                          'use "utf8", "utf8-lossy" (bad bytes become �) or one Python knows, e.g. "gbk" or '
                          '"latin1"') from None
    return "utf8" if found == "utf-8" else found


def _row(raw: Mapping[str, Any], key: str, default: Any, section: str) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigError(f"{key} must be a row number from 0, not {value!r}", f"{section} {key}",
                          f"write the 0-based row of the header, e.g. {key} = 2 skips the two rows above it")
    return value


def _sheet(raw: Mapping[str, Any], key: str, default: Any, section: str) -> str:
    return text(raw, key, default, section) if key in raw else str(default)


def _option(default: Any, help: str, check: Checker, per_source: bool = True) -> Any:
    meta = {"default": default, "help": help, "check": check, "per_source": per_source}
    if isinstance(default, Mapping):  # a dataclass takes no mapping as a plain default; a copy for each
        return field(default_factory=lambda: dict(default), metadata=meta)
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class ReadOptions:
    """How one table's rows are read (see the module's docstring for where each is declared)."""

    null_values: tuple[str, ...] = _option(
        ("", "NA", "N/A", "null"), "Texts that mean a missing value in CSV and Excel files.", _markers)
    dtypes: Mapping[str, str] = _option(
        {}, f"Column types, column = type, type one of {', '.join(DTYPE_NAMES)}; other columns' "
        "types are inferred from every row.", _dtypes)
    time_format: str = _option(
        "", "strptime format of the text dates: the columns declared Date or Datetime in dtypes, and the "
        "freshness column (e.g. \"%d/%m/%Y\"); files and SQL tables alike. Empty: ISO dates.", _time_format)
    delimiter: str = _option(",", "The character between CSV fields.", _delimiter)
    encoding: str = _option(
        "utf8", "Encoding of CSV files: utf8, utf8-lossy, or one Python decodes (gbk, latin1, ...).", _encoding)
    header_row: int = _option(0, "0-based row of the header in CSV and Excel files; the rows above it are skipped.",
                              _row)
    decimal_comma: bool = _option(False, "CSV numbers are written with a decimal comma (3,14).", flag)
    sheet: str = _option("", "Excel sheet of the table; empty: the sheet named after the table, else the first.",
                         _sheet, per_source=False)

    def time_columns(self, freshness_column: str = "") -> dict[str, str]:
        """The text columns read as dates or times, by type name: those declared Date or Datetime in dtypes, and
        the freshness column when a time_format is declared (a Datetime when the format has a time of day)."""
        found = {c: t for c, t in self.dtypes.items() if t in TIME_TYPES}
        if self.time_format and freshness_column and freshness_column not in self.dtypes:
            found[freshness_column] = "Datetime" if TIME_OF_DAY.search(self.time_format) else "Date"
        return found

    def changed(self) -> dict[str, Any]:
        """The options that differ from their defaults (for fingerprints and for writing a config back)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) != f.metadata["default"]}


@dataclass(frozen=True)
class ReadOption:
    """One read option as declared: its name, default and help (for the docs, `init` and the checks)."""

    name: str
    default: Any
    help: str
    per_source: bool


READ_OPTIONS: tuple[ReadOption, ...] = tuple(
    ReadOption(f.name, f.metadata["default"], f.metadata["help"], f.metadata["per_source"]) for f in fields(ReadOptions))
TABLE_READ_KEYS = frozenset(o.name for o in READ_OPTIONS)
SOURCE_READ_KEYS = frozenset(o.name for o in READ_OPTIONS if o.per_source)


def parse_read_options(raw: Mapping[str, Any], base: ReadOptions, section: str) -> ReadOptions:
    """The options set in a config section (e.g. "vantage.toml [sources.plant.tables.scrap]") over `base` (the
    source's, or the defaults); its dtypes are added to base's. ConfigError naming the file, section and key."""
    given: dict[str, Any] = {}
    for f in fields(ReadOptions):
        if f.name in raw:
            given[f.name] = f.metadata["check"](raw, f.name, f.metadata["default"], section)
    if "dtypes" in given:
        given["dtypes"] = {**base.dtypes, **given["dtypes"]}
    return replace(base, **given)
