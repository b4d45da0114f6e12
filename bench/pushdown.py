"""Warehouse pushdown on PostgreSQL: a KPI's cold headline computed in the database against the same headline reading
the filtered rows (mirror = false without pushdown) and against the local copy's first load and its cold headline.

    .venv/bin/python bench/pushdown.py --records 1000000 [10000000]

For each size the demo database (bench/out/demo-N.sqlite, built once) is loaded into a throwaway PostgreSQL started
here (tests/postgres_server.py), then, each in a fresh data folder with the answer cache empty:
  pushdown   mirror = false, the SELECT of each question run in the database;
  rows       mirror = false with pushdown switched off: the filtered rows read into polars (the path before it;
             --without-rows skips it);
  mirror     mirror = true: the table's first load into the local copy, then the cold headline (rollups built), then
             the headline again from the copy with the answer cache emptied.
Every headline value, previous value and baseline of the three must be equal (rel 1e-9) or the script fails.
"""
from __future__ import annotations

import argparse
import math
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import app

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
KEYS = ("data_accuracy", "data_completeness", "automation_rate", "hours_saved", "satisfaction")
CHUNK = 1_000_000
# The time columns of the measured KPIs' tables, indexed as a warehouse's large tables are.
INDEXED = {"master_records": "updated_at", "process_runs": "started_at", "service_requests": "opened_at"}


def load(sqlite_path: Path, url: str) -> None:
    """Copy every table of the demo into PostgreSQL with CSV COPY, a million rows at a time; index the measured
    tables' time columns; ANALYZE."""
    import adbc_driver_sqlite.dbapi as adbc
    import polars as pl
    import psycopg
    import sqlalchemy as sa

    from tests.connectors.test_postgres_parity import PG_TYPES

    lite = sqlite3.connect(sqlite_path)
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as pg, pg.cursor() as cur, adbc.connect(str(sqlite_path)) as source:
        for (table,) in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            columns = [(r[1], PG_TYPES[r[2].upper()]) for r in lite.execute(f"PRAGMA table_info({table})")]
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TABLE {table} ({', '.join(f'{n} {t}' for n, t in columns)})")
            names = ", ".join(n for n, _ in columns)
            top = lite.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 0
            for lo in range(0, top, CHUNK):
                part = pl.read_database(f"SELECT {names} FROM {table} WHERE rowid > {lo} AND rowid <= {lo + CHUNK}",
                                        source)
                with cur.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy:
                    copy.write(part.write_csv(include_header=False, quote_style="non_numeric"))
        for table, column in INDEXED.items():
            cur.execute(f"CREATE INDEX ON {table} ({column})")
        pg.commit()
        pg.autocommit = True
        cur.execute("ANALYZE")


def runtime(work: Path, url: str, mirror: bool) -> app.Runtime:
    import app
    from config.settings import load_config
    from metrics.semantics import registry

    work.mkdir(parents=True)
    text = (ROOT / "config" / "demo.toml").read_text().replace('url = "sqlite:///{data_dir}/demo.sqlite"',
                                                                f'url = "{url}"')
    (work / "pg.toml").write_text(text.replace("mirror = true", f"mirror = {'true' if mirror else 'false'}"))
    registry.reset()
    return app.wire(load_config(str(work / "pg.toml"), {"data_dir": str(work / "data"), "today": "2026-11-27"},
                                environ={}))


def headlines(rt: app.Runtime, label: str) -> tuple[dict[str, float], dict[str, tuple]]:
    """Seconds and (value, previous, baseline) of each KPI's headline for the last complete month, cache empty."""
    from datetime import date

    from metrics.engine.periods import Filters

    rt.engine.cache.clear()
    seconds, numbers = {}, {}
    for key in KEYS:
        t0 = time.perf_counter()
        h = rt.engine.headline(key, Filters(date(2026, 10, 1), date(2026, 11, 1))).data
        seconds[key] = time.perf_counter() - t0
        numbers[key] = (h.value, h.previous, h.baseline)
    print(f"  {label}: " + ", ".join(f"{k} {s:.2f} s" for k, s in seconds.items())
          + f"; total {sum(seconds.values()):.2f} s", flush=True)
    return seconds, numbers


def equal(a: tuple, b: tuple) -> bool:
    return all((x is None and y is None) or (x is not None and y is not None and math.isclose(x, y, rel_tol=1e-9))
               for x, y in zip(a, b))


def measure(records: int, with_rows: bool) -> None:
    from bench.run import build
    from tests.postgres_server import running_postgres

    source = build(records)
    with running_postgres() as server, tempfile.TemporaryDirectory(prefix="vantage-pushdown-") as tmp:
        t0 = time.perf_counter()
        load(source, server.url)
        print(f"{records:,} records: loaded into PostgreSQL in {time.perf_counter() - t0:.1f} s "
              f"(load avg {os.getloadavg()[0]:.2f})", flush=True)
        pushed_rt = runtime(Path(tmp) / "pushdown", server.url, mirror=False)
        used: list[bool] = []
        hook = pushed_rt.engine.pushdown
        pushed_rt.engine.pushdown = lambda ask: used.append((t := hook(ask)) is not None) or t  # type: ignore
        _, pushed = headlines(pushed_rt, "pushdown (cold)")
        assert used and all(used), "a question was not computed in the database"
        rows = pushed
        if with_rows:
            rows_rt = runtime(Path(tmp) / "rows", server.url, mirror=False)
            rows_rt.engine.pushdown = lambda ask: None  # type: ignore[method-assign]
            _, rows = headlines(rows_rt, "rows read into polars (cold)")
        mirror_rt = runtime(Path(tmp) / "mirror", server.url, mirror=True)
        t0, connector = time.perf_counter(), mirror_rt.engine.connectors["demo"]
        tables = sorted({mirror_rt.catalogue[k].table for k in KEYS})
        for table in tables:
            connector.sync(table)  # type: ignore[attr-defined]
        print(f"  mirror first load of {', '.join(tables)}: {time.perf_counter() - t0:.2f} s", flush=True)
        _, mirrored = headlines(mirror_rt, "mirror cold headline (rollups built)")
        _, again = headlines(mirror_rt, "mirror headline again (from rollups, answer cache empty)")
        for key in KEYS:
            if not (equal(pushed[key], rows[key]) and equal(pushed[key], mirrored[key]) and
                    equal(pushed[key], again[key])):
                sys.exit(f"{key} differs: pushdown {pushed[key]}, rows {rows[key]}, mirror {mirrored[key]}")
        print(f"  {len(KEYS) * 3} numbers equal three ways; load avg {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
              flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--without-rows", action="store_true", help="skip reading the filtered rows into polars")
    args = parser.parse_args()
    for records in args.records:
        measure(records, not args.without_rows)


if __name__ == "__main__":
    main()
