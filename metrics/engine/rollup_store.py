"""Where built rollups live: one Parquet file per table, time column and data version, in DATA_DIR/rollups (a
distinct count's: a folder of Parquet files, one per part it was built in).

A rollup is data, not an answer: it outlives a cleared or cold result cache and a restart, so after a restart the
first questions re-aggregate kilobytes. When a table's data version changes, its new rollup replaces the old one;
a folder that cannot be written only costs the rollup (the rows answer instead). Beside each file, what it was built
from (the copy's load and the version each month was last changed by), so the next version's rollup rebuilds only
the months that changed. The last few read are held in memory, so a warm process does not read the file again.
"""
from __future__ import annotations

import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Callable, Iterable

import polars as pl

from core.store import private_folder

HELD = 16  # rollups kept in memory per process (each one row per day and combination of dimensions)


class RollupStore:
    """Rollups by group (a table and time column) and key (the group's definitions and data version)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._held: dict[str, pl.DataFrame] = {}

    def get(self, group: str, key: str, build: Callable[[], pl.DataFrame], about: dict | None = None) -> pl.DataFrame:
        """The rollup stored under group and key, else built and stored with what it was built from (`about`, kept
        beside it as JSON), replacing the group's older one."""
        name = f"{group}-{key}"
        found = self._held.get(name)
        if found is None:
            path = self.folder / f"{name}.parquet"
            try:
                found = pl.read_parquet(path)
            except (OSError, pl.exceptions.PolarsError):
                found = build()
                self._put(group, path, found, about)
            self._held = {**dict(list(self._held.items())[-(HELD - 1):]), name: found}
        return found

    def previous(self, group: str, key: str) -> tuple[pl.DataFrame, dict] | None:
        """The group's rollup stored under another key (an older data version) and what it was built from."""
        for path in self.folder.glob(f"{group}-*.parquet"):
            if path.stem != f"{group}-{key}":
                try:
                    return pl.read_parquet(path), json.loads(path.with_suffix(".json").read_text())
                except (OSError, ValueError, pl.exceptions.PolarsError):
                    return None
        return None

    def about(self, group: str, key: str) -> dict | None:
        """What the rollup under group and key was built from; None when it is not stored."""
        try:
            return json.loads((self.folder / f"{group}-{key}.json").read_text())
        except (OSError, ValueError):
            return None

    def scan(self, group: str, key: str, build: Callable[[], Iterable[pl.DataFrame]]) -> list[pl.LazyFrame]:
        """A large rollup (a distinct count's) scanned from its files, one per part it was built in, built and stored
        first when missing: a question reads only the row groups of its period, and nothing is held in memory
        between questions."""
        folder = self.folder / f"{group}-{key}"
        if not folder.is_dir():
            tmp = self.folder / f"{group}-{key}.{uuid.uuid4().hex}.tmp"
            try:
                private_folder(self.folder)
                private_folder(tmp)
                for n, part in enumerate(build()):  # each part written before the next is built
                    part.write_parquet(tmp / f"part-{n:04d}.parquet", compression="lz4", statistics=True,
                                       row_group_size=128_000)
                os.replace(tmp, folder)
                self._drop_others(group, folder.name)
            except (OSError, pl.exceptions.PolarsError):
                if not folder.is_dir():  # not stored (the folder cannot be written): this once from memory
                    return [part.lazy() for part in build()]
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        return [pl.scan_parquet(path) for path in sorted(folder.glob("part-*.parquet"))]

    def _drop_others(self, group: str, kept: str) -> None:
        """The group's older rollups (files and folders of parts), once the new one is in place."""
        for old in self.folder.glob(f"{group}-*"):
            if old.name != kept and old.stem != kept and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)
            elif old.name != kept and old.stem != kept:
                old.unlink(missing_ok=True)

    def _put(self, group: str, path: Path, frame: pl.DataFrame, about: dict | None = None) -> None:
        tmp = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.tmp")
        try:
            private_folder(self.folder)
            if about is not None:  # first: a rollup file without it is rebuilt whole next time, never misread
                path.with_suffix(".json").write_text(json.dumps(about))
            frame.write_parquet(tmp, compression="lz4", statistics=True, row_group_size=128_000)
            os.replace(tmp, path)
            self._drop_others(group, path.stem)
        except (OSError, pl.exceptions.PolarsError):
            tmp.unlink(missing_ok=True)  # not kept on disk: built again by the next process that needs it
