"""A cluster on this machine, every service real and started here: two gunicorn web nodes (each with a data folder
of its own), one PostgreSQL state store migrated by `python app.py state migrate`, one redis-server (database 0 the
result cache, database 1 the broker), one Celery worker (`python app.py worker`) and an SMTP server. The nodes and
the worker read one source, the session's demo database; schedulers are started by the tests that need them.

A test that kills a part (a node, the worker, Redis) leaves it dead; the next test that needs it asks for it again
(`Cluster.node`, `Cluster.ensure_worker`, `Cluster.ensure_redis`), so the tests hold in any order.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import diskcache
import psycopg
import pytest
import redis
import requests
import sqlalchemy as sa

from access.users import UserStore
from core import state
from tests.conftest import ROOT, TODAY
from tests.postgres_server import PostgresServer
from tests.redis_server import RedisServer, RedisUnavailable, running_redis
from tests.snapshots.smtp import SmtpServer, free_port, write_config
from workers.board import Board

PASSWORD = "correct horse battery"
PEOPLE = ("ana", "ben", "cai")  # executives: ana signs in on node A, ben and cai make the traffic of the kill tests
SECRET = "cluster-test-secret-not-for-production"  # one key for every node, as the deployment's environment file
REDELIVER = "3"  # seconds after which a dead worker's task is handed to another (the default is ten minutes)
SNAPSHOTS = {
    "daily": '[snapshots.daily]\ntitle = "Daily KPIs"\nschedule = "0 9 * * *"\ntimezone = "Asia/Shanghai"\n'
             'recipients = [{email = "pmo@example.com", language = "en"}]\nmetrics = ["data_accuracy", '
             '"automation_rate"]\n',
    "evening": '[snapshots.evening]\ntitle = "Evening KPIs"\nschedule = "0 18 * * *"\ntimezone = "Asia/Shanghai"\n'
               'recipients = [{email = "cio@example.com", language = "en"}]\nmetrics = ["data_accuracy", '
               '"api_calls_per_day"]\n',
}


def wait_for(condition: Callable[[], object], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")


def killpg(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    """Signal a process started in a session of its own, with every process of its group (gunicorn's workers)."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    if sig == signal.SIGKILL:  # what was left of the group (a worker mid-exit) goes too
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def environment(**extra: str) -> dict[str, str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    environ.update(VANTAGE_WORKER_REDELIVER_SECONDS=REDELIVER, **extra)
    return environ


@dataclass
class Node:
    """One web node: gunicorn with two workers over its own data folder."""

    name: str
    port: int
    data: Path
    log: Path
    process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Cluster:
    root: Path
    source: Path  # the demo database every node reads
    config: Path  # the nodes' and the worker's config
    state_url: str
    redis: RedisServer
    smtp: SmtpServer
    nodes: dict[str, Node] = field(default_factory=dict)
    worker: subprocess.Popen | None = None
    workers_started: int = 0
    processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def cache_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis.port}/0"

    @property
    def broker_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis.port}/1"

    # -- processes ---------------------------------------------------------------------------------------------
    def app_py(self, config: Path, data: Path, log: Path, *command: str, **env: str) -> subprocess.Popen:
        """`python app.py ... COMMAND` in a session of its own (a kill takes its threads and children)."""
        process = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--config", str(config), "--data-dir",
                                    str(data), "--today", TODAY, *command], cwd=ROOT, env=environment(**env),
                                   stdout=log.open("a"), stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def start_node(self, node: Node) -> None:
        env = environment(VANTAGE_CONFIG=str(self.config), VANTAGE_DATA_DIR=str(node.data), VANTAGE_TODAY=TODAY,
                          VANTAGE_SECRET_KEY=SECRET)
        node.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "app:create_server()", "--workers", "2", "--bind",
             f"127.0.0.1:{node.port}", "--timeout", "60", "--graceful-timeout", "5", "--no-control-socket"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=node.log.open("a"), start_new_session=True)
        self.processes.append(node.process)

    def wait_node(self, node: Node) -> None:
        last = ["no answer"]

        def answers() -> bool:
            assert node.alive(), f"node {node.name} exited:\n{node.log.read_text()[-3000:]}"
            try:
                answer = requests.get(node.base + "/readyz", timeout=5)
            except requests.RequestException as exc:
                last[0] = str(exc)
                return False
            last[0] = f"{answer.status_code} {answer.text[:1000]}"
            return answer.status_code == 200

        try:
            wait_for(answers, f"node {node.name} to answer /readyz", timeout=90)
        except AssertionError as exc:
            raise AssertionError(f"{exc}; its last answer: {last[0]}") from None

    def node(self, name: str) -> Node:
        """The node, started again first if a test killed it."""
        found = self.nodes[name]
        if not found.alive():
            self.ensure_redis()
            self.start_node(found)
            self.wait_node(found)
        return found

    def readiness(self, name: str) -> tuple[int, dict[str, Any]]:
        """A node's /readyz: its HTTP status and report."""
        answer = requests.get(self.nodes[name].base + "/readyz", timeout=10)
        return answer.status_code, json.loads(answer.text)

    def kill_node(self, name: str) -> None:
        process = self.nodes[name].process
        assert process is not None
        killpg(process)

    def start_worker(self) -> subprocess.Popen:
        self.workers_started += 1
        n = self.workers_started
        self.worker = self.app_py(self.config, self.root / f"worker{n}", self.worker_log(n), "worker")
        return self.worker

    def worker_log(self, n: int | None = None) -> Path:
        return self.root / f"worker{n or self.workers_started}.log"

    def ensure_worker(self) -> None:
        """A live worker, beating its heartbeat (started if none is)."""
        if self.worker is None or self.worker.poll() is not None:
            self.ensure_redis()
            self.start_worker()
        board = Board(self.broker_url)
        wait_for(board.alive, "the worker's heartbeat")

    def kill_worker(self) -> None:
        assert self.worker is not None
        killpg(self.worker)

    def ensure_redis(self) -> None:
        if self.redis.process is None or self.redis.process.poll() is not None:
            self.redis.start()  # on the same port: the nodes and the worker find it again by themselves

    def scheduler(self, snapshot: str, now: str, n: int) -> subprocess.Popen:
        """`python app.py scheduler` for one snapshot, its clock starting at `now`, with a data folder of its own."""
        return self.app_py(self.root / f"{snapshot}.toml", self.root / f"scheduler-{snapshot}{n}",
                           self.root / f"scheduler-{snapshot}{n}.log", "scheduler",
                           VANTAGE_SCHEDULER_NOW=now, VANTAGE_SCHEDULER_INTERVAL="0.3")

    # -- what the cache holds -------------------------------------------------------------------------------------
    def cached_answers(self) -> int:
        """How many keys Vantage keeps in the shared cache (answers, last good answers, data versions)."""
        client = redis.Redis(port=self.redis.port, db=0)
        return sum(1 for _ in client.scan_iter(match="vantage:*", count=1000))

    def local_answers(self, node: Node) -> int:
        """How many entries a node's local cache folder holds (its fallback while Redis is away)."""
        with diskcache.Cache(str(node.data / "cache")) as local:
            return len(local)

    def quiet(self) -> None:
        """Wait until the worker has nothing queued or running and the shared cache has stopped changing."""
        broker = redis.Redis(port=self.redis.port, db=1)
        seen: list[int] = []

        def still() -> bool:
            idle = broker.llen("vantage") == 0 and broker.hlen("unacked") == 0
            seen.append(self.cached_answers() if idle else -len(seen))
            return len(seen) > 20 and len(set(seen[-20:])) == 1
        wait_for(still, "the worker to finish its refreshes", timeout=90)

    # -- the shared state ------------------------------------------------------------------------------------------
    def sql(self, statement: str, *params: Any) -> list[tuple]:
        dsn = sa.make_url(self.state_url).set(drivername="postgresql").render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as con:
            cur = con.execute(statement, params or None)
            return cur.fetchall() if cur.description else []

    def audit_rows(self, user: str, action: str = "view") -> int:
        return int(self.sql('SELECT count(*) FROM audit WHERE "user" = %s AND action = %s', user, action)[0][0])

    def outbox(self, snapshot: str) -> list[tuple]:
        return self.sql("SELECT idempotency_key, status, attempts FROM outbox WHERE snapshot = %s ORDER BY id",
                        snapshot)

    def checked_until(self, snapshot: str) -> str:
        """How far the schedulers have checked a snapshot's schedule (UTC, ISO), "" before the first check."""
        found = self.sql("SELECT checked_until FROM schedule_state WHERE snapshot = %s", snapshot)
        return str(found[0][0]) if found else ""

    def received(self, snapshot: str) -> list[Any]:
        """The emails of one snapshot the SMTP server got."""
        return [r for r in self.smtp.received if str(r.message["X-Vantage-Snapshot"]).startswith(f"{snapshot}@")]


def cluster_config(folder: Path, source: Path, smtp_port: int, redis_port: int, state_url: str, snapshots: str) -> Path:
    """The demo's config over `source` with the login on, the shared services and the given snapshots."""
    shared = (f'state_url = "{state_url}"\ncache_url = "redis://127.0.0.1:{redis_port}/0"\n'
              f'broker_url = "redis://127.0.0.1:{redis_port}/1"\n')
    path = write_config(folder, source, smtp_port, snapshots, vantage=shared)
    text = path.read_text().replace("login_required = false\n", "")
    text = text.replace('public_url = "https://vantage.example.com"', 'public_url = "http://vantage.example.com"')
    path.write_text(text)
    return path


def login(base: str, user: str, password: str = PASSWORD) -> requests.Session:
    """Sign in on a node as a browser does: the form's token, the form, the session cookie."""
    session = requests.Session()
    page = session.get(f"{base}/login", timeout=30).text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:300]
    answer = session.post(f"{base}/login", data={"csrf": found.group(1), "user": user, "password": password,
                                                 "next": "/"}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:300]
    return session


def logout(base: str, session: requests.Session) -> None:
    """Open the logout page and post its form, as the menu's "Log out" does."""
    page = session.get(f"{base}/logout", timeout=30).text
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:300]
    answer = session.post(f"{base}/logout", data={"csrf": found.group(1)}, allow_redirects=False, timeout=30)
    assert answer.status_code == 302, answer.text[:300]


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory, data_dir: Path,
            postgres_server: PostgresServer) -> Iterator[Cluster]:
    root = tmp_path_factory.mktemp("cluster")
    name = f"cluster_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_server.libpq_dsn, autocommit=True) as con:
        con.execute(f"CREATE DATABASE {name}")
    state_url = postgres_server.url_for(name)
    smtp = SmtpServer(free_port())
    smtp.start()
    source = root / "demo.sqlite"  # the one source every node reads (a copy: a test locks it)
    shutil.copy(data_dir / "demo.sqlite", source)
    try:
        with running_redis() as redis:
            for snapshot, text in SNAPSHOTS.items():  # a scheduler's config: its one snapshot
                cluster_config(root, source, smtp.port, redis.port, state_url, text).rename(root / f"{snapshot}.toml")
            config = cluster_config(root, source, smtp.port, redis.port, state_url, "\n".join(SNAPSHOTS.values()))
            migrated = subprocess.run([sys.executable, str(ROOT / "app.py"), "--config", str(config), "--data-dir",
                                       str(root / "migrate"), "--today", TODAY, "state", "migrate"],
                                      check=False, capture_output=True, text=True, cwd=ROOT, env=environment(),
                                      timeout=120)
            assert migrated.returncode == 0, migrated.stderr
            people = root / "admin"  # the administrator's machine adds the users to the shared state
            state.attach(people, state_url)
            try:
                users = UserStore.in_folder(people)
                for person in PEOPLE:
                    users.add(person, PASSWORD, "executive")
            finally:
                state.bind(people, "")
            found = Cluster(root, source, config, state_url, redis, smtp)
            for name in ("a", "b"):
                found.nodes[name] = Node(name, free_port(), root / f"node_{name}", root / f"node_{name}.log")
            try:
                for node in found.nodes.values():
                    found.start_node(node)
                found.start_worker()
                for node in found.nodes.values():
                    found.wait_node(node)
                wait_for(Board(found.broker_url).alive, "the worker's heartbeat")
                yield found
            finally:
                for process in found.processes:
                    killpg(process, signal.SIGTERM)
    except RedisUnavailable as exc:
        pytest.fail(str(exc), pytrace=False)
    finally:
        smtp.stop()
