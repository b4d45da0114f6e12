"""Health endpoints for load balancers, answered without a login (guard.py lets exactly these paths through).

`/healthz` (liveness): 200 "ok" as long as the process answers; it reads nothing.
`/readyz` (readiness): whether this node can serve numbers, as JSON
`{"ready": bool, "failing": [...], "checks": {"state": ..., "cache": ..., "broker": ..., "sources": {name: ...}}}`,
each check `{"status": "ok" | "warning" | "failing", "detail": "..."}`; 200 when no check fails, 503 otherwise.

- state: every SQLite store under DATA_DIR the server uses (users, sessions, tokens, audit, baselines) opens
  read-only and answers a query; with state_url, the shared state answers one through its pool. Required.
- cache: ResultCache.health(). Redis unreachable is a warning, not a failure: the node still serves, from its local
  cache folder, and a load balancer taking every node out at once for a cache outage would stop all viewers.
- broker: with `broker_url`, whether its Redis answers and a worker beat lately (a warning otherwise: the node then
  computes answers itself, as with no broker); "not configured" without one.
- sources: each declared source's data version of one table, through the engine's cache (asked of the source at most
  once per cache_ttl_seconds, as the dashboard asks it, so probes add no load on a warehouse) and its circuit breaker
  (a failing source answers at once), each within SOURCE_SECONDS. Required.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import flask

from core import state
from core.errors import VantageError
from core.store import SqliteStore, read_only
from metrics.engine.cache_redis import RedisStore, RedisUnavailable

if TYPE_CHECKING:
    from config.settings import Config
    from metrics.engine.questions import Engine

HEALTH_PATHS = ("/healthz", "/readyz")  # answered without a session (guard.py)
SOURCE_SECONDS = 2.0  # how long the sources together may take to answer a readiness check
WORKERS_ALIVE = "workers:alive"  # the key live workers beat under in the broker's Redis (workers/board.py ALIVE)
STORE_SECONDS = 0.5  # how long a state store may be locked before it counts as failing
Check = dict[str, str]


def install(server: flask.Flask, engine: Engine, config: Config) -> None:
    """Add /healthz and /readyz to the server (after guard.install: its stores are part of the state checked).
    With a broker, its Redis is asked too (the key workers beat under: workers/board.py)."""
    broker = RedisStore(config.broker_url) if config.broker_url else None

    def healthz() -> flask.Response:
        return flask.Response("ok", status=200, mimetype="text/plain", headers={"Cache-Control": "no-store"})

    def readyz() -> flask.Response:
        report = readiness(engine, server.config, broker)
        return flask.Response(json.dumps(report, ensure_ascii=False), status=200 if report["ready"] else 503,
                              mimetype="application/json", headers={"Cache-Control": "no-store"})

    server.add_url_rule(HEALTH_PATHS[0], "vantage_healthz", healthz)
    server.add_url_rule(HEALTH_PATHS[1], "vantage_readyz", readyz)


def broker_check(broker: RedisStore | None) -> Check:
    """Whether the broker answers and a worker is alive; a warning when not (answers are then computed here)."""
    if broker is None:
        return _check("ok", "not configured")
    try:
        broker.ping()
        alive = broker.get(WORKERS_ALIVE)
    except RedisUnavailable:
        return _check("warning", f"{broker.address} unreachable: answers are computed on this node")
    if alive is None:
        return _check("warning", f"{broker.address} answers, but no worker beat lately: answers are computed on "
                                 "this node")
    return _check("ok", f"{broker.address}, a worker alive")


def readiness(engine: Engine, server_config: Any, broker: RedisStore | None = None) -> dict[str, Any]:
    """The readiness report: every check, the failing ones named, and whether the node is ready."""
    ok, detail = engine.cache.health()
    sources = source_checks(engine)
    checks: dict[str, Any] = {
        "state": state_check(_stores(engine, server_config)),
        "cache": _check("ok" if ok else "warning", detail),
        "broker": broker_check(broker),
        "sources": sources,
    }
    failing = [name for name in ("state", "cache", "broker") if checks[name]["status"] == "failing"]
    failing += [f"sources.{name}" for name, check in sources.items() if check["status"] == "failing"]
    return {"ready": not failing, "failing": failing, "checks": checks}


def _check(status: str, detail: str) -> Check:
    return {"status": status, "detail": detail}


def _stores(engine: Engine, server_config: Any) -> list[SqliteStore]:
    """The SQLite stores the server and the engine use, each file once."""
    found = [v for v in server_config.values() if isinstance(v, SqliteStore)]
    found += [engine.baselines] if engine.baselines is not None else []
    return list({store.path: store for store in found}.values())


def state_check(stores: list[SqliteStore]) -> Check:
    """Every store opens read-only and answers a query (its schema's first page), none created; a store kept in
    the shared state (state_url) answers through a connection of its pool."""
    shared: set[str] = set()
    files = []
    for store in stores:
        url = state.url_of(store.path)
        files += [] if url else [store.path.name]
        try:
            with read_only(store.path, wait=STORE_SECONDS) as con:
                con.execute("SELECT 1" if url else "SELECT count(*) FROM sqlite_master").fetchone()
        except Exception as exc:  # noqa: BLE001 - any failure means the store cannot serve, and is reported
            return _check("failing", f"{store.path.name}: {exc}")
        shared |= {state.shown(url)} if url else set()
    return _check("ok", "; ".join([*([", ".join(sorted(files)) + " readable"] if files else []),
                                   *(f"shared state {url} answers" for url in sorted(shared))]))


def source_checks(engine: Engine) -> dict[str, Check]:
    """Each declared source asked for one table's data version, all at once, within SOURCE_SECONDS together."""
    results: dict[str, Check] = {}
    threads = []
    for name in engine.config.sources:
        # A daemon thread: a source that hangs past the limit keeps no request and no process exit waiting.
        thread = threading.Thread(target=partial(_ask_source, engine, name, results.__setitem__), daemon=True)
        thread.start()
        threads.append((name, thread))
    deadline = time.monotonic() + SOURCE_SECONDS
    for name, thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    return {name: results.get(name) or _check("failing", f"no answer within {SOURCE_SECONDS:g} s")
            for name, _ in threads}


def _ask_source(engine: Engine, name: str, answer: Callable[[str, Check], None]) -> None:
    table = table_to_check(engine, name)
    if table is None:
        answer(name, _check("ok", "no table declared or read"))
        return
    connector, ttl = engine.connectors[name], engine.config.sources[name].cache_ttl_seconds
    try:
        engine.cache.version(name, table, ttl, partial(engine.breaker.ask, name, table,
                                                       partial(connector.data_version, table)))
    except VantageError as exc:
        answer(name, _check("failing", f"table {table}: {exc.what}"))
    except Exception as exc:  # noqa: BLE001 - a connector's unexpected error is still a failing source
        answer(name, _check("failing", f"table {table}: unexpected {type(exc).__name__}: {exc}"))
    else:
        answer(name, _check("ok", f"table {table} answers"))


def table_to_check(engine: Engine, source: str) -> str | None:
    """A table of the source: the first the metrics read, else the first declared; None when there is none."""
    read = sorted({m.table for m in engine.catalogue.values() if m.source == source and m.table})
    declared = list(engine.config.sources[source].tables)
    return (read or declared or [None])[0]
