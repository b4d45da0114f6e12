"""The one SQLite store base for the files beside the data (users, tokens, audit, outbox, definition history).

A store is one file with its schema, created on first use and shared by every worker process: writers take the lock
at once (BEGIN IMMEDIATE) and wait for one another up to a busy timeout; in WAL mode readers never wait for the
writer. Reading with `read_only` never creates a file nor a table.
"""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Self

BUSY_SECONDS = 30.0  # how long a connection waits for another's write lock before "database is locked"


class SqliteStore:
    """A SQLite file with its schema created on first use; each call opens its own short connection."""

    SCHEMA = ""
    FILE = ""  # its file's name in the data folder
    WAL = True  # readers never wait for the one writer
    PRAGMAS: tuple[str, ...] = ()  # set on every connection, e.g. "synchronous=FULL"

    @classmethod
    def in_folder(cls, folder: Path) -> Self:
        """The store in a data folder, under its own file name."""
        return cls(Path(folder) / cls.FILE)

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.connection() as con:
            con.executescript(self.SCHEMA)

    def connect(self) -> sqlite3.Connection:
        """A new connection in autocommit mode (a transaction is always explicit), with the store's pragmas."""
        con = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            if self.WAL:
                con.execute("PRAGMA journal_mode=WAL")
            for pragma in self.PRAGMAS:
                con.execute(f"PRAGMA {pragma}")
        except BaseException:
            con.close()
            raise
        return con

    def _connect(self) -> sqlite3.Connection:
        """A connection in sqlite3's default mode: a write opens a transaction that `with con:` commits (not closes).

        For the stores written before `transaction()` and `connection()`; new code uses those.
        """
        con = self.connect()
        con.isolation_level = "DEFERRED"  # as sqlite3's default: BEGIN before the first write
        return con

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A short connection for reads, closed after the block."""
        con = self.connect()
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A short connection holding the write lock from its first statement; committed unless the block raises."""
        with self.connection() as con, immediate(con):
            yield con


@contextmanager
def immediate(con: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction taken at once (BEGIN IMMEDIATE), so what it reads no other writer changes before it writes.

    The connection must be in autocommit mode (`isolation_level=None`), as `SqliteStore.connect` opens it.
    """
    con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def read_only(path: Path, wait: float = BUSY_SECONDS) -> Iterator[sqlite3.Connection]:
    """A connection that can only read an existing file: it creates neither the file nor its tables."""
    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=wait)
    try:
        yield con
    finally:
        con.close()
