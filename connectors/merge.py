"""A local copy's parts and manifest: merging a keyed table's changed rows by key, and the months each change touched.

A table that declares its key (`key = "record_id"`) and a freshness column is brought in step by fetching only the
rows whose freshness is newer than the copy's newest and upserting them: they become a new part, and the older
versions of the same keys are listed as dropped beside the parts that hold them (a small Parquet file of keys), so a
part that holds none of the changed keys is not touched, and one that does is rewritten only once more than
DROPPED_SHARE of its rows are dropped. Deletes are found by reconciliation, which reads only the source's key column:
when the copy's row count differs from the source's after the upsert (as any delete makes it, unless rows arrive that
the freshness column does not show), and every `reconcile_minutes`. When the keys still do not add up, or a new version
shows neither changed nor deleted rows, the table changed in a way the freshness column does not show: it is loaded
whole. The contract: a writer moves the freshness column forward on every insert and update.

Every change is recorded by month, for each date and datetime column of the table (the mirror cannot know which of them
a metric reads, and a month's record is a few bytes): the months of the old and the new version of each changed row,
of each added row and of each deleted row. `span_token` hashes the records of a span's months, so an answer over those
months stays valid while other months change; a load of the whole table starts a new epoch, which changes every token.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Literal

import polars as pl

from connectors.base import Connector, DataVersion, Schema, Where

DROPPED_SHARE = 0.1  # a part is rewritten without its dropped rows once they are more than this share of it
_OS_ERROR = re.compile(r"os error (\d+)")  # how polars reports the operating system's error behind a failed write


@dataclass(frozen=True)
class KeySpec:
    """The columns that identify a row of a table, and how often its copy looks for deleted rows."""

    columns: tuple[str, ...]
    reconcile_seconds: float = 3600.0


def new_part(prefix: str = "part") -> str:
    return f"{prefix}-{uuid.uuid4().hex}.parquet"


def fresh_manifest(schema: Schema, key: KeySpec | None, version: DataVersion) -> dict:
    """The manifest of a copy loaded whole, before its parts are noted: a new epoch (named by the source's version,
    so every machine that loads the same data names it alike), nothing changed since."""
    tracked = [c for c, dtype in schema.items() if dtype == pl.Date or isinstance(dtype, pl.Datetime)]
    return {"parts": [], "counts": {}, "ranges": {}, "dropped": {}, "epoch": version.token, "months": {},
            "tracked": tracked, "key": list(key.columns) if key else [], "reconciled": time.time()}


def note(manifest: dict, part: str, frame: pl.DataFrame, at: int | None = None) -> None:
    """Add a part written from `frame` to the manifest (at a position, else last): its rows and its keys' range."""
    manifest["parts"].insert(len(manifest["parts"]) if at is None else at, part)
    manifest["counts"][part] = frame.height
    found = _key_range(frame, manifest["key"])
    if found is not None:
        manifest.setdefault("ranges", {})[part] = found


def _forget(manifest: dict, part: str) -> None:
    manifest["parts"].remove(part)
    for field in ("counts", "ranges", "dropped"):
        manifest.get(field, {}).pop(part, None)


def _key_range(frame: pl.DataFrame, key: list[str]) -> list | None:
    """The smallest and largest key of a frame, for a single integer or text key (a part whose range misses the
    changed keys is not read at all: appended keys, for one, are all past the old parts')."""
    if len(key) != 1 or not frame.height:
        return None
    column = frame.get_column(key[0])
    if not (column.dtype.is_integer() or column.dtype == pl.String) or column.null_count():
        return None
    return [column.min(), column.max()]


def files(manifest: dict) -> set[str]:
    """Every file a manifest names: its parts and their lists of dropped keys."""
    return set(manifest.get("parts", [])) | {d["file"] for d in manifest.get("dropped", {}).values()}


def live_part(tdir: Path, manifest: dict, part: str) -> pl.LazyFrame:
    """A part's rows, without those a later part replaced or the source deleted."""
    frame = pl.scan_parquet(tdir / part)
    dropped = manifest.get("dropped", {}).get(part)
    if dropped is None:
        return frame
    return _keep(frame, manifest["key"], pl.read_parquet(tdir / dropped["file"]), "anti")


def _keep(frame: pl.LazyFrame, on: list[str], keys: pl.DataFrame, how: Literal["semi", "anti"]) -> pl.LazyFrame:
    """The rows whose key is in `keys` (semi) or not (anti); a single key column is matched as a set (faster)."""
    if len(on) > 1:
        return frame.join(keys.lazy(), on=on, how=how)
    found = pl.col(on[0]).is_in(keys.get_column(on[0]).implode())
    return frame.filter(found if how == "semi" else ~found)


def live(tdir: Path, manifest: dict) -> pl.LazyFrame:
    """The copy's current rows: its clean parts in one scan, the parts with dropped rows each without them."""
    dropped = manifest.get("dropped", {})
    clean = [str(tdir / p) for p in manifest["parts"] if p not in dropped]
    frames = ([pl.scan_parquet(clean)] if clean else []) + [live_part(tdir, manifest, p) for p in dropped]
    return frames[0] if len(frames) == 1 else pl.concat(frames, how="vertical")


def live_rows(manifest: dict) -> int:
    return sum(manifest["counts"].values()) - sum(d["rows"] for d in manifest.get("dropped", {}).values())


def months(frame: pl.DataFrame, columns: list[str]) -> dict[str, set[str]]:
    """The months (YYYY-MM) each time column's values fall in."""
    return {c: set(frame.get_column(c).drop_nulls().dt.strftime("%Y-%m").unique().to_list())
            for c in columns if c in frame.columns}


def mark(manifest: dict, touched: dict[str, set[str]], version: DataVersion) -> None:
    """Record a change in each month it touched, by the source's version it brought the copy to (the same on every
    machine whose copy follows that source: their answers share cache keys)."""
    record = manifest.setdefault("months", {})
    for column, found in touched.items():
        for month in found:
            record.setdefault(column, {})[month] = version.token


def month_stamps(manifest: dict, column: str) -> dict | None:
    """The copy's load (its epoch) and, per month of `column` a change touched since, the version that touched it
    last: two stamps with one epoch differ exactly in the months whose rows changed between them. None when the
    column is not a recorded time column."""
    if column not in manifest.get("tracked", []) or "epoch" not in manifest:
        return None
    return {"epoch": manifest["epoch"], "months": dict(manifest.get("months", {}).get(column, {}))}


def span_token(manifest: dict, column: str, start: date, end: date) -> str | None:
    """What identifies the copy's rows whose `column` lies in [start, end): it changes only when a change touched one
    of those months (or the table was loaded whole). None when the column is not a recorded time column."""
    if column not in manifest.get("tracked", []) or "epoch" not in manifest:
        return None
    first, last = f"{start:%Y-%m}", f"{end - timedelta(days=1):%Y-%m}"
    touched = sorted((m, s) for m, s in manifest.get("months", {}).get(column, {}).items() if first <= m <= last)
    return hashlib.sha256(json.dumps([manifest["epoch"], column, touched]).encode()).hexdigest()[:32]


def merge(inner: Connector, table: str, tdir: Path, manifest: dict, version: DataVersion, fresh: str, key: KeySpec,
          columns: list[str]) -> dict | None:
    """The manifest after upserting the rows changed since the copy's newest, and dropping the deleted ones when a
    reconciliation is due; None when the copy must be loaded whole instead (written parts are swept then)."""
    keys = list(key.columns)
    newest = load_time(manifest.get("newest"))
    if manifest.get("key") != keys or "counts" not in manifest or "epoch" not in manifest or newest is None:
        return None
    changed = inner.scan(table, columns, Where(time_column=fresh, newer_than=newest)).collect()
    # A key changed twice since the copy's newest is fetched once (its newest version).
    changed = changed.sort(fresh).unique(subset=keys, keep="last", maintain_order=True)
    new = {**manifest, "parts": list(manifest["parts"]), "counts": dict(manifest["counts"]),
           "ranges": dict(manifest.get("ranges", {})), "dropped": dict(manifest.get("dropped", {})),
           "months": {c: dict(m) for c, m in manifest["months"].items()}}
    touched = months(changed, new["tracked"])
    found = changed.height
    if changed.height:
        _drop(tdir, new, changed.select(keys), "semi", touched)
        part = new_part()
        write_part(changed, tdir / part)
        note(new, part, changed)
    if live_rows(new) != version.rows or time.time() - manifest.get("reconciled", 0) >= key.reconcile_seconds:
        present = inner.scan(table, keys, Where()).collect()
        found += _drop(tdir, new, present, "anti", touched)
        new["reconciled"] = time.time()
        if live_rows(new) != present.height:
            return None  # rows the freshness column does not show (or a key that is not unique): load whole
    if not found:
        return None  # the version changed, but not in a way the freshness column shows
    mark(new, touched, version)
    _rewrite_dropped(tdir, new)
    return new


def _drop(tdir: Path, manifest: dict, keys: pl.DataFrame, how: Literal["semi", "anti"],
          touched: dict[str, set[str]]) -> int:
    """Drop from each part its live rows whose key is in `keys` (semi) or not in it (anti); the months of the dropped
    rows are added to `touched`. How many rows were dropped."""
    on, tracked, total = manifest["key"], manifest["tracked"], 0
    parts, span = list(manifest["parts"]), _key_range(keys, on)
    if how == "semi" and span is not None:  # only the parts whose range of keys meets the changed keys'
        ranges = manifest.get("ranges", {})
        parts = [p for p in parts if p not in ranges or not (span[1] < ranges[p][0] or ranges[p][1] < span[0])]
    hits = pl.collect_all([_keep(live_part(tdir, manifest, part).select(on + tracked), on, keys, how)
                           for part in parts])  # the parts side by side
    for part, hit in zip(parts, hits):
        if not hit.height:
            continue  # a part that holds none of these keys stays as it is
        for column, found in months(hit, tracked).items():
            touched.setdefault(column, set()).update(found)
        old = manifest["dropped"].get(part)
        listed = hit.select(on)
        if old is not None:
            listed = pl.concat([pl.read_parquet(tdir / old["file"]), listed], how="vertical")
        name = new_part("drop")
        write_part(listed, tdir / name)
        manifest["dropped"][part] = {"file": name, "rows": listed.height}
        total += hit.height
    return total


def _rewrite_dropped(tdir: Path, manifest: dict) -> None:
    """Rewrite the parts whose dropped rows are more than DROPPED_SHARE of them, without those rows."""
    for part, dropped in list(manifest["dropped"].items()):
        if dropped["rows"] <= DROPPED_SHARE * manifest["counts"][part]:
            continue
        rows = live_part(tdir, manifest, part).collect()
        name, at = new_part(), manifest["parts"].index(part)
        write_part(rows, tdir / name)
        _forget(manifest, part)
        note(manifest, name, rows, at)


def compact(tdir: Path, manifest: dict, fresh: str, small_bytes: int) -> None:
    """Merge the small parts that refreshes leave behind (without their dropped rows); large parts stay as they are."""
    small = [p for p in manifest["parts"] if (tdir / p).stat().st_size < small_bytes]
    if len(small) < 2:
        return
    merged = pl.concat([live_part(tdir, manifest, p) for p in small], how="vertical").sort(fresh).collect()
    part = new_part()
    write_part(merged, tdir / part)
    for p in small:
        _forget(manifest, p)
    note(manifest, part, merged)


def write_part(frame: pl.DataFrame, path: Path) -> None:
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


def dump_time(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def load_time(text: str | None) -> datetime | date | None:
    if not text:
        return None
    return datetime.fromisoformat(text) if "T" in text or len(text) > 10 else date.fromisoformat(text)
