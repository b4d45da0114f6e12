"""The engine over the demo: drill path, detail rows, the cache, definition changes and failing sources."""
from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl
import pytest

import app
from config.settings import load_config
from core.errors import SourceError, UnknownName
from metrics.engine.periods import Filters
from metrics.semantics import registry

OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))


def copied_runtime(tmp_path: Path, data_dir: Path, ttl: float = 300) -> app.Runtime:
    """A runtime over a private copy of the demo database, so a test may break it."""
    (tmp_path / "data").mkdir(exist_ok=True)
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "data" / "demo.sqlite")
    text = (Path(app.__file__).parent / "config" / "demo.toml").read_text().replace(
        "cache_ttl_seconds = 300", f"cache_ttl_seconds = {ttl}")
    (tmp_path / "demo.toml").write_text(text)
    registry.reset()
    config = load_config(str(tmp_path / "demo.toml"), {"data_dir": str(tmp_path / "data"), "today": "2026-11-27"},
                         environ={})
    return app.wire(config)


def test_drill_path_walks_down_to_records(runtime: app.Runtime) -> None:
    engine = runtime.engine
    level, filters = engine.drill("data_accuracy", OCTOBER, ())
    assert level == "department"
    worst = engine.breakdown("data_accuracy", filters, level).data.row(0, named=True)
    level, filters = engine.drill("data_accuracy", OCTOBER, (worst["department"],))
    assert level == "source_system"
    system = engine.breakdown("data_accuracy", filters, level).data.row(0, named=True)
    path = (worst["department"], system["source_system"])
    level, filters = engine.drill("data_accuracy", OCTOBER, path)
    domain = engine.breakdown("data_accuracy", filters, level).data.row(0, named=True)
    level, filters = engine.drill("data_accuracy", OCTOBER, (*path, domain["domain"]))
    assert level is None
    page = engine.detail("data_accuracy", filters, page_size=5).data
    # Every record listed fails a rule, says which, and lies on the drilled path.
    assert page.total == round(domain["rows"] * (1 - domain["value"]))
    assert page.rows.height == min(5, page.total) and all(page.rows["problem"].str.len_chars() > 0)
    assert set(page.rows["department"]) == {worst["department"]}
    with pytest.raises(UnknownName, match="drill at most"):
        engine.drill("data_accuracy", OCTOBER, ("a", "b", "c", "d"))


def test_detail_pages_and_sorts(runtime: app.Runtime) -> None:
    engine = runtime.engine
    first = engine.detail("error_rate", OCTOBER, page=0, page_size=7, sort_by="duration_minutes", descending=True)
    second = engine.detail("error_rate", OCTOBER, page=1, page_size=7, sort_by="duration_minutes", descending=True)
    rows = pl.concat([first.data.rows, second.data.rows])
    assert rows["duration_minutes"].to_list() == sorted(rows["duration_minutes"].to_list(), reverse=True)
    assert set(rows["had_error"]) == {1} and first.data.total == second.data.total
    assert len(set(rows["run_id"])) == 14


def test_breakdown_by_an_undeclared_dimension_is_refused(runtime: app.Runtime) -> None:
    with pytest.raises(UnknownName, match="cannot be broken down by 'colour'.*use one of its dimensions"):
        runtime.engine.breakdown("data_accuracy", OCTOBER, "colour")


def test_second_question_is_answered_from_the_cache(runtime: app.Runtime) -> None:
    first = runtime.engine.headline("automation_rate", OCTOBER)
    again = runtime.engine.headline("automation_rate", OCTOBER)
    assert again.computed_at == first.computed_at and again.data == first.data


def test_editing_a_definition_invalidates_its_cached_answers(tmp_path: Path, data_dir: Path) -> None:
    rt = copied_runtime(tmp_path, data_dir)
    engine = rt.engine
    before = engine.headline("automation_rate", OCTOBER).data.value
    edited = replace(engine.catalogue["automation_rate"], numerator=(pl.col("mode") == "manual").sum())
    engine.catalogue = {**engine.catalogue, "automation_rate": edited}
    after = engine.headline("automation_rate", OCTOBER).data.value
    assert after == pytest.approx(1 - before)
    # Untouched metrics keep their cached answers.
    assert engine.headline("error_rate", OCTOBER).computed_at == engine.headline("error_rate", OCTOBER).computed_at


def test_new_rows_in_the_source_invalidate_the_answer(tmp_path: Path, data_dir: Path) -> None:
    import sqlite3

    rt = copied_runtime(tmp_path, data_dir, ttl=0.05)
    before = rt.engine.headline("error_rate", OCTOBER).data
    con = sqlite3.connect(tmp_path / "data" / "demo.sqlite")
    con.execute("INSERT INTO process_runs (process, department, source_system, started_at, mode, duration_minutes, "
                "manual_steps, had_error, error_type, standard_manual_minutes) VALUES ('purchase_order', 'finance', "
                "'ERP', '2026-10-15 10:00:00', 'manual', 30, 9, 1, 'missing_po', 30)")
    con.commit()
    import time

    time.sleep(0.1)
    after = rt.engine.headline("error_rate", OCTOBER).data
    assert after.rows == before.rows + 1
    assert after.value == pytest.approx((before.value * before.rows + 1) / (before.rows + 1))


def test_failing_source_serves_the_last_good_value_marked_stale(tmp_path: Path, data_dir: Path) -> None:
    rt = copied_runtime(tmp_path, data_dir, ttl=0.05)
    good = rt.engine.headline("data_accuracy", OCTOBER)
    assert not good.stale_reason
    (tmp_path / "data" / "demo.sqlite").rename(tmp_path / "data" / "moved.sqlite")
    import time

    time.sleep(0.1)
    served = rt.engine.headline("data_accuracy", OCTOBER)
    assert served.data == good.data and served.stale
    assert "demo.sqlite does not exist" in served.stale_reason
    # A question never answered before has no last good value: a clear error, never a zero.
    with pytest.raises(SourceError, match="does not exist"):
        rt.engine.headline("data_accuracy", Filters(date(2026, 9, 1), date(2026, 10, 1)))


def test_cache_folder_deleted_while_running_is_recreated(tmp_path: Path, data_dir: Path) -> None:
    rt = copied_runtime(tmp_path, data_dir)
    value = rt.engine.headline("satisfaction", OCTOBER).data.value
    shutil.rmtree(tmp_path / "data" / "cache")
    assert rt.engine.headline("satisfaction", OCTOBER).data.value == value
    # Large answers (record pages) live in files beside the cache's database: they must survive it too.
    page = rt.engine.detail("data_accuracy", OCTOBER, page_size=500).data
    shutil.rmtree(tmp_path / "data" / "cache")
    assert rt.engine.detail("data_accuracy", OCTOBER, page_size=500).data.rows.equals(page.rows)
    assert rt.engine.detail("data_accuracy", OCTOBER, page_size=400).data.total == page.total
    assert (tmp_path / "data" / "cache").is_dir()
