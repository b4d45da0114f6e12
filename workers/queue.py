"""The Celery app of a config's broker, and what web nodes and schedulers hand to it.

Tasks are acknowledged only when done (acks_late) and one at a time per worker thread: a worker killed mid-task
leaves its task in Redis, and another worker takes it up once REDELIVER_SECONDS have passed since it was handed
out ($VANTAGE_WORKER_REDELIVER_SECONDS, for tests and drills). Every task may therefore run twice: each is
idempotent (a copy already in step is left alone; an occurrence already in the outbox is not queued again, and the
outbox sends each once).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from celery import Celery
from kombu.exceptions import OperationalError

from config.settings import Config
from connectors.base import DataVersion
from core.errors import ConfigError
from metrics.engine.cache_redis import RedisUnavailable
from metrics.engine.questions import Engine
from snapshots.cron import Occurrence
from snapshots.scheduler import Dispatch, seconds_from
from snapshots.view import Late
from workers.board import QUEUED, Board

REFRESH, SNAPSHOT = "vantage.refresh_table", "vantage.send_snapshot"
QUEUE = "vantage"
REDELIVER_ENV = "VANTAGE_WORKER_REDELIVER_SECONDS"
REDELIVER_SECONDS = 600.0  # longer than any task takes: a task still running is not handed to a second worker
REFRESHING = "being refreshed: newer data arrived and a worker is computing it"
log = logging.getLogger("vantage.workers")


def redeliver_seconds(environ: Mapping[str, str] = os.environ) -> float:
    return seconds_from(environ, REDELIVER_ENV, REDELIVER_SECONDS, "give the seconds after which a dead worker's "
                        f"task is retried, or unset it for {REDELIVER_SECONDS:g}")


def celery_app(broker_url: str) -> Celery:
    """The Celery app for a broker: JSON messages, no results kept, late acknowledgement, short waits to publish."""
    if not broker_url:
        raise ConfigError("no broker_url is set", "setting broker_url",
                          "set broker_url = \"redis://HOST:PORT/DB\" in [vantage] (or VANTAGE_BROKER_URL) to use "
                          "workers; without it everything runs in the web and scheduler processes")
    redeliver = redeliver_seconds()
    app = Celery("vantage", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_default_queue=QUEUE, task_serializer="json", accept_content=["json"], task_ignore_result=True,
        task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True, worker_hijack_root_logger=True, worker_send_task_events=False,
        # A web node waits at most about a second for a broker that is down, then computes itself.
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5},
        broker_transport_options={"visibility_timeout": redeliver, "unacked_restore_throttle": 1,
                                  "unacked_restore_interval": max(1, min(10, int(redeliver // 2))),
                                  "socket_timeout": 5, "socket_connect_timeout": 2})
    return app


class WorkerPool:
    """The web node's side: whether a worker pool is bringing a question's tables in step, queueing it if not yet."""

    def __init__(self, broker_url: str) -> None:
        self.app = celery_app(broker_url)
        self.board = Board(broker_url)
        # Tasks are handed to the broker beside the request, which has its answer already: a busy broker or the
        # first connection's set-up never holds up a viewer.
        self._sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vantage-queue")

    def refreshing(self, versions: Mapping[str, DataVersion]) -> str:
        """Why the last good answer is served, when a live pool is refreshing any of these table versions (named
        source.table); queues the refresh of each version no node queued yet. "" without a live pool or a reachable
        broker, or once the versions are refreshed: compute here then."""
        try:
            if not self.board.alive():
                return ""
            busy = False
            for table, version in versions.items():
                state = self.board.state(table, version.token)
                if state is None:
                    if self.board.claim(table, version.token):
                        self._send(table, version.token)
                    state = QUEUED  # by this node, or by another a moment ago
                busy = busy or state == QUEUED
            return REFRESHING if busy else ""
        except (RedisUnavailable, OperationalError) as exc:
            log.warning("the worker pool cannot be reached (%s): answers are computed here", exc)
            return ""


    def _send(self, table: str, token: str) -> None:
        self._sender.submit(self._publish, table, token)

    def _publish(self, table: str, token: str) -> None:
        source, name = table.split(".", 1)
        try:
            self.app.send_task(REFRESH, args=[source, name, token])
        except OperationalError as exc:
            log.warning("the refresh of %s could not be queued (%s): the next question tries again", table, exc)
            try:
                self.board.release(table, token)
            except RedisUnavailable:
                pass  # the claim expires by itself (QUEUED_SECONDS)


def attach(engine: Engine, config: Config) -> Engine:
    """A web node's engine, which leaves the refresh of changed tables to the worker pool when there is a broker."""
    if config.broker_url:
        engine.refreshing = WorkerPool(config.broker_url).refreshing
    return engine


def snapshot_dispatch(config: Config) -> Dispatch | None:
    """What the scheduler calls for each due occurrence with a broker: hand its rendering and sending to a worker.
    None without one: the scheduler renders and sends itself."""
    if not config.broker_url:
        return None
    app = celery_app(config.broker_url)

    def dispatch(name: str, occurrence: Occurrence, now: datetime, late: Late | None) -> None:
        app.send_task(SNAPSHOT, args=[name, occurrence_args(occurrence), now.isoformat(), late_args(late)])

    return dispatch


def occurrence_args(o: Occurrence) -> dict[str, Any]:
    return {"wall": o.wall.isoformat(), "due": o.due.isoformat(), "zone": o.zone}


def occurrence_of(args: Mapping[str, Any]) -> Occurrence:
    return Occurrence(datetime.fromisoformat(args["wall"]), datetime.fromisoformat(args["due"]), args["zone"])


def late_args(late: Late | None) -> dict[str, Any] | None:
    if late is None:
        return None
    return {"due": late.due.isoformat(), "zone": late.zone, "merged": late.merged,
            "first_due": late.first_due.isoformat() if late.first_due else None}


def late_of(args: Mapping[str, Any] | None) -> Late | None:
    if args is None:
        return None
    first = args.get("first_due")
    return Late(datetime.fromisoformat(args["due"]), args["zone"], int(args["merged"]),
                datetime.fromisoformat(first) if first else None)
