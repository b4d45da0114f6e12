"""Files read right: a real export's missing values, types inferred from every row, the table's read options, and
the same rows as CSV, Parquet, an Excel workbook and a SQLite table with text dates giving the same frame."""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from config.read_options import ReadOptions
from config.settings import SourceSpec, TableSpec
from connectors.base import Where
from connectors.files import FileConnector
from connectors.sql import SqlConnector
from core.errors import SourceError
from tests.data import penguins

DATES = ReadOptions(time_format=penguins.SQLITE_DATE_FORMAT, dtypes={penguins.DATE_COLUMN: "Date"})


def files(folder: Path, path: str = "", read: ReadOptions | None = None, table: str = "penguins") -> FileConnector:
    spec = SourceSpec("palmer", "files", path=str(folder),
                      tables={table: TableSpec(table, path=path, read=read or ReadOptions())})
    return FileConnector(spec, str(folder))


def read_all(connector: FileConnector | SqlConnector, table: str = "penguins",
             where: Where | None = None) -> pl.DataFrame:
    return connector.scan(table, list(connector.schema(table)), where or Where()).collect()


@pytest.fixture
def csv_frame() -> pl.DataFrame:
    return read_all(files(penguins.CSV.parent, penguins.CSV.name))


def test_a_real_export_read_with_the_defaults_has_nulls_where_it_says_na(csv_frame: pl.DataFrame) -> None:
    expected = penguins.missing_per_column()
    assert sum(expected.values()) > 300  # the file does write NA, hundreds of times
    assert {c: csv_frame[c].null_count() for c in csv_frame.columns} == expected
    assert csv_frame.schema["Body Mass (g)"] == pl.Int64 and csv_frame.schema["Culmen Length (mm)"] == pl.Float64
    assert csv_frame.schema["Date Egg"] == pl.Date and csv_frame.height == len(penguins.plain_rows())
    # The numbers are the file's: the sum of body masses in plain Python.
    assert csv_frame["Body Mass (g)"].sum() == sum(int(r["Body Mass (g)"]) for r in penguins.plain_rows()
                                                   if r["Body Mass (g)"] != "NA")


def same_frame(got: pl.DataFrame, expected: pl.DataFrame) -> None:
    assert got.schema == expected.schema
    assert got.equals(expected), got.filter(~pl.Series([a == b for a, b in zip(got.rows(), expected.rows())]))


@pytest.mark.parametrize("kind", ["parquet", "xlsx", "sqlite"])
def test_the_same_rows_as_parquet_excel_and_sqlite_give_the_same_frame(kind: str, csv_frame: pl.DataFrame,
                                                                       tmp_path: Path) -> None:
    if kind == "parquet":
        connector: FileConnector | SqlConnector = files(tmp_path, penguins.write_parquet(csv_frame, tmp_path).name)
    elif kind == "xlsx":
        connector = files(tmp_path, penguins.write_workbook(csv_frame, tmp_path).name)
    else:
        db = penguins.write_sqlite(csv_frame, tmp_path)
        spec = SourceSpec("palmer", "sql", url=f"sqlite:///{db}", mirror=False,
                          tables={"penguins": TableSpec("penguins", freshness_column="Date Egg", read=DATES)})
        connector = SqlConnector(spec, spec.url)
    same_frame(read_all(connector), csv_frame)
    # A time filter gives the same rows too (for the SQLite text dates it runs after parsing: their text does not
    # sort as the dates do).
    season = Where("Date Egg", date(2008, 11, 1), date(2009, 1, 1))
    expected = csv_frame.filter((pl.col("Date Egg") >= date(2008, 11, 1)) & (pl.col("Date Egg") < date(2009, 1, 1)))
    assert expected.height > 50
    same_frame(read_all(connector, where=season), expected)


def test_text_dates_in_sqlite_give_the_newest_date_as_freshness(csv_frame: pl.DataFrame, tmp_path: Path) -> None:
    db = penguins.write_sqlite(csv_frame, tmp_path)
    spec = SourceSpec("palmer", "sql", url=f"sqlite:///{db}", mirror=False,
                      tables={"penguins": TableSpec("penguins", freshness_column="Date Egg",
                                                    read=ReadOptions(time_format=penguins.SQLITE_DATE_FORMAT))})
    connector = SqlConnector(spec, spec.url)
    # The freshness column alone, with a time_format, is read as a date (no dtypes needed).
    assert connector.schema("penguins")["Date Egg"] == pl.Date
    assert connector.data_version("penguins").newest == csv_frame["Date Egg"].max()


def test_a_number_column_whose_first_na_is_thousands_of_rows_down_is_a_number(tmp_path: Path) -> None:
    lines = ["day,count,share"] + [f"2026-01-{1 + n % 28:02d},{n},{n % 7}" for n in range(5_200)]
    lines[5_101] = "2026-01-05,NA,2.5"  # the first NA, and the first decimal, after 5,100 rows
    (tmp_path / "events.csv").write_text("\n".join(lines) + "\n")
    frame = read_all(files(tmp_path, table="events"), "events")
    assert frame.schema == {"day": pl.Date, "count": pl.Int64, "share": pl.Float64}
    assert frame["count"].null_count() == 1 and frame["count"].sum() == sum(range(5_200)) - 5_100
    assert frame["share"].sum() == pytest.approx(sum(n % 7 for n in range(5_200)) - 5_100 % 7 + 2.5)


@pytest.mark.parametrize("text, encoding, read", [
    ("day;team;amount\n2026-01-05;A;1,5\n2026-01-06;B;-\n", "utf8",
     ReadOptions(delimiter=";", decimal_comma=True, null_values=("-",))),
    ("exported by ERP\nrun 2026-02-01\nday,team,amount\n2026-01-05,A,1.5\n2026-01-06,B,\n", "utf8",
     ReadOptions(header_row=2)),
    ("day,team,amount\n2026-01-05,财务部,1.5\n2026-01-06,B,NA\n", "gbk", ReadOptions(encoding="gbk")),
    ("day,team,amount\n2026-01-05,Müller,1.5\n2026-01-06,B,NA\n", "latin1", ReadOptions(encoding="latin1")),
    ("day,team,amount\n05/01/2026 08:30,A,1.5\n06/01/2026 17:00,B,NA\n", "utf8",
     ReadOptions(time_format="%d/%m/%Y %H:%M", dtypes={"day": "Datetime", "amount": "Float64"})),
])
def test_read_options_read_real_layouts(tmp_path: Path, text: str, encoding: str, read: ReadOptions) -> None:
    (tmp_path / "costs.csv").write_bytes(text.encode(encoding))
    frame = read_all(files(tmp_path, read=read, table="costs"), "costs")
    assert frame["amount"].to_list() == [1.5, None] and frame["team"][1] == "B"
    assert frame["team"][0] in ("A", "财务部", "Müller")
    assert frame["day"].dt.date().to_list() == [date(2026, 1, 5), date(2026, 1, 6)]


def test_a_date_not_in_the_declared_format_fails_naming_the_column(tmp_path: Path) -> None:
    (tmp_path / "costs.csv").write_text("day,amount\n05/01/2026,1\n2026-01-06,2\n")
    connector = files(tmp_path, read=ReadOptions(time_format="%d/%m/%Y", dtypes={"day": "Date"}), table="costs")
    with pytest.raises(pl.exceptions.PolarsError, match="day"):
        read_all(connector, "costs")


def test_a_workbook_sheet_is_the_tables_its_declared_one_or_the_first(csv_frame: pl.DataFrame,
                                                                       tmp_path: Path) -> None:
    book = penguins.write_workbook(csv_frame.head(5), tmp_path).name
    assert read_all(files(tmp_path, book)).height == 5  # the sheet named after the table, though not the first
    assert read_all(files(tmp_path, book, table="notes"), "notes").columns == ["note"]  # else the first sheet
    assert read_all(files(tmp_path, book, ReadOptions(sheet="about"))).columns == ["note"]
    with pytest.raises(SourceError, match="has no sheet 'Sheet9'.*set sheet to one of: about, penguins"):
        files(tmp_path, book, ReadOptions(sheet="Sheet9")).schema("penguins")


def test_a_workbook_that_writes_na_as_text_reads_it_as_missing(tmp_path: Path) -> None:
    import xlsxwriter

    with xlsxwriter.Workbook(tmp_path / "mass.xlsx") as book:
        sheet = book.add_worksheet("mass")
        for n, row in enumerate([["island", "grams"], ["Biscoe", 3750], ["Dream", "NA"], ["Biscoe", 4100]]):
            sheet.write_row(n, 0, row)
    frame = read_all(files(tmp_path, table="mass"), "mass")
    assert frame.schema["grams"] == pl.Int64 and frame["grams"].to_list() == [3750, None, 4100]


def test_read_options_change_the_data_version(tmp_path: Path) -> None:
    (tmp_path / "costs.csv").write_text("day,amount\n2026-01-05,1\n")
    plain = files(tmp_path, table="costs").data_version("costs")
    typed = files(tmp_path, read=ReadOptions(dtypes={"amount": "Float64"}), table="costs").data_version("costs")
    assert plain.token != typed.token  # answers cached, or copies kept, under other options are not served


def test_a_damaged_workbook_is_a_failing_source(tmp_path: Path) -> None:
    (tmp_path / "costs.xlsx").write_bytes(b"PK\x03\x04 not a whole workbook")
    with pytest.raises(SourceError, match="cannot be opened"):
        files(tmp_path, table="costs").data_version("costs")


def test_a_csv_whose_every_column_is_declared_is_not_read_to_infer_types(tmp_path: Path) -> None:
    # What init writes: every column's type. Inferring the types reads every row (tens of seconds on a million rows,
    # before `check` can say anything); with all of them declared only the header is read.
    lines = ["day,line,scrap_kg,output_kg"] + [f"2026-{1 + n % 12:02d}-{1 + n % 28:02d},{'AB'[n % 2]},{n % 50},"
                                                f"{400 + n % 30}.5" for n in range(100_000)]
    lines[99_000] = "2026-03-04,B,NA,NA"  # the row of n = 98,999, far below the rows a reader samples
    (tmp_path / "scrap.csv").write_text("\n".join(lines) + "\n")
    every = {"day": "Date", "line": "String", "scrap_kg": "Int64", "output_kg": "Float64"}
    declared = files(tmp_path, read=ReadOptions(dtypes=every), table="scrap")
    inferred = files(tmp_path, read=ReadOptions(dtypes={"day": "Date"}), table="scrap")
    seconds = {}
    for name, connector in (("declared", declared), ("inferred", inferred)):
        started = time.perf_counter()
        assert connector.schema("scrap") == {"day": pl.Date, "line": pl.String, "scrap_kg": pl.Int64,
                                             "output_kg": pl.Float64}
        seconds[name] = time.perf_counter() - started
    assert seconds["declared"] < seconds["inferred"] / 10, seconds
    frame = read_all(declared, "scrap")
    same_frame(frame, read_all(inferred, "scrap"))
    assert frame["scrap_kg"].null_count() == 1
    assert frame["scrap_kg"].sum() == sum(n % 50 for n in range(100_000)) - 98_999 % 50
