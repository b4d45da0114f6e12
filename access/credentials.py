"""Password checks for the login page that tell nothing by their answer or their timing, and the credential stamp that
ends a user's sessions when the password changes.

`verify` does the same work whether or not the user exists (one scrypt, against a dummy hash for unknown names) and
keeps no per-user failure count: lockout is counted per (user, address) in access/throttle.py, so a stranger cannot
lock someone out from elsewhere. It reads the user store's table directly because access/users.py offers no method
that checks a password without counting a failure against the user; the columns read are name, password, role,
department and disabled.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from functools import cache

from access.roles import Role, Viewer
from access.users import UserStore, check_password, hash_password


@dataclass(frozen=True)
class Account:
    """A user as the gate needs them: the viewer, whether disabled, and a stamp of their current password."""

    viewer: Viewer
    disabled: bool
    stamp: str


@cache
def _dummy_hash() -> str:
    """A hash no password matches, made once per process, so an unknown name costs one scrypt like a known one."""
    return hash_password(secrets.token_urlsafe(24))


def warm() -> None:
    """Make the dummy hash now (at start-up) rather than during the first login with an unknown name."""
    _dummy_hash()


def stamp(stored_hash: str) -> str:
    """A short digest of a stored password hash: it changes with every new password (a new salt each time)."""
    return hashlib.sha256(stored_hash.encode()).hexdigest()[:24]


def _row(users: UserStore, name: str) -> tuple[str, str, str | None, int] | None:
    with users.connection() as con:  # the SQLite file, or the shared state's table (state_url)
        found: tuple[str, str, str | None, int] | None = con.execute(
            "SELECT password, role, department, disabled FROM users WHERE name = ?", (name,)).fetchone()
    return found


def account(users: UserStore, name: str) -> Account | None:
    """The account of a user name, or None when there is no such user."""
    row = _row(users, name) if name else None
    if row is None:
        return None
    stored, role, department, disabled = row
    return Account(Viewer(name, Role(role), department), bool(disabled), stamp(stored))


def verify(users: UserStore, name: str, password: str) -> Account | None:
    """The account when the name and password are right and the user is enabled; None otherwise.

    One scrypt whatever the outcome: unknown names are checked against a dummy hash, disabled users' passwords are
    checked too, so neither the answer nor its time says whether a name exists.
    """
    row = _row(users, name) if name else None
    stored = row[0] if row is not None else _dummy_hash()
    matches = check_password(password, stored)
    if row is None or row[3] or not matches:
        return None
    return Account(Viewer(name, Role(row[1]), row[2]), False, stamp(stored))
