"""The same numbers through a real PostgreSQL server loaded with the demo data.

Both ways of reading are checked: filters pushed into PostgreSQL (mirror = false) and the local Parquet copy.
"""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa

import app
from config.settings import load_config
from metrics.engine.periods import Filters
from metrics.semantics import registry
from metrics.semantics.model import Grain

PG_TYPES = {"INTEGER": "BIGINT", "REAL": "DOUBLE PRECISION", "TEXT": "TEXT", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP"}
PERIOD = Filters(date(2026, 10, 1), date(2026, 11, 1))
TREND = Filters(date(2026, 1, 1), date(2026, 11, 1))


def load_demo_into_postgres(sqlite_path: Path, url: str) -> None:
    """Copy every demo table into PostgreSQL with proper column types."""
    lite = sqlite3.connect(sqlite_path)
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as pg, pg.cursor() as cur:
        tables = [r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [(r[1], PG_TYPES[r[2].upper()]) for r in lite.execute(f"PRAGMA table_info({table})")]
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TABLE {table} ({', '.join(f'{n} {t}' for n, t in columns)})")
            names = ", ".join(n for n, _ in columns)
            with cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in lite.execute(f"SELECT {names} FROM {table}"):
                    copy.write_row(row)
        pg.commit()


@pytest.fixture(scope="module")
def pg_loaded(postgres_url: str, data_dir: Path) -> str:
    load_demo_into_postgres(data_dir / "demo.sqlite", postgres_url)
    return postgres_url


def pg_runtime(tmp_path: Path, url: str, mirror: bool) -> app.Runtime:
    demo = (Path(app.__file__).parent / "config" / "demo.toml").read_text()
    text = demo.replace('url = "sqlite:///{data_dir}/demo.sqlite"', f'url = "{url}"').replace(
        "mirror = true", f"mirror = {'true' if mirror else 'false'}")
    assert url in text
    path = tmp_path / "pg.toml"
    path.write_text(text)
    registry.reset()
    return app.wire(load_config(str(path), {"data_dir": str(tmp_path / "data"), "today": "2026-11-27"}, environ={}))


def snapshot(runtime: app.Runtime) -> dict:
    """Headline, first-dimension breakdown and monthly trend of every metric."""
    engine, out = runtime.engine, {}
    for key, metric in runtime.catalogue.items():
        out[key] = (
            engine.headline(key, PERIOD).data.value,
            engine.breakdown(key, PERIOD, metric.dimensions[0]).data.sort(metric.dimensions[0]).rows(),
            engine.trend(key, TREND, Grain.MONTH).data.rows(),
        )
    return out


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("mirror", [False, True], ids=["pushdown", "mirror"])
def test_postgres_gives_the_same_numbers_as_sqlite(pg_loaded: str, runtime: app.Runtime, tmp_path: Path,
                                                   mirror: bool) -> None:
    expected = snapshot(runtime)
    got = snapshot(pg_runtime(tmp_path, pg_loaded, mirror))
    assert set(got) == set(expected)
    for key in expected:
        assert same(got[key], expected[key]), key


def test_postgres_pushdown_reads_only_the_period(pg_loaded: str, tmp_path: Path) -> None:
    runtime = pg_runtime(tmp_path, pg_loaded, mirror=False)
    connector = runtime.engine.connectors["demo"]
    seen: list[str] = []
    sa.event.listen(connector.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, params, context, many: seen.append(statement))
    page = runtime.engine.detail("data_accuracy", Filters(date(2026, 10, 1), date(2026, 11, 1),
                                                          (("department", "finance"),)), page_size=10).data
    assert page.total > 0 and set(page.rows["department"]) == {"finance"}
    reads = [s for s in seen if "FROM master_records" in s and "count(" not in s.lower() and "max(" not in s.lower()]
    assert reads and all("WHERE" in s and "%(" in s for s in reads)  # bound parameters, pushed into SQL
    assert all("SELECT master_records.*" not in s for s in reads)
