"""Results cached in a folder or in Redis, shared by processes, keyed by definition, question and data version."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import diskcache

from connectors.base import DataVersion
from core.errors import VantageError
from core.store import private_folder
from metrics.engine.answers import Answer
from metrics.engine.cache_redis import RETRY_SECONDS, RedisStore, RedisUnavailable

T = TypeVar("T")


class ResultCache:
    """Fresh answers by full key, plus the last good answer per question for outages: in a diskcache folder, or in
    Redis when `url` names one (`cache_url`), shared by every machine.

    The cache is an accelerator, never a point of failure: if its folder vanishes or breaks under a running
    process, it is opened afresh, and an answer that cannot be stored is still returned. With Redis the folder is
    the fallback: while Redis cannot be reached, answers are read from and stored in the folder (health() says so),
    and Redis is tried again every few seconds. Last good answers are kept in the folder too, so a source that fails
    while Redis is down still has its last numbers served, marked stale.
    """

    def __init__(self, folder: Path, url: str = "", retry_seconds: float = RETRY_SECONDS) -> None:
        self.folder = Path(folder)
        self.shared = RedisStore(url, retry_seconds) if url else None
        self._open()

    def _open(self) -> None:
        private_folder(self.folder)  # answers are numbers a viewer's scope may not reach: the owner's only (0700)
        # Evicted oldest stored first: "least-recently-used" writes an access time on every read, and those writes,
        # serialised across workers and threads, held reads up to a third of a second under ten concurrent viewers.
        self.store = diskcache.Cache(str(self.folder), size_limit=2**30, eviction_policy="least-recently-stored")

    def _safely(self, action: Callable[[], T], default: T) -> T:
        try:
            if not self.folder.is_dir():
                raise FileNotFoundError(self.folder)
            return action()
        except (OSError, sqlite3.Error):
            try:
                self.store.close()
                self._open()
                return action()
            except (OSError, sqlite3.Error):
                return default

    def _get(self, key: str) -> Any | None:
        if self.shared is not None:
            try:
                return self.shared.get(key)
            except RedisUnavailable:
                pass  # served from the folder meanwhile
        return self._safely(lambda: self.store.get(key, default=None), None)

    def _set(self, key: str, value: Any, expire: float | None = None) -> None:
        if self.shared is not None:
            try:
                self.shared.set(key, value, expire)
                return
            except RedisUnavailable:
                pass
        self._safely(lambda: self.store.set(key, value, expire=expire), None)

    def version(self, source: str, table: str, ttl: float, fetch: Callable[[], DataVersion]) -> DataVersion:
        """The table's data version, asked of the source at most once per TTL."""
        key = f"version:{source}:{table}"
        found = self._get(key)
        if isinstance(found, DataVersion):
            return found
        version = fetch()
        self._set(key, version, expire=ttl)
        return version

    def remember(self, key: str, compute: Callable[[], T]) -> T:
        """The value stored under key, else computed and stored (a key that names a data version never goes stale)."""
        found = self._get(key)
        if found is not None:
            return found
        value = compute()
        if value is not None:
            self._set(key, value)
        return value

    def get(self, key: str) -> Answer[Any] | None:
        return self._get(key)

    def put(self, key: str, question: str, value: Answer[Any]) -> None:
        """Store an answer under its full key and as the last good answer to its question."""
        self._set(key, value)
        self._set(f"last:{question}", value)
        if self.shared is not None:  # and in the folder, for an outage of Redis and the source at once
            self._safely(lambda: self.store.set(f"last:{question}", value), None)

    def last_good(self, question: str) -> Answer[Any] | None:
        found = self._get(f"last:{question}")
        if found is None and self.shared is not None:
            found = self._safely(lambda: self.store.get(f"last:{question}", default=None), None)
        return found

    def clear(self) -> int:
        """Empty the folder and Vantage's keys in Redis (no other key there); how many entries went. VantageError when
        Redis cannot be reached (the folder is emptied all the same)."""
        cleared = self._safely(self.store.clear, 0)
        if self.shared is None:
            return cleared
        try:
            return cleared + self.shared.clear()
        except RedisUnavailable:
            raise VantageError(f"the shared cache {self.shared.address} cannot be reached: its answers were not "
                               "cleared (the local cache folder was)", "cache_url",
                               "start Redis or correct cache_url, then clear the cache again") from None

    def health(self) -> tuple[bool, str]:
        """Whether the cache works as configured, and one line that says how: Redis answering, or unreachable since
        when and served from the folder meanwhile (asked again at most once per retry interval)."""
        if self.shared is None:
            return True, "local cache folder (no cache_url)"
        try:
            self.shared.ping()
            return True, f"shared cache {self.shared.address}"
        except RedisUnavailable:
            since = self.shared.down_since()
            when = f" since {since:%H:%M}" if since is not None else ""
            return False, f"{self.shared.address} unreachable{when}, serving from the local cache"


def digest(*parts: object) -> str:
    """A stable hash of JSON-able parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
