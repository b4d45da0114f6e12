"""Results cached on disk, shared by processes, keyed by definition, question and the source's data version."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any, Callable

import diskcache

from connectors.base import DataVersion

_MISSING = object()


class ResultCache:
    """A diskcache store: fresh answers by full key, plus the last good answer per question for outages.

    The cache is an accelerator, never a point of failure: if its folder vanishes or breaks under a running
    process, it is opened afresh, and an answer that cannot be stored is still returned.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._open()

    def _open(self) -> None:
        self.store = diskcache.Cache(str(self.folder), size_limit=2**30, eviction_policy="least-recently-used")

    def _safely(self, action: Callable[[], Any], default: Any = None) -> Any:
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
        found = self._safely(lambda: self.store.get(key, default=_MISSING), _MISSING)
        if found is not _MISSING:
            return found  # type: ignore[return-value]
        version = fetch()
        self._safely(lambda: self.store.set(key, version, expire=ttl))
        return version

    def get(self, key: str) -> Any:
        return self._safely(lambda: self.store.get(key, default=None))

    def put(self, key: str, question: str, value: Any) -> None:
        """Store an answer under its full key and as the last good answer to its question."""
        self._safely(lambda: (self.store.set(key, value), self.store.set(f"last:{question}", value)))

    def last_good(self, question: str) -> Any:
        return self._safely(lambda: self.store.get(f"last:{question}", default=None))

    def clear(self) -> int:
        return self._safely(self.store.clear, 0)


def digest(*parts: Any) -> str:
    """A stable hash of JSON-able parts."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]
