"""Under faults the dashboard keeps serving and loses nothing: a worker killed, the cache deleted, a source down."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest
import requests

from access.audit import AuditTrail
from access.users import UserStore
from tests.conftest import ROOT, TODAY
from tests.dashboard.test_guard import PASSWORD, login, secured_config_text, summary_request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path: Path, data_dir: Path) -> Iterator[tuple[str, subprocess.Popen, Path]]:
    """Vantage under gunicorn with two workers, login on, as in production."""
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "demo.sqlite")
    (tmp_path / "vantage.toml").write_text(secured_config_text().replace("cache_ttl_seconds = 300",
                                                                         "cache_ttl_seconds = 0.2"))
    UserStore(tmp_path / "users.sqlite").add("erin", PASSWORD, "executive")
    UserStore(tmp_path / "users.sqlite").add("ada", PASSWORD, "admin")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env.update(VANTAGE_CONFIG=str(tmp_path / "vantage.toml"), VANTAGE_DATA_DIR=str(tmp_path), VANTAGE_TODAY=TODAY,
               VANTAGE_SECRET_KEY="test-secret-not-for-production")
    master = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "app:create_server()", "-w", "2",
                               "-b", f"127.0.0.1:{port}", "--timeout", "60"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(base + "/login", timeout=5).status_code == 200:
                break
        except requests.RequestException:  # not listening yet, or a worker still starting
            time.sleep(0.2)
    else:
        master.kill()
        pytest.fail("gunicorn did not start: " + master.stderr.read().decode()[-2000:])
    yield base, master, tmp_path
    master.send_signal(signal.SIGTERM)
    master.wait(timeout=30)


def workers(master: subprocess.Popen) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master.pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def views(folder: Path) -> int:
    return sum(1 for e in AuditTrail(folder / "audit.sqlite").entries(user="erin") if e["action"] == "view")


def test_a_killed_worker_loses_no_request_record_and_the_site_keeps_serving(gunicorn) -> None:  # noqa: ANN001
    base, master, folder = gunicorn
    erin = login(base, "erin")  # the session cookie is signed with the shared secret: any worker accepts it
    ok = 0
    for _ in range(4):
        ok += erin.post(base + "/_dash-update-component", json=summary_request(), timeout=30).status_code == 200
    before = workers(master)
    assert len(before) == 2
    os.kill(before[0], signal.SIGKILL)
    failures = 0
    for _ in range(20):
        try:
            answer = erin.post(base + "/_dash-update-component", json=summary_request(), timeout=30)
            ok += answer.status_code == 200
            assert answer.status_code == 200 and "Data accuracy" in answer.text
        except requests.ConnectionError:
            failures += 1  # a request caught on the killed worker; the next one goes through
    assert failures <= 1 and ok >= 23
    deadline = time.time() + 30
    while len(workers(master)) < 2 and time.time() < deadline:
        time.sleep(0.2)
    assert len(workers(master)) == 2 and before[0] not in workers(master)  # the master replaced it
    assert views(folder) == ok  # every answered view is in the audit trail, none lost with the worker


def test_cache_folder_deleted_under_a_running_server(gunicorn) -> None:  # noqa: ANN001
    base, _, folder = gunicorn
    erin = login(base, "erin")
    first = erin.post(base + "/_dash-update-component", json=summary_request()).json()
    shutil.rmtree(folder / "cache")
    again = erin.post(base + "/_dash-update-component", json=summary_request())
    assert again.status_code == 200
    assert json.dumps(again.json()["response"]["metric-summary"]) == json.dumps(first["response"]["metric-summary"])


def test_source_down_under_a_running_server_serves_the_last_good_value_marked(gunicorn) -> None:  # noqa: ANN001
    base, _, folder = gunicorn
    erin, ada = login(base, "erin"), login(base, "ada")
    for _ in range(2):  # both workers answer once, so each has a last good value to fall back on
        good = erin.post(base + "/_dash-update-component", json=summary_request()).text
        ada.post(base + "/_dash-update-component", json=summary_request())
    (folder / "demo.sqlite").rename(folder / "gone.sqlite")
    time.sleep(0.5)  # past the source's TTL: the next question asks the (missing) source again
    for _ in range(4):
        answer = erin.post(base + "/_dash-update-component", json=summary_request())
        assert answer.status_code == 200
        text = answer.text
        # The same number as before, marked stale, with why: never a blank tile or a zero. The reason names the
        # server's files, so an executive reads "source unavailable" and a reference, not the path.
        assert "Source unavailable since " in text and '"Stale"' in text and "stale-badge" in text
        assert "Data accuracy" in text and "demo.sqlite" not in text and str(folder) not in text
    assert _kpi_value(good) == _kpi_value(text)
    admin = ada.post(base + "/_dash-update-component", json=summary_request()).text
    assert "demo.sqlite does not exist" in admin and '"Stale"' in admin  # an administrator reads what failed


def _kpi_value(body: str) -> str:
    """The text inside a tile's value element (the number with its unit)."""
    def walk(node: object) -> str | None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("className") == "kpi-value":
                return json.dumps(props.get("children"), ensure_ascii=False)
            return next((f for v in node.values() if (f := walk(v))), None)
        if isinstance(node, list):
            return next((f for v in node if (f := walk(v))), None)
        return None
    found = walk(json.loads(body))
    assert found, body[:300]
    return found
