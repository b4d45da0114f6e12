"""A local columnar copy (Parquet) of a slow source, refreshed when the source's data version changes.

Reading rows out of a database costs far more than computing on them, so the engine reads SQL tables once
and then scans the copy. When a table has a freshness column and has only grown, only the rows newer than
the copy are fetched; any other change (or another file put in the source's place) reloads the table whole.
Safe across processes (a file lock per table).
"""
from __future__ import annotations

import fcntl
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator, Sequence

import polars as pl

from connectors.base import Connector, DataVersion, Remembers, Schema, Where, check_columns

MAX_PARTS = 64
SMALL_PART_BYTES = 8 * 2**20


class MirroredConnector:
    """Wraps a connector: the same protocol, served from Parquet files kept in step with the source."""

    def __init__(self, inner: Connector, folder: Path, freshness: dict[str, str]) -> None:
        self.name, self.inner, self.folder, self.freshness = inner.name, inner, Path(folder), freshness
        # The version last read from the source: scans trust it until the engine asks the source again (TTL).
        self._known: dict[str, DataVersion] = {}

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
        tdir.mkdir(parents=True, exist_ok=True)
        with _locked(tdir / ".lock"):
            manifest = _read_manifest(tdir)
            if manifest.get("token") and manifest.get("token") != version.token:
                # Another process may have brought the copy in step with a newer version than this one read last:
                # ask the source again, so a copy is never reloaded under an older version's name.
                version = self.data_version(table)
            if manifest.get("token") != version.token:
                manifest = self._refresh(table, tdir, manifest, version)
            return [str(tdir / p) for p in manifest["parts"]]

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
    tmp.write_text(json.dumps(manifest))
    os.replace(tmp, tdir / "manifest.json")


def _write(frame: pl.DataFrame, path: Path) -> None:
    tmp = path.with_suffix(".tmp")
    # lz4 writes about four times faster than the default zstd here and reads as fast.
    frame.write_parquet(tmp, compression="lz4", statistics=True, row_group_size=256_000)
    os.replace(tmp, path)


def _dump_time(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _load_time(text: str | None) -> datetime | date | None:
    if not text:
        return None
    return datetime.fromisoformat(text) if "T" in text or len(text) > 10 else date.fromisoformat(text)
