"""A rollup follows a change to a keyed table by rebuilding only the months the change touched: after a tenth of
October's master records are corrected (their updated_at moving to November), the next rollup rebuilds October and
November and keeps every other month's rows; it equals a rollup built whole, and the numbers it gives equal SQL over
the source."""
from __future__ import annotations

import json
import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import app
from config.settings import load_config
from metrics.engine import rollups
from metrics.engine.periods import Filters

TTL = 0.2
ACCURATE_ROWS = "SELECT count(*) FROM master_records WHERE updated_at >= ? AND updated_at < ?"


@pytest.fixture
def rt(tmp_path: Path, data_dir: Path) -> app.Runtime:
    """A runtime over a private copy of the demo database (master_records keyed by record_id)."""
    (tmp_path / "data").mkdir()
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "data" / "demo.sqlite")
    text = (Path(app.__file__).parent / "config" / "demo.toml").read_text()
    (tmp_path / "demo.toml").write_text(text.replace("cache_ttl_seconds = 300", f"cache_ttl_seconds = {TTL}"))
    config = load_config(str(tmp_path / "demo.toml"), {"data_dir": str(tmp_path / "data"), "today": "2026-11-27",
                                                       "rollups": True}, environ={})
    return app.wire(config)


def sql(rt: app.Runtime, query: str, *args: object) -> list[tuple]:
    con = sqlite3.connect(rt.engine.config.data_path / "demo.sqlite")
    with con:
        rows = con.execute(query, args).fetchall()
    con.close()
    return rows


def built_from(rt: app.Runtime) -> list[dict]:
    """What each stored rollup says it was built from."""
    return [json.loads(p.read_text()) for p in (rt.engine.config.data_path / "rollups").glob("*.json")]


def test_a_change_rebuilds_only_the_months_it_touched(rt: app.Runtime) -> None:
    engine = rt.engine
    metric = engine.metric("data_completeness")
    before = engine.rollup(metric)
    assert before is not None and not any("rebuilt" in about for about in built_from(rt))
    newest = sql(rt, "SELECT max(updated_at) FROM master_records")[0][0]
    sql(rt, "UPDATE master_records SET tax_id = NULL, updated_at = datetime(?, '+1 minute') WHERE updated_at >= "
        "'2026-10-01' AND updated_at < '2026-11-01' AND record_id % 10 = 0", newest)
    time.sleep(TTL * 1.5)
    after = engine.rollup(metric)
    assert isinstance(after, pl.DataFrame) and isinstance(before, pl.DataFrame)
    assert [a["rebuilt"] for a in built_from(rt) if "rebuilt" in a] == [["2026-10", "2026-11"]]
    # Every other month's rows are the old rollup's; the whole equals a rollup built from scratch.
    month = pl.col(rollups.DAY).dt.strftime("%Y-%m")
    assert after.filter(~month.is_in(["2026-10", "2026-11"])).equals(
        before.filter(~month.is_in(["2026-10", "2026-11"])))
    group = [m for m in engine.catalogue.values() if m.table == "master_records" and m.time_column == "updated_at"
             and rollups.usable(m, dict(engine.connectors["demo"].schema("master_records")))
             and not rollups.decompose(m).distinct]
    whole = rollups.of_metric(rollups.build(engine.connectors["demo"], group), metric)
    keys = [rollups.DAY, *metric.dimensions]
    assert after.sort(keys).equals(whole.sort(keys))
    # The numbers it gives are the source's.
    for start, end in ((date(2026, 10, 1), date(2026, 11, 1)), (date(2026, 11, 1), date(2026, 12, 1))):
        rows = engine.headline("data_completeness", Filters(start, end)).data.rows
        assert rows == sql(rt, ACCURATE_ROWS, str(start), str(end))[0][0]
    expected = sql(rt, "SELECT 1.0 - (sum(code IS NULL) + sum(tax_id IS NULL) + sum(address IS NULL) + sum(country "
                   "IS NULL) + sum(contact_email IS NULL)) / (5.0 * count(*)) FROM master_records WHERE updated_at >= "
                   "'2026-10-01' AND updated_at < '2026-11-01'")[0][0]
    assert engine.value("data_completeness", Filters(date(2026, 10, 1), date(2026, 11, 1))).data == \
        pytest.approx(expected, rel=1e-12)
