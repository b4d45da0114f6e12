"""Counters against login abuse, in DATA_DIR/sessions.sqlite so every worker process shares them.

- `LoginLockout`: failed logins counted per (user name, client address). After MAX_FAILURES the pair is locked for
  LOCK_SECONDS; the same user at another address is not affected, so a stranger cannot lock someone out. Names that do
  not exist are counted the same way, so the lock message tells nothing about whether a user exists.
- `SqliteRateStorage`: a storage for the `limits` package (Flask-Limiter's counters) in the same file, registered under
  the scheme `vantage+sqlite://`, so the per-address request limit holds across gunicorn workers without a new service.
With `state_url` set, both live in the shared PostgreSQL database with the sessions (core/state.py).
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlparse

from limits.storage import Storage

from access.sessions import PrivateStore
from core.store import StoreError

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60

LOCKOUT_SCHEMA = """
CREATE TABLE IF NOT EXISTS login_failures (
    user TEXT NOT NULL,
    address TEXT NOT NULL,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0,
    last_failure REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (user, address)
);
"""
RATE_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_counters (
    key TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    expires REAL NOT NULL
);
"""


class LoginLockout(PrivateStore):
    """Failed logins per (user, address); `clock` is injectable for tests."""

    FILE = "sessions.sqlite"

    SCHEMA = LOCKOUT_SCHEMA

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        super().__init__(path)
        self.clock = clock

    def locked(self, user: str, address: str) -> bool:
        """Whether this user name may not try again from this address yet."""
        with self._connect() as con:
            row = con.execute('SELECT locked_until FROM login_failures WHERE "user" = ? AND address = ?',
                              (user, address)).fetchone()
        return row is not None and row[0] > self.clock()

    def failed(self, user: str, address: str) -> bool:
        """Count a failure; True when it locks the pair. Failures older than the lock time are forgotten."""
        now = self.clock()
        with self._connect() as con:
            row = con.execute('SELECT failures, last_failure FROM login_failures WHERE "user" = ? AND address = ?',
                              (user, address)).fetchone()
            failures = (row[0] if row is not None and now - row[1] < LOCK_SECONDS else 0) + 1
            lock = now + LOCK_SECONDS if failures >= MAX_FAILURES else 0.0
            con.execute('INSERT INTO login_failures ("user", address, failures, locked_until, last_failure) VALUES '
                        '(?, ?, ?, ?, ?) ON CONFLICT ("user", address) DO UPDATE SET '
                        "failures = excluded.failures, locked_until = excluded.locked_until, "
                        "last_failure = excluded.last_failure",
                        (user, address, 0 if lock else failures, lock, now))
        return bool(lock)

    def succeeded(self, user: str, address: str) -> None:
        """A right password from this address: its count starts over."""
        with self._connect() as con:
            con.execute('DELETE FROM login_failures WHERE "user" = ? AND address = ?', (user, address))


class _RateStore(PrivateStore):
    SCHEMA = RATE_SCHEMA


class SqliteRateStorage(Storage):
    """Fixed-window counters for Flask-Limiter in a SQLite file: `vantage+sqlite:///absolute/path/sessions.sqlite`."""

    STORAGE_SCHEME = ["vantage+sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: float | str | bool) -> None:
        path = unquote(urlparse(uri or "").path)
        if not path.strip("/"):
            raise ValueError(f"no file in the rate-limit storage address {uri!r}; write vantage+sqlite:///PATH")
        self._store = _RateStore(Path(path))
        super().__init__(uri, wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return StoreError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._store._connect() as con:
            con.execute("DELETE FROM rate_counters WHERE key = ? AND expires <= ?", (key, now))
            return con.execute("INSERT INTO rate_counters (key, count, expires) VALUES (?, ?, ?) ON CONFLICT (key) "
                               "DO UPDATE SET count = rate_counters.count + excluded.count RETURNING count",
                               (key, amount, now + expiry)).fetchone()[0]

    def get(self, key: str) -> int:
        with self._store._connect() as con:
            row = con.execute("SELECT count FROM rate_counters WHERE key = ? AND expires > ?",
                              (key, time.time())).fetchone()
        return row[0] if row else 0

    def get_expiry(self, key: str) -> float:
        with self._store._connect() as con:
            row = con.execute("SELECT expires FROM rate_counters WHERE key = ?", (key,)).fetchone()
        return row[0] if row else time.time()

    def check(self) -> bool:
        try:
            with self._store._connect() as con:
                con.execute("SELECT 1")
        except StoreError:
            return False
        return True

    def reset(self) -> int | None:
        with self._store._connect() as con:
            return con.execute("DELETE FROM rate_counters").rowcount

    def clear(self, key: str) -> None:
        with self._store._connect() as con:
            con.execute("DELETE FROM rate_counters WHERE key = ?", (key,))
