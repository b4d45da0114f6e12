"""The small SQLite stores beside the data (users, tokens, audit): one file each, WAL, shared by every worker."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Self


class SqliteStore:
    """A SQLite file with its schema created on first use; each call opens its own short connection."""

    SCHEMA = ""
    FILE = ""  # its file's name in the data folder

    @classmethod
    def in_folder(cls, folder: Path) -> Self:
        """The store in a data folder, under its own file name."""
        return cls(Path(folder) / cls.FILE)

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as con:
            con.executescript(self.SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=30)
        con.execute("PRAGMA journal_mode=WAL")  # readers never wait for the one writer
        return con
