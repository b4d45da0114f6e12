"""The outbox: every snapshot send is a row in SQLite (WAL), so nothing is lost and nothing is sent twice.

- A row is one occurrence of a snapshot for one language's recipients. (idempotency key, language) is UNIQUE:
  the same occurrence is never queued twice, whoever queues it.
- The rendered message is stored with the row, so a retry sends the same bytes with the same Message-ID.
- Senders claim a row inside a write transaction (BEGIN IMMEDIATE) with a lease; a process killed mid-send
  leaves a lease that expires, and the row is retried (the Message-ID lets mail clients drop the duplicate).
- schedule_state keeps how far each schedule has been checked, so a restart catches up what fell due meanwhile.
With `state_url` set, the tables live in the shared PostgreSQL database, and a claim takes the outbox's advisory lock
there: machines sharing it send each occurrence once between them.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from core.state import StateError
from core.store import SqliteStore, immediate, present, read_only

STATUSES = ("pending", "sent", "held", "failed")
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY,
    snapshot TEXT NOT NULL,
    occurrence TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    language TEXT NOT NULL,
    due_at TEXT NOT NULL,
    queued_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ({", ".join(f"'{s}'" for s in STATUSES)})),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    late TEXT NOT NULL DEFAULT '',
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    message_id TEXT NOT NULL,
    message BLOB,
    numbers TEXT NOT NULL DEFAULT '{{}}',
    sent_at TEXT,
    UNIQUE (idempotency_key, language)
);
CREATE INDEX IF NOT EXISTS outbox_ready ON outbox (status, next_attempt_at);
CREATE TABLE IF NOT EXISTS schedule_state (snapshot TEXT PRIMARY KEY, checked_until TEXT NOT NULL);
"""
ROW_COLUMNS = ("id, snapshot, occurrence, idempotency_key, language, due_at, status, attempts, next_attempt_at, "
               "last_error, problems, late, sender, recipients, message_id, message, sent_at")
# The numbers of the snapshot's last sent occurrence other than this one.
PREVIOUS = ("SELECT numbers, sent_at FROM outbox WHERE snapshot = ? AND status = 'sent' AND idempotency_key != ? "
            "ORDER BY sent_at DESC, id DESC LIMIT 1")


def stamp(moment: datetime) -> str:
    """A UTC time as fixed-width text, so SQL compares times by comparing strings."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def unstamp(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def idempotency_key(snapshot: str, occurrence: str) -> str:
    return f"{snapshot}@{occurrence}"


@dataclass(frozen=True)
class Entry:
    """A row to queue: one occurrence for one language's recipients."""

    snapshot: str
    occurrence: str
    language: str
    due_at: datetime
    status: str
    sender: str
    recipients: list[str]
    message_id: str
    message: bytes | None
    numbers: dict[str, Any] = field(default_factory=dict)
    problems: str = ""
    late: str = ""
    last_error: str = ""

    @property
    def key(self) -> str:
        return idempotency_key(self.snapshot, self.occurrence)


@dataclass(frozen=True)
class Row:
    """A row as stored."""

    id: int
    snapshot: str
    occurrence: str
    key: str
    language: str
    due_at: str
    status: str
    attempts: int
    next_attempt_at: str
    last_error: str
    problems: str
    late: str
    sender: str
    recipients: list[str]
    message_id: str
    message: bytes | None
    sent_at: str | None


class Outbox(SqliteStore):
    """The outbox database at a path (created on first use), with one connection held for the sender's life."""

    FILE = "outbox.sqlite"
    SCHEMA = SCHEMA
    PRAGMAS = ("synchronous=FULL",)  # a 'sent' mark must survive a power cut

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.db = self.connect()

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A write transaction taken at once (BEGIN IMMEDIATE) on the held connection, so two senders never read
        the same claim."""
        with immediate(self.db):
            yield self.db

    # -- queueing ----------------------------------------------------------------------------------------------
    def queued(self, key: str) -> bool:
        return self.db.execute("SELECT 1 FROM outbox WHERE idempotency_key = ?", (key,)).fetchone() is not None

    def enqueue(self, entries: list[Entry], now: datetime, checked: tuple[str, datetime] | None = None) -> int:
        """Queue rows (an occurrence already queued is ignored) and, in the same transaction, advance a schedule."""
        inserted = 0
        with self.transaction() as db:
            for e in entries:
                cursor = db.execute(
                    "INSERT INTO outbox (snapshot, occurrence, idempotency_key, language, due_at, queued_at,"
                    " status, next_attempt_at, last_error, problems, late, sender, recipients, message_id, message,"
                    " numbers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (e.snapshot, e.occurrence, e.key, e.language, stamp(e.due_at), stamp(now), e.status, stamp(now),
                     e.last_error, e.problems, e.late, e.sender, json.dumps(e.recipients), e.message_id, e.message,
                     json.dumps(e.numbers)))
                inserted += cursor.rowcount
            if checked is not None:
                self._set_checked(db, *checked)
        return inserted

    def checked_until(self, snapshot: str) -> datetime | None:
        row = self.db.execute("SELECT checked_until FROM schedule_state WHERE snapshot = ?", (snapshot,)).fetchone()
        return unstamp(row[0]) if row else None

    def set_checked_until(self, snapshot: str, moment: datetime) -> None:
        with self.transaction() as db:
            self._set_checked(db, snapshot, moment)

    @staticmethod
    def _set_checked(db: Any, snapshot: str, moment: datetime) -> None:
        # Never backwards: a process with a clock behind another's must not re-open what was checked.
        db.execute("INSERT INTO schedule_state (snapshot, checked_until) VALUES (?, ?) ON CONFLICT (snapshot) "
                   "DO UPDATE SET checked_until = CASE WHEN excluded.checked_until > schedule_state.checked_until "
                   "THEN excluded.checked_until ELSE schedule_state.checked_until END",
                   (snapshot, stamp(moment)))

    # -- sending -----------------------------------------------------------------------------------------------
    def claim(self, now: datetime, lease_until: datetime, key: str | None = None) -> Row | None:
        """Take the oldest pending row that is due and not claimed by a live sender; counts the attempt."""
        ready = ("status = 'pending' AND next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until <= :now)"
                 + (" AND idempotency_key = :key" if key else ""))
        with self.transaction() as db:
            found = db.execute(f"SELECT id FROM outbox WHERE {ready} ORDER BY due_at, id LIMIT 1",
                               {"now": stamp(now), "key": key}).fetchone()
            if found is None:
                return None
            db.execute("UPDATE outbox SET claimed_until = ?, attempts = attempts + 1 WHERE id = ?",
                       (stamp(lease_until), found[0]))
        return self.row(found[0])

    def mark_sent(self, row_id: int, now: datetime, note: str = "") -> None:
        with self.transaction() as db:
            db.execute("UPDATE outbox SET status = 'sent', sent_at = ?, claimed_until = NULL, last_error = ? "
                       "WHERE id = ?", (stamp(now), note, row_id))

    def mark_retry(self, row_id: int, error: str, next_attempt: datetime) -> None:
        with self.transaction() as db:
            db.execute("UPDATE outbox SET next_attempt_at = ?, claimed_until = NULL, last_error = ? WHERE id = ?",
                       (stamp(next_attempt), error, row_id))

    def mark_failed(self, row_id: int, error: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE outbox SET status = 'failed', claimed_until = NULL, last_error = ? WHERE id = ?",
                       (error, row_id))

    # -- reading -----------------------------------------------------------------------------------------------
    def row(self, row_id: int) -> Row:
        return self._rows("WHERE id = ?", (row_id,))[0]

    def rows(self, key: str | None = None, limit: int = 500) -> list[Row]:
        """Rows newest first (all, or one occurrence's)."""
        where, args = ("WHERE idempotency_key = ?", (key,)) if key else ("", ())
        return self._rows(f"{where} ORDER BY due_at DESC, id DESC LIMIT {int(limit)}", args)

    def previous_numbers(self, snapshot: str, key: str) -> tuple[dict[str, Any], str] | None:
        """The numbers and send time of the snapshot's last sent occurrence before this one."""
        found = self.db.execute(PREVIOUS, (snapshot, key)).fetchone()
        return (json.loads(found[0]), found[1]) if found else None

    def _rows(self, tail: str, args: tuple) -> list[Row]:
        return _select_rows(self.db, tail, args)


def _select_rows(db: Any, tail: str, args: tuple) -> list[Row]:
    out = []
    for r in db.execute(f"SELECT {ROW_COLUMNS} FROM outbox {tail}", args).fetchall():
        values = list(r)
        values[13] = json.loads(values[13])
        out.append(Row(*values))
    return out


def read_previous(path: Path, snapshot: str, key: str) -> tuple[dict[str, Any], str] | None:
    """previous_numbers without creating or writing the database (for previews)."""
    if not present(path):
        return None
    with read_only(path) as db:
        try:
            found = db.execute(PREVIOUS, (snapshot, key)).fetchone()
        except (sqlite3.OperationalError, StateError):  # a file without the outbox table: nothing was sent from it
            return None
    return (json.loads(found[0]), found[1]) if found else None


def read_rows(path: Path, limit: int = 500) -> list[Row]:
    """All rows, newest first, without creating or writing the database."""
    if not present(path):
        return []
    with read_only(path) as db:
        try:
            return _select_rows(db, f"ORDER BY due_at DESC, id DESC LIMIT {int(limit)}", ())
        except (sqlite3.OperationalError, StateError):  # a file without the outbox table: nothing was queued in it
            return []
