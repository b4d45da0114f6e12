"""The shared state (state_url) on a real PostgreSQL: Alembic creates the schema, every store keeps its rows there, two
machines (two data folders) share sessions, and the audit trail stays append-only and one chain."""
from __future__ import annotations

import multiprocessing
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import polars as pl
import psycopg
import pytest
import sqlalchemy as sa

from access.audit import AuditTrail, Entry, verify
from access.sessions import SessionStore
from access.throttle import LoginLockout, SqliteRateStorage
from access.tokens import TokenStore
from access.users import LoginRefused, UserStore
from core import state
from core.errors import UsageError, VantageError
from metrics.engine import history
from metrics.engine.baselines import BaselineStore, Record
from metrics.semantics import registry
from programme.checkins import CheckinStore, currents_in
from snapshots.outbox import Entry as Queued
from snapshots.outbox import Outbox, read_rows
from tests.conftest import run_cli
from tests.postgres_server import PostgresServer

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)


@pytest.fixture
def empty_url(postgres_server: PostgresServer) -> str:
    """A new, empty database on the test server."""
    name = f"state_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres_server.libpq_dsn, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    return postgres_server.url_for(name)


@pytest.fixture
def url(empty_url: str) -> str:
    state.migrate(empty_url)
    return empty_url


@pytest.fixture
def node(tmp_path: Path, url: str) -> Iterator[Path]:
    """A machine's data folder bound to the shared state."""
    folder = tmp_path / "node_a"
    state.attach(folder, url)
    yield folder
    state.bind(folder, "")


def _sql(url: str, statement: str) -> list[tuple]:
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as con:
        cur = con.execute(statement)
        return cur.fetchall() if cur.description else []


def test_migrate_brings_an_empty_database_to_the_codes_revision(empty_url: str) -> None:
    assert state.current(empty_url) is None
    assert state.migrate(empty_url) == state.head() == state.current(empty_url)
    tables = {r[0] for r in _sql(empty_url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
    assert {"users", "sessions", "tokens", "audit", "outbox", "schedule_state", "definitions", "baselines", "checkins",
            "login_failures", "rate_counters"} <= tables
    assert state.migrate(empty_url) == state.head()  # again: nothing to do


@pytest.mark.parametrize("revision", [None, "0000"])
def test_a_database_not_at_the_codes_revision_is_a_clear_start_up_error(empty_url: str, tmp_path: Path,
                                                                         revision: str | None) -> None:
    if revision:
        state.migrate(empty_url)
        _sql(empty_url, f"UPDATE alembic_version SET version_num = '{revision}'")
    with pytest.raises(VantageError) as raised:
        state.attach(tmp_path, empty_url)
    state.bind(tmp_path, "")
    assert "state_url" in raised.value.message and "python app.py state migrate" in raised.value.message
    assert f"revision {revision or 'none (empty)'}" in raised.value.message


def test_users_tokens_and_lockout_live_in_the_database_not_the_folder(node: Path, url: str) -> None:
    users = UserStore.in_folder(node)
    users.add("ana", "a long passphrase", "executive")
    with pytest.raises(UsageError, match="exists already"):
        users.add("ana", "another passphrase", "pmo")
    assert users.authenticate("ana", "a long passphrase").name == "ana"
    with pytest.raises(LoginRefused):
        users.authenticate("ana", "wrong password!")
    assert _sql(url, "SELECT name, role, failures FROM users") == [("ana", "executive", 1)]
    tokens = TokenStore.in_folder(node)
    secret = tokens.create("lobby", "wall")
    with pytest.raises(UsageError, match="exists already"):
        tokens.create("lobby", "wall")
    viewer, playlist = tokens.device(secret) or (None, "")
    assert viewer is not None and viewer.name == "device:lobby" and playlist == "wall"
    tokens.revoke("lobby")
    assert tokens.device(secret) is None
    lockout = LoginLockout(node / LoginLockout.FILE)
    assert [lockout.failed("ana", "10.0.0.1") for _ in range(5)] == [False] * 4 + [True]
    assert lockout.locked("ana", "10.0.0.1") and not lockout.locked("ana", "10.0.0.2")
    counters = SqliteRateStorage(f"vantage+sqlite://{node / LoginLockout.FILE}")
    assert [counters.incr("login/10.0.0.1", 60) for _ in range(3)] == [1, 2, 3] and counters.get("login/10.0.0.1") == 3
    assert _sql(url, "SELECT key, count FROM rate_counters") == [("login/10.0.0.1", 3)]
    assert list(node.glob("*.sqlite*")) == []  # no SQLite file was made


def test_a_session_made_on_one_machine_is_valid_on_another_and_ends_there(tmp_path: Path, url: str) -> None:
    a_folder, b_folder = tmp_path / "a", tmp_path / "b"
    state.attach(a_folder, url)
    state.attach(b_folder, url)
    try:
        node_a, node_b = SessionStore(a_folder / SessionStore.FILE), SessionStore(b_folder / SessionStore.FILE)
        cookie = node_a.create("ana", stamp="s1")
        found = node_b.get(cookie)
        assert found is not None and (found.user, found.stamp) == ("ana", "s1")
        assert node_b.count("ana") == node_a.count("ana") == 1
        node_b.end(cookie)  # logout on B
        assert node_a.get(cookie) is None and node_a.count() == 0
    finally:
        state.bind(a_folder, "")
        state.bind(b_folder, "")


def test_the_audit_trail_chains_rows_and_plain_sql_cannot_change_them(node: Path, url: str) -> None:
    trail = AuditTrail.in_folder(node)
    trail.record("ana", "login", address="10.0.0.1")
    trail.record_many("ana", "10.0.0.1", [Entry("view", "data_accuracy", {"department": "finance"}), Entry("export")])
    assert [(e["id"], e["user"], e["action"]) for e in trail.entries()] == [(1, "ana", "login"), (2, "ana", "view"),
                                                                             (3, "ana", "export")]
    assert [e["action"] for e in trail.entries(user="ana", since="2000-01-01")] == ["login", "view", "export"]
    assert str(verify(node / AuditTrail.FILE)) == "audit trail intact (3 rows)"
    for statement in ("UPDATE audit SET what = 'nothing' WHERE id = 2", "DELETE FROM audit WHERE id = 3",
                      "TRUNCATE audit"):
        with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
            _sql(url, statement)
    assert _sql(url, "SELECT count(*) FROM audit") == [(3,)]


def _append(url: str, folder: str, who: str, rows: int) -> None:
    state.bind(Path(folder), url)
    trail = AuditTrail.in_folder(Path(folder))
    for n in range(rows):
        trail.record(who, "view", f"metric_{n}")


def test_two_processes_appending_at_once_keep_one_chain(tmp_path: Path, url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    workers = [spawn.Process(target=_append, args=(url, str(tmp_path / who), who, 40)) for who in ("ana", "bo")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
    assert [w.exitcode for w in workers] == [0, 0]
    state.bind(tmp_path / "check", url)
    try:
        verdict = verify(tmp_path / "check" / AuditTrail.FILE)
    finally:
        state.bind(tmp_path / "check", "")
    assert verdict.intact and verdict.rows == 80
    assert _sql(url, 'SELECT "user", count(*) FROM audit GROUP BY "user" ORDER BY 1') == [("ana", 40), ("bo", 40)]


def test_the_outbox_sends_an_occurrence_once_across_machines(tmp_path: Path, url: str) -> None:
    state.attach(tmp_path / "b", url)
    entry = Queued("weekly", "2026-11-30T09:00", "en", NOW, "pending", "v@example.com", ["ceo@example.com"], "<m@x>",
                   b"Subject: hi\r\n\r\nhello\r\n", {"data_accuracy": 0.9})
    first, second = Outbox(tmp_path / "a" / Outbox.FILE), Outbox(tmp_path / "b" / Outbox.FILE)
    try:
        state.bind(tmp_path / "a", url)
        first = Outbox(tmp_path / "a" / Outbox.FILE)
        assert first.enqueue([entry], NOW, ("weekly", NOW)) == 1 and second.enqueue([entry], NOW) == 0
        claimed = first.claim(NOW, NOW + timedelta(minutes=5))
        assert claimed is not None and claimed.message == entry.message and claimed.recipients == ["ceo@example.com"]
        assert second.claim(NOW, NOW + timedelta(minutes=5)) is None  # leased by the first machine
        first.mark_sent(claimed.id, NOW)
        second.set_checked_until("weekly", NOW - timedelta(days=1))  # never backwards
        assert second.checked_until("weekly") == NOW
        assert [(r.status, r.attempts) for r in read_rows(tmp_path / "b" / Outbox.FILE)] == [("sent", 1)]
    finally:
        first.close()
        second.close()
        state.bind(tmp_path / "a", "")
        state.bind(tmp_path / "b", "")


def test_history_baselines_and_checkins_round_trip(node: Path, url: str) -> None:
    catalogue = registry.load_modules(registry.DEFAULT_PACK)
    path = node / history.FILE_NAME
    assert len(history.record(path, catalogue, datetime(2026, 11, 1))) == len(catalogue)
    edited = {**catalogue, "data_accuracy": replace(
        catalogue["data_accuracy"], numerator=(pl.col("had_error") + (pl.col("manual_steps") > 10)).clip(0, 1).sum())}
    changed = history.record(path, edited, datetime(2026, 11, 2))
    was = catalogue["data_accuracy"].definition_hash()
    assert [(v.metric, v.previous) for v in changed] == [("data_accuracy", was)]
    assert [v.metric for v in history.changes(path, ["data_accuracy"])] == ["data_accuracy"]
    store = BaselineStore.in_folder(node)
    at = datetime(2026, 11, 3, 8, 0)
    records = [Record("m", "v1", date(2026, 1, 1), date(2026, 4, 1), d, s, val, n, at)
               for d, s, val, n in (("", "", 0.75, 40), ("department", "finance", 0.5, 10))]
    store.add(records)
    store.add([replace(records[0], value=0.1)])  # recorded already: the first stays
    assert store.records("m", "v1", date(2026, 1, 1), date(2026, 4, 1)) == records == store.history("m")
    checkins = CheckinStore.in_folder(node)
    checkins.add("data_accuracy", "2026-10", "at_risk", "SAP cut-over", "ana", now=NOW)
    latest = checkins.add("data_accuracy", "2026-10", "on_track", "recovered", "ana", now=NOW)
    assert [c.note for c in checkins.timeline("data_accuracy")] == ["recovered", "SAP cut-over"]
    assert currents_in(node, ["data_accuracy"], "2026-10") == {"data_accuracy": latest}
    with pytest.raises(psycopg.errors.RaiseException, match="only added"):
        _sql(url, "DELETE FROM checkins")
    assert _sql(url, "SELECT count(*) FROM definitions") == [(len(catalogue) + 1,)]


def test_state_migrate_on_the_command_line(empty_url: str, tmp_path: Path) -> None:
    env = {"VANTAGE_STATE_URL": empty_url}
    before = run_cli("user", "list", data_dir=tmp_path, env=env)
    assert before.returncode != 0 and "run `python app.py state migrate`" in before.stderr
    done = run_cli("state", "migrate", data_dir=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [f"the shared state at {empty_url} is at revision {state.head()}"]
    state.attach(tmp_path / "other", empty_url)
    try:
        UserStore.in_folder(tmp_path / "other").add("ana", "a long passphrase", "pmo")
    finally:
        state.bind(tmp_path / "other", "")
    listed = run_cli("user", "list", data_dir=tmp_path, env=env)
    assert listed.returncode == 0, listed.stderr
    assert "ana" in listed.stdout and "pmo" in listed.stdout
    assert not (tmp_path / UserStore.FILE).exists()


def test_state_migrate_fails_in_one_line(tmp_path: Path, postgres_server: PostgresServer) -> None:
    unreachable = postgres_server.url_for("no_such_database")
    failed = run_cli("state", "migrate", data_dir=tmp_path, env={"VANTAGE_STATE_URL": unreachable})
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1 and "no_such_database" in failed.stderr
    empty = run_cli("state", "migrate", data_dir=tmp_path)
    assert empty.returncode == 2 and empty.stderr.startswith("error: state_url is empty")
