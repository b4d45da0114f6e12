"""Connectors: SQL with pushed-down, bound filters; files scanned lazily; the local columnar mirror."""
from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest

from config.settings import SourceSpec, TableSpec
from connectors.base import Where
from connectors.files import FileConnector
from connectors.mirror import MirroredConnector
from connectors.sql import SqlConnector
from core.errors import SourceError


def make_db(path: Path, rows: list[tuple]) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE IF NOT EXISTS runs (run_id INTEGER PRIMARY KEY, dept TEXT, started_at TIMESTAMP, "
                "day DATE, minutes REAL)")
    con.executemany("INSERT INTO runs VALUES (?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()


ROWS = [(i, ["hr", "it", "finance"][i % 3], f"2026-0{1 + i % 3}-1{i % 10} 08:30:00", f"2026-0{1 + i % 3}-1{i % 10}",
         float(i)) for i in range(1, 31)]


@pytest.fixture
def sql(tmp_path: Path) -> SqlConnector:
    make_db(tmp_path / "s.db", ROWS)
    spec = SourceSpec("s", "sql", url="", tables={"runs": TableSpec("runs", freshness_column="started_at")})
    return SqlConnector(spec, f"sqlite:///{tmp_path / 's.db'}")


def test_sql_schema_comes_from_declared_types(sql: SqlConnector) -> None:
    assert sql.schema("runs") == {"run_id": pl.Int64, "dept": pl.String, "started_at": pl.Datetime("us"),
                                  "day": pl.Date, "minutes": pl.Float64}


def test_sql_pushes_columns_and_filters_as_bound_parameters(sql: SqlConnector) -> None:
    where = Where("started_at", date(2026, 2, 1), date(2026, 3, 1), equals=(("dept", ("it",)),))
    stmt = sql.statement("runs", ["run_id", "minutes"], where).compile(
        dialect=sql.engine.dialect, compile_kwargs={"render_postcompile": True})
    text = str(stmt)
    assert "minutes" in text and "dept" in text.split("WHERE")[1] and "SELECT runs.run_id, runs.minutes" in text
    assert "2026-02-01" not in text and "'it'" not in text  # values travel as parameters, never in the SQL
    assert [stmt.params[k] for k in stmt.positiontup] == ["2026-02-01 00:00:00", "2026-03-01 00:00:00", "it"]
    got = sql.scan("runs", ["run_id", "minutes"], where).collect()
    expected = sorted(r[0] for r in ROWS if r[1] == "it" and r[2].startswith("2026-02"))
    assert sorted(got["run_id"]) == expected and got.columns == ["run_id", "minutes"]


def test_sql_filter_values_cannot_inject(sql: SqlConnector) -> None:
    where = Where(equals=(("dept", ("hr' OR '1'='1",)),))
    assert sql.scan("runs", ["run_id"], where).collect().height == 0


def test_sql_missing_table_and_column_are_named(sql: SqlConnector) -> None:
    with pytest.raises(SourceError, match="table 'nope' does not exist"):
        sql.schema("nope")
    with pytest.raises(SourceError, match="column 'colour' does not exist"):
        sql.scan("runs", ["colour"], Where())


def test_sql_down_database_is_a_source_error(tmp_path: Path) -> None:
    spec = SourceSpec("gone", "sql", url="")
    conn = SqlConnector(spec, f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    with pytest.raises(SourceError, match="source gone"):
        conn.data_version("runs")


def test_sql_data_version_tracks_freshness_column(sql: SqlConnector, tmp_path: Path) -> None:
    before = sql.data_version("runs")
    assert before.rows == 30 and before.newest == datetime(2026, 3, 19, 8, 30)
    make_db(tmp_path / "s.db", [(31, "hr", "2026-04-01 09:00:00", "2026-04-01", 1.0)])
    after = sql.data_version("runs")
    assert after.token != before.token and after.rows == 31


def test_files_connector_reads_csv_and_parquet_lazily(tmp_path: Path) -> None:
    frame = pl.DataFrame({"day": [date(2026, 1, d) for d in range(1, 11)], "line": ["a", "b"] * 5,
                          "scrap": list(range(10))})
    frame.write_csv(tmp_path / "scrap.csv")
    frame.write_parquet(tmp_path / "yield.parquet")
    spec = SourceSpec("plant", "files", path=str(tmp_path), tables={"scrap": TableSpec("scrap", freshness_column="day")})
    conn = FileConnector(spec, str(tmp_path))
    assert conn.schema("scrap")["day"] == pl.Date
    where = Where("day", date(2026, 1, 3), date(2026, 1, 7), equals=(("line", ("a",)),))
    assert conn.scan("scrap", ["scrap"], where).collect()["scrap"].to_list() == [2, 4]
    assert conn.scan("yield", ["scrap"], Where()).collect().height == 10
    assert conn.data_version("scrap").newest == date(2026, 1, 10)
    with pytest.raises(SourceError, match="no file for table 'waste'"):
        conn.schema("waste")


def test_mirror_loads_once_then_only_new_rows(sql: SqlConnector, tmp_path: Path) -> None:
    mirror = MirroredConnector(sql, tmp_path / "mirror", {"runs": "started_at"})
    parts = mirror.sync("runs")
    assert len(parts) == 1 and pl.read_parquet(parts[0]).height == 30
    assert mirror.sync("runs") == parts  # unchanged source: nothing read
    make_db(tmp_path / "s.db", [(31, "hr", "2026-04-01 09:00:00", "2026-04-01", 1.0),
                                (32, "it", "2026-04-02 09:00:00", "2026-04-02", 2.0)])
    assert mirror.sync("runs") == parts  # scans trust the version last read until it is asked again
    mirror.data_version("runs")  # as the engine does once per TTL
    grown = mirror.sync("runs")
    assert len(grown) == 2 and pl.read_parquet(grown[1])["run_id"].to_list() == [31, 32]
    got = mirror.scan("runs", ["run_id"], Where("started_at", date(2026, 4, 1), date(2026, 5, 1))).collect()
    assert got["run_id"].to_list() == [31, 32]


def test_mirror_reloads_whole_table_when_rows_change_in_place(sql: SqlConnector, tmp_path: Path) -> None:
    mirror = MirroredConnector(sql, tmp_path / "mirror", {"runs": "started_at"})
    mirror.sync("runs")
    con = sqlite3.connect(tmp_path / "s.db")
    con.execute("UPDATE runs SET minutes = 99, started_at = '2026-05-01 00:00:00' WHERE run_id = 1")
    con.commit()
    con.close()
    mirror.data_version("runs")
    parts = mirror.sync("runs")
    frame = pl.read_parquet(parts)
    assert len(parts) == 1 and frame.filter(pl.col("run_id") == 1)["minutes"].item() == 99


def test_mirror_survives_its_files_being_deleted(sql: SqlConnector, tmp_path: Path) -> None:
    mirror = MirroredConnector(sql, tmp_path / "mirror", {"runs": "started_at"})
    for part in mirror.sync("runs"):
        Path(part).unlink()
    assert mirror.scan("runs", ["run_id"], Where()).collect().height == 30


def test_mirror_of_a_large_table_is_written_in_batches(sql: SqlConnector, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    import connectors.sql as sql_module

    monkeypatch.setattr(sql_module, "BATCH_ROWS", 7)
    mirror = MirroredConnector(sql, tmp_path / "mirror", {"runs": "started_at"})
    parts = mirror.sync("runs")
    assert len(parts) == 5  # 30 rows in rowid ranges of 7
    frame = pl.read_parquet(parts)
    assert sorted(frame["run_id"]) == list(range(1, 31)) and frame.schema["started_at"] == pl.Datetime("us")
    where = Where("started_at", date(2026, 2, 1), date(2026, 3, 1), equals=(("dept", ("it",)),))
    got = mirror.scan("runs", ["run_id"], where).collect()["run_id"].to_list()
    assert sorted(got) == sorted(r[0] for r in ROWS if r[1] == "it" and r[2].startswith("2026-02"))


def test_files_replaced_by_a_damaged_parquet_or_a_csv_with_another_header_are_source_errors(tmp_path: Path) -> None:
    frame = pl.DataFrame({"day": [date(2026, 1, d) for d in range(1, 11)], "line": ["a", "b"] * 5,
                          "scrap": list(range(10))})
    frame.write_csv(tmp_path / "scrap.csv")
    frame.write_parquet(tmp_path / "yield.parquet")
    tables = {"scrap": TableSpec("scrap", freshness_column="day")}
    conn = FileConnector(SourceSpec("plant", "files", path=str(tmp_path), tables=tables), str(tmp_path))
    before = {t: conn.data_version(t) for t in ("scrap", "yield")}
    whole = (tmp_path / "yield.parquet").read_bytes()
    (tmp_path / "cut.parquet").write_bytes(whole[: len(whole) // 2])  # a copy still being written: no footer
    os.replace(tmp_path / "cut.parquet", tmp_path / "yield.parquet")
    with pytest.raises(SourceError, match=r"the Parquet file .*yield.parquet is damaged.*To fix this, put a complete"):
        conn.data_version("yield")
    with pytest.raises(SourceError, match="is damaged"):
        conn.scan("yield", ["scrap"], Where())  # a scan between two version checks is checked too
    frame.drop("scrap").write_csv(tmp_path / "scrap.csv")
    with pytest.raises(SourceError, match=r"the header of .*scrap.csv does not match: it lacks scrap \(it has day, "
                                          r"line\)"):
        conn.data_version("scrap")
    newer = frame.with_columns(pl.col("scrap") * 2)
    newer.write_csv(tmp_path / "next.csv")
    os.replace(tmp_path / "next.csv", tmp_path / "scrap.csv")
    after = conn.data_version("scrap")
    assert after.token != before["scrap"].token and after.identity != before["scrap"].identity
    assert conn.scan("scrap", ["scrap"], Where()).collect()["scrap"].to_list() == newer["scrap"].to_list()


def test_mirror_reloads_a_replaced_file_whole_not_only_its_newer_rows(sql: SqlConnector, tmp_path: Path) -> None:
    mirror = MirroredConnector(sql, tmp_path / "mirror", {"runs": "started_at"})
    mirror.sync("runs")
    shutil.copy(tmp_path / "s.db", tmp_path / "export.db")
    con = sqlite3.connect(tmp_path / "export.db")
    con.execute("UPDATE runs SET minutes = 99 WHERE run_id = 1")  # a correction to an old row, and two new rows
    con.executemany("INSERT INTO runs VALUES (?, ?, ?, ?, ?)", [(31, "hr", "2026-04-01 09:00:00", "2026-04-01", 1.0),
                                                                (32, "it", "2026-04-02 09:00:00", "2026-04-02", 2.0)])
    con.commit()
    con.close()
    os.replace(tmp_path / "export.db", tmp_path / "s.db")
    mirror.data_version("runs")
    frame = pl.read_parquet(mirror.sync("runs"))
    assert frame.height == 32 and frame.filter(pl.col("run_id") == 1)["minutes"].item() == 99


def test_mirror_forgets_its_versions_and_reloads_on_request(sql: SqlConnector, tmp_path: Path) -> None:
    mirror = MirroredConnector(sql, tmp_path / "mirror", {"runs": "started_at"})
    old = mirror.sync("runs")
    assert mirror.sync("runs") == old
    mirror.forget()
    new = mirror.sync("runs")
    assert new != old and not any(Path(p).exists() for p in old) and pl.read_parquet(new).height == 30
