"""The default pack's datasets say true things about the demo tables: each primary key names one row, and every
column a dataset names is in its table."""
from __future__ import annotations

import importlib
import sqlite3
from pathlib import Path

import pytest

from metrics.semantics.dataset import Dataset
from metrics.semantics.registry import DEFAULT_PACK

DATASETS = {value.key: value for name in DEFAULT_PACK for value in vars(importlib.import_module(name)).values()
            if isinstance(value, Dataset)}


def test_every_table_the_pack_reads_is_declared_once() -> None:
    assert len(DATASETS) == 15 and len({(d.source, d.table) for d in DATASETS.values()}) == 15


@pytest.mark.parametrize("key", sorted(DATASETS))
def test_the_primary_key_names_one_row_and_the_columns_exist(data_dir: Path, key: str) -> None:
    dataset = DATASETS[key]
    con = sqlite3.connect(data_dir / "demo.sqlite")
    columns = {row[1] for row in con.execute(f"PRAGMA table_info({dataset.table})")}
    named = {dataset.time_column, *dataset.dimensions, *dataset.drill_path, *dataset.detail_columns,
             *dataset.primary_key}
    assert named <= columns, named - columns
    assert dataset.primary_key
    keys = ", ".join(dataset.primary_key)
    rows, distinct = con.execute(f"SELECT count(*), (SELECT count(*) FROM (SELECT DISTINCT {keys} FROM "
                                 f"{dataset.table})) FROM {dataset.table}").fetchone()
    assert rows > 0 and distinct == rows
