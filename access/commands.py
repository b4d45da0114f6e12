"""The access commands of the CLI: people (user), wall screens (wall-token) and the audit trail (audit, audit verify).

Each returns what the command prints: a message, or a table's header and rows for the CLI to lay out.
"""
from __future__ import annotations

from typing import Any, Callable

from access.audit import AuditTrail, Verdict, verify
from access.sessions import SessionStore
from access.tokens import TokenStore
from access.users import UserStore
from config.settings import Config
from core.errors import UsageError

USER_COLUMNS = ["user", "role", "department", "disabled"]
TOKEN_COLUMNS = ["screen", "playlist", "created", "revoked", "last_used"]
AUDIT_COLUMNS = ["id", "at", "user", "action", "what", "filters", "address", "reason"]


def users_table(config: Config) -> list[list[Any]]:
    return [list(u) for u in _users(config).list()]


def change_user(config: Config, action: str, name: str | None, role: str | None, department: str | None,
                password: Callable[[], str]) -> str:
    """add, passwd, disable or enable a user; `password` asks for one only when the action needs it.

    Disabling a user or changing their password ends every session they have, for good: enabling them again
    revives none of them.
    """
    if not name:
        raise UsageError(f"user {action} needs a user name", "user", f"run: python app.py user {action} NAME")
    users = _users(config)
    if action in ("disable", "enable"):
        users.set_disabled(name, action == "disable")
        ended = SessionStore.for_config(config).end_user(name) if action == "disable" else 0
        return f"user {name} {action}d" + (f"; {ended} session(s) ended" if ended else "")
    if action == "add":
        if not role:
            raise UsageError("user add needs --role", "user add", "give --role executive|pmo|department_lead|admin")
        users.add(name, password(), role, department)
        return f"user {name} added as {role}" + (f" of {department}" if department else "")
    users.set_password(name, password())
    ended = SessionStore.for_config(config).end_user(name)
    return f"password of {name} changed" + (f"; {ended} session(s) ended" if ended else "")


def tokens_table(config: Config) -> list[list[Any]]:
    return [list(t) for t in _tokens(config).list()]


def change_token(config: Config, action: str, name: str | None, playlist: str | None) -> str:
    """create (the screen's address, shown once) or revoke a wall screen's token."""
    if not name:
        raise UsageError(f"wall-token {action} needs a screen name", "wall-token",
                         f"run: python app.py wall-token {action} NAME")
    tokens = _tokens(config)
    if action == "revoke":
        tokens.revoke(name)
        return f"token of {name} revoked; the screen loses access at its next refresh"
    if not playlist:
        raise UsageError("wall-token create needs --playlist", "wall-token create", "give --playlist NAME")
    if playlist not in config.playlists:
        raise UsageError(f"no playlist '{playlist}' in {config.path}", "wall-token create --playlist",
                         f"declare [playlists.{playlist}] or use one of: {', '.join(config.playlists) or 'none'}")
    return f"{config.public_url.rstrip('/')}/wall/{playlist}?token={tokens.create(name, playlist)}"


def audit_table(config: Config, since: str | None, user: str | None) -> list[list[Any]]:
    entries = AuditTrail.in_folder(config.data_path).entries(since, user)
    return [[e[k] for k in AUDIT_COLUMNS] for e in entries]


def verify_audit(config: Config) -> Verdict:
    """The audit trail's hash chain checked, read-only: intact, or its first broken link."""
    return verify(config.data_path / AuditTrail.FILE)


def _users(config: Config) -> UserStore:
    return UserStore.in_folder(config.data_path)


def _tokens(config: Config) -> TokenStore:
    return TokenStore.in_folder(config.data_path)
