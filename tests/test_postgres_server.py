"""The throwaway PostgreSQL server used by the tests: a real server, real reads."""

from __future__ import annotations

import datetime as dt
import socket
from decimal import Decimal

import polars as pl
import pytest
import sqlalchemy as sa

from tests.postgres_server import (
    PostgresUnavailable,
    find_pg_bin,
    running_postgres,
)

# Registers the fixtures when tests/conftest.py does not already load the plugin
# (loading it twice is a no-op).
pytest_plugins = ["tests.postgres_server"]

ROWS = [
    {"day": dt.date(2026, 1, 1), "region": "EMEA", "revenue": Decimal("1200.50"), "orders": 12},
    {"day": dt.date(2026, 1, 1), "region": "AMER", "revenue": Decimal("980.00"), "orders": 9},
    {"day": dt.date(2026, 1, 2), "region": "EMEA", "revenue": Decimal("1333.25"), "orders": 14},
    {"day": dt.date(2026, 1, 3), "region": "APAC", "revenue": Decimal("410.75"), "orders": 4},
]


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_url_points_at_a_local_postgres(postgres_url: str) -> None:
    url = sa.engine.make_url(postgres_url)
    assert url.drivername == "postgresql+psycopg"
    assert url.host == "127.0.0.1"
    assert url.username == "postgres"
    assert url.database == "vantage_test"
    assert _port_open(url.port)


def test_roundtrip_sqlalchemy_and_polars(postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            version = conn.execute(sa.text("SELECT version()")).scalar_one()
            assert version.startswith("PostgreSQL ")
            assert conn.execute(sa.text("SELECT current_database()")).scalar_one() == "vantage_test"

            conn.execute(sa.text("DROP TABLE IF EXISTS daily_sales"))
            conn.execute(
                sa.text(
                    "CREATE TABLE daily_sales ("
                    " id serial PRIMARY KEY,"
                    " day date NOT NULL,"
                    " region text NOT NULL,"
                    " revenue numeric(12,2) NOT NULL,"
                    " orders integer NOT NULL)"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO daily_sales (day, region, revenue, orders)"
                    " VALUES (:day, :region, :revenue, :orders)"
                ),
                ROWS,
            )

        with engine.connect() as conn:
            back = conn.execute(
                sa.text("SELECT day, region, revenue, orders FROM daily_sales ORDER BY id")
            ).mappings().all()
            assert [dict(r) for r in back] == ROWS

            df = pl.read_database(
                "SELECT day, region, revenue, orders FROM daily_sales"
                " WHERE region = :region AND day >= :since ORDER BY day",
                conn,
                execute_options={"parameters": {"region": "EMEA", "since": dt.date(2026, 1, 1)}},
            )
    finally:
        engine.dispose()

    assert df.columns == ["day", "region", "revenue", "orders"]
    assert df.schema["day"] == pl.Date
    assert isinstance(df.schema["revenue"], pl.Decimal)
    assert df.schema["revenue"].scale == 2
    assert df["day"].to_list() == [dt.date(2026, 1, 1), dt.date(2026, 1, 2)]
    assert df["region"].to_list() == ["EMEA", "EMEA"]
    assert df["revenue"].to_list() == [Decimal("1200.50"), Decimal("1333.25")]
    assert df["orders"].to_list() == [12, 14]
    assert df["revenue"].sum() == Decimal("2533.75")


def test_cluster_is_stopped_and_removed_even_on_error() -> None:
    seen = {}
    with pytest.raises(RuntimeError, match="boom"):
        with running_postgres(dbname="cleanup_check") as server:
            seen["port"] = server.port
            seen["base"] = server.base_dir
            engine = sa.create_engine(server.url)
            with engine.connect() as conn:
                assert conn.execute(sa.text("SELECT 41 + 1")).scalar_one() == 42
            engine.dispose()
            assert server.data_dir.is_dir()
            raise RuntimeError("boom")
    assert not seen["base"].exists()
    assert not _port_open(seen["port"])


def test_missing_binaries_fail_with_install_hint(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("VANTAGE_PG_BIN", str(tmp_path))
    with pytest.raises(PostgresUnavailable, match="scripts/system-deps.sh"):
        find_pg_bin()
    monkeypatch.delenv("VANTAGE_PG_BIN")
    with pytest.raises(PostgresUnavailable, match="scripts/system-deps.sh"):
        find_pg_bin(root=str(tmp_path / "no-postgresql-here"))
