"""Where built rollups live: one Parquet file per table, time column and data version, in DATA_DIR/rollups.

A rollup is data, not an answer: it outlives a cleared or cold result cache and a restart, so after a restart the
first questions re-aggregate kilobytes. When a table's data version changes, its new rollup replaces the old file;
a folder that cannot be written only costs the rollup (the rows answer instead). Beside each file, what it was built
from (the copy's load and the version each month was last changed by), so the next version's rollup rebuilds only
the months that changed. The last few read are held in
memory, so a warm process does not read the file again.
"""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path
from typing import Callable

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

    def scan(self, group: str, key: str, build: Callable[[], pl.DataFrame]) -> pl.LazyFrame:
        """A large rollup (a distinct count's) scanned from its file, built and stored first when missing: a question
        reads only the row groups of its period, and nothing is held in memory between questions."""
        path = self.folder / f"{group}-{key}.parquet"
        if not path.is_file():
            built = build()
            self._put(group, path, built)
            if not path.is_file():
                return built.lazy()  # not stored (the folder cannot be written): this once from memory
        return pl.scan_parquet(path)

    def _put(self, group: str, path: Path, frame: pl.DataFrame, about: dict | None = None) -> None:
        tmp = path.with_name(f"{path.stem}.{uuid.uuid4().hex}.tmp")
        try:
            private_folder(self.folder)
            if about is not None:  # first: a rollup file without it is rebuilt whole next time, never misread
                path.with_suffix(".json").write_text(json.dumps(about))
            frame.write_parquet(tmp, compression="lz4", statistics=True, row_group_size=128_000)
            os.replace(tmp, path)
            for old in self.folder.glob(f"{group}-*"):
                if old.stem != path.stem:
                    old.unlink(missing_ok=True)
        except (OSError, pl.exceptions.PolarsError):
            tmp.unlink(missing_ok=True)  # not kept on disk: built again by the next process that needs it
