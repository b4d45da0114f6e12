"""Before and after only for finished milestones: an unfinished one shows its outcome, in the engine and on the page."""
from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import app
from programme.impact import Impact, Unfinished, before_after
from programme.plan import load_plan
from tests.metrics.engine.test_questions import copied_runtime

TODAY = date(2026, 11, 27)


def text_of(component: Any) -> str:
    """Everything a component would put on the screen, as one string."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def open_milestones(con: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(id, first KPI, outcome) of every milestone not done, from the plan's rows: blocked outranks overdue."""
    rows = con.execute("SELECT milestone_id, kpis, status, planned_end FROM milestones WHERE status <> 'done' "
                       "ORDER BY milestone_id").fetchall()
    return [(m, kpis.split(",")[0].strip(), "blocked" if status == "blocked" else
             "overdue" if planned_end < TODAY.isoformat() else status) for m, kpis, status, planned_end in rows]


def impact_page(rt: app.Runtime, milestone: str, key: str, lang: str) -> tuple[str, Any, str]:
    """The programme page's impact table and the chosen KPI's part for one milestone, as the page builds them."""
    from dashboard.pages.programme import _impact as impact
    from dashboard.pages.programme._state import Address, Focus
    from dashboard.state import ViewState

    plan = load_plan(rt.engine.connectors["demo"], set(rt.catalogue))
    m = plan.milestone(milestone)
    assert m is not None
    moved = [impact.Moved(key, rt.engine.metric(key), before_after(rt.engine, plan, milestone, key, TODAY))]
    focus = Focus(m["phase_id"], m["workstream_id"], milestone, key)
    address = Address(ViewState(language=lang))
    table = impact.impact_table(moved, focus, address, "/programme", lang, lambda k: f"/metric/{k}")
    chosen = impact.chosen(moved, focus, 8, lang, "light", lambda k: f"/metric/{k}")
    return text_of(table), table, text_of(chosen)


def roles(component: Any) -> list[str]:
    """The data-role of every cell in a component tree."""
    found = []
    stack = [component]
    while stack:
        c = stack.pop()
        if isinstance(c, (list, tuple)):
            stack.extend(c)
        elif c is not None and not isinstance(c, (str, int, float)):
            role = getattr(c, "data-role", None)
            if role:
                found.append(role)
            stack.append(getattr(c, "children", None))
    return found


def test_unfinished_milestones_get_their_outcome_not_a_before_and_after(runtime: app.Runtime, data_dir: Path) -> None:
    con = sqlite3.connect(data_dir / "demo.sqlite")
    unfinished = open_milestones(con)
    assert {o for _, _, o in unfinished} >= {"overdue", "blocked", "not_started"}  # the demo has each kind
    plan = load_plan(runtime.engine.connectors["demo"], set(runtime.catalogue))
    for milestone, key, outcome in unfinished:
        found = before_after(runtime.engine, plan, milestone, key, TODAY)
        assert isinstance(found, Unfinished), milestone
        assert (found.milestone_id, found.metric, found.outcome) == (milestone, key, outcome)
    finished = con.execute("SELECT milestone_id, kpis FROM milestones WHERE status = 'done' AND actual_end IS NOT NULL "
                           "LIMIT 1").fetchone()
    assert isinstance(before_after(runtime.engine, plan, finished[0], finished[1].split(",")[0], TODAY), Impact)


@pytest.mark.parametrize("lang, words", [("en", "Overdue · not finished: no after-period yet"),
                                         ("zh", "已逾期 · 尚未完成：还没有完成后的时段")])
def test_the_page_shows_an_overdue_milestones_state_instead_of_numbers(runtime: app.Runtime, data_dir: Path,
                                                                       lang: str, words: str) -> None:
    con = sqlite3.connect(data_dir / "demo.sqlite")
    milestone, key, outcome = next(m for m in open_milestones(con) if m[2] == "overdue")
    text, table, chosen = impact_page(runtime, milestone, key, lang)
    assert words in text and words in chosen
    assert "→" not in text and "%" not in text  # no numbers before and after
    assert roles(table) == ["unfinished"]  # no before, after or change cells


def test_a_done_milestone_without_a_date_has_no_after_period(tmp_path: Path, data_dir: Path) -> None:
    rt = copied_runtime(tmp_path, data_dir)
    con = sqlite3.connect(tmp_path / "data" / "demo.sqlite")
    milestone, kpis = con.execute("SELECT milestone_id, kpis FROM milestones WHERE status = 'done' "
                                  "ORDER BY milestone_id LIMIT 1").fetchone()
    con.execute("UPDATE milestones SET actual_end = NULL WHERE milestone_id = ?", (milestone,))
    con.commit()
    rt.engine.cache.clear()
    key = kpis.split(",")[0]
    plan = load_plan(rt.engine.connectors["demo"], set(rt.catalogue))
    found = before_after(rt.engine, plan, milestone, key, TODAY)
    assert isinstance(found, Unfinished) and found.outcome == "done"
    text, _, _ = impact_page(rt, milestone, key, "en")
    assert "Done, but the plan gives no finish date: no after-period to compare" in text
