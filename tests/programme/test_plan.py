"""The programme plan: loading, data issues, before/after with a control group, and the phase scorecard."""
from __future__ import annotations

import re
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

import app
from programme.impact import before_after, phase_scorecard
from programme.plan import load_plan, usable_milestones
from tests.metrics.engine.test_questions import copied_runtime
from tests.metrics.pack.test_pack_sql import EXPECTED

TODAY = date(2026, 11, 27)


def plan_of(rt: app.Runtime):  # noqa: ANN201
    return load_plan(rt.engine.connectors["demo"], set(rt.catalogue))


def test_demo_plan_loads_without_issues(runtime: app.Runtime) -> None:
    plan = plan_of(runtime)
    assert plan.issues == []
    assert plan.phases["phase_id"].to_list() == ["pilot", "expansion", "rollout"]
    assert plan.joining("pilot") == ["finance", "procurement"]
    assert plan.not_yet_in("pilot") == ["hr", "it", "production", "rnd_lab", "sales", "supply_chain"]
    assert plan.not_yet_in("rollout") == []


def test_bad_plan_rows_become_data_issues_and_the_rest_still_shows(tmp_path: Path, data_dir: Path) -> None:
    rt = copied_runtime(tmp_path, data_dir)
    con = sqlite3.connect(tmp_path / "data" / "demo.sqlite")
    con.execute("UPDATE milestones SET planned_start = NULL WHERE milestone_id = 'M01'")
    con.execute("UPDATE milestones SET planned_end = '2025-01-01' WHERE milestone_id = 'M02'")
    con.execute("UPDATE milestones SET workstream_id = 'marketing' WHERE milestone_id = 'M04'")
    con.execute("UPDATE milestones SET depends_on = 'M06' WHERE milestone_id = 'M05'")
    con.execute("UPDATE milestones SET depends_on = 'M05' WHERE milestone_id = 'M06'")
    con.commit()
    plan = plan_of(rt)
    problems = {(i.row, re.sub(r"\d{4}-\d\d-\d\d", "D", i.problem)) for i in plan.issues}
    assert ("M01", "has no planned start or end date") in problems
    assert ("M02", "planned end D is before its start D") in problems
    assert ("M04", "unknown workstream 'marketing'") in problems
    assert any(row in ("M05", "M06") and p.startswith("dependency loop: M0") for row, p in problems)
    shown = set(usable_milestones(plan)["milestone_id"])
    assert "M01" not in shown and "M02" not in shown and {"M03", "M04", "M05"} <= shown


@pytest.mark.parametrize("milestone, key", [("M03", "data_accuracy"), ("M03", "data_completeness")])
def test_before_after_and_control_group_match_sql(runtime: app.Runtime, data_dir: Path, milestone: str,
                                                  key: str) -> None:
    plan = plan_of(runtime)
    impact = before_after(runtime.engine, plan, milestone, key, TODAY, weeks=8)
    con = sqlite3.connect(data_dir / "demo.sqlite")
    con.create_function("REGEXP", 2, lambda p, v: v is not None and re.search(p, v) is not None)
    on = date.fromisoformat(con.execute("SELECT actual_end FROM milestones WHERE milestone_id = ?",
                                        (milestone,)).fetchone()[0])
    assert impact.on == on
    time, _, compute = EXPECTED[key]
    lo, hi = (on - timedelta(weeks=8)).isoformat(), on.isoformat()
    end = (on + timedelta(weeks=8)).isoformat()
    inside = "department IN ('procurement', 'finance')"
    outside = "department IN ('hr', 'it', 'production', 'rnd_lab', 'sales', 'supply_chain')"
    assert impact.overall.before == pytest.approx(compute(con, time, lo, hi))
    assert impact.overall.after == pytest.approx(compute(con, time, hi, end))
    assert impact.in_scope.before == pytest.approx(compute(con, time, lo, hi, inside))
    assert impact.in_scope.after == pytest.approx(compute(con, time, hi, end, inside))
    assert impact.control.before == pytest.approx(compute(con, time, lo, hi, outside))
    assert impact.control.after == pytest.approx(compute(con, time, hi, end, outside))
    assert impact.net_of_control == pytest.approx(
        (impact.in_scope.after - impact.in_scope.before) - (impact.control.after - impact.control.before))


def test_phase_scorecard_matches_sql(runtime: app.Runtime, data_dir: Path) -> None:
    rows = phase_scorecard(runtime.engine, plan_of(runtime), TODAY)
    con = sqlite3.connect(data_dir / "demo.sqlite")
    con.create_function("REGEXP", 2, lambda p, v: v is not None and re.search(p, v) is not None)
    assert len(rows) == con.execute("SELECT count(*) FROM phase_targets").fetchone()[0]
    for row in rows:
        time, _, compute = EXPECTED[row.metric]
        nxt = date(row.month.year + row.month.month // 12, row.month.month % 12 + 1, 1)
        assert row.value == pytest.approx(compute(con, time, row.month.isoformat(), nxt.isoformat()))
        good_up = runtime.catalogue[row.metric].good.value == "up"
        reached = row.value >= row.target if good_up else row.value <= row.target
        assert row.verdict == ("met" if reached else ("in_progress" if row.phase_id == "rollout" else "missed"))
