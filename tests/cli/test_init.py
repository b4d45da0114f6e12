"""`python app.py init` on a real export nobody here generated: the Palmer penguins raw data (tests/data, CC0; "NA"
for missing values, column names with spaces and parentheses, a "Date Egg" date column), run as a user would, then
queried; the numbers are checked against a computation in plain Python, and the same rows as Parquet, as an Excel
workbook and as a SQLite table (its dates text in another layout) give the same numbers through init and query."""
from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path

import polars as pl
import psycopg
import pytest

from tests.conftest import run_cli
from tests.data import penguins
from tests.postgres_server import PostgresServer

WHOLE_HISTORY = ("--from", "2007-01-01", "--to", "2010-12-31")
TIME = penguins.DATE_COLUMN


def expected() -> tuple[float, dict[str, float]]:
    """Independently, with the csv module: the share of filled fields over every column but the date ("NA" and ""
    are missing), and per Island the share of rows with Clutch Completion "Yes" among those that give it."""
    rows = penguins.plain_rows()
    fields = [c for c in rows[0] if c != TIME]
    filled = sum(row[c] not in ("NA", "") for row in rows for c in fields)
    shares = {}
    for island in sorted({row["Island"] for row in rows}):
        given = [row["Clutch Completion"] for row in rows if row["Island"] == island
                 and row["Clutch Completion"] not in ("NA", "")]
        shares[island] = sum(v == "Yes" for v in given) / len(given)
    return filled / (len(rows) * len(fields)), shares


def typed_rows() -> pl.DataFrame:
    """The export's rows with their types and "NA" as null, as another system would hold them."""
    return pl.read_csv(penguins.CSV, null_values=list(penguins.MISSING), try_parse_dates=True, infer_schema_length=None)


def init(tmp_path: Path, source: str, *extra: str) -> tuple[Path, str]:
    """Run init as a user would; the config written and what init printed."""
    out = tmp_path / "trial"
    done = run_cli("init", "--from", source, "--out", str(out), *extra, data_dir=tmp_path / "data")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return out / "vantage.toml", done.stdout


def query(tmp_path: Path, config: Path, *args: str, period: tuple[str, ...] = WHOLE_HISTORY,
          env: dict[str, str] | None = None) -> list[dict]:
    done = run_cli("--config", str(config), "query", *args, *period, "--format", "json",
                   data_dir=tmp_path / "data", env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def numbers(tmp_path: Path, config: Path, env: dict[str, str] | None = None) -> tuple[float, dict[str, float]]:
    """The completeness over the whole history, and Clutch Completion's share by Island, as `query` prints them."""
    headline = query(tmp_path, config, "completeness", env=env)
    by_island = query(tmp_path, config, "clutch_completion_share", "--by", "Island", env=env)
    return headline[0]["value"], {row["Island"]: row["value"] for row in by_island}


def test_init_on_the_raw_export_then_query_gives_the_plain_python_numbers(tmp_path: Path) -> None:
    config, printed = init(tmp_path, str(penguins.CSV))
    completeness, shares = numbers(tmp_path, config)
    want_completeness, want_shares = expected()
    assert completeness == pytest.approx(want_completeness, abs=1e-12)
    assert shares == pytest.approx(want_shares, abs=1e-12)
    assert 0.9 < completeness < 0.95  # "NA" is missing: not every field is filled (the issue saw 100.0%)

    declared = tomllib.loads(config.read_text())
    vantage, source = declared["vantage"], declared["sources"]["penguins_raw"]
    assert vantage["login_required"] is False and vantage["default_metrics"] is False
    assert vantage["metric_modules"] == ["metrics_penguins_raw"] and vantage["plan_source"] == ""
    assert "local trial only" in config.read_text()
    table = source["tables"]["penguins_raw"]
    assert source["kind"] == "files" and Path(table["path"]) == penguins.CSV and Path(table["path"]).is_absolute()
    assert "NA" in table["null_values"] and table["freshness_column"] == TIME
    assert table["dtypes"][TIME] == "Date" and table["dtypes"]["Body Mass (g)"] == "Int64"
    assert table["dtypes"]["Culmen Length (mm)"] == "Float64" and table["dtypes"]["Island"] == "String"
    # Every column's type is declared, so `check` and the first query read the header, not every row, for types.
    assert list(table["dtypes"]) == pl.read_csv(penguins.CSV, n_rows=0).columns

    module = (config.parent / "metrics_penguins_raw.py").read_text()
    assert 'pl.col("Clutch Completion") == "Yes"' in module and '"Body Mass (g)"' in module
    assert 'owner="data team"' in module and "的完整率" in module
    assert f"time column  {TIME}" in printed and "'NA'" in printed and "catalogue ok" in printed
    assert f"python app.py --config {config} query completeness" in printed
    assert f"python app.py --config {config} serve" in printed and "login is off" in printed


def test_the_records_metric_counts_rows_per_month(tmp_path: Path) -> None:
    config, _ = init(tmp_path, str(penguins.CSV))
    trend = query(tmp_path, config, "records", "--grain", "month")
    counted: dict[str, int] = {}
    for row in penguins.plain_rows():
        counted[row[TIME][:7]] = counted.get(row[TIME][:7], 0) + 1
    assert {row["period"][:7]: row["value"] for row in trend if row["value"]} == counted


# A Chinese export as spreadsheets write it: GBK, semicolons, decimal commas, day-first dates, "NA" and empty cells.
CHINESE_EXPORT = ["日期;部门;金额;已审核;备注", "31/01/2026;财务;3,5;是;NA", "15/01/2026;财务;2;否;",
                  "03/02/2026;采购;1,25;是;加急", "28/02/2026;采购;NA;是;NA", "13/02/2026;财务;7,75;否;NA"]


def test_an_export_in_gbk_with_semicolons_and_decimal_commas(tmp_path: Path) -> None:
    export = tmp_path / "审核.csv"
    export.write_bytes(("\r\n".join(CHINESE_EXPORT) + "\r\n").encode("gbk"))
    config, printed = init(tmp_path, str(export))
    table = tomllib.loads(config.read_text())["sources"]["data"]["tables"]["data"]
    assert (table["encoding"], table["delimiter"], table["decimal_comma"]) == ("gb18030", ";", True)
    assert table["time_format"] == "%d/%m/%Y" and table["dtypes"]["金额"] == "Float64"
    assert "yes/no       已审核 (是)" in printed

    rows = [line.split(";") for line in CHINESE_EXPORT[1:]]  # independently: 4 fields a row, "NA" and "" missing
    filled = sum(v not in ("NA", "") for row in rows for v in row[1:])
    winter = ("--from", "2026-01-01", "--to", "2026-02-28")
    assert query(tmp_path, config, "completeness", period=winter)[0]["value"] == pytest.approx(filled / (len(rows) * 4))
    shares = {r["部门"]: r["value"] for r in query(tmp_path, config, "column_4_share", "--by", "部门", period=winter)}
    assert shares == pytest.approx({d: sum(r[3] == "是" for r in rows if r[1] == d) / sum(r[1] == d for r in rows)
                                    for d in ("财务", "采购")})
    months = query(tmp_path, config, "records", "--grain", "month", period=winter)
    assert [(row["period"][:7], row["value"]) for row in months] == [("2026-01", 2), ("2026-02", 3)]


def _parquet(folder: Path) -> tuple[str, tuple[str, ...]]:
    return str(penguins.write_parquet(typed_rows(), folder)), ()


def _parquet_of_text(folder: Path) -> tuple[str, tuple[str, ...]]:
    """Parquet whose every column but the date is text as exported, "NA" included: the module counts it missing."""
    path = folder / "penguins-text.parquet"
    pl.read_csv(penguins.CSV, infer_schema=False).with_columns(pl.col(TIME).str.to_date()).write_parquet(path)
    return str(path), ()


def _workbook(folder: Path) -> tuple[str, tuple[str, ...]]:
    return str(penguins.write_workbook(typed_rows(), folder)), ("--table", "penguins")  # the rows' sheet is second


def _sqlite(folder: Path) -> tuple[str, tuple[str, ...]]:
    return f"sqlite:///{penguins.write_sqlite(typed_rows(), folder)}", ("--table", "penguins")


@pytest.mark.parametrize("write", [_parquet, _parquet_of_text, _workbook, _sqlite],
                         ids=["parquet", "parquet-of-text", "xlsx", "sqlite"])
def test_the_same_rows_in_another_format_give_the_same_numbers(
        tmp_path: Path, write: Callable[[Path], tuple[str, tuple[str, ...]]]) -> None:
    source, extra = write(tmp_path)
    config, printed = init(tmp_path, source, *extra)
    completeness, shares = numbers(tmp_path, config)
    want_completeness, want_shares = expected()
    assert completeness == pytest.approx(want_completeness, abs=1e-12)
    assert shares == pytest.approx(want_shares, abs=1e-12)
    if write is _sqlite:  # its dates are text day/month/year: init found the layout and declared it
        table = tomllib.loads(config.read_text())["sources"]["penguins"]["tables"]["penguins"]
        assert table["time_format"] == penguins.SQLITE_DATE_FORMAT and table["dtypes"] == {TIME: "Date"}
        assert f"time_format {penguins.SQLITE_DATE_FORMAT}" in printed


def test_a_postgres_table_whose_url_has_a_password(tmp_path: Path, postgres_server: PostgresServer) -> None:
    """The password is not written down (the config names the variable to hold it) and the numbers are the same."""
    frame, kinds = typed_rows(), {pl.Int64: "BIGINT", pl.Float64: "DOUBLE PRECISION", pl.Date: "DATE"}
    columns = ", ".join(f'"{c}" {kinds.get(t.base_type(), "TEXT")}' for c, t in frame.schema.items())
    with psycopg.connect(postgres_server.libpq_dsn) as con, con.cursor() as cur:
        cur.execute('DROP TABLE IF EXISTS "Penguins Raw"')
        cur.execute(f'CREATE TABLE "Penguins Raw" ({columns})')
        with cur.copy('COPY "Penguins Raw" FROM STDIN') as copy:
            for row in frame.iter_rows():
                copy.write_row(row)
    secret = "not-for-the-config"
    url = postgres_server.url.replace(f"{postgres_server.user}@", f"{postgres_server.user}:{secret}@")
    config, printed = init(tmp_path, url, "--table", "Penguins Raw")
    assert secret not in config.read_text() and secret not in printed and ":***@" in printed
    source = tomllib.loads(config.read_text())["sources"]["penguins_raw"]
    assert (source["kind"], source["password_env"]) == ("sql", "PENGUINS_RAW_PASSWORD")
    assert source["tables"]["penguins_raw"]["query"] == 'SELECT * FROM "Penguins Raw"'
    completeness, shares = numbers(tmp_path, config, env={"PENGUINS_RAW_PASSWORD": secret})
    want_completeness, want_shares = expected()
    assert completeness == pytest.approx(want_completeness, abs=1e-12)
    assert shares == pytest.approx(want_shares, abs=1e-12)


def test_a_workbook_whose_first_sheet_has_no_dates_names_the_other_sheets(tmp_path: Path) -> None:
    workbook, _ = _workbook(tmp_path)
    done = run_cli("init", "--from", workbook, "--out", str(tmp_path / "trial"), data_dir=tmp_path / "data")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "sheet about holds dates or timestamps" in done.stderr and "--table (one of: penguins)" in done.stderr


@pytest.mark.parametrize("make, extra, says", [
    (lambda folder: str(folder / "nothing.csv"), (), "no file at"),
    (lambda folder: _write(folder / "cut.parquet", b"PAR1 not really"), (), "cannot read"),
    (lambda folder: _write(folder / "cut.xlsx", b"PK\x03\x04 cut short"), (), "cannot be opened"),
    (lambda folder: _write(folder / "notes.txt", b"a,b\n1,2\n"), (), "holds dates or timestamps"),
    (lambda folder: f"sqlite:///{folder / 'missing.db'}", ("--table", "t"), "no database file"),
    (lambda folder: _sqlite(folder)[0], (), "a SQL source needs --table"),
    (lambda folder: _sqlite(folder)[0], ("--table", "nosuch"), "no table 'nosuch'"),
], ids=["missing", "damaged-parquet", "damaged-xlsx", "no-dates", "missing-db", "no-table", "unknown-table"])
def test_unreadable_input_is_one_line_and_exit_2(tmp_path: Path, make: Callable[[Path], str], extra: tuple[str, ...],
                                                 says: str) -> None:
    done = run_cli("init", "--from", make(tmp_path), *extra, "--out", str(tmp_path / "trial"),
                   data_dir=tmp_path / "data")
    assert done.returncode == 2, done.stderr
    assert says in done.stderr and "To fix this" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert not (tmp_path / "trial" / "vantage.toml").exists()


def _write(path: Path, content: bytes) -> str:
    path.write_bytes(content)
    return str(path)


def test_init_keeps_an_edited_config_unless_forced(tmp_path: Path) -> None:
    config, _ = init(tmp_path, str(penguins.CSV))
    config.write_text(config.read_text() + "# my edit\n")
    again = run_cli("init", "--from", str(penguins.CSV), "--out", str(config.parent), data_dir=tmp_path / "data")
    assert again.returncode == 2 and "already there" in again.stderr and "--force" in again.stderr
    assert config.read_text().endswith("# my edit\n")
    forced = run_cli("init", "--from", str(penguins.CSV), "--out", str(config.parent), "--force",
                     data_dir=tmp_path / "data")
    assert forced.returncode == 0, forced.stderr
    assert "# my edit" not in config.read_text()
