"""Server-side sessions, the credential stamp, the (user, address) lockout and the shared rate-limit counters."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from access import credentials
from access.sessions import SessionStore
from access.throttle import LOCK_SECONDS, MAX_FAILURES, LoginLockout
from access.users import UserStore

HOUR = 3600.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_cookie_id_opens_its_session_and_the_file_holds_only_its_hash(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.sqlite")
    session_id = store.create("erin", stamp="s1")
    found = store.get(session_id)
    assert found is not None and (found.user, found.stamp, found.device) == ("erin", "s1", False)
    assert session_id.encode() not in (tmp_path / "sessions.sqlite").read_bytes()
    assert store.get("forged") is None and store.get("") is None and store.get("x" * 10_000) is None
    assert stat.S_IMODE((tmp_path / "sessions.sqlite").stat().st_mode) == 0o600


def test_an_idle_session_ends_after_the_idle_hours(tmp_path: Path) -> None:
    clock = Clock()
    store = SessionStore(tmp_path / "sessions.sqlite", idle_hours=8, max_days=7, clock=clock)
    session_id = store.create("erin")
    clock.now += 7.9 * HOUR
    assert store.get(session_id) is not None  # and this request counts as activity
    clock.now += 7.9 * HOUR
    assert store.get(session_id) is not None
    clock.now += 8.1 * HOUR
    assert store.get(session_id) is None and store.count() == 0


def test_an_active_session_ends_at_its_absolute_lifetime(tmp_path: Path) -> None:
    clock = Clock()
    store = SessionStore(tmp_path / "sessions.sqlite", idle_hours=8, max_days=7, clock=clock)
    session_id = store.create("erin")
    for _ in range(int(7 * 24 / 4) - 1):  # a request every four hours for almost seven days
        clock.now += 4 * HOUR
        assert store.get(session_id) is not None
    clock.now += 5 * HOUR
    assert store.get(session_id) is None


def test_a_device_session_lasts_until_its_token_is_revoked(tmp_path: Path) -> None:
    clock = Clock()
    store = SessionStore(tmp_path / "sessions.sqlite", clock=clock)
    screen = store.create("device:lobby", playlist="lobby")
    clock.now += 30 * 24 * HOUR
    assert store.get(screen) is not None and store.get(screen).device


def test_ending_a_users_sessions(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "sessions.sqlite")
    old, new, other = store.create("erin", "before"), store.create("erin", "after"), store.create("lee", "x")
    assert store.end_user("erin", keep_stamp="after") == 1
    assert store.get(old) is None and store.get(new) is not None
    assert store.end_user("erin") == 1 and store.get(new) is None and store.get(other) is not None
    store.end(other)
    assert store.get(other) is None


def test_verify_answers_the_same_for_unknown_disabled_and_wrong(tmp_path: Path) -> None:
    users = UserStore(tmp_path / "users.sqlite")
    users.add("erin", "correct horse battery", "executive")
    users.add("carl", "correct horse battery", "pmo")
    users.set_disabled("carl")
    assert credentials.verify(users, "erin", "correct horse battery").viewer.name == "erin"
    for name, password in (("erin", "wrong horse battery"), ("nobody", "correct horse battery"),
                           ("carl", "correct horse battery"), ("", "")):
        assert credentials.verify(users, name, password) is None
    before = credentials.account(users, "erin").stamp
    users.set_password("erin", "another long password")
    assert credentials.account(users, "erin").stamp != before and credentials.account(users, "nobody") is None


def test_lockout_is_per_user_and_address(tmp_path: Path) -> None:
    clock = Clock()
    lockout = LoginLockout(tmp_path / "sessions.sqlite", clock=clock)
    for n in range(MAX_FAILURES):
        assert lockout.failed("erin", "203.0.113.9") is (n == MAX_FAILURES - 1)
    assert lockout.locked("erin", "203.0.113.9")
    assert not lockout.locked("erin", "10.0.0.5")  # erin at her own desk is not locked out by a stranger
    assert not lockout.locked("lee", "203.0.113.9")
    clock.now += LOCK_SECONDS + 1
    assert not lockout.locked("erin", "203.0.113.9")
    lockout.failed("erin", "10.0.0.5")
    lockout.succeeded("erin", "10.0.0.5")
    for _ in range(MAX_FAILURES - 1):
        lockout.failed("erin", "10.0.0.5")
    assert not lockout.locked("erin", "10.0.0.5")  # a success started the count over


def test_rate_limit_counters_are_shared_through_the_file(tmp_path: Path) -> None:
    uri = f"vantage+sqlite:///{tmp_path / 'sessions.sqlite'}"
    one, two = FixedWindowRateLimiter(storage_from_string(uri)), FixedWindowRateLimiter(storage_from_string(uri))
    limit = parse("3/minute")
    assert one.hit(limit, "10.0.0.1") and two.hit(limit, "10.0.0.1") and one.hit(limit, "10.0.0.1")
    assert not two.hit(limit, "10.0.0.1")  # the fourth, counted in another "worker", is over the limit
    assert one.hit(limit, "10.0.0.2")
    assert stat.S_IMODE((tmp_path / "sessions.sqlite").stat().st_mode) == 0o600


@pytest.mark.parametrize("uri", ["vantage+sqlite://", "vantage+sqlite:///"])
def test_a_rate_storage_needs_a_file(uri: str) -> None:
    with pytest.raises(ValueError, match="no file"):
        storage_from_string(uri)
