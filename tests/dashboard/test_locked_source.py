"""A locked source does not stall the site: the login page, assets and page layouts never touch a source, and while a
writer holds the demo database's lock, ten viewers of a running server get the last good tiles, marked stale, at once.
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import dash
import pytest
import requests

from access.users import UserStore
from tests.conftest import ROOT, TODAY
from tests.dashboard.secured import call, overview_call, secured_app, sign_in
from tests.dashboard.test_dispatch import router_call
from tests.dashboard.test_faults import _kpi_value, free_port
from tests.dashboard.test_guard import PASSWORD, login, secured_config_text

VIEWERS = 10
LOCK_SECONDS = 20.0
EVERY_SECONDS = 5.0  # each viewer opens the overview this often (their starts spread over it)
PROBE_SECONDS = 0.25  # the login page is asked this often meanwhile


def spy_on_sources(connectors: dict[str, Any]) -> list[str]:
    """Record every question the connectors are asked (their data versions, schemas and scans)."""
    asked: list[str] = []
    for name, connector in connectors.items():
        for method in ("data_version", "schema", "scan"):
            original: Callable[..., Any] = getattr(connector, method)

            def spy(*args: Any, _name: str = f"{name}.{method}", _original: Callable[..., Any] = original) -> Any:
                asked.append(_name)
                return _original(*args)

            setattr(connector, method, spy)
    return asked


def test_the_login_page_assets_and_page_layouts_touch_no_source(data_dir: Path, tmp_path: Path) -> None:
    dash_app, rt = secured_app(tmp_path, data_dir)
    asked = spy_on_sources(rt.engine.connectors)
    client = dash_app.server.test_client()
    for path in ("/login", "/assets/vantage.css", "/assets/bootstrap.min.css"):
        assert client.get(path).status_code == 200, path
    sign_in(client, "ada")  # an administrator opens every page
    for path in ("/", "/_dash-layout", "/_dash-dependencies", "/assets/metric.js"):
        assert client.get(path).status_code == 200, path
    paths = [(page.get("path_template") or page["path"]).replace("<key>", "data_accuracy")
             for page in dash.page_registry.values() if not page["path"].startswith("/wall")]
    assert "/" in paths and "/metric/data_accuracy" in paths and "/programme" in paths
    for path in paths:
        assert call(client, router_call(path)).status_code == 200, path  # the page's layout, as the router asks
    assert asked == []  # numbers come only through the callbacks that fill the layout in


@pytest.fixture
def gunicorn_with_viewers(tmp_path: Path, data_dir: Path) -> Iterator[tuple[str, Path]]:
    """Vantage under gunicorn (four workers, as the README's service runs it) with the login on, a copy of the demo
    database asked for changes every 0.2 s, and VIEWERS executives."""
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "demo.sqlite")
    (tmp_path / "vantage.toml").write_text(secured_config_text().replace("cache_ttl_seconds = 300",
                                                                         "cache_ttl_seconds = 0.2"))
    users = UserStore(tmp_path / "users.sqlite")
    for n in range(VIEWERS):
        users.add(f"viewer{n}", PASSWORD, "executive")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env.update(VANTAGE_CONFIG=str(tmp_path / "vantage.toml"), VANTAGE_DATA_DIR=str(tmp_path), VANTAGE_TODAY=TODAY,
               VANTAGE_SECRET_KEY="test-secret-not-for-production")
    master = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "app:create_server()", "-w", "4",
                               "-b", f"127.0.0.1:{port}", "--timeout", "60"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(base + "/login", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        master.kill()
        pytest.fail("gunicorn did not start: " + master.stderr.read().decode()[-2000:])
    yield base, tmp_path
    master.send_signal(signal.SIGTERM)
    master.wait(timeout=30)


def tiles(session: requests.Session, base: str) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    answer = session.post(base + "/_dash-update-component", json=overview_call(), timeout=30)
    return time.perf_counter() - started, answer


def test_a_locked_source_serves_the_last_good_tiles_at_once_to_ten_viewers(gunicorn_with_viewers: Any) -> None:
    base, folder = gunicorn_with_viewers
    sessions = [login(base, f"viewer{n}") for n in range(VIEWERS)]
    for _ in range(5):  # every worker answers (the answers are then the last good ones, shared by all workers)
        warm = [threading.Thread(target=tiles, args=(s, base)) for s in sessions]
        for thread in warm:
            thread.start()
        for thread in warm:
            thread.join()
    _, good = tiles(sessions[0], base)
    assert good.status_code == 200 and "stale-badge" not in good.text
    held, release = threading.Event(), threading.Event()

    def writer() -> None:  # a writer holds the database's exclusive lock: no reader gets in
        con = sqlite3.connect(folder / "demo.sqlite", isolation_level=None)
        con.execute("BEGIN EXCLUSIVE")
        held.set()
        release.wait(LOCK_SECONDS + 30)
        con.execute("ROLLBACK")
        con.close()

    lock = threading.Thread(target=writer)
    lock.start()
    assert held.wait(10)
    until = time.monotonic() + LOCK_SECONDS
    answers: list[tuple[float, int, str]] = []
    logins: list[tuple[float, int]] = []

    def viewer(n: int) -> None:
        time.sleep(n * EVERY_SECONDS / VIEWERS)
        while time.monotonic() < until:
            seconds, answer = tiles(sessions[n], base)
            answers.append((seconds, answer.status_code, answer.text))
            time.sleep(EVERY_SECONDS)

    def prober() -> None:
        while time.monotonic() < until:
            started = time.perf_counter()
            status = requests.get(base + "/login", timeout=30).status_code
            logins.append((time.perf_counter() - started, status))
            time.sleep(PROBE_SECONDS)

    crowd = [threading.Thread(target=viewer, args=(n,)) for n in range(VIEWERS)] + [threading.Thread(target=prober)]
    try:
        for thread in crowd:
            thread.start()
        for thread in crowd:
            thread.join()
    finally:
        release.set()
        lock.join()
    tile_seconds, login_seconds = sorted(a[0] for a in answers), sorted(s for s, _ in logins)
    print(f"\nlocked {LOCK_SECONDS:.0f} s, {VIEWERS} viewers: {len(answers)} tiles callbacks, max "
          f"{tile_seconds[-1]:.3f} s, median {statistics.median(tile_seconds):.3f} s; {len(logins)} login pages, max "
          f"{login_seconds[-1]:.3f} s, median {statistics.median(login_seconds):.3f} s")
    assert len(answers) >= VIEWERS * 3 and len(logins) >= 40
    assert {status for _, status, _ in answers} == {200} and {status for _, status in logins} == {200}
    assert tile_seconds[-1] < 1.0 and login_seconds[-1] < 0.2
    for _, _, text in answers:  # the last good numbers, each marked stale with since when the source is unavailable
        assert "stale-badge" in text and "Source unavailable since " in text and _kpi_value(text) == _kpi_value(good.text)
    _, after = tiles(sessions[0], base)  # the lock is gone: within the retry interval the tiles are fresh again
    deadline = time.monotonic() + 30
    while "stale-badge" in after.text and time.monotonic() < deadline:
        time.sleep(1)
        _, after = tiles(sessions[0], base)
    assert "stale-badge" not in after.text
