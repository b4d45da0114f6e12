"""A SQLite source whose file is replaced: another file moved or copied over it is read (pooled connections to the
old one are dropped), and a damaged one is a SourceError until a sound one is back."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from config.settings import SourceSpec, TableSpec
from connectors import sqlite_file
from connectors.base import Where
from connectors.sql import SqlConnector
from core.errors import SourceError
from tests.connectors.test_sources import ROWS, make_db


def connector(folder: Path) -> SqlConnector:
    spec = SourceSpec("s", "sql", url="", tables={"runs": TableSpec("runs", freshness_column="started_at")})
    return SqlConnector(spec, f"sqlite:///{folder / 's.db'}", checked=folder / "checked" / "s")


def total_minutes(path: Path) -> float:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT sum(minutes) FROM runs").fetchone()[0]


def corrected(folder: Path, name: str) -> Path:
    """A copy of s.db with other minutes but the same rows and newest time: only the file says it changed."""
    shutil.copy(folder / "s.db", folder / name)
    with sqlite3.connect(folder / name) as con:
        con.execute("UPDATE runs SET minutes = minutes * 10")
    return folder / name


@pytest.fixture
def sql(tmp_path: Path) -> SqlConnector:
    make_db(tmp_path / "s.db", ROWS)
    return connector(tmp_path)


def minutes_read(sql: SqlConnector) -> float:
    return float(sql.scan("runs", ["minutes"], Where()).collect()["minutes"].sum())


@pytest.mark.parametrize("how", ["moved over", "copied over"])
def test_a_file_put_in_place_of_the_old_one_is_a_new_version_and_is_read(sql: SqlConnector, tmp_path: Path,
                                                                         how: str) -> None:
    before = sql.data_version("runs")
    assert minutes_read(sql) == total_minutes(tmp_path / "s.db")
    export = corrected(tmp_path, "export.db")
    if how == "moved over":
        os.replace(export, tmp_path / "s.db")  # another inode: pooled connections still hold the old one
    else:
        shutil.copyfile(export, tmp_path / "s.db")  # the same inode, other contents, size or time
    after = sql.data_version("runs")
    assert after.rows == before.rows and after.newest == before.newest  # the rows alone would not tell
    assert after.token != before.token
    assert (after.identity != before.identity) == (how == "moved over")
    assert minutes_read(sql) == total_minutes(tmp_path / "s.db") == 10 * sum(r[4] for r in ROWS)


def test_a_file_moved_over_is_counted_through_fresh_connections(sql: SqlConnector, tmp_path: Path) -> None:
    assert sql.data_version("runs").rows == 30  # a pooled connection now holds s.db open
    make_db(tmp_path / "new.db", ROWS[:12])
    os.replace(tmp_path / "new.db", tmp_path / "s.db")
    assert sql.data_version("runs").rows == 12


@pytest.mark.parametrize("damage", ["cut short", "garbage"])
def test_a_damaged_file_is_a_source_error_until_a_sound_one_is_back(sql: SqlConnector, tmp_path: Path,
                                                                    damage: str) -> None:
    make_db(tmp_path / "s.db", [(i, "hr", "2026-04-01 09:00:00", "2026-04-01", 1.0) for i in range(100, 3000)])
    good = sql.data_version("runs")
    data = (tmp_path / "s.db").read_bytes()
    (tmp_path / "bad.db").write_bytes(data[: len(data) // 2] if damage == "cut short" else os.urandom(len(data)))
    os.replace(tmp_path / "bad.db", tmp_path / "s.db")
    for _ in range(2):  # the second time from what this process remembers of the failure
        with pytest.raises(SourceError, match=r"s\.db is damaged: .*source s, table runs.*To fix this, put a "
                                              r"complete copy of the database"):
            sql.data_version("runs")
    (tmp_path / "sound.db").write_bytes(data)
    os.replace(tmp_path / "sound.db", tmp_path / "s.db")
    assert sql.data_version("runs").rows == good.rows


def test_a_checked_file_is_noted_for_other_processes_and_forgotten_on_request(sql: SqlConnector,
                                                                                tmp_path: Path) -> None:
    sql.data_version("runs")
    note = tmp_path / "checked" / "s"
    st = os.stat(tmp_path / "s.db")
    assert note.read_text() == f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
    sql.forget()
    assert not note.exists()
    assert sql.data_version("runs").rows == 30 and note.exists()


def test_a_locked_file_costs_one_short_wait_and_is_not_taken_for_damage(sql: SqlConnector, tmp_path: Path) -> None:
    import time

    from core.errors import SourceUnavailable

    sql.data_version("runs")
    with sqlite3.connect(tmp_path / "s.db") as con:  # written since its check: the next question checks it again
        con.execute("UPDATE runs SET minutes = minutes + 1")
    writer = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")
    try:
        for _ in range(2):
            started = time.perf_counter()
            with pytest.raises(SourceUnavailable, match="locked"):
                sql.data_version("runs")
            assert time.perf_counter() - started < 1.0  # not the driver's 5 s
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert sql.data_version("runs").rows == len(ROWS)  # checked now, and sound: no damage was remembered


def test_rows_sqlite_writes_in_place_are_checked_by_the_header_and_a_replaced_file_whole(
        sql: SqlConnector, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """quick_check reads the whole file (seconds for a large source); SQLite's own writes into the same file need only
    the header's check, a file copied or moved over it the whole check. Both checks run for real; which ran is noted."""
    ran: list[str] = []
    for name in ("quick_check", "header_check"):
        real = getattr(sqlite_file, name)
        monkeypatch.setattr(sqlite_file, name, lambda path, where, _n=name, _f=real: (ran.append(_n), _f(path, where)))
    assert sql.data_version("runs").rows == 30 and ran == ["quick_check"]  # a file seen for the first time
    make_db(tmp_path / "s.db", [(i, "hr", "2026-04-01 09:00:00", "2026-04-01", 1.0) for i in range(100, 3000)])
    assert sql.data_version("runs").rows == 30 + 2900 and ran == ["quick_check", "header_check"]
    os.replace(corrected(tmp_path, "copy.db"), tmp_path / "s.db")  # another file: checked whole
    assert sql.data_version("runs").rows == 2930 and ran[-1] == "quick_check"
    size = (tmp_path / "s.db").stat().st_size
    with open(tmp_path / "s.db", "r+b") as file:  # garbage written over it in place, as long as it was
        file.write(os.urandom(size))
    with pytest.raises(SourceError, match=r"s\.db is damaged: not a SQLite database header"):
        sql.data_version("runs")
    assert ran[-1] == "header_check"
