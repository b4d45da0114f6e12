"""A local columnar copy (Parquet) of a slow source, refreshed when the source's data version changes.

Reading rows out of a database costs far more than computing on them, so the engine reads SQL tables once
and then scans the copy. When a table has a freshness column and has only grown, only the rows newer than
the copy are fetched; any other change (or another file put in the source's place) reloads the table whole.
Safe across processes (a file lock per table).

A copy that cannot be written (its folder full or read-only) is a SourceError for that table, remembered for
RETRY_SECONDS so requests do not read the whole table again only to fail on the write: the engine serves the last good
answers meanwhile, marked stale. The log says which folder, once; the first sync after the wait tries again by itself.
"""
from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import re
import shutil
import time
import uuid
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator, Sequence

import polars as pl

from connectors.base import Connector, DataVersion, Remembers, Schema, Where, check_columns
from core.errors import SourceError
from core.store import local_fault

MAX_PARTS = 64
SMALL_PART_BYTES = 8 * 2**20
RETRY_SECONDS = 5.0  # a copy that could not be written is tried again after this
_OS_ERROR = re.compile(r"os error (\d+)")  # how polars reports the operating system's error behind a failed write
log = logging.getLogger("vantage.connectors")


class MirroredConnector:
    """Wraps a connector: the same protocol, served from Parquet files kept in step with the source."""

    def __init__(self, inner: Connector, folder: Path, freshness: dict[str, str]) -> None:
        self.name, self.inner, self.folder, self.freshness = inner.name, inner, Path(folder), freshness
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
        parts = self.sync(table)
        return pl.scan_parquet(parts).filter(where.to_polars(schema)).select(list(columns))

    def sync(self, table: str, version: DataVersion | None = None) -> list[str]:
        """Bring the copy in step with the source; return its Parquet files."""
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
                parts = [str(tdir / p) for p in manifest["parts"]]
        except OSError as exc:
            raise self._cannot_write(table, tdir, exc) from None
        if self._unwritable.pop(table, None) is not None:
            log.info("the local copy of %s.%s is written again in %s", self.name, table, tdir)
        return parts

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
        schema, fresh = self.inner.schema(table), self.freshness.get(table, "")
        columns = list(schema)
        old_newest = _load_time(manifest.get("newest"))
        grown = (fresh and manifest.get("parts") and old_newest is not None and version.rows is not None
                 and manifest.get("rows") is not None and version.rows > manifest["rows"]
                 and manifest.get("identity", "") == version.identity)  # a replaced file may differ anywhere
        if grown:
            added = self.inner.scan(table, columns, Where(time_column=fresh, newer_than=old_newest)).collect()
            if added.height == version.rows - manifest["rows"]:
                part = f"part-{uuid.uuid4().hex}.parquet"
                _write(added.sort(fresh), tdir / part)
                parts = manifest["parts"] + [part]
                if len(parts) > MAX_PARTS or sum(1 for p in parts if (tdir / p).stat().st_size < SMALL_PART_BYTES) > 8:
                    parts = self._compact(tdir, parts, fresh)
                return self._commit(tdir, version, parts, manifest["parts"])
        batches = (self.inner.scan_batches(table, columns) if hasattr(self.inner, "scan_batches")
                   else iter([self.inner.scan(table, columns, Where()).collect()]))
        parts = []
        for frame in batches:
            if fresh and not frame[fresh].is_sorted():
                frame = frame.sort(fresh)  # sorted by time, so a period's scan skips row groups by their statistics
            part = f"part-{uuid.uuid4().hex}.parquet"
            _write(frame, tdir / part)
            parts.append(part)
        return self._commit(tdir, version, parts, manifest.get("parts", []))

    def _compact(self, tdir: Path, parts: list[str], fresh: str) -> list[str]:
        """Merge the small parts that incremental refreshes leave behind; large parts stay as they are."""
        small = [p for p in parts if (tdir / p).stat().st_size < SMALL_PART_BYTES]
        if len(small) < 2:
            return parts
        merged = pl.scan_parquet([str(tdir / p) for p in small]).sort(fresh).collect()
        part = f"part-{uuid.uuid4().hex}.parquet"
        _write(merged, tdir / part)
        return [p for p in parts if p not in small] + [part]

    def _commit(self, tdir: Path, version: DataVersion, parts: list[str], old_parts: list[str]) -> dict:
        manifest = {"token": version.token, "rows": version.rows, "newest": _dump_time(version.newest),
                    "identity": version.identity, "parts": parts}
        _write_manifest(tdir, manifest)
        # Old parts go after the new manifest is in place; a reader holding them keeps its open handle.
        for p in set(old_parts) - set(parts):
            (tdir / p).unlink(missing_ok=True)
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
    if not all((tdir / p).is_file() for p in manifest.get("parts", [])):
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
    keep = set(manifest.get("parts", []))
    for path in tdir.glob("part-*"):
        if path.name not in keep:
            path.unlink(missing_ok=True)


def _write(frame: pl.DataFrame, path: Path) -> None:
    """Write a part (through a temporary file); an OSError, with its number and file, when the disk refuses."""
    tmp = path.with_suffix(".tmp")
    try:
        # lz4 writes about four times faster than the default zstd here and reads as fast.
        frame.write_parquet(tmp, compression="lz4", statistics=True, row_group_size=256_000)
    except pl.exceptions.PolarsError as exc:
        tmp.unlink(missing_ok=True)
        found = _OS_ERROR.search(str(exc))
        # A disk that fills while the file's end is written fails as a damaged file, with no number: judged by the
        # room left, which the part would not fit in.
        code = int(found.group(1)) if found else errno.ENOSPC if _room(path.parent) < frame.estimated_size() else None
        if code is None:
            raise
        raise OSError(code, os.strerror(code), str(tmp)) from exc
    os.replace(tmp, path)


def _room(folder: Path) -> int:
    """Bytes free where the folder is (0 when that cannot be told)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0


def _dump_time(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _load_time(text: str | None) -> datetime | date | None:
    if not text:
        return None
    return datetime.fromisoformat(text) if "T" in text or len(text) > 10 else date.fromisoformat(text)
