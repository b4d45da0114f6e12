"""Results cached on disk, shared by processes, keyed by definition, question and the source's data version."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any, Callable, TypeVar

import diskcache

from connectors.base import DataVersion
from core.store import private_folder
from metrics.engine.answers import Answer

T = TypeVar("T")


class ResultCache:
    """A diskcache store: fresh answers by full key, plus the last good answer per question for outages.

    The cache is an accelerator, never a point of failure: if its folder vanishes or breaks under a running
    process, it is opened afresh, and an answer that cannot be stored is still returned.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
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

    def version(self, source: str, table: str, ttl: float, fetch: Callable[[], DataVersion]) -> DataVersion:
        """The table's data version, asked of the source at most once per TTL."""
        key = f"version:{source}:{table}"
        found = self._safely(lambda: self.store.get(key, default=None), None)
        if isinstance(found, DataVersion):
            return found
        version = fetch()
        self._safely(lambda: self.store.set(key, version, expire=ttl), None)
        return version

    def remember(self, key: str, compute: Callable[[], T]) -> T:
        """The value stored under key, else computed and stored (a key that names a data version never goes stale)."""
        found = self._safely(lambda: self.store.get(key, default=None), None)
        if found is not None:
            return found
        value = compute()
        if value is not None:
            self._safely(lambda: self.store.set(key, value), None)
        return value

    def get(self, key: str) -> Answer[Any] | None:
        return self._safely(lambda: self.store.get(key, default=None), None)

    def put(self, key: str, question: str, value: Answer[Any]) -> None:
        """Store an answer under its full key and as the last good answer to its question."""
        self._safely(lambda: (self.store.set(key, value), self.store.set(f"last:{question}", value)), None)

    def last_good(self, question: str) -> Answer[Any] | None:
        return self._safely(lambda: self.store.get(f"last:{question}", default=None), None)

    def clear(self) -> int:
        return self._safely(self.store.clear, 0)


def digest(*parts: object) -> str:
    """A stable hash of JSON-able parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
