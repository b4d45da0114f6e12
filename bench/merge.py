"""Time a refresh of master_records after 1% of its records changed (by key), against a full load of the table.

    .venv/bin/python bench/merge.py                      # 1M records, and 10M when bench/out holds that demo
    .venv/bin/python bench/merge.py --records 1000000

Each size runs on a private copy of the bench demo (bench/run.py builds the 1M one; a 10M one is used only when it is
already there). The table is declared with `key = "record_id"`: a refresh fetches the rows whose updated_at is newer
than the copy's and merges them by key. Every 100th record changes its code and moves its updated_at forward, so the
changed keys lie in every part of the copy (the worst case for a merge). Asking the source for its data version (row
count, newest time, the file's check) is timed apart: a full load and a refresh both start with it.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import OUT, build

if TYPE_CHECKING:
    from connectors.mirror import MirroredConnector

T = TypeVar("T")


def connector(db: Path, work: Path) -> MirroredConnector:
    from config.settings import parse_config
    from connectors.mirror import MirroredConnector
    from connectors.sources import build_connector

    text = f"""
[sources.bench]
kind = "sql"
url = "sqlite:///{db}"
[sources.bench.tables.master_records]
freshness_column = "updated_at"
key = "record_id"
"""
    config = parse_config(tomllib.loads(text), work / "bench.toml", {"data_dir": str(work / "data")}, {})
    built = build_connector(config.sources["bench"], config)
    assert isinstance(built, MirroredConnector)
    return built


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def change_one_percent(db: Path, round_: int) -> int:
    """Every 100th record gets another code and an updated_at an hour past the newest; how many changed."""
    with sqlite3.connect(db) as con:
        newest = con.execute("SELECT max(updated_at) FROM master_records").fetchone()[0]
        changed = con.execute(
            "UPDATE master_records SET code = coalesce(code, '') || ?, updated_at = datetime(?, '+1 hour') "
            "WHERE record_id % 100 = ?", (f"-r{round_}", newest, 37 + round_)).rowcount
    con.close()
    return changed


def measure(records: int, path: Path) -> dict:
    import polars as pl

    from connectors.base import Where

    work = Path(tempfile.mkdtemp(prefix=f"vantage-merge-{records}-", dir=OUT))
    try:
        db = work / "demo.sqlite"
        shutil.copy(path, db)
        mirror = connector(db, work)
        res: dict = {"records": records}
        res["version_s"], version = timed(lambda: mirror.data_version("master_records"))
        res["full_load_s"], _ = timed(partial(mirror.sync, "master_records", version))
        res["rows"] = version.rows
        for round_ in (1, 2):
            res[f"changed_{round_}"] = change_one_percent(db, round_)
            res[f"refresh_version_{round_}_s"], version = timed(lambda: mirror.data_version("master_records"))
            res[f"refresh_{round_}_s"], parts = timed(partial(mirror.sync, "master_records", version))
            copy = mirror.scan("master_records", ["record_id", "code"], Where()).filter(
                pl.col("record_id") % 100 == 37 + round_).collect()
            assert copy.height == res[f"changed_{round_}"] and copy["code"].str.ends_with(f"-r{round_}").all(), \
                "the copy does not hold the changed rows"
            res[f"parts_{round_}"] = len(parts)
        total = mirror.scan("master_records", ["record_id"], Where()).select(pl.len()).collect().item()
        assert total == version.rows, f"the copy holds {total} rows, the source {version.rows}"
        res["refresh_share"] = max(res["refresh_1_s"], res["refresh_2_s"]) / res["full_load_s"]
        res["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
        return res
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="*", default=None,
                        help="sizes to measure (default: 1000000, and 10000000 when its demo is in bench/out)")
    args = parser.parse_args()
    sizes = args.records or [1_000_000] + ([10_000_000] if (OUT / "demo-10000000.sqlite").exists() else [])
    for records in sizes:
        path = OUT / f"demo-{records}.sqlite"
        if records != 10_000_000:
            path = build(records)
        elif not path.exists():
            print(f"{path} is not there: build it with bench/run.py first", file=sys.stderr)
            continue
        res = measure(records, path)
        print(json.dumps(res))
        print(f"{records:>10,} records: full load {res['full_load_s']:.2f} s; refresh after 1% changed "
              f"{res['refresh_1_s']:.3f} s and {res['refresh_2_s']:.3f} s ({res['refresh_share']:.1%} of the load); "
              f"data version {res['version_s']:.2f} s before the load, {res['refresh_version_1_s']:.2f} s before a "
              f"refresh; load: {res['uptime']}")


if __name__ == "__main__":
    main()
