"""The user store: scrypt-hashed passwords, roles, departments, lockout after repeated failures."""
from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from access.roles import Role, Viewer
from core.errors import UsageError
from core.store import Conflict, SqliteStore

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    password TEXT NOT NULL,
    role TEXT NOT NULL,
    department TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    failures INTEGER NOT NULL DEFAULT 0,
    locked_until REAL NOT NULL DEFAULT 0
);
"""
MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    """scrypt (RFC 7914) with a random salt, stored with its parameters."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


class LoginRefused(Exception):
    """Why a login failed, in words safe to show (never whether the user exists)."""


class UserStore(SqliteStore):
    """Users in SQLite beside the data (or in the shared state); shared by every worker."""

    FILE = "users.sqlite"

    SCHEMA = SCHEMA

    def add(self, name: str, password: str, role: str, department: str | None = None) -> None:
        try:
            parsed = Role(role)
        except ValueError:
            raise UsageError(f"unknown role '{role}'", "user add --role",
                             f"use one of: {', '.join(r.value for r in Role if r is not Role.DEVICE)}") from None
        if parsed is Role.DEVICE:
            raise UsageError("devices are not users", "user add --role", "create a wall token instead")
        if parsed is Role.DEPARTMENT_LEAD and not department:
            raise UsageError("a department lead needs a department", "user add", "add --department DEPARTMENT")
        _check_password_strength(password)
        with self.transaction() as con:
            try:
                con.execute("INSERT INTO users (name, password, role, department) VALUES (?, ?, ?, ?)",
                            (name, hash_password(password), parsed.value, department))
            except Conflict:
                raise UsageError(f"user '{name}' exists already", "user add", "use `user passwd` to change it") from None

    def set_password(self, name: str, password: str) -> None:
        _check_password_strength(password)
        with self.transaction() as con:
            changed = con.execute("UPDATE users SET password = ?, failures = 0, locked_until = 0 WHERE name = ?",
                                  (hash_password(password), name)).rowcount
        if not changed:
            raise UsageError(f"no user '{name}'", "user passwd", "check the name with `user list`")

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        with self.transaction() as con:
            changed = con.execute("UPDATE users SET disabled = ? WHERE name = ?", (int(disabled), name)).rowcount
        if not changed:
            raise UsageError(f"no user '{name}'", "user disable", "check the name with `user list`")

    def list(self) -> list[tuple[str, str, str, bool]]:
        with self.connection() as con:
            rows = con.execute("SELECT name, role, coalesce(department, ''), disabled FROM users ORDER BY name")
            return [(n, r, d, bool(x)) for n, r, d, x in rows]

    def viewer(self, name: str) -> Viewer | None:
        """The viewer of an active session, or None when the user was disabled or removed since."""
        with self.connection() as con:
            row = con.execute("SELECT role, department, disabled FROM users WHERE name = ?", (name,)).fetchone()
        if row is None or row[2]:
            return None
        return Viewer(name, Role(row[0]), row[1])

    def authenticate(self, name: str, password: str, now: float | None = None) -> Viewer:
        """The viewer for right credentials; LoginRefused otherwise (and lockout after repeated failures)."""
        now = time.time() if now is None else now
        refused = ""
        # Decide inside the transaction, raise after it: an exception inside would roll back the failure count.
        with self.transaction() as con:
            row = con.execute("SELECT password, role, department, disabled, failures, locked_until FROM users "
                              "WHERE name = ?", (name,)).fetchone()
            if row is None:
                check_password(password, hash_password("x"))  # same work whether or not the user exists
                refused = "wrong user name or password"
            else:
                stored, role, department, disabled, failures, locked_until = row
                if locked_until > now:
                    refused = "too many failed attempts: try again in 15 minutes"
                elif disabled or not check_password(password, stored):
                    failures += 1
                    lock = now + LOCK_SECONDS if failures >= MAX_FAILURES else 0
                    con.execute("UPDATE users SET failures = ?, locked_until = ? WHERE name = ?",
                                (0 if lock else failures, lock, name))
                    refused = "wrong user name or password"
                else:
                    con.execute("UPDATE users SET failures = 0, locked_until = 0 WHERE name = ?", (name,))
        if refused:
            raise LoginRefused(refused)
        return Viewer(name, Role(role), department)


def _check_password_strength(password: str) -> None:
    if len(password) < 10:
        raise UsageError("the password is shorter than 10 characters", "user password",
                         "choose a longer password (a passphrase is easiest)")
