"""Wall-screen device tokens: long-lived, read-only, one playlist each, revocable; stored only as hashes."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

from access.roles import Role, Viewer
from core.errors import UsageError
from core.store import Conflict, SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    digest TEXT NOT NULL UNIQUE,
    playlist TEXT NOT NULL,
    created TEXT NOT NULL,
    revoked TEXT,
    last_used TEXT
);
"""


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class TokenStore(SqliteStore):
    """Device tokens in SQLite beside the data."""

    FILE = "tokens.sqlite"

    SCHEMA = SCHEMA

    def create(self, name: str, playlist: str) -> str:
        """A new token for a screen; the token itself is returned once and never stored."""
        token = secrets.token_urlsafe(32)
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction() as con:
            try:
                con.execute("INSERT INTO tokens (name, digest, playlist, created) VALUES (?, ?, ?, ?)",
                            (name, _digest(token), playlist, stamp))
            except Conflict:
                raise UsageError(f"a token named '{name}' exists already", "wall-token create",
                                 "revoke it first or choose another name") from None
        return token

    def revoke(self, name: str) -> None:
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with self.transaction() as con:
            changed = con.execute("UPDATE tokens SET revoked = ? WHERE name = ? AND revoked IS NULL",
                                  (stamp, name)).rowcount
        if not changed:
            raise UsageError(f"no active token named '{name}'", "wall-token revoke", "see `wall-token list`")

    def list(self) -> list[tuple[str, str, str, str, str]]:
        with self.connection() as con:
            rows = con.execute("SELECT name, playlist, created, coalesce(revoked, ''), coalesce(last_used, '') "
                               "FROM tokens ORDER BY name").fetchall()
        return [tuple(r) for r in rows]

    def device(self, token: str) -> tuple[Viewer, str] | None:
        """The device viewer and its playlist for a valid, unrevoked token; None otherwise."""
        if not token:
            return None
        with self.transaction() as con:
            row = con.execute("SELECT name, playlist FROM tokens WHERE digest = ? AND revoked IS NULL",
                              (_digest(token),)).fetchone()
            if row is None:
                return None
            con.execute("UPDATE tokens SET last_used = ? WHERE name = ?",
                        (datetime.now(timezone.utc).isoformat(timespec="seconds"), row[0]))
        return Viewer(f"device:{row[0]}", Role.DEVICE), row[1]
