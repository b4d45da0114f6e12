"""The SQLite store base: schema on first use, WAL and pragmas, transactions that take the lock at once and roll back
on an error, and read-only reads that create nothing."""
from __future__ import annotations

import sqlite3
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
