"""A keyed table's local copy: changed rows merged by key, deletes found by reconciliation, changes recorded by month,
and the key declared in the config."""
from __future__ import annotations

import json
import os
import random
import sqlite3
import time
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from config.settings import Config, parse_config
from connectors.base import Where
from connectors.merge import DROPPED_SHARE
from connectors.mirror import MirroredConnector
from connectors.sources import build_connector
from core.errors import ConfigError

START = datetime(2026, 9, 1)
COLUMNS = ["record_id", "name", "amount", "created_on", "updated_at"]


def source_file(path: Path, rows: int, seed: int = 7) -> None:
    """A table of records 1..rows created in September and October, each last changed at a distinct time (by its id)."""
    rng = random.Random(seed)
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE records (record_id INTEGER PRIMARY KEY, name TEXT, amount REAL, created_on DATE, "
                    "updated_at TIMESTAMP)")
        con.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?)", [
            (i, f"name {i}", round(rng.uniform(1, 100), 2), str(date(2026, 9 + (i - 1) * 2 // rows, 1 + i % 28)),
             str(START + timedelta(minutes=i * 60 * 24 * 60 // rows))) for i in range(1, rows + 1)])


def config(tmp_path: Path, key: str = 'key = "record_id"', extra: str = "") -> Config:
    text = f"""
[sources.src]
kind = "sql"
url = "sqlite:///{tmp_path / 'source.sqlite'}"
[sources.src.tables.records]
{'' if 'freshness_column' in key else 'freshness_column = "updated_at"'}
{key}
{extra}
"""
    return parse_config(tomllib.loads(text), tmp_path / "vantage.toml", {"data_dir": str(tmp_path / "data")}, {})


def mirror(tmp_path: Path, **kwargs: str) -> MirroredConnector:
    connector = build_connector(config(tmp_path, **kwargs).sources["src"], config(tmp_path, **kwargs))
    assert isinstance(connector, MirroredConnector)
    return connector


def refreshed(m: MirroredConnector) -> list[str]:
    return m.sync("records", m.data_version("records"))


def copy_equals_source(m: MirroredConnector, tmp_path: Path) -> None:
    """The copy, read as the engine reads it, equals the source table row for row."""
    copy = m.scan("records", COLUMNS, Where()).collect().sort("record_id")
    with sqlite3.connect(tmp_path / "source.sqlite") as con:
        rows = con.execute(f"SELECT {', '.join(COLUMNS)} FROM records ORDER BY record_id").fetchall()
    want = pl.DataFrame(rows, schema=["record_id", "name", "amount", "created_on", "updated_at"], orient="row")
    want = want.with_columns(pl.col("created_on").str.to_date(), pl.col("updated_at").str.to_datetime())
    assert copy.height == want.height
    assert copy.with_columns(pl.col("updated_at").cast(pl.Datetime("us"))).equals(
        want.with_columns(pl.col("updated_at").cast(pl.Datetime("us"))))


def manifest(m: MirroredConnector) -> dict:
    return json.loads((m.folder / "records" / "manifest.json").read_text())


def stamps(m: MirroredConnector) -> dict[str, tuple[int, int]]:
    """Each part's inode and modification time: a part rewritten or replaced is another file."""
    return {p: (os.stat(m.folder / "records" / p).st_ino, os.stat(m.folder / "records" / p).st_mtime_ns)
            for p in manifest(m)["parts"]}


def execute(tmp_path: Path, sql: str, *args: object) -> None:
    with sqlite3.connect(tmp_path / "source.sqlite") as con:
        con.execute(sql, args)


def newest(tmp_path: Path) -> str:
    with sqlite3.connect(tmp_path / "source.sqlite") as con:
        return str(con.execute("SELECT max(updated_at) FROM records").fetchone()[0])


def grown_in_parts(tmp_path: Path, m: MirroredConnector, first: int, batches: int, size: int) -> None:
    """A copy of `first` records loaded whole, then `batches` of `size` new records, each its own part."""
    source_file(tmp_path / "source.sqlite", first)
    refreshed(m)
    for b in range(batches):
        top = newest(tmp_path)
        with sqlite3.connect(tmp_path / "source.sqlite") as con:
            con.executemany("INSERT INTO records VALUES (?, ?, ?, ?, datetime(?, ?))", [
                (first + 1 + b * size + i, f"late {i}", 1.5 * i, "2026-10-20", top, f"+{i + 1} minutes")
                for i in range(size)])
        con.close()
        refreshed(m)
    assert len(manifest(m)["parts"]) == 1 + batches


def test_an_update_of_one_percent_merges_by_key_and_leaves_the_other_parts_untouched(tmp_path: Path) -> None:
    m = mirror(tmp_path)
    grown_in_parts(tmp_path, m, 3000, 3, 1000)
    before = stamps(m)
    parts = manifest(m)["parts"]
    # 1% of the 6000 records, all in the first part and the third: their names and amounts change.
    changed = random.Random(3).sample(range(1, 3001), 40) + list(range(4001, 4021))
    execute(tmp_path, f"UPDATE records SET name = name || ' (fixed)', amount = amount + 1000, "
            f"updated_at = datetime(?, '+1 hour') WHERE record_id IN ({', '.join(map(str, changed))})",
            newest(tmp_path))
    refreshed(m)
    copy_equals_source(m, tmp_path)
    after = manifest(m)
    assert after["parts"][:4] == parts and len(after["parts"]) == 5  # the changed rows: one new part
    new = pl.read_parquet(m.folder / "records" / after["parts"][4])
    assert sorted(new["record_id"]) == sorted(changed)
    # Only the parts that held changed keys list dropped rows; every part kept its file (no part was rewritten).
    assert {p: d["rows"] for p, d in after["dropped"].items()} == {parts[0]: 40, parts[2]: 20}
    assert {p: stamps(m)[p] for p in parts} == before


def test_a_part_mostly_replaced_is_rewritten_and_the_others_are_not(tmp_path: Path) -> None:
    m = mirror(tmp_path)
    grown_in_parts(tmp_path, m, 3000, 2, 1000)
    before, parts = stamps(m), manifest(m)["parts"]
    many = int(1000 * DROPPED_SHARE) + 100  # more than the share of the second part
    execute(tmp_path, "UPDATE records SET amount = -amount, updated_at = datetime(?, '+1 hour') "
            "WHERE record_id > 3000 AND record_id <= ?", newest(tmp_path), 3000 + many)
    refreshed(m)
    copy_equals_source(m, tmp_path)
    after = manifest(m)
    assert parts[1] not in after["parts"] and parts[1] not in after["dropped"]  # rewritten without its old rows
    assert {p: stamps(m)[p] for p in (parts[0], parts[2])} == {p: before[p] for p in (parts[0], parts[2])}
    assert after["dropped"] == {}


def test_deleted_rows_leave_the_copy_at_once_when_the_count_differs(tmp_path: Path) -> None:
    m = mirror(tmp_path)
    grown_in_parts(tmp_path, m, 2000, 1, 500)
    execute(tmp_path, "DELETE FROM records WHERE record_id % 97 = 5")
    refreshed(m)
    copy_equals_source(m, tmp_path)
    assert manifest(m)["dropped"]  # dropped beside their parts, not rewritten
    execute(tmp_path, "DELETE FROM records WHERE record_id > 2000")  # a whole part's rows
    refreshed(m)
    copy_equals_source(m, tmp_path)


def test_deletes_the_count_does_not_show_wait_for_the_reconcile_interval(tmp_path: Path) -> None:
    lazy = mirror(tmp_path)  # reconciles every 60 minutes
    source_file(tmp_path / "source.sqlite", 2000)
    refreshed(lazy)
    # Ten records go, and ten come back under new keys with their old times (restored from a backup, say): the count
    # stays, and the freshness column does not show them.
    execute(tmp_path, "UPDATE records SET record_id = record_id + 5000 WHERE record_id <= 10")
    execute(tmp_path, "UPDATE records SET amount = 0, updated_at = datetime(?, '+1 hour') WHERE record_id = 500",
            newest(tmp_path))
    refreshed(lazy)
    held = lazy.scan("records", ["record_id"], Where()).collect()["record_id"]
    assert held.is_in(list(range(1, 11))).sum() == 10  # not seen before the interval has passed
    eager = mirror(tmp_path, extra="reconcile_minutes = 0.0001")
    time.sleep(0.05)
    execute(tmp_path, "UPDATE records SET amount = 1, updated_at = datetime(?, '+1 hour') WHERE record_id = 501",
            newest(tmp_path))
    refreshed(eager)
    copy_equals_source(eager, tmp_path)


def test_a_delete_shows_in_the_count_and_leaves_the_copy_at_the_next_refresh(tmp_path: Path) -> None:
    m = mirror(tmp_path)
    source_file(tmp_path / "source.sqlite", 2000)
    refreshed(m)
    execute(tmp_path, "DELETE FROM records WHERE record_id <= 10")
    execute(tmp_path, "INSERT INTO records SELECT record_id + 5000, name, amount, created_on, datetime(?, '+1 hour') "
            "FROM records WHERE record_id BETWEEN 11 AND 20", newest(tmp_path))  # as many rows as before
    refreshed(m)
    copy_equals_source(m, tmp_path)
    assert manifest(m)["dropped"]  # merged: the ten deleted rows dropped, the ten new ones added


def test_a_change_the_freshness_column_does_not_show_reloads_the_table(tmp_path: Path) -> None:
    m = mirror(tmp_path)
    source_file(tmp_path / "source.sqlite", 1000)
    refreshed(m)
    epoch = manifest(m)["epoch"]
    execute(tmp_path, "UPDATE records SET amount = 0 WHERE record_id < 100")  # updated_at left as it was
    refreshed(m)
    copy_equals_source(m, tmp_path)
    assert manifest(m)["epoch"] != epoch  # loaded whole: every span's token changes


def test_span_tokens_change_only_for_the_months_a_change_touched(tmp_path: Path) -> None:
    m = mirror(tmp_path)
    source_file(tmp_path / "source.sqlite", 3000)
    refreshed(m)

    def tokens(column: str) -> dict[int, str | None]:
        return {month: m.span_token("records", column, date(2026, month, 1), date(2026, month + 1, 1))
                for month in (9, 10, 11)}

    by_update, by_creation = tokens("updated_at"), tokens("created_on")
    # October's rows (by updated_at) created in October: they move to November by updated_at, stay in October by
    # created_on.
    execute(tmp_path, "UPDATE records SET amount = 1, updated_at = datetime(?, '+3 days') WHERE updated_at >= "
            "'2026-10-01' AND updated_at < '2026-11-01' AND created_on >= '2026-10-01' AND record_id % 10 = 0",
            newest(tmp_path))
    refreshed(m)
    now_update, now_creation = tokens("updated_at"), tokens("created_on")
    assert now_update[9] == by_update[9] and now_creation[9] == by_creation[9]
    assert now_update[10] != by_update[10] and now_update[11] != by_update[11]
    assert now_creation[10] != by_creation[10] and now_creation[11] == by_creation[11]
    assert m.span_token("records", "name", date(2026, 9, 1), date(2026, 10, 1)) is None  # not a time column
    wide = m.span_token("records", "updated_at", date(2026, 8, 15), date(2026, 9, 20))
    execute(tmp_path, "DELETE FROM records WHERE record_id = 3")  # a September row
    refreshed(m)
    assert m.span_token("records", "updated_at", date(2026, 8, 15), date(2026, 9, 20)) != wide
    assert tokens("updated_at")[10] == now_update[10]


@pytest.mark.parametrize("line, message", [
    ("key = 5", "key must be a column name or a list of distinct column names, not 5"),
    ('key = ["a", "a"]', "not ['a', 'a']"),
    ('key = ""', "not ''"),
    ('key = "record_id"\nreconcile_minutes = 0', "reconcile_minutes must be a positive number, not 0"),
    ('key = "record_id"\nreconcile_minutes = "hourly"', "not 'hourly'"),
    ('key = "record_id"\nfreshness_column = ""', "so it needs a freshness_column"),
])
def test_a_bad_key_declaration_names_the_file_and_the_key(tmp_path: Path, line: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config(tmp_path, key=line)
    assert message in caught.value.message
    assert str(tmp_path / "vantage.toml") in caught.value.where and "[sources.src].tables.records" in caught.value.where


def test_a_key_is_one_column_or_several(tmp_path: Path) -> None:
    assert config(tmp_path).sources["src"].table("records").key == ("record_id",)
    spec = config(tmp_path, key='key = ["name", "created_on"]\nreconcile_minutes = 5').sources["src"].table("records")
    assert spec.key == ("name", "created_on") and spec.reconcile_minutes == 5.0
    assert config(tmp_path, key="").sources["src"].table("records").key == ()
