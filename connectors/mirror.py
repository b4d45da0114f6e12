"""A local columnar copy (Parquet) of a slow source, refreshed when the source's data version changes.

Reading rows out of a database costs far more than computing on them, so the engine reads SQL tables once
and then scans the copy. When a table has a freshness column and has only grown, only the rows newer than
the copy are fetched; a table that also declares its key has its changed rows merged by key, and its deletes found
by reconciliation (merge.py); any other change (or another file put in the source's place) reloads the table whole.
Each change is recorded by the months it touched, so `span_token` lets a cache keep its answers over other months.
Safe across processes (a file lock per table).

A copy that cannot be written (its folder full or read-only) is a SourceError for that table, remembered for
RETRY_SECONDS so requests do not read the whole table again only to fail on the write: the engine serves the last good
answers meanwhile, marked stale. The log says which folder, once; the first sync after the wait tries again by itself.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import polars as pl

from connectors.base import Connector, DataVersion, Remembers, Schema, Where, check_columns
from connectors.merge import (
    KeySpec,
    compact,
    dump_time,
    files,
    fresh_manifest,
    live,
    load_time,
    mark,
    merge,
    month_stamps,
    months,
    new_part,
    note,
    span_token,
    write_part,
)
from core.errors import SourceError
from core.store import local_fault

MAX_PARTS = 64
SMALL_PART_BYTES = 8 * 2**20
RETRY_SECONDS = 5.0  # a copy that could not be written is tried again after this
log = logging.getLogger("vantage.connectors")


class MirroredConnector:
    """Wraps a connector: the same protocol, served from Parquet files kept in step with the source."""

    def __init__(self, inner: Connector, folder: Path, freshness: dict[str, str],
                 keys: Mapping[str, KeySpec] | None = None) -> None:
        self.name, self.inner, self.folder, self.freshness = inner.name, inner, Path(folder), freshness
        self.keys = dict(keys or {})  # the tables whose copies are merged by key
        # The version last read from the source: scans trust it until the engine asks the source again (TTL).
        self._known: dict[str, DataVersion] = {}
        self._unwritable: dict[str, tuple[SourceError, float]] = {}  # by table: why, and when to try again

    def schema(self, table: str) -> Schema:
        return self.inner.schema(table)

    def data_version(self, table: str) -> DataVersion:
        version = self.inner.data_version(table)
        self._known[table] = version
        return version

    def scan(self, table: str, columns: Sequence[str], where: Where) -> pl.LazyFrame:
        schema = self.schema(table)
        check_columns(schema, columns, where, f"source {self.name}, table {table}")
        tdir, manifest = self._synced(table)
        return live(tdir, manifest).filter(where.to_polars(schema)).select(list(columns))

    def sync(self, table: str, version: DataVersion | None = None) -> list[str]:
        """Bring the copy in step with the source; return its Parquet files (a keyed table's may hold rows a later part
        replaced: read it through scan)."""
        tdir, manifest = self._synced(table, version)
        return [str(tdir / p) for p in manifest["parts"]]

    def span_token(self, table: str, time_column: str, start: date, end: date,
                   version: DataVersion | None = None) -> str | None:
        """What identifies the table's rows whose time_column lies in [start, end), once the copy is in step with
        `version`: it changes only when a change touched one of those months. None for a column not of dates."""
        return span_token(self._synced(table, version)[1], time_column, start, end)

    def month_stamps(self, table: str, time_column: str, version: DataVersion | None = None) -> dict | None:
        """Which months of time_column changed since the copy was loaded, and by which version (merge.month_stamps),
        once the copy is in step with `version`: what a rollup rebuilds when the data changes."""
        return month_stamps(self._synced(table, version)[1], time_column)

    def _synced(self, table: str, version: DataVersion | None = None) -> tuple[Path, dict]:
        """The copy's folder and manifest, once in step with the source."""
        version = version or self._known.get(table) or self.data_version(table)
        tdir = self.folder / table
        blocked = self._unwritable.get(table)
        if blocked is not None and time.monotonic() < blocked[1]:
            raise blocked[0]  # at once: the copy could not be written a moment ago
        try:
            tdir.mkdir(parents=True, exist_ok=True)
            with _locked(tdir / ".lock"):
                manifest = _read_manifest(tdir)
                if manifest.get("token") and manifest.get("token") != version.token:
                    # Another process may have brought the copy in step with a newer version than this one read
                    # last: ask the source again, so a copy is never reloaded under an older version's name.
                    version = self.data_version(table)
                if manifest.get("token") != version.token:
                    try:
                        manifest = self._refresh(table, tdir, manifest, version)
                    except OSError:
                        _sweep(tdir, manifest)  # the parts of an unfinished refresh give their space back
                        raise
        except OSError as exc:
            raise self._cannot_write(table, tdir, exc) from None
        if self._unwritable.pop(table, None) is not None:
            log.info("the local copy of %s.%s is written again in %s", self.name, table, tdir)
        return tdir, manifest

    def _cannot_write(self, table: str, tdir: Path, exc: OSError) -> OSError | SourceError:
        """The SourceError for a copy its folder cannot hold (logged once, remembered RETRY_SECONDS); any other
        OSError as it is."""
        why = local_fault(exc, Path(exc.filename).parent if exc.filename else tdir)
        if why is None:
            return exc
        error = SourceError(f"the local copy of table {table} cannot be brought in step: {why}",
                            f"source {self.name}", "free space in that folder (or let it be written); the copy catches "
                            "up by itself")
        if table not in self._unwritable:
            log.error("%s [%s]; the last good numbers are served, marked stale, until it can be written",
                      error.message, exc.strerror or exc)
        self._unwritable[table] = (error, time.monotonic() + RETRY_SECONDS)
        return error

    def _refresh(self, table: str, tdir: Path, manifest: dict, version: DataVersion) -> dict:
        schema, fresh, key = self.inner.schema(table), self.freshness.get(table, ""), self.keys.get(table)
        columns = list(schema)
        # A copy forgotten (rows None) is loaded whole; a replaced file may differ anywhere.
        same_file = (bool(manifest.get("parts")) and manifest.get("rows") is not None
                     and manifest.get("identity", "") == version.identity)
        old_newest = load_time(manifest.get("newest"))
        if key and fresh and same_file:
            merged = merge(self.inner, table, tdir, manifest, version, fresh, key, columns)
            if merged is not None:
                return self._commit(tdir, version, self._compacted(tdir, merged, fresh), manifest)
            _sweep(tdir, manifest)  # the parts a merge wrote before it found the table must be loaded whole
        elif (fresh and same_file and old_newest is not None and version.rows is not None and "epoch" in manifest
              and version.rows > manifest["rows"]):
            added = self.inner.scan(table, columns, Where(time_column=fresh, newer_than=old_newest)).collect()
            if added.height == version.rows - manifest["rows"]:
                part = new_part()
                write_part(added.sort(fresh), tdir / part)
                grown = {**manifest, "parts": list(manifest["parts"]), "counts": dict(manifest["counts"]),
                         "months": {c: dict(m) for c, m in manifest["months"].items()}}
                note(grown, part, added)
                mark(grown, months(added, grown["tracked"]), version)
                return self._commit(tdir, version, self._compacted(tdir, grown, fresh), manifest)
        batches = (self.inner.scan_batches(table, columns) if hasattr(self.inner, "scan_batches")
                   else iter([self.inner.scan(table, columns, Where()).collect()]))
        loaded = fresh_manifest(schema, key, version)
        for frame in batches:
            if fresh and not frame[fresh].is_sorted():
                frame = frame.sort(fresh)  # sorted by time, so a period's scan skips row groups by their statistics
            part = new_part()
            write_part(frame, tdir / part)
            note(loaded, part, frame)
        return self._commit(tdir, version, loaded, manifest)

    @staticmethod
    def _compacted(tdir: Path, manifest: dict, fresh: str) -> dict:
        """The manifest with the small parts merged once there are too many of them."""
        parts = manifest["parts"]
        if len(parts) > MAX_PARTS or sum(1 for p in parts if (tdir / p).stat().st_size < SMALL_PART_BYTES) > 8:
            compact(tdir, manifest, fresh, SMALL_PART_BYTES)
        return manifest

    def _commit(self, tdir: Path, version: DataVersion, manifest: dict, old: dict) -> dict:
        manifest = {**manifest, "token": version.token, "rows": version.rows, "newest": dump_time(version.newest),
                    "identity": version.identity}
        _write_manifest(tdir, manifest)
        # Old files go after the new manifest is in place; a reader holding them keeps its open handle.
        for name in files(old) - files(manifest):
            (tdir / name).unlink(missing_ok=True)
        return manifest

    def clear(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def forget(self) -> None:
        """Forget the versions read and the copies' versions: the next scan reloads each table whole (the old parts
        go then, so a reader holding them is not cut short)."""
        self._known.clear()
        if isinstance(self.inner, Remembers):
            self.inner.forget()
        for tdir in {p.parent for p in self.folder.glob("*/manifest.json")}:
            with _locked(tdir / ".lock"):
                manifest = _read_manifest(tdir)
                if manifest:
                    _write_manifest(tdir, {**manifest, "token": "", "rows": None})


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_manifest(tdir: Path) -> dict:
    try:
        manifest = json.loads((tdir / "manifest.json").read_text())
    except (OSError, ValueError):
        return {}
    # A copy whose files were deleted underneath it is no copy.
    if not all((tdir / p).is_file() for p in files(manifest)):
        return {}
    return manifest


def _write_manifest(tdir: Path, manifest: dict) -> None:
    tmp = tdir / f"manifest.{uuid.uuid4().hex}.tmp"
    try:
        tmp.write_text(json.dumps(manifest))
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, tdir / "manifest.json")


def _sweep(tdir: Path, manifest: dict) -> None:
    """Delete the files of the table's folder that its manifest does not list (parts of a refresh that failed)."""
    keep = files(manifest)
    for path in [*tdir.glob("part-*"), *tdir.glob("drop-*")]:
        if path.name not in keep:
            path.unlink(missing_ok=True)
