"""The audit trail: an append-only, hash-chained table of who logged in, saw, exported or was refused which numbers.

Every row carries a SHA-256 hash over the previous row's hash and its own fields, so a row edited, removed or put in
afterwards breaks the chain there: `verify()` (`python app.py audit verify`) names the first broken link. Triggers
stop edits through SQLite on the live file (on the shared state's PostgreSQL, triggers created by its migration
refuse UPDATE, DELETE and TRUNCATE, and writers take turns under an advisory lock); the chain shows the edits made
around them (on a copy whose triggers were dropped, say). The hash has no key: whoever rewrites a row and every
hash after it is not caught, so an archive of the trail (or of its last hash) kept elsewhere is what anchors it.

A row that cannot be written raises AuditUnavailable, so what it would record is not shown; the server log says
which folder and why (full, read-only, locked).
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping, NamedTuple, Sequence

from core.errors import AuditUnavailable, UsageError
from core.store import SqliteStore, StoreError, immediate, local_fault, present, read_only

NO_UPDATE = """CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"""
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    what TEXT NOT NULL DEFAULT '',
    filters TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL DEFAULT '',  -- why a request was refused (`denied` rows)
    hash TEXT NOT NULL DEFAULT ''     -- sha256 over the previous row's hash and this row's fields (link())
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
{NO_UPDATE}
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""
# The fields a row's hash covers, in this order; the column `hash` follows them.
FIELDS = ("id", "at", "user", "action", "what", "filters", "address", "reason")
COLUMNS = (*FIELDS, "hash")
SELECTED = ", ".join(f'"{c}"' if c == "user" else c for c in FIELDS)  # "user" is a keyword in PostgreSQL
ADDED_COLUMNS = ("reason", "hash")  # columns a file written before them gets on first open
LOG_EVERY_SECONDS = 60.0  # a failing audit is logged once a minute per cause, not once per refused view
log = logging.getLogger("vantage.audit")
_logged: dict[str, float] = {}


def link(previous: str, row: Sequence[Any]) -> str:
    """The hash of a row: SHA-256 over the previous row's hash ("" for the first) and the row's FIELDS."""
    return hashlib.sha256(json.dumps([previous, *row], ensure_ascii=False).encode()).hexdigest()


class AuditTrail(SqliteStore):
    """Append and read audit entries (SQLite, WAL: safe across worker processes)."""

    FILE = "audit.sqlite"

    SCHEMA = SCHEMA

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self._chain_unchained()

    def record(self, user: str, action: str, what: str = "", filters: Any = None, address: str = "",
               reason: str = "") -> None:
        """Append one entry, chained to the one before; filters are stored as JSON. AuditUnavailable when it cannot
        be written."""
        self.record_many(user, address, [Entry(action, what, filters, reason)])

    def record_many(self, user: str, address: str, entries: Sequence[Entry]) -> None:
        """Append entries of one viewer in one transaction (one wait for the disk), each chained to the one before.
        AuditUnavailable when they cannot be written: then none is."""
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        insert = f"INSERT INTO audit ({SELECTED}, hash) VALUES ({', '.join('?' * len(COLUMNS))})"
        try:
            with self.transaction() as con:
                last = con.execute("SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
                row_id, previous = last if last else (0, "")
                for entry in entries:
                    row_id += 1
                    what = "" if entry.what is None else str(entry.what)  # whatever a hand-made request named
                    row = (row_id, stamp, user, entry.action, what, _json(entry.filters), address, entry.reason)
                    previous = link(previous, row)
                    con.execute(insert, (*row, previous))
        except (*StoreError, OSError) as exc:
            raise self.unavailable(exc) from exc

    def entries(self, since: str | None = None, user: str | None = None) -> list[dict[str, Any]]:
        """Entries oldest first, optionally since a date/time (ISO) and for one user."""
        shown = FIELDS
        sql, params = f"SELECT {SELECTED} FROM audit WHERE 1=1", []
        if since:
            sql += " AND at >= ?"
            params.append(since)
        if user:
            sql += ' AND "user" = ?'
            params.append(user)
        with self.connection() as con:
            rows = con.execute(sql + " ORDER BY id", params).fetchall()
        return [dict(zip(shown, row)) for row in rows]

    def unavailable(self, exc: BaseException) -> AuditUnavailable:
        """The error for a row that could not be written, logged (with the folder and why) for the administrator."""
        folder = self.path.parent
        why = (None if self.state_url else local_fault(exc, folder)) or getattr(exc, "what", None) or str(exc) \
            or type(exc).__name__
        place = "the shared state (state_url)" if self.state_url else folder
        message = f"the audit trail in {place} cannot be written: {why}"
        cause = "state_url" if self.state_url else message  # a database restarting fails several ways: one line a minute
        now = time.monotonic()
        if now - _logged.get(cause, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
            _logged[cause] = now
            log.error("%s (%s); views are refused until it can be written", message,
                      type(exc).__name__ if self.state_url else exc)
        fix = ("check that the PostgreSQL of state_url is running and reachable" if self.state_url else
               f"free space in {folder}, make it writable, or end what holds the lock")
        return AuditUnavailable(f"the audit trail cannot be written: {why}", str(self.path),
                                f"{fix}; views are shown again as soon as a row can be written")

    def _chain_unchained(self) -> None:
        """Give the columns a file written before them lacks, and hash the rows written before the chain (the tail
        of rows without a hash), in order. A row without a hash between chained ones stays as it is: verify() names
        it. The shared state's table has them from its first revision on."""
        if self.state_url:
            return
        with self.connection() as con:
            if _columns(con) >= set(ADDED_COLUMNS):
                last = con.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
                if last is None or last[0]:
                    return
        with self.connection() as con, immediate(con):
            for name in sorted(set(ADDED_COLUMNS) - _columns(con)):
                con.execute(f"ALTER TABLE audit ADD COLUMN {name} TEXT NOT NULL DEFAULT ''")
            chained = con.execute("SELECT id, hash FROM audit WHERE hash != '' ORDER BY id DESC LIMIT 1").fetchone()
            previous, after = (chained[1], chained[0]) if chained else ("", 0)
            rows = con.execute(f"SELECT {', '.join(FIELDS)} FROM audit WHERE id > ? ORDER BY id", (after,)).fetchall()
            con.execute("DROP TRIGGER IF EXISTS audit_no_update")  # put back below, in the same transaction
            for row in rows:
                previous = link(previous, row)
                con.execute("UPDATE audit SET hash = ? WHERE id = ?", (previous, row[0]))
            con.execute(NO_UPDATE)


class Entry(NamedTuple):
    """One audit row as its writer gives it (who, where and when are added by the trail)."""

    action: str
    what: str = ""
    filters: Any = None
    reason: str = ""


@dataclass(frozen=True)
class Recorder:
    """The audit rows of one viewer at one address. It holds no request, so the worker threads a request asks the
    engine in may use it too (a scoped engine reports its refusals to it: `refused`).

    With `pending` (a list), rows are kept there and written together by `flush` before the answer leaves (one
    transaction per request instead of one per tile); without it, each is written at once.
    """

    trail: AuditTrail
    user: str
    address: str = ""
    pending: list[Entry] | None = None

    def record(self, action: str, what: str = "", filters: Any = None, reason: str = "") -> None:
        """Write (or keep for `flush`) one row; AuditUnavailable when it is written now and cannot be."""
        entry = Entry(action, what, filters, reason)
        if self.pending is None:
            self.trail.record_many(self.user, self.address, [entry])
        else:
            self.pending.append(entry)  # list.append is atomic: worker threads of the request may add too

    def refused(self, asked: str, filters: Mapping[str, Any] | None, reason: str) -> None:
        """A `denied` row: who, what was asked, with which filters, and why."""
        self.record("denied", asked, filters, reason)

    def flush(self, shown: bool) -> None:
        """Write the kept rows in one transaction: refusals always, the others (views, exports) only when the answer
        is shown. AuditUnavailable when they cannot be written (the answer must not be shown then)."""
        if not self.pending:
            return
        kept = list(self.pending)
        self.pending.clear()
        entries = [e for e in kept if shown or e.action == "denied"]
        if entries:
            self.trail.record_many(self.user, self.address, entries)


@dataclass(frozen=True)
class Verdict:
    """What verify() found: how many rows, and the first broken link (None: intact)."""

    rows: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    def __str__(self) -> str:
        if self.intact:
            return f"audit trail intact ({self.rows} rows)"
        return f"audit trail broken at row {self.broken_at}: {self.problem}"


def verify(path: Path) -> Verdict:
    """Walk the chain of an audit file, read-only (it changes nothing, and chains nothing), to its first broken link:
    a row missing, a row without a hash, or a row whose hash does not follow from the one before and its fields."""
    if not present(path):
        raise UsageError(f"no audit trail at {path}", "audit verify", "give the --data-dir (or --config) of the server")
    with read_only(path) as con:
        sqlite = isinstance(con, sqlite3.Connection)  # else the shared state, chained from its first row
        if sqlite and "hash" not in _columns(con):
            count = con.execute("SELECT count(*) FROM audit").fetchone()[0]
            return Verdict(count, 1 if count else None, "the rows are not chained yet (written before the chain); "
                           "run `python app.py audit` once to chain them") if count else Verdict(0)
        previous, last_id, count = "", 0, 0
        for row in con.execute(f"SELECT {SELECTED}, hash FROM audit ORDER BY id"):
            fields, stored, row_id = row[:-1], row[-1], row[0]
            count += 1
            if row_id != last_id + 1:
                return Verdict(count, row_id, f"rows {last_id + 1} to {row_id - 1} are missing (ids jump from "
                                              f"{last_id} to {row_id})")
            if not stored:
                return Verdict(count, row_id, "it has no hash: it was put in without the chain")
            if link(previous, fields) != stored:
                rewritten = f", or the hash of row {last_id} was rewritten" if last_id else ""
                return Verdict(count, row_id, f"its fields differ from those its hash was computed over (edited after "
                                              f"it was written{rewritten}); it now reads {_described(fields)}")
            previous, last_id = stored, row_id
        # Ids given out past the last row (SQLite's AUTOINCREMENT); the shared state refuses deletes outright.
        given = con.execute("SELECT seq FROM sqlite_sequence WHERE name = 'audit'").fetchone() if sqlite else None
        if given and given[0] > last_id:
            return Verdict(count, last_id + 1, f"the rows after {last_id} are missing (ids were given out up to "
                                               f"{given[0]})")
    return Verdict(count)


def _json(filters: Any) -> str:
    return json.dumps(filters, sort_keys=True, default=str) if filters not in (None, "") else ""


def _columns(con: sqlite3.Connection) -> set[str]:
    return {row[1] for row in con.execute("PRAGMA table_info(audit)")}


def _described(fields: Sequence[Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in zip(FIELDS[1:], fields[1:]))
