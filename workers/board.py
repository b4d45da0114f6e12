"""What web nodes, schedulers and workers tell each other in the broker's Redis, under Vantage's key prefix.

- `workers:alive`: every live worker sets it for ALIVE_SECONDS, every BEAT_SECONDS. A web node that does not find it
  computes its answers itself, as without a broker: a dead pool never leaves viewers with stale numbers.
- `refresh:<table>:<version>`: a table version's refresh, "queued" (set only if absent, so a version is queued once
  by whichever node saw it first), then "done" or "failed" once a worker finished it.
"""
from __future__ import annotations

import pickle
import threading
import time

from metrics.engine.cache import digest
from metrics.engine.cache_redis import RETRY_SECONDS, RedisStore, RedisUnavailable

ALIVE = "workers:alive"
ALIVE_SECONDS = 15.0  # a pool silent this long is taken for dead
BEAT_SECONDS = 5.0
QUEUED, DONE, FAILED = "queued", "done", "failed"
QUEUED_SECONDS = 300.0  # a refresh no worker finished in this time (a lost task) is queued again
DONE_SECONDS = 7 * 86400.0  # a version's refresh is remembered this long (a version that outlives it is queued again)
FAILED_SECONDS = 60.0  # after a failed refresh the web nodes compute themselves (a failing source: last good, stale)


class Board(RedisStore):
    """The pool's heartbeat and the refresh state of each table version, in the broker's Redis.

    Every call waits at most the store's timeout and a Redis that failed is left alone a few seconds (RedisStore):
    callers treat RedisUnavailable as "no worker pool" and compute themselves."""

    def __init__(self, url: str, retry_seconds: float = RETRY_SECONDS) -> None:
        super().__init__(url, retry_seconds)
        self._done: set[str] = set()  # versions known refreshed: a version's data never changes, nor does this
        self._alive_until = 0.0  # a live pool seen is believed for a second, not asked on every question

    def add(self, key: str, value: str, expire: float) -> bool:
        """Set key to value for `expire` seconds only if it is absent; whether it was."""
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return bool(self._call(lambda: self.client.set(self.prefix + key, data, nx=True, px=round(expire * 1000))))

    def alive(self) -> bool:
        """Whether a worker beat within ALIVE_SECONDS (asked of Redis at most once a second while it has)."""
        if time.monotonic() < self._alive_until:
            return True
        if self.get(ALIVE) is None:
            return False
        self._alive_until = time.monotonic() + 1.0
        return True

    def beat(self, worker: str) -> None:
        self.set(ALIVE, worker, ALIVE_SECONDS)

    def state(self, table: str, token: str) -> str | None:
        key = refresh_key(table, token)
        if key in self._done:
            return DONE
        found = self.get(key)
        if found == DONE:
            self._done = {*list(self._done)[-1000:], key}
        return found if isinstance(found, str) else None

    def claim(self, table: str, token: str) -> bool:
        """Mark the version's refresh queued; False when some node already did (or a worker finished it)."""
        return self.add(refresh_key(table, token), QUEUED, QUEUED_SECONDS)

    def release(self, table: str, token: str) -> None:
        """Forget a claim whose task could not be handed to the broker."""
        key = self.prefix + refresh_key(table, token)
        self._call(lambda: self.client.delete(key))

    def finish(self, table: str, token: str, ok: bool) -> None:
        self.set(refresh_key(table, token), DONE if ok else FAILED, DONE_SECONDS if ok else FAILED_SECONDS)


def refresh_key(table: str, token: str) -> str:
    return f"refresh:{table}:{digest(token)}"


def heartbeat(board: Board, worker: str, stop: threading.Event) -> threading.Thread:
    """A daemon thread that tells the web nodes this worker is alive until `stop` is set (or the process dies)."""

    def run() -> None:
        while not stop.is_set():
            try:
                board.beat(worker)
            except RedisUnavailable:
                pass  # the broker is down too: nothing reaches this worker; the key expires and web nodes compute
            stop.wait(BEAT_SECONDS)

    thread = threading.Thread(target=run, name="vantage-heartbeat", daemon=True)
    thread.start()
    return thread
