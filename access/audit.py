"""The audit trail: an append-only table of who logged in, saw, exported and sent which numbers."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from core.store import SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    what TEXT NOT NULL DEFAULT '',
    filters TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""


class AuditTrail(SqliteStore):
    """Append and read audit entries (SQLite, WAL: safe across worker processes)."""

    FILE = "audit.sqlite"

    SCHEMA = SCHEMA

    def record(self, user: str, action: str, what: str = "", filters: Any = None, address: str = "") -> None:
        """Append one entry; filters are stored as JSON."""
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        text = json.dumps(filters, sort_keys=True, default=str) if filters not in (None, "") else ""
        with self.transaction() as con:
            con.execute("INSERT INTO audit (at, user, action, what, filters, address) VALUES (?, ?, ?, ?, ?, ?)",
                        (stamp, user, action, what, text, address))

    def entries(self, since: str | None = None, user: str | None = None) -> list[dict[str, Any]]:
        """Entries oldest first, optionally since a date/time (ISO) and for one user."""
        sql, params = "SELECT id, at, user, action, what, filters, address FROM audit WHERE 1=1", []
        if since:
            sql += " AND at >= ?"
            params.append(since)
        if user:
            sql += " AND user = ?"
            params.append(user)
        with self.connection() as con:
            rows = con.execute(sql + " ORDER BY id", params).fetchall()
        keys = ("id", "at", "user", "action", "what", "filters", "address")
        return [dict(zip(keys, row)) for row in rows]
