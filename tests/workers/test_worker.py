"""Background work on a real Celery worker (`python app.py worker`) over a real redis-server: a changed table is
refreshed by the worker while the web serves the last good answer at once; without a live worker the web computes
as before; a scheduled snapshot is rendered and sent once by a worker, also when a worker is killed mid-task."""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from config.settings import load_config
from metrics.engine.periods import Filters
from snapshots.cron import Occurrence
from tests.conftest import ROOT, TODAY, run_cli
from tests.redis_server import RedisServer
from tests.snapshots.smtp import SmtpServer, wired, write_config
from tests.snapshots.test_scheduler import DAILY, KEY
from workers.board import Board
from workers.queue import REFRESHING, attach, snapshot_dispatch

OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))


def setup(tmp: Path, data_dir: Path, redis: RedisServer, smtp_port: int = 25, snapshots: str = "") -> Path:
    """A config over a copy of the demo database (the tests change it), with the broker and versions asked of the
    source every second."""
    shutil.copy(data_dir / "demo.sqlite", tmp / "demo.sqlite")
    path = write_config(tmp, tmp / "demo.sqlite", smtp_port, snapshots, vantage=f'broker_url = "{redis.url}"\n')
    path.write_text(re.sub(r"cache_ttl_seconds = \d+", "cache_ttl_seconds = 1", path.read_text()))
    return path


def start(config: Path, data: Path, log: Path, *command: str, **env: str) -> subprocess.Popen:
    """`python app.py ... COMMAND` in a process group of its own (so a kill takes its threads and children)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    environ.update(env)
    return subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--config", str(config), "--data-dir", str(data),
                             "--today", TODAY, *command], cwd=ROOT, env=environ, stdout=log.open("a"),
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_for(condition: Callable[[], object], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def october_calls_per_day(db: Path) -> float:
    """The KPI by independent SQL over the source: October's calls over its 31 days."""
    with sqlite3.connect(db) as conn:
        total = conn.execute("SELECT SUM(calls) FROM api_calls WHERE day >= '2026-10-01' AND day < '2026-11-01'"
                             ).fetchone()[0]
    return total / 31


def add_calls(db: Path, calls: int, interface: str = "IF-NEW") -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO api_calls VALUES ('2026-10-15', ?, 'ERP', 'CRM', 'sales', ?, 0, 1)",
                     (interface, calls))


def token(manifest: Path) -> str:
    return json.loads(manifest.read_text())["token"]


def outbox(data: Path, sql: str) -> list[tuple]:
    db = data / "outbox.sqlite"
    if not db.exists():
        return []
    with sqlite3.connect(db, timeout=10) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # not created yet
            return []


def test_a_changed_table_is_served_stale_at_once_and_refreshed_by_the_worker(
        tmp_path: Path, data_dir: Path, redis_server: RedisServer) -> None:
    config = setup(tmp_path, data_dir, redis_server)
    data, source = tmp_path / "data", tmp_path / "demo.sqlite"
    rt = wired(config, data)
    engine = attach(rt.engine, rt.config)
    first = engine.headline("api_calls_per_day", OCTOBER)  # asked for the first time ever: computed here
    assert first.stale_reason == "" and first.data.value == october_calls_per_day(source)
    manifest = data / "mirror" / "demo" / "api_calls" / "manifest.json"
    before = token(manifest)

    worker = start(config, data, tmp_path / "worker.log", "worker")
    try:
        board = Board(redis_server.url)
        wait_for(board.alive, "the worker's heartbeat")
        add_calls(source, 3_100_000)
        time.sleep(1.1)  # the data version is asked of the source again (cache_ttl_seconds = 1)
        began = time.perf_counter()
        stale = engine.headline("api_calls_per_day", OCTOBER)
        assert time.perf_counter() - began < 0.5
        assert stale.stale_reason == REFRESHING and stale.data.value == first.data.value
        wait_for(lambda: token(manifest) != before, "the worker to bring the local copy in step")
        wait_for(lambda: not engine.headline("api_calls_per_day", OCTOBER).stale_reason, "the refreshed answer")
        fresh = engine.headline("api_calls_per_day", OCTOBER)
        assert fresh.data.value == october_calls_per_day(source) == first.data.value + 100_000
        # Answers the worker warmed are fresh as soon as they are stored, before it has warmed the rest and said so.
        wait_for(lambda: "demo.api_calls: in step; warmed" in (tmp_path / "worker.log").read_text(), "the warming")
    finally:
        stop(worker)


def test_with_no_worker_alive_the_web_computes_as_before(tmp_path: Path, data_dir: Path,
                                                         redis_server: RedisServer) -> None:
    config = setup(tmp_path, data_dir, redis_server)
    data, source = tmp_path / "data", tmp_path / "demo.sqlite"
    rt = wired(config, data)
    engine = attach(rt.engine, rt.config)
    first = engine.headline("api_calls_per_day", OCTOBER)
    add_calls(source, 310_000)
    time.sleep(1.1)
    fresh = engine.headline("api_calls_per_day", OCTOBER)  # the broker answers, but no worker beats
    assert fresh.stale_reason == "" and fresh.data.value == october_calls_per_day(source) == first.data.value + 10_000
    redis_server.kill()  # and with the broker gone too
    add_calls(source, 310_000, "IF-NEWER")
    time.sleep(1.1)
    began = time.perf_counter()
    again = engine.headline("api_calls_per_day", OCTOBER)
    assert again.stale_reason == "" and again.data.value == october_calls_per_day(source)
    assert time.perf_counter() - began < 5


def test_a_scheduled_snapshot_is_rendered_by_the_worker_and_sent_once_with_two_schedulers(
        tmp_path: Path, data_dir: Path, redis_server: RedisServer, smtp_server: SmtpServer) -> None:
    config = setup(tmp_path, data_dir, redis_server, smtp_server.port, DAILY)
    data = tmp_path / "data"
    clock = {"VANTAGE_SCHEDULER_NOW": "2026-11-30T08:59:56+08:00", "VANTAGE_SCHEDULER_INTERVAL": "0.3"}
    worker = start(config, data, tmp_path / "worker.log", "worker")
    schedulers = []
    try:
        wait_for(Board(redis_server.url).alive, "the worker's heartbeat")
        schedulers = [start(config, data, tmp_path / f"scheduler{n}.log", "scheduler", **clock) for n in (1, 2)]
        wait_for(lambda: outbox(data, "SELECT status FROM outbox") == [("sent",)], "the snapshot to be sent")
        # Handed over once more, as by a scheduler killed before it noted the hand-over: the worker sends nothing.
        dispatch = snapshot_dispatch(load_config(str(config), {"data_dir": str(data), "today": TODAY}, environ={}))
        assert dispatch is not None
        dispatch("daily", Occurrence(datetime(2026, 11, 30, 9), datetime(2026, 11, 30, 1, tzinfo=UTC),
                                     "Asia/Shanghai"), datetime(2026, 11, 30, 1, 0, 5, tzinfo=UTC), None)
        log = tmp_path / "worker.log"
        wait_for(lambda: log.read_text().count("daily: 0 sent, 0 to retry, 0 failed") == 1, "the second hand-over")
        time.sleep(1)  # both schedulers go on checking; nothing more may come
    finally:
        for process in [*schedulers, worker]:
            stop(process)
    assert len(smtp_server.received) == 1
    assert smtp_server.received[0].message["X-Vantage-Snapshot"] == KEY
    assert outbox(data, "SELECT idempotency_key, status, attempts FROM outbox") == [(KEY, "sent", 1)]
    assert (tmp_path / "worker.log").read_text().count(f"{KEY}: rendering") == 1
    for n in (1, 2):  # the schedulers queued nothing themselves: rendering is the worker's
        assert "queued for" not in (tmp_path / f"scheduler{n}.log").read_text()


def test_a_worker_killed_mid_render_loses_no_email(tmp_path: Path, data_dir: Path, redis_server: RedisServer,
                                                    smtp_server: SmtpServer) -> None:
    config = setup(tmp_path, data_dir, redis_server, smtp_server.port, DAILY)
    data, log = tmp_path / "data", tmp_path / "worker.log"
    redeliver = {"VANTAGE_WORKER_REDELIVER_SECONDS": "3"}
    first = start(config, data, log, "worker", **redeliver)
    scheduler = start(config, data, tmp_path / "scheduler.log", "scheduler", **redeliver,
                      VANTAGE_SCHEDULER_NOW="2026-11-30T08:59:56+08:00", VANTAGE_SCHEDULER_INTERVAL="0.3")
    second = None
    try:
        wait_for(lambda: f"{KEY}: rendering" in log.read_text(), "the first worker to start rendering")
        stop(first, signal.SIGKILL)  # kill -9 mid-task: its task was not acknowledged
        assert outbox(data, "SELECT * FROM outbox") == [] and smtp_server.received == []
        second = start(config, data, tmp_path / "worker2.log", "worker", **redeliver)
        wait_for(lambda: outbox(data, "SELECT status FROM outbox") == [("sent",)], "the next worker to send it")
        time.sleep(2)
    finally:
        for process in [scheduler, first, *([second] if second else [])]:
            stop(process)
    assert len(smtp_server.received) == 1 and smtp_server.received[0].message["X-Vantage-Snapshot"] == KEY
    assert f"{KEY}: rendering" in (tmp_path / "worker2.log").read_text()


def test_a_worker_needs_a_broker_and_a_concurrency_of_one_or_more(data_dir: Path, redis_server: RedisServer) -> None:
    done = run_cli("worker", data_dir=data_dir)
    assert done.returncode == 2 and "error: no broker_url is set" in done.stderr and "broker_url =" in done.stderr
    done = run_cli("worker", "--concurrency", "0", data_dir=data_dir, env={"VANTAGE_BROKER_URL": redis_server.url})
    assert done.returncode == 2 and "error: --concurrency is 0" in done.stderr
