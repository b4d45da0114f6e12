"""The result cache's shared store in Redis (`cache_url = "redis://HOST:PORT/DB"`), for several machines at once.

Every key is Vantage's own under KEY_PREFIX, so clearing the cache deletes those keys alone, never the database.
Redis is an accelerator like the local folder: a call waits at most TIMEOUT_SECONDS, and once Redis has failed it is
left alone for `retry_seconds` (RedisUnavailable at once meanwhile), so a dead Redis never stalls a request and the
cache facade (cache.py) serves from its local folder until Redis answers again.
"""
from __future__ import annotations

import pickle
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

T = TypeVar("T")
KEY_PREFIX = "vantage:"  # Vantage's keys in the database; other keys there are left alone
TIMEOUT_SECONDS = 0.25  # to connect, and to wait for each answer
RETRY_SECONDS = 5.0  # how long an unreachable Redis is left alone before it is tried again
DELETE_BATCH = 500  # keys deleted per command when clearing


class RedisUnavailable(Exception):
    """Redis could not be reached just now (or a moment ago): the caller uses its local cache instead."""


class RedisStore:
    """Pickled values under Vantage's key prefix in one Redis database; remembers an outage and since when.

    Values are pickled Python objects (answers, polars frames). Unpickling runs code named by the data, which is safe
    here only because Vantage alone writes under its prefix: give Vantage its own Redis (or database, with a password)
    that nothing untrusted can write to.
    """

    def __init__(self, url: str, retry_seconds: float = RETRY_SECONDS, prefix: str = KEY_PREFIX,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.address = public_address(url)
        self.prefix, self.retry_seconds, self.clock = prefix, retry_seconds, clock
        # One try per call (no retries with back-off): a failure falls back to the local cache at once.
        self.client = redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT_SECONDS, socket_timeout=TIMEOUT_SECONDS,
                                           retry=Retry(NoBackoff(), 0))
        self._down_since: datetime | None = None
        self._retry_at = 0.0
        self._lock = threading.Lock()

    def get(self, key: str) -> Any | None:
        """The value under key, or None when there is none (or it cannot be read back: a value of older code)."""
        raw = self._call(lambda: self.client.get(self.prefix + key))
        if not isinstance(raw, bytes):
            return None  # none there
        try:
            return pickle.loads(raw)  # written by Vantage alone (see the class)
        except (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError, ValueError):
            return None

    def set(self, key: str, value: Any, expire: float | None = None) -> None:
        """Store value under key, for `expire` seconds (None: until cleared or evicted by Redis's own policy)."""
        if expire is not None and expire <= 0:
            return  # already expired: nothing to keep
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        ttl = None if expire is None else max(1, round(expire * 1000))
        self._call(lambda: self.client.set(self.prefix + key, data, px=ttl))

    def clear(self) -> int:
        """Delete Vantage's keys (those under its prefix) and nothing else; how many were deleted."""

        def delete() -> int:
            deleted, batch = 0, []
            for key in self.client.scan_iter(match=self.prefix + "*", count=DELETE_BATCH):
                batch.append(key)
                if len(batch) >= DELETE_BATCH:
                    deleted += int(self.client.delete(*batch))
                    batch = []
            return deleted + (int(self.client.delete(*batch)) if batch else 0)

        return self._call(delete)

    def ping(self) -> None:
        """Ask Redis whether it answers (RedisUnavailable when not, or while it is left alone)."""
        self._call(self.client.ping)

    def down_since(self) -> datetime | None:
        """When Redis stopped answering, in this process; None while it answers."""
        with self._lock:
            return self._down_since

    def _call(self, action: Callable[[], T]) -> T:
        with self._lock:
            if self._down_since is not None and self.clock() < self._retry_at:
                raise RedisUnavailable(self.address)
        try:
            value = action()
        except redis.RedisError as exc:
            with self._lock:
                self._down_since = self._down_since or datetime.now()
                self._retry_at = self.clock() + self.retry_seconds
            raise RedisUnavailable(self.address) from exc
        with self._lock:
            self._down_since = None
        return value


def public_address(url: str) -> str:
    """The Redis address without its user and password, to show in health checks and messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"
