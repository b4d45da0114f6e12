"""The scheduler: due occurrences are sent once, late ones say so, and kill -9 around a due time loses or
doubles nothing. The clock starts where VANTAGE_SCHEDULER_NOW says and then runs at real speed."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

import pytest

from config.snapshots import snapshot_spec
from core.errors import ConfigError
from snapshots.outbox import Outbox
from snapshots.scheduler import Scheduler, clock_from, interval_from
from tests.conftest import ROOT, TODAY, run_cli
from tests.snapshots.smtp import SmtpServer, parts, smtp_server, wired, write_config  # noqa: F401

DAILY = """
[snapshots.daily]
title = "Daily KPIs"
schedule = "0 9 * * *"
timezone = "Asia/Shanghai"
recipients = [{email = "pmo@example.com", language = "en"}]
metrics = ["data_accuracy", "automation_rate"]
"""
KEY = "daily@2026-11-30T09:00 Asia/Shanghai"


def shanghai(text: str) -> datetime:
    return datetime.fromisoformat(text + "+08:00")


def test_due_once_then_late_with_missed_sends_merged(tmp_path: Path, data_dir: Path, smtp_server: SmtpServer) -> None:
    config_path = write_config(tmp_path, data_dir / "demo.sqlite", smtp_server.port, DAILY)
    rt = wired(config_path, tmp_path / "data")
    now = [shanghai("2026-11-30T08:59:00")]
    lines: list[str] = []
    outbox = Outbox(tmp_path / "data" / "outbox.sqlite")
    spec = snapshot_spec(rt.config, "daily", rt.catalogue)
    scheduler = Scheduler(rt.engine, rt.config, {"daily": spec}, outbox, lambda: now[0], 30, lines.append)

    scheduler.tick()  # first sight: starts watching from now, sends nothing from the past
    assert "daily: watching '0 9 * * *' in Asia/Shanghai; next due 2026-11-30 09:00" in lines
    now[0] = shanghai("2026-11-30T09:00:20")
    assert len(scheduler.tick().sent) == 1
    now[0] = shanghai("2026-11-30T09:00:50")
    assert scheduler.tick().sent == [] and len(smtp_server.received) == 1
    on_time = smtp_server.received[0].message
    assert on_time["X-Vantage-Snapshot"] == KEY and "! Sent late" not in parts(on_time)["text"]

    # Down for three days: the three missed sends become one, late, saying what it stands for.
    now[0] = shanghai("2026-12-03T10:15:00")
    assert len(scheduler.tick().sent) == 1 and len(smtp_server.received) == 2
    late = parts(smtp_server.received[1].message)["text"]
    assert "! Sent late" in late and "was due at 3 Dec 2026 09:00 (Asia/Shanghai)" in late
    assert "It also stands for 2 earlier scheduled send(s)" in late and "first due at 1 Dec 2026 09:00" in late
    # Compared with the previous send: today is pinned, so nothing moved.
    assert "No KPI moved and no status changed." in late
    newest = outbox.rows()[0]
    assert newest.occurrence == "2026-12-03T09:00 Asia/Shanghai" and newest.late.startswith("was due at 2026-12-03")
    outbox.close()


# -- the real process, killed -----------------------------------------------------------------------------------
def start(config: Path, data: Path, now: str, log: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env.update(VANTAGE_SCHEDULER_NOW=now, VANTAGE_SCHEDULER_INTERVAL="0.3")
    return subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--config", str(config), "--data-dir", str(data), "--today", TODAY,
         "scheduler"], cwd=ROOT, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def query(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    with sqlite3.connect(db, timeout=10) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # the tables are not created yet
            return []


def test_kill_9_around_the_due_time_sends_it_once(tmp_path: Path, data_dir: Path, smtp_server: SmtpServer) -> None:
    config = write_config(tmp_path, data_dir / "demo.sqlite", smtp_server.port, DAILY)
    data, log = tmp_path / "data", tmp_path / "scheduler.log"
    db = data / "outbox.sqlite"

    # Run 1 starts half a minute before 09:00 and is killed before it comes.
    first = start(config, data, "2026-11-30T08:59:30+08:00", log)
    wait_for(lambda: query(db, "SELECT checked_until FROM schedule_state"), "the first check", 60)
    first.kill()
    first.wait()
    checked = datetime.strptime(query(db, "SELECT checked_until FROM schedule_state")[0][0], "%Y-%m-%dT%H:%M:%S.%fZ")
    assert checked.replace(tzinfo=timezone.utc) < shanghai("2026-11-30T09:00:00"), "killed after the due time"
    assert query(db, "SELECT * FROM outbox") == [] and smtp_server.received == []

    # Run 2 comes up ten minutes later: it sends the missed 09:00, late. Killed right after.
    second = start(config, data, "2026-11-30T09:10:00+08:00", log)
    wait_for(lambda: query(db, "SELECT status FROM outbox") == [("sent",)], "the late send", 60)
    second.kill()
    second.wait()

    # Run 3 restarts on top: nothing is sent again; SIGTERM stops it cleanly.
    third = start(config, data, "2026-11-30T09:10:30+08:00", log)
    wait_for(lambda: query(db, "SELECT checked_until FROM schedule_state")[0][0] > "2026-11-30T01:10:31",
             "a round of the restarted scheduler", 60)
    time.sleep(1.0)  # a few more rounds
    third.send_signal(signal.SIGTERM)
    assert third.wait(timeout=30) == 0
    assert log.read_text().rstrip().endswith("scheduler stopped")

    assert len(smtp_server.received) == 1, log.read_text()
    message = smtp_server.received[0].message
    assert message["X-Vantage-Snapshot"] == KEY
    text = parts(message)["text"]
    assert "! Sent late" in text and "was due at 30 Nov 2026 09:00 (Asia/Shanghai)" in text
    assert query(db, "SELECT status, attempts, late FROM outbox") == [
        ("sent", 1, "was due at 2026-11-30 09:00 Asia/Shanghai")]


@pytest.mark.parametrize("environ, message", [
    ({"VANTAGE_SCHEDULER_NOW": "2026-11-30 09:00"}, "give an ISO time with its offset"),
    ({"VANTAGE_SCHEDULER_INTERVAL": "0"}, "give the seconds between checks as a positive number"),
])
def test_bad_test_hooks_are_config_errors(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        clock_from(environ)
        interval_from(environ)


def test_clock_starts_where_told_and_runs() -> None:
    clock = clock_from({"VANTAGE_SCHEDULER_NOW": "2026-11-30T08:59:30+08:00"})
    first = clock()
    assert first - shanghai("2026-11-30T08:59:30") < timedelta(seconds=1)
    time.sleep(0.05)
    assert clock() > first and interval_from({}) == 30


def test_scheduler_without_snapshots_is_a_config_error(tmp_path: Path, data_dir: Path) -> None:
    config = write_config(tmp_path, data_dir / "demo.sqlite", 25, "")
    out = run_cli("--config", str(config), "scheduler", "--once", data_dir=tmp_path / "data")
    assert out.returncode == 2 and "no snapshots or alerts are declared" in out.stderr and "To fix this" in out.stderr
