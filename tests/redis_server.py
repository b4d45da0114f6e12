"""Throwaway Redis server for tests.

Import the fixture into a test module (``from tests.redis_server import redis_server``): ``redis_server`` gives each
test a :class:`RedisServer`, a real ``redis-server`` listening on 127.0.0.1 on a free port, with no persistence
(``--save '' --appendonly no``) and its working directory in a fresh temporary folder. A test may kill it (``kill()``,
as a crash would) and start it again on the same port (``start()``); it is stopped and its folder removed when the
test ends, also when the test fails.

The binary is ``redis-server`` on the PATH (Debian's ``redis-server`` package, installed by
``scripts/system-deps.sh``); the environment variable ``VANTAGE_REDIS_SERVER`` may name another. A missing binary
fails the tests that need the server: they are never skipped.

:func:`running_redis` is the same thing as a context manager, for use outside pytest.

PYTEST_DONT_REWRITE (no assertions here)
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

_INSTALL_HINT = "redis-server not found ({where}). Install it with: bash scripts/system-deps.sh (Debian package " \
                "'redis-server')."


class RedisUnavailable(RuntimeError):
    """redis-server is missing or could not be started."""


def find_redis_server() -> str:
    """The redis-server program: $VANTAGE_REDIS_SERVER, else the one on the PATH."""
    override = os.environ.get("VANTAGE_REDIS_SERVER")
    found = override if override and os.access(override, os.X_OK) else shutil.which("redis-server")
    if override and found != override:
        raise RedisUnavailable(_INSTALL_HINT.format(where=f"VANTAGE_REDIS_SERVER={override} is not executable"))
    if not found:
        raise RedisUnavailable(_INSTALL_HINT.format(where="not on the PATH"))
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    """Whether a Redis on the port answers PING with PONG."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """A redis-server process on 127.0.0.1:port that a test may kill and start again."""

    def __init__(self, program: str, folder: Path) -> None:
        self.program, self.folder = program, folder
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server (on the same port as before) and wait until it answers."""
        log = self.folder / "server.log"
        for attempt in range(3):
            self.process = subprocess.Popen(
                [self.program, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--dir", str(self.folder), "--logfile", str(log), "--daemonize", "no"],
                cwd=self.folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.process.poll() is None:
                if _answers(self.port):
                    return
                time.sleep(0.02)
            self.kill()
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            if attempt == 2 or "Address already in use" not in tail:
                raise RedisUnavailable(f"redis-server did not start on port {self.port}:\n{tail}")
            self.port = _free_port()  # taken meanwhile by another program: another port

    def kill(self) -> None:
        """Kill the server at once, as a crash would (SIGKILL)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        """Stop the server (SIGTERM), killing it if it does not end within 10 s."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()


@contextlib.contextmanager
def running_redis() -> Iterator[RedisServer]:
    """Start a throwaway redis-server, yield it, then stop it and delete its folder."""
    program = find_redis_server()
    folder = Path(tempfile.mkdtemp(prefix="vantage-redis-"))
    server = RedisServer(program, folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """A real Redis server of this test's own."""
    error = None
    try:
        with running_redis() as server:
            yield server
    except RedisUnavailable as exc:
        error = str(exc)
    if error is not None:
        pytest.fail(error, pytrace=False)
