"""The one SQLite store base for the files beside the data (users, tokens, audit, outbox, definition history).

A store is one file with its schema, created on first use and shared by every worker process: writers take the lock
at once (BEGIN IMMEDIATE) and wait for one another up to a busy timeout; in WAL mode readers never wait for the
writer. Reading with `read_only` never creates a file nor a table.

The files hold password hashes, sessions and the audit trail: each is created readable by its owner only (0600;
SQLite gives its -wal and -shm files the same mode), in a folder created for its owner only (0700).
"""
from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Self

BUSY_SECONDS = 30.0  # how long a connection waits for another's write lock before "database is locked"
FILE_MODE = 0o600
FOLDER_MODE = 0o700


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
        private_file(self.path)
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


def private_folder(folder: Path) -> Path:
    """The folder, created with every missing parent for its owner only (0700). An existing folder keeps its mode: it
    may be shared on purpose (the files in it are 0600 all the same)."""
    folder = Path(folder)
    for missing in reversed([f for f in (folder, *folder.parents) if not f.exists()]):
        missing.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(missing, FOLDER_MODE)  # mkdir's mode passes through the umask; this is exact
    return folder


def private_file(path: Path) -> Path:
    """The file (an empty one is a valid SQLite database), created 0600 in a private folder before anything opens
    it; an existing file, and the -wal and -shm files beside it, narrowed to 0600 when others could read them."""
    path = Path(path)
    private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        pass
    for found in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if found.stat().st_mode & 0o077:
                os.chmod(found, FILE_MODE)
        except OSError:  # not there, another owner's, or a read-only file system: nothing to narrow here
            continue
    return path
