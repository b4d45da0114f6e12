"""The file behind a SQLite source, followed across replacement: a copy moved or written over it is noticed by
its stamp (device, inode, size, time), and checked with SQLite's quick_check before anything is read from it (a file
SQLite wrote in place, the same file grown or kept, by its header alone: every write to a large source is not a read
of the whole file)."""
from __future__ import annotations

import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import sqlalchemy as sa

from connectors.base import FileStamp, file_stamp
from core.errors import SourceError, SourceUnavailable

# A data-version check waits this long on another's lock, not the driver's 5 s on every request: a locked source is
# remembered by the engine's breaker (metrics/engine/breaker.py) and left alone a while instead.
VERSION_LOCK_WAIT_MS = 250


class SqliteFile:
    """One SQLite database file: its stamp now, whether that file passed quick_check, and who to tell on a change."""

    def __init__(self, path: str, checked: Path | None, on_change: Callable[[], None]) -> None:
        # `checked` keeps the stamp that last passed the check for every process (a large file checks in seconds).
        self.path, self.checked, self.on_change = path, checked, on_change
        self._seen = ""  # the stamp this process last saw: its pooled connections belong to that file
        self._good = ""  # the stamp that last passed the check here
        self._failed: tuple[str, SourceError] | None = None  # a stamp that failed it, and why
        self._lock = threading.Lock()

    def stamp(self, where: str) -> FileStamp:
        """The file's stamp; on a change `on_change` runs first. SourceError when the file is missing or damaged."""
        try:
            stamp = file_stamp(self.path)
        except FileNotFoundError:
            raise SourceUnavailable(f"database file {self.path} does not exist", where,
                                    "restore the file or correct the url in the config") from None
        key = str(stamp)
        with self._lock:
            if key != self._seen:
                self.on_change()
                self._seen = key
            if self._failed and self._failed[0] == key:
                raise self._failed[1]
            if key != self._good and key != (known := _read_text(self.checked)):
                try:  # a file SQLite wrote in place (same file, grown or kept) is checked by its header alone
                    check = header_check if grown(self._good or known, key) else quick_check
                    check(self.path, where)
                except FileLocked:
                    raise  # no damage found: the file is checked at the next question
                except SourceError as exc:
                    self._failed = (key, exc)
                    raise
                _write_text(self.checked, key)
            self._good = key
        return stamp

    def forget(self) -> None:
        """Forget what was seen and checked, here and for every process."""
        with self._lock:
            self._seen = self._good = ""
            self._failed = None
        if self.checked is not None:
            self.checked.unlink(missing_ok=True)


class FileLocked(SourceUnavailable):
    """Another process holds the file's lock, so it could not be checked now (no damage is remembered)."""


def grown(before: str, now: str) -> bool:
    """Whether stamp `now` is the file of stamp `before` (same device and inode), as large or larger."""
    then, later = before.split(":"), now.split(":")
    return len(then) == len(later) == 4 and then[:2] == later[:2] and int(later[2]) >= int(then[2])


def header_check(path: str, where: str) -> None:
    """SourceError unless the file starts as a SQLite database and is as long as its header counts pages: garbage
    written over it, or a copy cut short, fails (read in microseconds, where quick_check reads the whole file)."""
    with open(path, "rb") as file:
        head, size = file.read(100), os.fstat(file.fileno()).st_size
    if len(head) < 100 or head[:16] != b"SQLite format 3\x00":
        raise _damaged(path, where, "not a SQLite database header")
    page = int.from_bytes(head[16:18], "big")
    pages = int.from_bytes(head[28:32], "big")
    if head[24:28] == head[92:96] and pages * (65536 if page == 1 else page) > size:  # the count is current: check it
        raise _damaged(path, where, f"{pages} pages counted, {size} bytes present")


def quick_check(path: str, where: str) -> None:
    """SourceError unless SQLite's quick_check finds the file sound (garbage or a truncated copy fails it)."""
    try:
        con = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True, timeout=VERSION_LOCK_WAIT_MS / 1000)
        try:
            found = [str(row[0]) for row in con.execute("PRAGMA quick_check(3)")]
        finally:
            con.close()
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY:
            raise FileLocked(f"the database file {Path(path).name} is locked by another process", where,
                             "end what holds the lock; the file is checked again at the next question") from None
        found = [str(exc)]
    if found != ["ok"]:
        raise _damaged(path, where, "; ".join(found))


def _damaged(path: str, where: str, found: str) -> SourceUnavailable:
    return SourceUnavailable(f"the database file {Path(path).name} is damaged: {found[:300]}", where,
                             f"put a complete copy of the database at {path} (a copy still being written, or cut "
                             "short, fails this check)")


@contextmanager
def brief_lock_wait(conn: sa.Connection, sqlite: bool) -> Iterator[None]:
    """Within the block, a SQLite connection waits at most VERSION_LOCK_WAIT_MS for another's lock (the connection
    is pooled: its own wait is put back after). Other databases are left as they are."""
    if not sqlite:
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0)
    conn.exec_driver_sql(f"PRAGMA busy_timeout = {VERSION_LOCK_WAIT_MS}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {before}")


def _read_text(path: Path | None) -> str:
    try:
        return path.read_text() if path is not None else ""
    except OSError:
        return ""


def _write_text(path: Path | None, text: str) -> None:
    """Write a small state file whole (a reader never sees half of it); a failure only costs a check later."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(text)
        os.replace(tmp, path)
    except OSError:
        pass
