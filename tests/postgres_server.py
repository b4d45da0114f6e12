"""Throwaway PostgreSQL server for tests.

A pytest plugin (``pytest_plugins = ["tests.postgres_server"]``) providing

* ``postgres_server`` (one per test run): a :class:`PostgresServer` describing a
  real PostgreSQL cluster created for this test run;
* ``postgres_url`` (one per test run): its SQLAlchemy URL,
  ``postgresql+psycopg://postgres@127.0.0.1:PORT/vantage_test``.

The cluster lives in a fresh temporary directory, listens on 127.0.0.1 on a
free port (plus a Unix socket inside that directory), trusts every local
connection, and runs with fsync off. It is stopped (``pg_ctl -m fast``) and
its directory removed when the test run ends, also when tests fail or the
start-up itself fails half way.

When run as root the server binaries run as the ``postgres`` user (PostgreSQL
refuses to run as root); otherwise they run as the current user.

The binaries come from the newest ``/usr/lib/postgresql/*/bin`` (Debian's
``postgresql`` package, installed by ``scripts/system-deps.sh``); the
environment variable ``VANTAGE_PG_BIN`` may point at another ``bin``
directory. Missing binaries fail the tests that need the server: they are
never skipped.

:func:`running_postgres` is the same thing as a context manager, for use
outside pytest (benchmarks, one-off scripts).

PYTEST_DONT_REWRITE (no assertions here; test modules import it directly too)
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import glob
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

DEFAULT_DBNAME = "vantage_test"
SUPERUSER = "postgres"
PG_ROOT = "/usr/lib/postgresql"
_INSTALL_HINT = (
    "PostgreSQL server binaries not found ({where}). "
    "Install them with: bash scripts/system-deps.sh "
    "(Debian package 'postgresql')."
)
# Unix socket paths are limited to 107 bytes; keep the socket directory short.
_MAX_SOCKET_DIR = 80


class PostgresUnavailable(RuntimeError):
    """PostgreSQL binaries are missing or the server could not be started."""


@dataclasses.dataclass(frozen=True)
class PostgresServer:
    host: str
    port: int
    user: str
    dbname: str
    base_dir: Path
    data_dir: Path
    bin_dir: Path

    @property
    def url(self) -> str:
        """SQLAlchemy URL (psycopg 3 driver) of the test database."""
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{self.dbname}"

    def url_for(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}@{self.host}:{self.port}/{dbname}"

    @property
    def libpq_dsn(self) -> str:
        """Plain libpq connection string (for psycopg.connect and the like)."""
        return f"host={self.host} port={self.port} user={self.user} dbname={self.dbname}"


def _version_key(path: str) -> tuple:
    version = Path(path).parent.name
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-]", version))


def find_pg_bin(root: str = PG_ROOT) -> Path:
    """The newest PostgreSQL ``bin`` directory that has the server programs."""
    override = os.environ.get("VANTAGE_PG_BIN")
    needed = ("initdb", "pg_ctl", "postgres", "createdb")
    if override:
        candidates = [override]
        where = f"VANTAGE_PG_BIN={override}"
    else:
        candidates = sorted(glob.glob(os.path.join(root, "*", "bin")), key=_version_key, reverse=True)
        where = f"no {root}/*/bin with {', '.join(needed)}"
    for cand in candidates:
        if all(os.access(os.path.join(cand, prog), os.X_OK) for prog in needed):
            return Path(cand)
    if override:
        where += f" lacks one of {', '.join(needed)}"
    raise PostgresUnavailable(_INSTALL_HINT.format(where=where))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _make_base_dir() -> Path:
    parent = tempfile.gettempdir()
    if len(parent) > _MAX_SOCKET_DIR - 30:
        parent = "/tmp"
    return Path(tempfile.mkdtemp(prefix="vantage-pg-", dir=parent))


class _Runner:
    """Runs PostgreSQL programs as the right user with a clean environment."""

    def __init__(self, bin_dir: Path, cwd: Path):
        self.bin_dir = bin_dir
        self.cwd = cwd
        self.as_root = os.geteuid() == 0
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        self.env.update(LC_ALL="C", LANG="C")
        if self.as_root:
            try:
                self.pw = pwd.getpwnam(SUPERUSER)
            except KeyError:
                raise PostgresUnavailable(
                    f"running as root but there is no '{SUPERUSER}' system user to run the server as; "
                    "install the 'postgresql' package with: bash scripts/system-deps.sh"
                ) from None
            if shutil.which("runuser") is None:
                raise PostgresUnavailable("running as root but 'runuser' (util-linux) is missing")
            self.env["HOME"] = str(cwd)

    def own(self, path: Path) -> None:
        if self.as_root:
            os.chown(path, self.pw.pw_uid, self.pw.pw_gid)

    def run(self, prog: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
        cmd = [str(self.bin_dir / prog), *args]
        if self.as_root:
            cmd = ["runuser", "-u", SUPERUSER, "--", *cmd]
        return subprocess.run(
            cmd,
            cwd=self.cwd,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def _check(proc: subprocess.CompletedProcess, what: str, log: Path | None = None) -> None:
    if proc.returncode == 0:
        return
    msg = f"{what} failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
    if log is not None and log.exists():
        tail = log.read_text(errors="replace").splitlines()[-30:]
        msg += "\n--- server log ---\n" + "\n".join(tail)
    raise PostgresUnavailable(msg)


@contextlib.contextmanager
def running_postgres(dbname: str = DEFAULT_DBNAME) -> Iterator[PostgresServer]:
    """Start a throwaway cluster, yield it, then stop it and delete its files."""
    bin_dir = find_pg_bin()
    base = _make_base_dir()
    data = base / "data"
    log = base / "server.log"
    runner: _Runner | None = None
    done = False

    def stop() -> None:
        nonlocal done
        if done:
            return
        done = True
        if runner is not None and (data / "postmaster.pid").exists():
            proc = runner.run("pg_ctl", "-D", str(data), "-m", "fast", "-w", "-t", "30", "stop", timeout=60)
            if proc.returncode != 0:
                _kill_postmaster(data)
        shutil.rmtree(base, ignore_errors=True)

    # Backstop for an interpreter exiting without running the fixture teardown.
    atexit.register(stop)
    try:
        runner = _Runner(bin_dir, base)
        runner.own(base)
        _check(
            runner.run(
                "initdb", "-D", str(data), "-U", SUPERUSER, "-A", "trust",
                "-E", "UTF8", "--no-locale", "--no-sync",
            ),
            "initdb",
        )
        port = 0
        for attempt in range(3):
            port = _free_port()
            opts = f"-p {port} -k {shlex.quote(str(base))} -c listen_addresses=127.0.0.1 -c fsync=off"
            proc = runner.run(
                "pg_ctl", "-D", str(data), "-w", "-t", "60", "-l", str(log), "-o", opts, "start", timeout=90,
            )
            if proc.returncode == 0:
                break
            log_text = log.read_text(errors="replace") if log.exists() else ""
            if attempt == 2 or "could not bind" not in log_text:
                _check(proc, "pg_ctl start", log)
        _check(
            runner.run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", SUPERUSER, dbname),
            f"createdb {dbname}",
            log,
        )
        yield PostgresServer(
            host="127.0.0.1",
            port=port,
            user=SUPERUSER,
            dbname=dbname,
            base_dir=base,
            data_dir=data,
            bin_dir=bin_dir,
        )
    finally:
        stop()
        atexit.unregister(stop)


def _kill_postmaster(data: Path) -> None:
    try:
        pid = int((data / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGQUIT)
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except OSError:
            return
        time.sleep(0.1)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the whole test run."""
    error = None
    try:
        with running_postgres() as server:
            yield server
    except PostgresUnavailable as exc:
        error = str(exc)
    if error is not None:
        pytest.fail(error, pytrace=False)


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """``postgresql+psycopg://postgres@127.0.0.1:PORT/vantage_test``"""
    return postgres_server.url
