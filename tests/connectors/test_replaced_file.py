"""A source file replaced under a running server (a nightly export copied over the old one): the new numbers are on
screen within the source's cache TTL, and a damaged copy shows the last good numbers marked stale with the reason."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from metrics.semantics.format import format_value
from metrics.semantics.model import Unit
from tests.conftest import ROOT, TODAY
from tests.dashboard.test_guard import summary_request

TTL = 2.0
OCTOBER = ("2026-10-01", "2026-11-01")  # the last complete month before TODAY: the metric page's default period


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def satisfaction(path: Path) -> float:
    """User satisfaction in October, in plain SQL: the mean score of requests opened then that have one."""
    with sqlite3.connect(path) as con:
        return con.execute("SELECT avg(satisfaction) FROM service_requests WHERE opened_at >= ? AND opened_at < ? "
                           "AND satisfaction IS NOT NULL", OCTOBER).fetchone()[0]


def newer_export(original: Path, into: Path) -> Path:
    """A copy of the database whose October scores were corrected: the same rows and the same newest time, so only
    the file itself (another inode, size or time) says that the data changed."""
    shutil.copy(original, into)
    with sqlite3.connect(into) as con:
        con.execute("UPDATE service_requests SET satisfaction = 1 WHERE opened_at >= ? AND opened_at < ? "
                    "AND satisfaction IS NOT NULL AND request_id % 2 = 0", OCTOBER)
    return into


def text(node: object) -> str:
    """The text a component shows: its strings and its children's, in order."""
    if isinstance(node, str):
        return node
    if isinstance(node, list):
        return "".join(text(n) for n in node)
    if isinstance(node, dict):
        return text(node.get("props", {}).get("children"))
    return ""


def shown_value(body: str) -> str:
    """The text of the value on the metric page's summary tile, as the browser would show it."""
    def walk(node: object) -> dict | None:
        if isinstance(node, dict):
            if node.get("props", {}).get("className") == "kpi-value":
                return node
            return next((found for v in node.values() if (found := walk(v))), None)
        if isinstance(node, list):
            return next((found for v in node if (found := walk(v))), None)
        return None
    found = walk(json.loads(body)["response"]["metric-summary"])
    assert found, body[:300]
    return text(found)


@pytest.fixture
def served(tmp_path: Path, data_dir: Path) -> Iterator[tuple[str, Path]]:
    """`python app.py --host H --port P` (serve is the default command) on a copy of the demo, source TTL 2 s."""
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "demo.sqlite")
    config = tmp_path / "vantage.toml"
    config.write_text((ROOT / "config" / "demo.toml").read_text().replace("cache_ttl_seconds = 300",
                                                                          f"cache_ttl_seconds = {TTL}"))
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    server = subprocess.Popen([sys.executable, "app.py", "--config", str(config), "--data-dir", str(tmp_path),
                               "--today", TODAY, "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline and server.poll() is None:
        try:
            if requests.get(base + "/", timeout=5).status_code == 200:
                break
        except requests.RequestException:  # not listening yet
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("the server did not start: " + server.stderr.read().decode()[-2000:])
    yield base, tmp_path
    server.terminate()
    server.wait(timeout=30)


def ask(base: str) -> str:
    answer = requests.post(base + "/_dash-update-component", json=summary_request(key="satisfaction"), timeout=60)
    assert answer.status_code == 200, answer.text[:300]
    return answer.text


def wait_for(base: str, wanted: str, within: float) -> tuple[float, str]:
    """Ask the server until the tile shows `wanted`; how long that took, and the last answer."""
    start = time.monotonic()
    body = ask(base)
    while shown_value(body) != wanted and time.monotonic() - start < within:
        time.sleep(0.2)
        body = ask(base)
    return time.monotonic() - start, body


def test_a_replaced_file_is_seen_within_the_ttl_and_a_damaged_one_is_stale_with_the_reason(
        served: tuple[str, Path]) -> None:
    base, folder = served
    source = folder / "demo.sqlite"
    before = format_value(satisfaction(source), Unit.SCORE)
    assert shown_value(ask(base)) == before  # the pooled connections now hold the file open

    export = newer_export(source, folder / "export.sqlite")
    after = format_value(satisfaction(export), Unit.SCORE)
    assert after != before
    os.replace(export, source)  # the nightly export moved over the old file
    took, body = wait_for(base, after, within=TTL + 10)
    assert shown_value(body) == after and took <= TTL + 3, f"seen after {took:.1f} s"
    assert "stale-badge" not in body

    # The command line reads the same data folder: the same number, and no warning.
    args = ("--config", str(folder / "vantage.toml"), "--data-dir", str(folder), "--today", TODAY, "query",
            "satisfaction", "--format", "json")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    good = subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert good.returncode == 0, good.stderr
    assert format_value(json.loads(good.stdout)[0]["value"], Unit.SCORE) == after

    damaged = folder / "damaged.sqlite"
    damaged.write_bytes(source.read_bytes()[: source.stat().st_size // 2])  # a copy cut short
    os.replace(damaged, source)
    deadline = time.monotonic() + TTL + 10
    body = ask(base)
    while "stale-badge" not in body and time.monotonic() < deadline:
        time.sleep(0.2)
        body = ask(base)
    # The last good number, marked stale, with what failed: never `ok`, never a zero.
    assert "stale-badge" in body and "demo.sqlite is damaged" in body and shown_value(body) == after
    stale = subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)
    assert stale.returncode == 1
    assert "demo.sqlite is damaged" in stale.stderr and "showing the last good value" in stale.stderr
    [row] = json.loads(stale.stdout)
    assert format_value(row["value"], Unit.SCORE) == after and row["stale"] is True
