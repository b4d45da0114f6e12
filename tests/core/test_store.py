"""The SQLite store base: schema on first use, WAL and pragmas, transactions that take the lock at once and roll back
on an error, and read-only reads that create nothing."""
from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from core import store
from core.store import SqliteStore, immediate, read_only


class Notes(SqliteStore):
    FILE = "notes.sqlite"
    SCHEMA = "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);"


class FastNotes(Notes):
    PRAGMAS = ("synchronous=OFF",)  # distinguishable from SQLite's default (FULL)


class PlainNotes(Notes):
    WAL = False


def texts(notes: SqliteStore) -> list[str]:
    with notes.connection() as con:
        return [t for (t,) in con.execute("SELECT text FROM notes ORDER BY id")]


def test_the_store_is_made_in_its_folder_with_its_schema(tmp_path: Path) -> None:
    notes = Notes.in_folder(tmp_path / "data" / "new")
    assert notes.path == tmp_path / "data" / "new" / "notes.sqlite" and notes.path.is_file()
    assert texts(notes) == []
    assert texts(Notes(notes.path)) == []  # the schema is created only if missing: a second open keeps the file


@pytest.mark.parametrize("kind, journal, synchronous", [
    (Notes, "wal", 2),
    (FastNotes, "wal", 0),
    (PlainNotes, "delete", 2),  # the definition history's file keeps SQLite's default journal
])
def test_journal_and_pragmas_on_every_connection(tmp_path: Path, kind: type[SqliteStore], journal: str,
                                                 synchronous: int) -> None:
    notes = kind(tmp_path / "notes.sqlite")
    for con in (notes.connect(), notes._connect()):
        try:
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == journal
            assert con.execute("PRAGMA synchronous").fetchone()[0] == synchronous
        finally:
            con.close()


def test_a_transaction_commits_and_an_error_rolls_it_back(tmp_path: Path) -> None:
    notes = Notes(tmp_path / "notes.sqlite")
    with notes.transaction() as con:
        con.execute("INSERT INTO notes (text) VALUES ('kept')")
    with pytest.raises(sqlite3.IntegrityError), notes.transaction() as con:
        con.execute("INSERT INTO notes (text) VALUES ('dropped')")
        con.execute("INSERT INTO notes (text) VALUES ('kept')")  # UNIQUE: the whole transaction goes
    assert texts(notes) == ["kept"]


def test_a_transaction_holds_the_write_lock_from_its_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "BUSY_SECONDS", 0.05)
    notes = Notes(tmp_path / "notes.sqlite")
    with notes.transaction():
        with pytest.raises(sqlite3.OperationalError, match="locked"), notes.transaction():
            pass
        assert texts(notes) == []  # WAL: a reader does not wait for the writer


def test_connections_are_closed_after_the_block(tmp_path: Path) -> None:
    notes = Notes(tmp_path / "notes.sqlite")
    with notes.connection() as con:
        pass
    with pytest.raises(sqlite3.ProgrammingError):
        con.execute("SELECT 1")
    with notes.transaction() as con:
        pass
    with pytest.raises(sqlite3.ProgrammingError):
        con.execute("SELECT 1")


def test_immediate_on_a_held_connection(tmp_path: Path) -> None:
    notes = Notes(tmp_path / "notes.sqlite")
    held = notes.connect()
    try:
        with immediate(held):
            held.execute("INSERT INTO notes (text) VALUES ('a')")
        with pytest.raises(RuntimeError), immediate(held):
            held.execute("INSERT INTO notes (text) VALUES ('b')")
            raise RuntimeError("a bug mid-transaction")
        assert not held.in_transaction and texts(notes) == ["a"]
    finally:
        held.close()


def test_the_default_mode_connection_commits_with_its_block(tmp_path: Path) -> None:
    notes = Notes(tmp_path / "notes.sqlite")
    con = notes._connect()
    try:
        with con:
            con.execute("INSERT INTO notes (text) VALUES ('a')")
            assert con.in_transaction
    finally:
        con.close()
    assert texts(notes) == ["a"]


@pytest.mark.parametrize("name", ["notes.sqlite", "with space #1?.sqlite"])
def test_read_only_reads_and_creates_nothing(tmp_path: Path, name: str) -> None:
    missing = tmp_path / "missing.sqlite"
    with pytest.raises(sqlite3.OperationalError), read_only(missing):
        pass
    assert not missing.exists()
    notes = Notes(tmp_path / name)
    with notes.transaction() as con:
        con.execute("INSERT INTO notes (text) VALUES ('a')")
    with read_only(notes.path) as con:
        assert con.execute("SELECT text FROM notes").fetchall() == [("a",)]
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            con.execute("INSERT INTO notes (text) VALUES ('b')")
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            con.execute("CREATE TABLE other (x)")


def test_files_are_created_0600_in_folders_0700_and_wider_files_narrowed(tmp_path: Path) -> None:
    notes = Notes.in_folder(tmp_path / "new" / "data")
    with notes.transaction() as con:
        con.execute("INSERT INTO notes (text) VALUES ('a')")
    assert stat.S_IMODE(os.stat(notes.path).st_mode) == 0o600
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in notes.path.parent.glob("notes.sqlite-*"))
    assert stat.S_IMODE(os.stat(tmp_path / "new" / "data").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    old = shared / "notes.sqlite"
    sqlite3.connect(old).close()
    os.chmod(old, 0o644)  # written by an earlier version, readable by everyone
    Notes(old)
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o755  # a folder that was there keeps its mode


def test_the_wal_files_stay_while_the_store_lives(tmp_path: Path) -> None:
    """A full folder cannot take a new -wal or -shm file: an idle connection keeps them, so reads go on."""
    notes = Notes(tmp_path / "notes.sqlite")
    with notes.transaction() as con:
        con.execute("INSERT INTO notes (text) VALUES ('a')")
    assert (tmp_path / "notes.sqlite-wal").exists() and (tmp_path / "notes.sqlite-shm").exists()
    assert texts(notes) == ["a"]


@pytest.mark.parametrize("error, words", [
    (sqlite3.OperationalError("database or disk is full"), "is full"),
    (OSError(errno.ENOSPC, "No space left on device"), "is full"),
    (OSError(errno.EROFS, "Read-only file system"), "read-only"),
    (ValueError("not a fault of the folder"), None),
])
def test_local_faults_are_named_with_their_folder(tmp_path: Path, error: Exception, words: str | None) -> None:
    if isinstance(error, sqlite3.OperationalError):
        error.sqlite_errorcode = sqlite3.SQLITE_FULL  # type: ignore[attr-defined]
    found = store.local_fault(error, tmp_path)
    assert found is None if words is None else (words in found and str(tmp_path) in found)
