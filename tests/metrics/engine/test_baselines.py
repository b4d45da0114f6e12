"""Frozen baselines: recorded once the window has closed, kept when a late correction changes the data (which the
metric page and `python app.py check` then report), recorded anew when the definition changes."""
from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import app
from metrics.engine.baselines import BaselineStore
from metrics.engine.periods import Filters
from metrics.semantics.format import format_value
from tests.conftest import run_cli
from tests.metrics.engine.test_questions import copied_runtime

OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))
FINANCE = (("department", "finance"),)
TODAY = date(2026, 11, 27)


def baseline_window(con: sqlite3.Connection) -> tuple[str, str]:
    """The 3 months before the month the programme starts in (its first phase's planned start), from the plan."""
    first = date.fromisoformat(con.execute("SELECT min(planned_start) FROM phases").fetchone()[0][:10])
    end = first.replace(day=1)
    start = date(end.year - (end.month <= 3), (end.month - 4) % 12 + 1, 1)
    return start.isoformat(), end.isoformat()


def error_rate(con: sqlite3.Connection, lo: str, hi: str, where: str = "1=1") -> float:
    """Share of process runs with an error, started in [lo, hi)."""
    return con.execute(f"SELECT avg(had_error) FROM process_runs WHERE started_at >= ? AND started_at < ? AND {where}",
                       (lo, hi)).fetchone()[0]


def text_of(component: Any) -> str:
    """Everything a component would put on the screen, as one string."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def explained(rt: app.Runtime, key: str, lang: str) -> str:
    """The metric page's "how this is computed" part for October, as the page builds it."""
    from dashboard.pages.metric import _drill as drill
    from dashboard.pages.metric import _views as views
    from dashboard.state import ViewState

    engine, metric, view = rt.engine, rt.engine.metric(key), ViewState(language=lang)
    r = views.Request(engine, metric, view, lang, "light", drill.scope(engine, metric, view, TODAY))
    return text_of(views.explain(r, engine.headline(key, r.scope.filters)))


def test_a_late_correction_restates_the_baseline_and_the_recorded_one_stays(tmp_path: Path, data_dir: Path) -> None:
    rt = copied_runtime(tmp_path, data_dir)
    con = sqlite3.connect(tmp_path / "data" / "demo.sqlite")
    lo, hi = baseline_window(con)
    assert rt.engine.baseline_period(rt.engine.metric("error_rate")) == (date.fromisoformat(lo), date.fromisoformat(hi))
    recorded, recorded_finance = error_rate(con, lo, hi), error_rate(con, lo, hi, "department = 'finance'")
    # The window closed long ago: the first question records it, company-wide and per department.
    h = rt.engine.headline("error_rate", OCTOBER).data
    assert h.baseline == pytest.approx(recorded) and h.restated is None
    store = BaselineStore.in_folder(tmp_path / "data")
    rows = {(r.dimension, r.slice): r.value for r in store.history("error_rate")}
    departments = [d for (d,) in con.execute("SELECT DISTINCT department FROM process_runs WHERE started_at >= ? "
                                             "AND started_at < ?", (lo, hi))]
    assert set(rows) == {("", "")} | {("department", d) for d in departments}
    assert rows[("department", "finance")] == pytest.approx(recorded_finance)

    # A late correction inside the window: 40 finance runs of April turn out to have had an error.
    con.execute("UPDATE process_runs SET had_error = 1 WHERE run_id IN (SELECT run_id FROM process_runs WHERE "
                "department = 'finance' AND had_error = 0 AND started_at >= ? AND started_at < ? ORDER BY run_id "
                "LIMIT 40)", (lo, hi))
    con.commit()
    rt.engine.cache.clear()  # the refresh that reads the corrected rows
    now, now_finance = error_rate(con, lo, hi), error_rate(con, lo, hi, "department = 'finance'")
    assert now > recorded and now_finance > recorded_finance

    h = rt.engine.headline("error_rate", OCTOBER).data
    assert h.baseline == pytest.approx(recorded)  # the recorded baseline, not the corrected data
    assert h.restated is not None
    assert (h.restated.recorded, h.restated.now) == (pytest.approx(recorded), pytest.approx(now))
    finance = rt.engine.headline("error_rate", replace(OCTOBER, where=FINANCE)).data
    assert finance.baseline == pytest.approx(recorded_finance) and finance.restated is not None
    assert finance.restated.now == pytest.approx(now_finance)
    # A CHANGE metric compares with the recorded baseline too, company-wide and per department.
    october = error_rate(con, "2026-10-01", "2026-11-01")
    assert rt.engine.value("error_reduction", OCTOBER).data == pytest.approx(1 - october / recorded)
    by_department = rt.engine.breakdown("error_reduction", OCTOBER, "department").data
    finance_october = error_rate(con, "2026-10-01", "2026-11-01", "department = 'finance'")
    assert by_department.filter(pl.col("department") == "finance")["value"][0] == pytest.approx(
        1 - finance_october / recorded_finance)
    assert rt.engine.headline("error_reduction", OCTOBER).data.restated is not None
    assert {(r.dimension, r.slice): r.value for r in store.history("error_rate")} == rows  # recorded once

    # The metric page says so, with both values, in both languages.
    pct = lambda v, lang: format_value(v, rt.engine.metric("error_rate").unit, lang)  # noqa: E731
    assert f"Baseline restated: was {pct(recorded, 'en')}, the data now gives {pct(now, 'en')}" in explained(
        rt, "error_rate", "en")
    assert f"基线已重述：原为 {pct(recorded, 'zh')}，现数据为 {pct(now, 'zh')}" in explained(rt, "error_rate", "zh")
    assert f"was {pct(recorded, 'en')}, the data now gives {pct(now, 'en')}" in explained(rt, "error_reduction", "en")

    # `check` warns once per restated metric (error_rate and the error reduction measured from it); exit code 0.
    out = run_cli("check", data_dir=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    warnings = [line for line in out.stdout.splitlines() if line.startswith("warning:")]
    assert [w.split(":")[1].strip() for w in warnings] == ["error_rate", "error_reduction"], out.stdout
    assert f"Baseline restated: was {pct(recorded, 'en')}, the data now gives {pct(now, 'en')}" in warnings[0]
    assert f"baseline {lo} to {date.fromisoformat(hi) - timedelta(days=1)}" in warnings[0]


def test_an_unrestated_demo_gives_no_warning(tmp_path: Path, data_dir: Path) -> None:
    copied_runtime(tmp_path, data_dir)
    out = run_cli("check", data_dir=tmp_path / "data")
    assert out.returncode == 0, out.stderr
    assert "warning" not in out.stdout and "catalogue ok" in out.stdout


def test_a_changed_definition_records_a_new_baseline_and_keeps_the_old(tmp_path: Path, data_dir: Path) -> None:
    rt = copied_runtime(tmp_path, data_dir)
    con = sqlite3.connect(tmp_path / "data" / "demo.sqlite")
    lo, hi = baseline_window(con)
    old = rt.engine.metric("error_rate")
    assert rt.engine.headline("error_rate", OCTOBER).data.baseline == pytest.approx(error_rate(con, lo, hi))
    store = BaselineStore.in_folder(tmp_path / "data")
    # New words are no new definition: nothing is recorded again.
    reworded = replace(rt.engine, catalogue={**rt.engine.catalogue, "error_rate": replace(
        old, title=replace(old.title, en="Error rate of process runs"))})
    reworded.headline("error_rate", OCTOBER)
    assert {r.version for r in store.history("error_rate")} == {old.definition_hash()}

    # Errors of manual runs only: another expression, so another version with a baseline of its own.
    manual = replace(old, row_filter=pl.col("mode") == "manual")
    engine = replace(rt.engine, catalogue={**rt.engine.catalogue, "error_rate": manual})
    h = engine.headline("error_rate", OCTOBER).data
    assert h.baseline == pytest.approx(error_rate(con, lo, hi, "mode = 'manual'")) and h.restated is None
    history = store.history("error_rate")
    assert [v for v in dict.fromkeys(r.version for r in history)] == [old.definition_hash(), manual.definition_hash()]
    first = {(r.dimension, r.slice): r.value for r in history if r.version == old.definition_hash()}
    assert first[("", "")] == pytest.approx(error_rate(con, lo, hi))  # the old record stays, for history
    october = error_rate(con, "2026-10-01", "2026-11-01", "mode = 'manual'")
    assert engine.value("error_reduction", OCTOBER).data == pytest.approx(
        1 - october / error_rate(con, lo, hi, "mode = 'manual'"))


def test_an_open_window_is_not_recorded(tmp_path: Path, data_dir: Path) -> None:
    rt = copied_runtime(tmp_path, data_dir)
    con = sqlite3.connect(tmp_path / "data" / "demo.sqlite")
    lo, hi = baseline_window(con)
    inside = date.fromisoformat(hi) - timedelta(days=10)  # a day of the baseline window itself
    engine = replace(rt.engine, now=lambda: datetime.combine(inside, datetime.min.time()))
    h = engine.headline("error_rate", Filters(date.fromisoformat(lo), inside)).data
    assert h.baseline == pytest.approx(error_rate(con, lo, hi)) and h.restated is None  # live
    assert BaselineStore.in_folder(tmp_path / "data").history("error_rate") == []
