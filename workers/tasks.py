"""What a worker does, as plain functions of an engine and a config (the Celery tasks in run.py only call these).

- refresh_table: bring a table's local copy in step with its source, build its rollups, then warm the questions
  the overview asks of every KPI (each a cache hit unless its tables changed), and tell the web nodes it is done.
- send_snapshot: render a due occurrence into the outbox (unless it is there already) and deliver it. The outbox's
  unique occurrence key and its claims keep it to one email, however often the task runs.
"""
from __future__ import annotations

import logging
from datetime import date, datetime

from config.settings import Config
from config.snapshots import snapshot_spec
from connectors.base import DataVersion
from connectors.mirror import MirroredConnector
from core.errors import VantageError
from dashboard.state import ViewState
from metrics.engine.periods import Filters
from metrics.engine.questions import Engine
from snapshots.commands import outbox_path
from snapshots.cron import Occurrence
from snapshots.delivery import Drained, drain
from snapshots.outbox import Outbox, idempotency_key
from snapshots.scheduler import Clock, Scheduler
from snapshots.view import Late

log = logging.getLogger("vantage.workers")


def refresh_table(engine: Engine, source: str, table: str) -> list[str]:
    """Bring the table's copy and rollups in step, then warm the overview; the metrics that failed to warm."""
    connector = engine.connectors[source]
    if isinstance(connector, MirroredConnector):
        version: DataVersion = connector.data_version(table)  # now: the version it remembers may be hours old
        connector.sync(table, version)
    for metric in engine.catalogue.values():
        if (metric.source, metric.table) == (source, table):
            engine.rollup(metric)
    return warm(engine)


def warm(engine: Engine) -> list[str]:
    """Ask every listed KPI's headline for the overview's default view, and its whole monthly trend, as `cache warm`
    does; the keys of those that failed (their source: a web node serves their last good answer)."""
    today, failed = engine.now().date(), []
    for metric in engine.catalogue.values():
        if not metric.listed:
            continue
        filters = ViewState().filters(today, metric.dimensions, engine.config.scope_dimension)
        try:
            engine.headline(metric.key, filters)
            engine.trend(metric.key, Filters(date(2000, 1, 1), filters.end))
        except VantageError as exc:
            failed.append(metric.key)
            log.warning("%s: not warmed: %s", metric.key, exc.message)
    return failed


def send_snapshot(engine: Engine, config: Config, name: str, occurrence: Occurrence, now: datetime,
                  late: Late | None, clock: Clock) -> Drained:
    """Render the occurrence into the outbox unless it is there already, then deliver its rows."""
    spec = snapshot_spec(config, name, engine.catalogue)
    key = idempotency_key(name, occurrence.key)
    outbox = Outbox(outbox_path(config))

    def say(message: str) -> None:
        log.info("%s", message)

    try:
        if not outbox.queued(key):
            log.info("%s: rendering", key)
            Scheduler(engine, config, {name: spec}, outbox, clock, log=say).queue(spec, occurrence, now, late)
        # Never before the time it was queued at: the scheduler's clock may run ahead of this one.
        return drain(outbox, config, lambda: max(clock(), now), key=key, log=say)
    finally:
        outbox.close()
