"""Metric definition history: since metrics are code, each load of the catalogue notes every definition's version.

DATA_DIR/definitions.sqlite keeps one row per version a metric has had (its `definition_hash()`), with the time
the catalogue was first loaded with it. A version after the first is a definition change: trends mark it, so a
rule change is not mistaken for an improvement. The log is append-only; returning to an earlier definition is a
change too.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterable, Mapping

from core.errors import VantageError
from core.store import SqliteStore, StoreError, present, read_only
from metrics.semantics.model import Metric, MetricKind

FILE_NAME = "definitions.sqlite"
SCHEMA = """CREATE TABLE IF NOT EXISTS definitions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    metric TEXT NOT NULL,
    version TEXT NOT NULL,
    previous TEXT,
    module TEXT NOT NULL,
    recorded_at TEXT NOT NULL
)"""


class DefinitionLog(SqliteStore):
    """The definitions file: written once per start, so it keeps SQLite's default journal as it always has."""

    FILE = FILE_NAME
    SCHEMA = SCHEMA
    WAL = False


@dataclass(frozen=True)
class Version:
    """A definition a metric had from `recorded_at` on; `previous` is None for the first one recorded."""

    metric: str
    version: str
    previous: str | None
    module: str
    recorded_at: datetime

    @property
    def is_change(self) -> bool:
        return self.previous is not None


def _failed(path: Path, exc: Exception) -> VantageError:
    return VantageError(f"cannot use the metric definition history: {exc}", str(path),
                        "check that the data folder is writable, or move the damaged file aside (it is rebuilt)")


def record(path: Path, catalogue: Mapping[str, Metric], now: datetime) -> list[Version]:
    """Note every metric whose definition differs from the last one recorded; return the versions added."""
    path = Path(path)
    try:
        # One writer at a time: workers starting together must not both note the same change.
        with DefinitionLog(path).transaction() as con:
            latest = {metric: (version, module) for metric, version, module in con.execute(
                "SELECT metric, version, module FROM definitions "
                "WHERE id IN (SELECT max(id) FROM definitions GROUP BY metric)")}
            stamp = now.isoformat(sep=" ", timespec="seconds")
            added = []
            for key, metric in catalogue.items():
                version = metric.definition_hash()
                last, module = latest.get(key, (None, ""))
                if last == version:
                    continue
                # A version written by an earlier release fingerprinted every field: if it still matches, the
                # definition is the same and only the way of fingerprinting it changed (no definition change).
                same = last is not None and last == metric.legacy_definition_hash(module)
                added.append(Version(key, version, None if same else last, metric.module, now.replace(microsecond=0)))
            con.executemany("INSERT INTO definitions (metric, version, previous, module, recorded_at) VALUES "
                            "(?, ?, ?, ?, ?)", [(v.metric, v.version, v.previous, v.module, stamp) for v in added])
        return added
    except (OSError, *StoreError) as exc:
        raise _failed(path, exc) from None


def versions(path: Path, keys: Iterable[str] | None = None) -> list[Version]:
    """Every version recorded (of these metrics), oldest first; none when nothing was recorded yet."""
    path = Path(path)
    if not present(path):
        return []
    wanted = None if keys is None else list(keys)
    if wanted == []:
        return []
    sql = "SELECT metric, version, previous, module, recorded_at FROM definitions"
    if wanted is not None:
        sql += f" WHERE metric IN ({', '.join('?' * len(wanted))})"
    try:
        with read_only(path, wait=10) as con:
            rows = con.execute(sql + " ORDER BY id", wanted or []).fetchall()
    except StoreError as exc:
        raise _failed(path, exc) from None
    return [Version(m, v, p, mod, datetime.fromisoformat(at)) for m, v, p, mod, at in rows]


def changes(path: Path, keys: Iterable[str] | None = None) -> list[Version]:
    """Only the definition changes (not the first version of each metric), oldest first."""
    return [v for v in versions(path, keys) if v.is_change]


def lineage(key: str, catalogue: Mapping[str, Metric]) -> tuple[str, ...]:
    """The metric and every metric its value is computed from (a change's base, a derived metric's inputs)."""
    metric = catalogue.get(key)
    if metric is None:
        return (key,)
    parts = [metric.base] if metric.kind is MetricKind.CHANGE else list(metric.inputs)
    return tuple(dict.fromkeys([key, *(k for part in parts for k in lineage(part, catalogue))]))
