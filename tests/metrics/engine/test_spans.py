"""Answers keyed by the months they read: a change to October's master records leaves September's answers warm,
and October's are computed again, equal to SQL over the source."""
from __future__ import annotations

import shutil
import sqlite3
import time
from datetime import date
from pathlib import Path

import pytest

import app
from config.settings import load_config
from metrics.engine.periods import Filters

SEPTEMBER = Filters(date(2026, 9, 1), date(2026, 10, 1))
OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))
NOVEMBER = Filters(date(2026, 11, 1), date(2026, 12, 1))
TTL = 0.2
COMPLETENESS = """SELECT 1.0 - (sum(code IS NULL) + sum(tax_id IS NULL) + sum(address IS NULL) + sum(country IS NULL)
    + sum(contact_email IS NULL)) / (5.0 * count(*)) FROM master_records WHERE updated_at >= ? AND updated_at < ?"""


@pytest.fixture
def rt(tmp_path: Path, data_dir: Path) -> app.Runtime:
    """A runtime over a private copy of the demo database (master_records keyed by record_id), versions asked of the
    source again after TTL seconds."""
    (tmp_path / "data").mkdir()
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "data" / "demo.sqlite")
    text = (Path(app.__file__).parent / "config" / "demo.toml").read_text()
    assert 'key = "record_id"' in text
    (tmp_path / "demo.toml").write_text(text.replace("cache_ttl_seconds = 300", f"cache_ttl_seconds = {TTL}"))
    config = load_config(str(tmp_path / "demo.toml"), {"data_dir": str(tmp_path / "data"), "today": "2026-11-27"},
                         environ={})
    return app.wire(config)


def source(rt: app.Runtime, sql: str, *args: object) -> list[tuple]:
    with sqlite3.connect(rt.engine.config.data_path / "demo.sqlite") as con:
        rows = con.execute(sql, args).fetchall()
    con.close()
    return rows


def completeness(rt: app.Runtime, period: Filters) -> float:
    return source(rt, COMPLETENESS, str(period.start), str(period.end))[0][0]


def table_token(rt: app.Runtime) -> str:
    return rt.engine.versions(rt.engine.metric("data_completeness"))["demo.master_records"].token


def test_a_change_to_october_leaves_september_warm_and_recomputes_october(rt: app.Runtime) -> None:
    engine = rt.engine
    september, october = engine.value("data_completeness", SEPTEMBER), engine.value("data_completeness", OCTOBER)
    by_department = engine.breakdown("data_completeness", SEPTEMBER, "department")
    before = table_token(rt)
    # A tenth of October's records lose their tax id; their updated_at moves to the newest time (November).
    newest = source(rt, "SELECT max(updated_at) FROM master_records")[0][0]
    source(rt, "UPDATE master_records SET tax_id = NULL, updated_at = datetime(?, '+1 minute') WHERE updated_at >= "
           "'2026-10-01' AND updated_at < '2026-11-01' AND record_id % 10 = 0", newest)
    time.sleep(TTL * 1.5)
    assert table_token(rt) != before  # the table's version changed: a table-wide key would turn every answer cold
    again = engine.value("data_completeness", SEPTEMBER)
    assert again.computed_at == september.computed_at and again.data == september.data  # from the cache
    assert engine.breakdown("data_completeness", SEPTEMBER, "department").computed_at == by_department.computed_at
    assert again.data == pytest.approx(completeness(rt, SEPTEMBER))
    fresh = engine.value("data_completeness", OCTOBER)
    assert fresh.computed_at > october.computed_at  # computed again
    assert fresh.data == pytest.approx(completeness(rt, OCTOBER)) and fresh.data != pytest.approx(october.data)
    assert engine.value("data_completeness", NOVEMBER).data == pytest.approx(completeness(rt, NOVEMBER))
    # A question that reads September and October (a movement, a quarter) is computed again too.
    assert engine.movement("data_completeness", OCTOBER).data.now == pytest.approx(completeness(rt, OCTOBER))
    quarter = Filters(date(2026, 8, 1), date(2026, 11, 1))
    assert engine.value("data_completeness", quarter).data == pytest.approx(completeness(rt, quarter))


def test_a_deleted_september_record_recomputes_september_and_leaves_october_warm(rt: app.Runtime) -> None:
    engine = rt.engine
    september, october = engine.value("data_completeness", SEPTEMBER), engine.value("data_completeness", OCTOBER)
    source(rt, "DELETE FROM master_records WHERE updated_at >= '2026-09-01' AND updated_at < '2026-10-01' "
           "AND tax_id IS NOT NULL AND record_id % 3 = 0")
    time.sleep(TTL * 1.5)
    fresh = engine.value("data_completeness", SEPTEMBER)
    assert fresh.computed_at > september.computed_at
    assert fresh.data == pytest.approx(completeness(rt, SEPTEMBER)) and fresh.data != pytest.approx(september.data)
    assert engine.value("data_completeness", OCTOBER).computed_at == october.computed_at


def test_unbounded_questions_keep_the_table_wide_key(rt: app.Runtime) -> None:
    engine = rt.engine
    headline = engine.headline("data_completeness", SEPTEMBER)
    newest = source(rt, "SELECT max(updated_at) FROM master_records")[0][0]
    source(rt, "UPDATE master_records SET code = NULL, updated_at = datetime(?, '+1 minute') WHERE record_id = "
           "(SELECT min(record_id) FROM master_records WHERE updated_at >= '2026-11-01')", newest)
    time.sleep(TTL * 1.5)
    # The headline reads the baseline and the status history too: any change of the table computes it again.
    assert engine.headline("data_completeness", SEPTEMBER).computed_at > headline.computed_at
