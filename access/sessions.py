"""Server-side sessions: the browser's cookie holds only a random id; who it belongs to lives here.

A session ends when its owner logs out, when it has been idle for `session_idle_hours`, when it is older than
`session_max_days`, or when its user is disabled or given a new password. A wall screen's device session (one with a
playlist) ends only when its token is revoked: the screen's token is checked again on every request.
The file is created readable by its owner only (0600): it names who is signed in.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from config.settings import Config
from core import state
from core.store import SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    digest TEXT PRIMARY KEY,          -- sha256 of the cookie's id: a copy of this file opens no session
    user TEXT NOT NULL,
    created REAL NOT NULL,
    last_seen REAL NOT NULL,
    playlist TEXT,                    -- set for a wall screen's device session
    stamp TEXT NOT NULL DEFAULT '',   -- the user's credentials as they were at login (see access/credentials.py)
    csrf TEXT NOT NULL                -- the token of this session's forms (logout)
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user);
CREATE INDEX IF NOT EXISTS sessions_last_seen ON sessions (last_seen);
"""
# last_seen is written at most this often: a page load fires a dozen callbacks, and idle time counts in hours.
TOUCH_SECONDS = 60.0


def create_private(path: Path) -> None:
    """Create a file readable and writable by its owner only (0600), or narrow an existing one to that.

    SQLite creates the -wal and -shm files beside it with the same permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)


class PrivateStore(SqliteStore):
    """A SqliteStore whose file is created 0600 before SQLite first opens it."""

    def __init__(self, path: Path) -> None:
        if state.url_of(Path(path)) is None:  # no file for a store in the shared state
            create_private(Path(path))
        super().__init__(path)


@dataclass(frozen=True)
class Session:
    """One signed-in browser (or wall screen)."""

    user: str
    created: float
    last_seen: float
    playlist: str | None
    stamp: str
    csrf: str

    @property
    def device(self) -> bool:
        return self.playlist is not None


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class SessionStore(PrivateStore):
    """Sessions in DATA_DIR/sessions.sqlite, shared by every worker; `clock` is injectable for tests."""

    FILE = "sessions.sqlite"

    SCHEMA = SCHEMA

    def __init__(self, path: Path, idle_hours: float = 8, max_days: float = 7,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(path)
        self.idle_seconds = float(idle_hours) * 3600
        self.max_seconds = float(max_days) * 86400
        self.clock = clock

    @classmethod
    def for_config(cls, config: Config) -> SessionStore:
        """The store of a config's data folder, with its idle timeout and lifetime."""
        return cls(config.data_path / cls.FILE, config.session_idle_hours, config.session_max_days)

    def create(self, user: str, stamp: str = "", playlist: str | None = None) -> str:
        """A new session; returns its id (for the cookie), which is stored only as a hash."""
        session_id, now = secrets.token_urlsafe(32), self.clock()
        self.purge()
        with self._connect() as con:
            con.execute('INSERT INTO sessions (digest, "user", created, last_seen, playlist, stamp, csrf) '
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (_digest(session_id), user, now, now, playlist, stamp, secrets.token_urlsafe(24)))
        return session_id

    def get(self, session_id: str) -> Session | None:
        """The live session of this id, or None (unknown, ended, idle too long or too old: then it is deleted)."""
        if not session_id or len(session_id) > 200:
            return None
        digest, now = _digest(session_id), self.clock()
        with self._connect() as con:
            row = con.execute('SELECT "user", created, last_seen, playlist, stamp, csrf FROM sessions '
                              "WHERE digest = ?", (digest,)).fetchone()
            if row is None:
                return None
            found = Session(*row)
            if not found.device and (now - found.last_seen > self.idle_seconds or now - found.created > self.max_seconds):
                con.execute("DELETE FROM sessions WHERE digest = ?", (digest,))
                return None
            if now - found.last_seen >= TOUCH_SECONDS:
                con.execute("UPDATE sessions SET last_seen = ? WHERE digest = ?", (now, digest))
        return found

    def end(self, session_id: str) -> None:
        """Log this session out: its cookie opens nothing from now on."""
        with self._connect() as con:
            con.execute("DELETE FROM sessions WHERE digest = ?", (_digest(session_id),))

    def end_user(self, user: str, keep_stamp: str | None = None) -> int:
        """End every session of a user (disabled, new password); with keep_stamp, those made under other credentials.

        Returns how many ended.
        """
        with self._connect() as con:
            if keep_stamp is None:
                return con.execute('DELETE FROM sessions WHERE "user" = ?', (user,)).rowcount
            return con.execute('DELETE FROM sessions WHERE "user" = ? AND stamp != ?', (user, keep_stamp)).rowcount

    def purge(self) -> int:
        """Delete people's sessions past their idle timeout or lifetime; returns how many."""
        now = self.clock()
        with self._connect() as con:
            return con.execute("DELETE FROM sessions WHERE playlist IS NULL AND (last_seen < ? OR created < ?)",
                               (now - self.idle_seconds, now - self.max_seconds)).rowcount

    def count(self, user: str | None = None) -> int:
        """How many sessions are stored (of one user)."""
        with self._connect() as con:
            if user is None:
                return con.execute("SELECT count(*) FROM sessions").fetchone()[0]
            return con.execute('SELECT count(*) FROM sessions WHERE "user" = ?', (user,)).fetchone()[0]
