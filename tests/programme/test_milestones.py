"""A milestone's outcome, slip and counts, defined once (programme/milestones.py), and the three screens that count
milestones (the programme page, the wall's programme slide, the snapshot's programme status) agreeing on them."""
from __future__ import annotations

import re
import sqlite3
import textwrap
import tomllib
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import polars as pl
import pytest

import app
from config.playlists import Slide
from config.settings import parse_config
from config.snapshots import snapshot_spec
from core import i18n
from dashboard.pages.programme import _parts as parts
from dashboard.pages.programme import _plan as pp
from dashboard.pages.programme import _words as page_words
from dashboard.pages.wall._ids import part
from dashboard.pages.wall._plan import programme_props
from programme import milestones as ms
from programme.plan import Plan, check_plan, plan_or_issue
from snapshots import words as mail_words
from snapshots.numbers import SnapshotNumbers, collect
from tests.metrics.engine.test_questions import copied_runtime

TODAY = date(2026, 11, 27)
COLUMNS = {name: pl.Date if name.endswith(("_start", "_end")) else pl.String for name in (
    "milestone_id", "phase_id", "workstream_id", "title_en", "title_zh", "owner", "planned_start", "planned_end",
    "actual_start", "actual_end", "status", "depends_on", "kpis")}


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


def frame_of(*rows: tuple[str, str, int, int | None, str]) -> pl.DataFrame:
    """Milestones from (id, workstream, planned end and actual end as days from TODAY, status)."""
    return pl.DataFrame(
        [(m, "pilot", w, f"Title {m}", f"标题 {m}", "Owner", day(end - 60), day(end),
          None if actual is None else day(actual - 30), None if actual is None else day(actual), status, None, "")
         for m, w, end, actual, status in rows], schema=COLUMNS, orient="row")


# id, workstream, planned end, actual end (days from TODAY), status
ROWS = {
    "early": ("M1", "mdm", -30, -32, "done"),
    "on the day": ("M2", "mdm", -30, -30, "done"),
    "late": ("M3", "mdm", -30, -20, "done"),
    "done, no date": ("M4", "mdm", -30, None, "done"),
    "open past due": ("M5", "mdm", -7, None, "in_progress"),
    "not started past due": ("M6", "bpr", -1, None, "not_started"),
    "blocked past due": ("M7", "bpr", -5, None, "blocked"),
    "due today": ("M8", "bpr", 0, None, "in_progress"),
    "due in 3 days": ("M9", "bpr", 3, None, "in_progress"),
    "due in 30 days": ("M10", "bpr", 30, None, "not_started"),
    "due in 31 days": ("M11", "bpr", 31, None, "in_progress"),
    "due in 40 days": ("M12", "bpr", 40, None, "in_progress"),
    "blocked, due soon": ("M13", "bpr", 13, None, "blocked"),
    "not started": ("M14", "bpr", 90, None, "not_started"),
}


# outcome, slip days, overdue, due soon; then the counts of that one milestone:
# done, on time, overdue, due soon, open, in progress, blocked, not started
@pytest.mark.parametrize("case, judged, counted", [
    ("early", ("on_time", -2, False, False), (1, 1, 0, 0, 0, 0, 0, 0)),
    ("on the day", ("on_time", 0, False, False), (1, 1, 0, 0, 0, 0, 0, 0)),
    ("late", ("late", 10, False, False), (1, 0, 0, 0, 0, 0, 0, 0)),
    ("done, no date", ("done", None, False, False), (1, 0, 0, 0, 0, 0, 0, 0)),
    ("open past due", ("overdue", 7, True, False), (0, 0, 1, 0, 1, 1, 0, 0)),
    ("not started past due", ("overdue", 1, True, False), (0, 0, 1, 0, 1, 0, 0, 1)),
    ("blocked past due", ("blocked", 5, True, False), (0, 0, 1, 0, 1, 0, 1, 0)),
    ("due today", ("in_progress", None, False, True), (0, 0, 0, 1, 1, 1, 0, 0)),
    ("due in 3 days", ("in_progress", None, False, True), (0, 0, 0, 1, 1, 1, 0, 0)),
    ("due in 30 days", ("not_started", None, False, True), (0, 0, 0, 1, 1, 0, 0, 1)),
    ("due in 31 days", ("in_progress", None, False, False), (0, 0, 0, 0, 1, 1, 0, 0)),
    ("due in 40 days", ("in_progress", None, False, False), (0, 0, 0, 0, 1, 1, 0, 0)),
    ("blocked, due soon", ("blocked", None, False, True), (0, 0, 0, 1, 1, 0, 1, 0)),
    ("not started", ("not_started", None, False, False), (0, 0, 0, 0, 1, 0, 0, 1)),
])
def test_each_milestone_gets_its_outcome_slip_and_counts(case: str, judged: tuple, counted: tuple) -> None:
    row = ms.judge(frame_of(ROWS[case]), TODAY).row(0, named=True)
    assert (row["outcome"], row["slip_days"], row["overdue"], row["due_soon"]) == judged
    c = ms.totals(ms.judge(frame_of(ROWS[case]), TODAY))
    fields = ("done", "on_time", "overdue", "due_soon", "open", "in_progress", "blocked", "not_started")
    assert c["total"] == 1 and tuple(c[f] for f in fields) == counted
    assert row["outcome"] in ms.OUTCOMES


def test_counts_lists_and_statuses_of_a_whole_frame() -> None:
    judged = ms.judge(frame_of(*ROWS.values()), TODAY)
    c = ms.totals(judged)
    assert (c["total"], c["done"], c["on_time"], c["overdue"], c["due_soon"]) == (14, 4, 2, 3, 4)
    assert (c["open"], c["in_progress"], c["blocked"], c["not_started"]) == (10, 5, 2, 3)
    assert c["slip"] == pytest.approx((-2 + 0 + 10) / 3)  # the done milestones with a date only
    by = {r["workstream_id"]: r for r in ms.counts(judged, ["workstream_id"]).iter_rows(named=True)}
    assert (by["mdm"]["total"], by["mdm"]["done"], by["mdm"]["overdue"], by["mdm"]["slip"]) == (5, 4, 1,
                                                                                                 pytest.approx(8 / 3))
    assert (by["bpr"]["total"], by["bpr"]["done"], by["bpr"]["due_soon"], by["bpr"]["slip"]) == (9, 0, 4, None)
    assert list(ms.overdue(judged)["milestone_id"]) == ["M5", "M7", "M6"]  # the longest overdue first
    assert list(ms.due_soon(judged)["milestone_id"]) == ["M8", "M9", "M13", "M10"]  # the soonest first
    assert ms.by_status(judged) == {"done": 4, "in_progress": 5, "not_started": 3, "blocked": 2}
    assert list(judged["milestone_id"][:4]) == ["M1", "M2", "M3", "M4"]  # by planned end, then id


def test_the_metrics_and_the_outcomes_share_done_on_time_and_slip() -> None:
    from metrics.pack.programme import ON_TIME, SLIP_DAYS

    judged = ms.judge(frame_of(*ROWS.values()), TODAY)
    on_time = judged.filter(ON_TIME.fill_null(False))["milestone_id"].to_list()
    assert on_time == judged.filter(pl.col("outcome") == "on_time")["milestone_id"].to_list() == ["M1", "M2"]
    for expression, name in ((ms.DONE_ON_TIME, "on_time"), (ms.DONE_LATE, "late"), (ms.DONE_UNDATED, "done")):
        assert judged.filter(expression)["milestone_id"].to_list() == judged.filter(
            pl.col("outcome") == name)["milestone_id"].to_list()
    done = judged.filter(ms.FINISHED)
    assert done.select(SLIP_DAYS.alias("slip"))["slip"].to_list() == done["slip_days"].to_list() == [-2, 0, 10]


def test_a_milestone_without_usable_planned_dates_is_left_out_everywhere() -> None:
    milestones = frame_of(*ROWS.values()).with_columns(
        planned_start=pl.when(pl.col("milestone_id") == "M5").then(None).otherwise(pl.col("planned_start")),
        planned_end=pl.when(pl.col("milestone_id") == "M6").then(pl.col("planned_start") - timedelta(days=1))
        .otherwise(pl.col("planned_end")))
    plan = Plan(pl.DataFrame({"phase_id": ["pilot"], "name_en": ["Pilot"], "name_zh": ["试点"],
                              "planned_start": [day(-200)], "planned_end": [day(200)]}),
                pl.DataFrame({"workstream_id": ["mdm", "bpr"], "name_en": ["MDM", "BPR"], "name_zh": ["主数据", "流程"],
                              "lead": ["Wang", "Huang"]}),
                milestones, pl.DataFrame({"phase_id": ["pilot"], "department_id": ["finance"]}),
                pl.DataFrame({"phase_id": [], "metric": [], "target": []}))
    plan.issues = check_plan(plan, set())
    judged = ms.judge_plan(plan, TODAY)
    assert {"M5", "M6"}.isdisjoint(judged["milestone_id"]) and judged.height == 12
    assert ms.totals(judged)["overdue"] == 1


def test_the_due_soon_words_say_the_days_the_code_counts() -> None:
    assert page_words and mail_words  # imported for the words they register
    said = {int(n) for en, zh in i18n.STRINGS.values()
            for n in re.findall(r"next (\d+) days", en) + re.findall(r"未来 (\d+) 天", zh)}
    assert said == {ms.DUE_DAYS}


# -- the three screens agree ------------------------------------------------------------------------------------------
def snapshot_of(rt: app.Runtime, engine: Any = None) -> SnapshotNumbers:
    """A snapshot with the programme status, collected as the scheduler collects it."""
    raw = tomllib.loads(textwrap.dedent("""
        [snapshots.board]
        recipients = ["ceo@example.com"]
        metrics = ["milestones_on_time"]
        programme_status = true
        """))
    spec = snapshot_spec(parse_config(raw, Path("/etc/vantage/vantage.toml"), {}, environ={}), "board", rt.catalogue)
    return collect(engine or rt.engine, spec, TODAY)


def screens(rt: app.Runtime) -> dict[str, Any]:
    """The milestone numbers as each screen shows them, read from what it renders."""
    plan, _ = plan_or_issue(rt.engine)
    frame = pp.milestones(plan, TODAY)
    page = {stat.children[0].children: (stat.children[1].children, stat.children[2].children)
            for stat in parts.stats(frame, TODAY, "en")}
    wall = programme_props(rt.engine, 2, Slide("programme", 20, "quarter", "en"), "dark", TODAY)
    snapshot = snapshot_of(rt)
    assert snapshot.programme is not None and snapshot.programme_trouble is None
    return {"page": page, "page_overdue": list(ms.overdue(frame)["milestone_id"]),
            "page_due": list(ms.due_soon(frame)["milestone_id"]), "page_phases": {
                r["phase_id"]: f"{r['done']} / {r['total']}" for r in ms.counts(frame, ["phase_id"]).iter_rows(
                    named=True)},
            "wall": {k: wall[part(2, k)]["children"] for k in ("done", "overdue", "in_progress", "blocked")},
            "wall_phases": [wall[part(2, f"phase{i}-count")]["children"] for i in range(len(plan.phases))],
            "phases": plan.phases["phase_id"].to_list(), "status": snapshot.programme}


def assert_agree(s: dict[str, Any]) -> tuple[int, int, int]:
    """The page's, the wall's and the snapshot's numbers are the same; (done, total, overdue)."""
    page, wall, status = s["page"], s["wall"], s["status"]
    done, total = int(page["Milestones done"][0]), int(page["Milestones done"][1].split()[1])
    assert wall["done"] == f"{done} / {total}" and status.counts["done"] == done
    assert sum(status.counts.values()) == total
    assert wall["overdue"] == page["Overdue"][0] == str(len(status.overdue))
    assert s["page_overdue"] == [r["milestone_id"] for r in status.overdue]
    assert page["Due in the next 30 days"][0] == str(len(status.upcoming))
    assert s["page_due"] == [r["milestone_id"] for r in status.upcoming]
    in_progress, blocked = status.counts.get("in_progress", 0), status.counts.get("blocked", 0)
    assert wall["in_progress"] == str(in_progress) and wall["blocked"] == str(blocked)
    assert page["Still open"][1].startswith(f"{in_progress} in progress · {blocked} blocked · ")
    assert s["wall_phases"] == [s["page_phases"].get(p, "0 / 0") for p in s["phases"]]
    return done, total, int(wall["overdue"])


def test_the_programme_page_the_wall_and_the_snapshot_agree_on_the_demo(runtime: app.Runtime) -> None:
    s = screens(runtime)
    assert assert_agree(s) == (30, 34, 2)
    assert s["page_overdue"] == ["M29", "M28"] and s["page_due"] == []
    assert s["status"].counts == {"done": 30, "in_progress": 2, "not_started": 1, "blocked": 1}
    assert s["wall_phases"] == ["13 / 13", "11 / 11", "6 / 10"]


def test_they_agree_on_a_plan_with_bad_rows_too(tmp_path: Path, data_dir: Path) -> None:
    rt = copied_runtime(tmp_path, data_dir)
    con = sqlite3.connect(tmp_path / "data" / "demo.sqlite")
    con.execute("UPDATE milestones SET planned_start = NULL WHERE milestone_id = 'M01'")  # done, no planned start
    con.execute("UPDATE milestones SET planned_start = '2027-01-01' WHERE milestone_id = 'M28'")  # overdue, ends first
    con.commit()
    con.close()
    s = screens(rt)
    assert assert_agree(s) == (29, 32, 1)  # M01 and M28 are data issues: on no screen's count
    assert s["page_overdue"] == ["M29"]


def test_a_snapshot_whose_plan_cannot_be_read_says_so_instead_of_counting_nothing(runtime: app.Runtime) -> None:
    class NoPlan:
        """The demo engine with a plan source that is not declared."""

        def __init__(self, engine: Any) -> None:
            self.wrapped, self.config = engine, SimpleNamespace(plan_source="nowhere", data_path=engine.config.data_path)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.wrapped, name)

    numbers = snapshot_of(runtime, NoPlan(runtime.engine))
    assert numbers.programme is None and numbers.programme_trouble is not None
    assert numbers.programme_trouble.detail == ("the programme plan could not be read "
                                                "(no plan source 'nowhere' is declared)")
