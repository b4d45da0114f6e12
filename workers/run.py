"""`python app.py worker`: a Celery worker for a config, its tasks bound to one wired engine shared by its threads.

The worker runs its tasks in threads of this process (pool "threads"), as gunicorn's threads share a web node's
engine: one catalogue, one cache and one set of local copies per process, and a kill -9 ends every task at once,
each then handed to another worker (queue.py). While it runs, it beats the pool's heartbeat (board.py).
"""
from __future__ import annotations

import os
import socket
import threading
from datetime import datetime
from typing import Any

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

from config.settings import Config
from core.errors import UsageError
from metrics.engine.questions import Engine
from snapshots.scheduler import clock_from
from workers import tasks
from workers.board import Board, heartbeat
from workers.queue import REFRESH, SNAPSHOT, celery_app, late_of, log, occurrence_of


def register(app: Celery, engine: Engine, config: Config) -> None:
    """The tasks of this worker, bound to its engine and config."""
    board = Board(config.broker_url)

    @app.task(name=REFRESH)
    def refresh_table(source: str, table: str, token: str) -> None:
        ok = False
        try:
            failed = tasks.refresh_table(engine, source, table)
            ok = True
            log.info("%s.%s: in step; %s", source, table, f"not warmed: {', '.join(failed)}" if failed else "warmed")
        finally:
            board.finish(f"{source}.{table}", token, ok)  # failed: the web nodes compute (and serve the last good)

    @app.task(name=SNAPSHOT)
    def send_snapshot(name: str, occurrence: dict[str, Any], now: str, late: dict[str, Any] | None) -> None:
        done = tasks.send_snapshot(engine, config, name, occurrence_of(occurrence), datetime.fromisoformat(now),
                                   late_of(late), clock_from(os.environ))
        log.info("%s: %d sent, %d to retry, %d failed", name, len(done.sent), len(done.retrying), len(done.failed))


def run_worker(engine: Engine, config: Config, concurrency: int) -> int:
    """Consume the broker's tasks until SIGTERM or SIGINT (the tasks running finish first)."""
    if concurrency < 1:
        raise UsageError(f"--concurrency is {concurrency}", "python app.py worker",
                         "give how many tasks may run at once, 1 or more (1 suits a machine of two cores)")
    app = celery_app(config.broker_url)
    register(app, engine, config)
    name = f"vantage-{os.getpid()}@{socket.gethostname()}"
    stop = threading.Event()
    # Only once it consumes does the worker count as alive: web nodes then leave the refreshes to the pool.
    worker_ready.connect(lambda **_: heartbeat(Board(config.broker_url), name, stop), weak=False)
    worker_shutdown.connect(lambda **_: stop.set(), weak=False)
    app.worker_main(["worker", "--pool=threads", f"--concurrency={concurrency}", "--loglevel=INFO", "-n", name,
                     "--without-gossip", "--without-mingle", "-Q", app.conf.task_default_queue])
    return 0
