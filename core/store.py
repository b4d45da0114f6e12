"""The one SQLite store base for the files beside the data (users, tokens, audit, outbox, definition history).

A store is one file with its schema, created on first use and shared by every worker process: writers take the lock
at once (BEGIN IMMEDIATE) and wait for one another up to a busy timeout; in WAL mode readers never wait for the
writer. Reading with `read_only` never creates a file nor a table.

The files hold password hashes, sessions and the audit trail: each is created readable by its owner only (0600;
SQLite gives its -wal and -shm files the same mode), in a folder created for its owner only (0700).

A data folder bound to a `state_url` (core/state.py) keeps its stores' tables in that PostgreSQL database instead:
the same store objects and statements, no file in the folder, and the schema from Alembic, not from SCHEMA.
"""
from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Self

from core import state

BUSY_SECONDS = 30.0  # how long a connection waits for another's write lock before "database is locked"
FILE_MODE = 0o600
FOLDER_MODE = 0o700
StoreError = (sqlite3.Error, state.StateError)  # what a store's statement raises, in either database
Conflict = (sqlite3.IntegrityError, state.StateConflict)  # a row with the same key is there already


class SqliteStore:
    """A SQLite file with its schema created on first use; each call opens its own short connection (and one idle
    connection per process keeps the WAL's files in place)."""

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
        self.state_url = state.url_of(self.path)  # None: the SQLite file
        self._keepers: dict[int, sqlite3.Connection] = {}  # by process id: see _keep_open
        if self.state_url:
            return
        private_file(self.path)
        with self.connection() as con:
            con.executescript(self.SCHEMA)

    def connect(self) -> Any:
        """A new connection in autocommit mode (a transaction is always explicit), with the store's pragmas."""
        if self.state_url:
            return state.Connection(self.state_url, self.FILE or self.path.name)
        con = sqlite3.connect(self.path, timeout=BUSY_SECONDS, isolation_level=None)
        try:
            if self.WAL:
                con.execute("PRAGMA journal_mode=WAL")
                self._keep_open()
            for pragma in self.PRAGMAS:
                con.execute(f"PRAGMA {pragma}")
        except BaseException:
            con.close()
            raise
        return con

    def _keep_open(self) -> None:
        """Hold one idle connection for the store's life in this process. SQLite deletes the -wal and -shm files when
        the last connection closes, and a new one must create them again: in a full folder that fails, and with it
        every read. While one stays open they stay, so reads (and writes that fit the WAL) go on when the folder is
        full. One per process: a connection is never used across fork (a worker inherits its parent's, unused)."""
        if os.getpid() in self._keepers:
            return
        keeper = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            keeper.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # opens the -wal and maps the -shm
        except sqlite3.Error:
            keeper.close()
            return  # the next connection tries again
        self._keepers.setdefault(os.getpid(), keeper)

    def _connect(self) -> Any:
        """A connection in sqlite3's default mode: a write opens a transaction that `with con:` commits (not closes;
        a shared state's connection is given back then).

        For the stores written before `transaction()` and `connection()`; new code uses those.
        """
        if self.state_url:
            return state.Connection(self.state_url, self.FILE or self.path.name, autocommit=False)
        con = self.connect()
        con.isolation_level = "DEFERRED"  # as sqlite3's default: BEGIN before the first write
        return con

    @contextmanager
    def connection(self) -> Iterator[Any]:
        """A short connection for reads, closed after the block."""
        con = self.connect()
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A short connection holding the write lock from its first statement; committed unless the block raises."""
        with self.connection() as con, immediate(con):
            yield con


@contextmanager
def immediate(con: Any) -> Iterator[Any]:
    """A write transaction taken at once (BEGIN IMMEDIATE), so what it reads no other writer changes before it writes.
    On the shared state: BEGIN and the store's advisory lock, held to the end of the transaction.

    The connection must be in autocommit mode (`isolation_level=None`), as `SqliteStore.connect` opens it.
    """
    if isinstance(con, state.Connection):
        con.begin()
    else:
        con.execute("BEGIN IMMEDIATE")
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@contextmanager
def read_only(path: Path, wait: float = BUSY_SECONDS) -> Iterator[Any]:
    """A connection that can only read an existing file: it creates neither the file nor its tables (on the shared
    state: a connection to it, used only to read)."""
    url = state.url_of(path)
    if url:
        shared = state.Connection(url, Path(path).name)
        try:
            yield shared
        finally:
            shared.close()
        return
    con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=wait)
    try:
        yield con
    finally:
        con.close()


def present(path: Path) -> bool:
    """Whether a store's tables can be read at its path: its folder is bound to the shared state, or the file is
    there (reading a missing file creates nothing)."""
    return state.url_of(path) is not None or Path(path).is_file()


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


def local_fault(exc: BaseException, folder: Path) -> str | None:
    """Why writing in `folder` failed, in words an administrator acts on, when the folder is the cause (full,
    read-only, the file locked or not openable); None for any other error."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None  # SQLite's extended codes keep the primary in the low byte
    number = getattr(exc, "errno", None)
    try:
        free: int | None = shutil.disk_usage(folder).free
    except OSError:
        free = None
    left = f" ({free:,} bytes free)" if free is not None else ""
    # A full folder fails with SQLITE_FULL, or with an I/O error when SQLite cannot even make its -shm file.
    if primary == sqlite3.SQLITE_FULL or number == errno.ENOSPC or (primary == sqlite3.SQLITE_IOERR and free == 0):
        return f"the folder {folder} is full{left}"
    if primary == sqlite3.SQLITE_IOERR or number == errno.EIO:
        return f"the disk holding {folder} fails to read or write{left}"
    if primary == sqlite3.SQLITE_READONLY or number in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"the folder {folder} or the file in it is read-only"
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return f"a file in {folder} is locked by another process"
    if primary == sqlite3.SQLITE_CANTOPEN:
        return f"a file in {folder} cannot be opened (is the folder there, and the file a file?)"
    return None
