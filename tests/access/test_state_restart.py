"""The shared state's PostgreSQL restarted under load: Vantage under gunicorn, its users, sessions and audit trail in a
PostgreSQL of its own, four executives loading the overview and a metric page without pause, and a stranger asking
for the login page, while the database is restarted (`pg_ctl restart -m fast`), and while it is stopped at once
(`pg_ctl stop -m immediate`, a crash to recover from) and started again 2 s later.

What a user would check: no answer is a 500; each failure is a 503 with one short sentence (no traceback, no path, no
SQL) and a Retry-After; the login page answers throughout; within a few seconds of the database being back every
request is answered again by the same server processes, on the same sessions (no one signs in again); and every view
that was answered has its rows in the audit trail, which still verifies as one chain.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import requests

from access.audit import AuditTrail, verify
from access.users import UserStore
from core import state
from core.errors import AuditUnavailable
from dashboard.faults import STATE_SHOWN
from tests.conftest import ROOT, TODAY
from tests.dashboard.secured import overview_call
from tests.dashboard.test_faults import free_port
from tests.dashboard.test_guard import PASSWORD, login, secured_config_text, summary_request
from tests.dashboard.test_locked_source import ahead_of_the_machine
from tests.gunicorn import wait_until_serving
from tests.postgres_server import PostgresServer, _Runner, running_postgres

VIEWERS = ("ana", "bo", "cy", "di")
METRICS = ("data_accuracy", "automation_rate", "error_rate", "data_completeness")
BEFORE_SECONDS = 2.0  # load before the restart
RECOVER_SECONDS = 5.0  # from the database accepting connections again to every request being answered
AFTER_SECONDS = RECOVER_SECONDS + 3.0  # load after the database is back
SHOWN = {STATE_SHOWN, AuditUnavailable.SHOWN}  # the only sentences a failure may say


@dataclass(frozen=True)
class Answer:
    user: str
    kind: str
    status: int
    body: str
    began: float
    ended: float
    retry_after: str | None


def requests_of(key: str) -> list[tuple[str, str, Any]]:
    """A viewer's round: the overview (its HTML, its layout, its tiles) and a metric page's numbers."""
    router = {"output": ".._pages_content.children..._pages_store.data..",
              "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
              "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/"},
                         {"id": "_pages_location", "property": "search", "value": ""}],
              "changedPropIds": ["_pages_location.pathname"], "state": []}
    return [("page", "/", None), ("layout", "/_dash-update-component", router),
            ("tiles", "/_dash-update-component", overview_call()),
            ("metric", "/_dash-update-component", summary_request(key=key))]


def ask(session: requests.Session, base: str, user: str, kind: str, path: str, body: Any) -> Answer:
    began = time.monotonic()
    if body is None:
        answer = session.get(base + path, allow_redirects=False, timeout=30)
    else:
        answer = session.post(base + path, json=body, allow_redirects=False, timeout=30)
    return Answer(user, kind, answer.status_code, answer.text, began, time.monotonic(),
                  answer.headers.get("Retry-After"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Iterator[tuple[str, PostgresServer, Path]]:
    """A private PostgreSQL (restarted by these tests, so not the run's shared one) holding the state of Vantage
    under gunicorn (two workers, login on); the VIEWERS are executives. Yields the address, the database server and
    the data folder."""
    folder = tmp_path_factory.mktemp("restart")
    with running_postgres("vantage_restart") as pg:
        state.migrate(pg.url)
        state.attach(folder, pg.url)
        users = UserStore.in_folder(folder)
        for name in VIEWERS:
            users.add(name, PASSWORD, "executive")
        shutil.copy(data_dir / "demo.sqlite", folder / "demo.sqlite")
        (folder / "vantage.toml").write_text(secured_config_text())
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
        env.update(VANTAGE_CONFIG=str(folder / "vantage.toml"), VANTAGE_DATA_DIR=str(folder), VANTAGE_TODAY=TODAY,
                   VANTAGE_STATE_URL=pg.url, VANTAGE_SECRET_KEY="test-secret-not-for-production")
        log = open(folder / "server.log", "wb")  # a file, not a pipe: a full pipe would stall the server # noqa: SIM115
        master = subprocess.Popen([*ahead_of_the_machine(), str(Path(sys.executable).parent / "gunicorn"),
                                   "app:create_server()", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "60"],
                                  cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_serving(base, folder / "server.log", master)
            yield base, pg, folder
        finally:
            master.send_signal(signal.SIGQUIT)
            master.wait(timeout=30)
            log.close()
            state.engine(pg.url).dispose()
            state.bind(folder, "")


def restart(pg: PostgresServer, how: str) -> tuple[float, float]:
    """Restart the database: `fast` (pg_ctl restart -m fast) or `crash` (stop -m immediate, start 2 s later). Returns
    when it went down and when it accepted connections again (time.monotonic())."""
    runner = _Runner(pg.bin_dir, pg.base_dir)
    data, log = str(pg.data_dir), str(pg.base_dir / "server.log")
    opts = f"-p {pg.port} -k {shlex.quote(str(pg.base_dir))} -c listen_addresses=127.0.0.1 -c fsync=off"
    down = time.monotonic()
    if how == "fast":
        done = runner.run("pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "60", "-l", log, "-o", opts, "restart")
    else:
        stopped = runner.run("pg_ctl", "-D", data, "-m", "immediate", "-w", "stop")
        assert stopped.returncode == 0, stopped.stderr
        time.sleep(2.0)
        done = runner.run("pg_ctl", "-D", data, "-w", "-t", "60", "-l", log, "-o", opts, "start")
    assert done.returncode == 0, done.stdout + done.stderr
    return down, time.monotonic()


def audit_rows(pg: PostgresServer, after: int) -> list[tuple[int, str, str, str]]:
    with psycopg.connect(pg.libpq_dsn, autocommit=True) as con:
        return con.execute('SELECT id, "user", action, what FROM audit WHERE id > %s ORDER BY id', (after,)).fetchall()


def last_id(pg: PostgresServer) -> int:
    rows = audit_rows(pg, 0)
    return rows[-1][0] if rows else 0


def rows_per_kind(pg: PostgresServer, base: str, session: requests.Session, user: str) -> dict[str, Counter]:
    """The audit rows (action, what) each kind of request writes, measured one request at a time, twice (the same)."""
    kinds: dict[str, Counter] = {}
    for _ in range(2):
        for kind, path, body in requests_of(METRICS[VIEWERS.index(user)]):
            mark = last_id(pg)
            assert ask(session, base, user, kind, path, body).status == 200
            written = Counter((action, what) for _, who, action, what in audit_rows(pg, mark) if who == user)
            assert kinds.setdefault(kind, written) == written, kind
    assert sum(kinds["tiles"].values()) >= 8 and sum(kinds["metric"].values()) >= 1, kinds  # views are recorded
    return kinds


@pytest.mark.parametrize("how", ["fast", "crash"])
def test_requests_during_a_restart_get_a_clear_503_and_nothing_recorded_is_lost(server: Any, how: str) -> None:
    base, pg, folder = server
    sessions = {name: login(base, name) for name in VIEWERS}
    kinds = {name: rows_per_kind(pg, base, sessions[name], name) for name in VIEWERS}
    mark = last_id(pg)
    answers: list[Answer] = []
    probes: list[Answer] = []
    stop = threading.Event()

    def viewer(name: str) -> None:
        while not stop.is_set():
            for kind, path, body in requests_of(METRICS[VIEWERS.index(name)]):
                answers.append(ask(sessions[name], base, name, kind, path, body))

    def stranger() -> None:  # no session: the login page needs no database
        while not stop.is_set():
            answers_login = ask(requests.Session(), base, "stranger", "login", "/login", None)
            probes.append(answers_login)
            time.sleep(0.2)

    crowd = [threading.Thread(target=viewer, args=(name,)) for name in VIEWERS] + [threading.Thread(target=stranger)]
    for thread in crowd:
        thread.start()
    time.sleep(BEFORE_SECONDS)
    down, back = restart(pg, how)
    time.sleep(AFTER_SECONDS)
    stop.set()
    for thread in crowd:
        thread.join(timeout=60)

    statuses = Counter(a.status for a in answers)
    outage = [a for a in answers if a.ended >= down and a.began <= back]
    print(f"\n{how}: down {back - down:.1f} s; {len(answers)} requests {dict(statuses)}, "
          f"{sum(a.status == 503 for a in outage)} of {len(outage)} during the outage were 503; "
          f"{len(probes)} login pages {dict(Counter(p.status for p in probes))}")
    assert statuses[500] == 0 and set(statuses) <= {200, 503}, [a for a in answers if a.status not in (200, 503)][:3]
    assert sum(a.status == 503 for a in outage) >= 1  # the restart was met by requests (else this tests nothing)
    for failed in (a for a in answers if a.status == 503):
        text = json.loads(failed.body)["error"] if failed.kind != "page" else failed.body
        assert text in SHOWN and failed.retry_after, failed  # one short sentence: no traceback, path nor SQL
        assert failed.ended >= down, failed  # nothing failed before the database went down
    assert [p.status for p in probes] == [200] * len(probes) and len(probes) >= 10  # the login page answered
    said = Counter(json.loads(a.body)["error"] if a.kind != "page" else a.body for a in answers if a.status == 503)
    print(f"{how}: the 503s said {dict(said)}")

    # Back within RECOVER_SECONDS, on the same processes and sessions: every later request answered.
    late = [a for a in answers if a.began >= back + RECOVER_SECONDS]
    assert {a.user for a in late} == set(VIEWERS) and {a.status for a in late} == {200}, Counter(a.status for a in late)
    recovered = max(min(a.began for a in answers if a.user == name and a.began > back and a.status == 200
                        and not any(b.user == name and b.began > a.began and b.status != 200 for b in answers))
                    for name in VIEWERS) - back
    print(f"{how}: every viewer answered again {max(recovered, 0):.2f} s after the database was back")
    for name, session in sessions.items():
        assert session.get(base + "/", allow_redirects=False, timeout=30).status_code == 200, name  # still signed in
    log = (folder / "server.log").read_text()
    assert log.count("Booting worker") == 2 and "Traceback" not in log and "internal error" not in log, log[-3000:]

    # Nothing recorded is lost: each answered view's rows are in the trail (a failed answer may have left its rows
    # when the database committed them but could not say so), and the trail is one intact chain.
    for name in VIEWERS:
        wanted = sum((kinds[name][a.kind] for a in answers if a.user == name and a.status == 200), Counter())
        found = Counter((action, what) for _, who, action, what in audit_rows(pg, mark) if who == name)
        failed = [a for a in answers if a.user == name and a.status != 200]
        assert not wanted - found, (name, wanted - found)  # none missing
        extra = sum((found - wanted).values())
        assert extra <= sum(sum(kinds[name][a.kind].values()) for a in failed), (name, found - wanted)
        print(f"{how}: {name} {sum(a.status == 200 for a in answers if a.user == name)} answered, "
              f"{len(failed)} refused; {sum(wanted.values())} audit rows wanted, {sum(found.values())} found")
    verdict = verify(folder / AuditTrail.FILE)
    assert verdict.intact and verdict.rows == last_id(pg), str(verdict)
