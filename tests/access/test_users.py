"""Users, passwords, lockout and the append-only audit trail."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from access.audit import AuditTrail
from access.roles import Role
from access.users import MAX_FAILURES, LoginRefused, UserStore, check_password, hash_password
from core.errors import UsageError


def test_passwords_are_salted_scrypt_hashes() -> None:
    a, b = hash_password("correct horse battery"), hash_password("correct horse battery")
    assert a != b and a.startswith("scrypt$16384$8$1$") and "correct" not in a
    assert check_password("correct horse battery", a) and not check_password("wrong horse battery", a)


def test_authenticate_roles_and_department(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.sqlite")
    users.add("alice", "correct horse battery", "department_lead", "finance")
    viewer = users.authenticate("alice", "correct horse battery")
    assert (viewer.role, viewer.department, viewer.scope.department) == (Role.DEPARTMENT_LEAD, "finance", "finance")
    with pytest.raises(LoginRefused, match="wrong user name or password"):
        users.authenticate("alice", "nope nope nope")
    with pytest.raises(LoginRefused, match="wrong user name or password"):
        users.authenticate("mallory", "correct horse battery")


def test_lockout_after_repeated_failures(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.sqlite")
    users.add("bob", "correct horse battery", "executive")
    for _ in range(MAX_FAILURES):
        with pytest.raises(LoginRefused):
            users.authenticate("bob", "wrong password!", now=1000.0)
    with pytest.raises(LoginRefused, match="too many failed attempts"):
        users.authenticate("bob", "correct horse battery", now=1001.0)
    assert users.authenticate("bob", "correct horse battery", now=1000.0 + 16 * 60).name == "bob"


def test_disabled_user_cannot_log_in_or_keep_a_session(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.sqlite")
    users.add("carol", "correct horse battery", "pmo")
    users.set_disabled("carol")
    assert users.viewer("carol") is None
    with pytest.raises(LoginRefused):
        users.authenticate("carol", "correct horse battery")


@pytest.mark.parametrize("args, message", [
    (("dave", "short", "executive"), "shorter than 10"),
    (("dave", "correct horse battery", "boss"), "unknown role 'boss'"),
    (("dave", "correct horse battery", "department_lead"), "needs a department"),
])
def test_bad_user_input(tmp_path: Path, args: tuple, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        UserStore(tmp_path / "users.sqlite").add(*args)


def test_audit_trail_is_append_only(tmp_path: Path) -> None:
    trail = AuditTrail(tmp_path / "audit.sqlite")
    trail.record("alice", "view", "data_accuracy", {"period": "month", "department": "finance"})
    trail.record("bob", "export", "data_accuracy.csv")
    assert [e["action"] for e in trail.entries()] == ["view", "export"]
    assert trail.entries(user="alice")[0]["filters"] == '{"department": "finance", "period": "month"}'
    con = sqlite3.connect(tmp_path / "audit.sqlite")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        con.execute("UPDATE audit SET user = 'mallory'")
