"""The programme page's helpers without a browser: its address, the drill into the plan, outcomes and slip,
the Gantt's rows and figure, the tables, and access by role."""
from __future__ import annotations

import string
from datetime import date

import dash
import flask
import polars as pl
import pytest

from access.roles import Role, Viewer
from core.errors import AccessDenied
from dashboard.app import create_app
from dashboard.pages.programme import _gantt as gantt
from dashboard.pages.programme import _parts as parts
from dashboard.pages.programme import _plan as pp
from dashboard.pages.programme import _views as views
from dashboard.pages.programme._state import Address, Focus, address_of, focus_of
from dashboard.pages.programme._words import STRINGS
from dashboard.state import ViewState
from programme import milestones as ms
from programme.impact import ScoreRow
from programme.plan import Plan, check_plan

TODAY = date(2026, 11, 27)
D = date.fromisoformat


def small_plan(raid: pl.DataFrame | None = None) -> Plan:
    """One phase, two workstreams, a milestone of every outcome (built by code, checked like a real plan)."""
    rows = [  # id, workstream, planned start, planned end, actual start, actual end, status, depends_on, kpis
        ("A1", "mdm", "2026-06-01", "2026-07-31", "2026-06-01", "2026-07-30", "done", None, "data_accuracy"),
        ("A2", "mdm", "2026-06-01", "2026-07-31", "2026-06-03", "2026-08-10", "done", "A1", "data_accuracy"),
        ("A3", "mdm", "2026-09-01", "2026-11-20", "2026-09-02", None, "in_progress", None, ""),
        ("B1", "bpr", "2026-10-01", "2026-12-15", "2026-10-01", None, "in_progress", None, ""),
        ("B2", "bpr", "2026-11-01", "2026-12-31", None, None, "blocked", "A3", ""),
        ("B3", "bpr", "2027-01-01", "2027-02-28", None, None, "not_started", None, ""),
    ]
    milestones = pl.DataFrame(
        [(m, "pilot", w, f"Title {m}", f"标题 {m}", "Owner", D(ps), D(pe), a and D(a), b and D(b), s, dep, k)
         for m, w, ps, pe, a, b, s, dep, k in rows],
        schema=["milestone_id", "phase_id", "workstream_id", "title_en", "title_zh", "owner", "planned_start",
                "planned_end", "actual_start", "actual_end", "status", "depends_on", "kpis"], orient="row")
    plan = Plan(
        phases=pl.DataFrame({"phase_id": ["pilot"], "name_en": ["Pilot"], "name_zh": ["试点"],
                             "planned_start": [D("2026-06-01")], "planned_end": [D("2026-12-31")]}),
        workstreams=pl.DataFrame({"workstream_id": ["mdm", "bpr"], "name_en": ["MDM", "BPR"],
                                  "name_zh": ["主数据", "流程"], "lead": ["Wang", "Huang"]}),
        milestones=milestones, scope=pl.DataFrame({"phase_id": ["pilot"], "department_id": ["finance"]}),
        targets=pl.DataFrame({"phase_id": ["pilot"], "metric": ["data_accuracy"], "target": [0.9]}), raid=raid)
    plan.issues = check_plan(plan, {"data_accuracy"})
    return plan


# -- the address -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("query, weeks, problems", [
    ({}, 8, 0), ({"weeks": "12"}, 12, 0), ({"weeks": "4"}, 4, 0), ({"weeks": "5"}, 8, 1), ({"weeks": "x"}, 8, 1),
])
def test_weeks_come_from_the_url(query: dict, weeks: int, problems: int) -> None:
    address, found = address_of(query)
    assert address.weeks == weeks and len(found) == problems


def test_an_address_writes_drill_language_and_weeks_into_the_url() -> None:
    address = Address(ViewState(drill=("pilot", "mdm"), language="zh"), 12)
    assert address.href() == "/programme?drill=pilot&drill=mdm&lang=zh&weeks=12"
    assert Address(ViewState()).href() == "/programme"  # defaults stay out of the URL
    assert address.drilled("pilot").href("/programme") == "/programme?drill=pilot&lang=zh&weeks=12"
    assert address_of({"drill": ["pilot", "mdm"], "lang": "zh", "weeks": "12"})[0] == address


# -- the drill -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("drill, path, problem", [
    ((), (), ""),
    (("pilot", "mdm", "A1", "data_accuracy"), ("pilot", "mdm", "A1", "data_accuracy"), ""),
    (("pilot", "marketing", "A1"), ("pilot",), "there is no workstream 'marketing' in this phase"),
    (("pilot", "bpr", "A1"), ("pilot", "bpr"), "there is no milestone 'A1' in this workstream"),
    (("pilot", "mdm", "A3", "data_accuracy"), ("pilot", "mdm", "A3"), "milestone A3 does not name the KPI"),
    (("launch",), (), "there is no phase 'launch' in the plan"),
])
def test_the_drill_is_checked_against_the_plan(drill: tuple, path: tuple, problem: str) -> None:
    focus = focus_of(small_plan(), drill, "en")
    assert focus.path == path and problem in focus.problem and bool(focus.problem) == bool(problem)
    if problem:
        assert focus.problem.endswith("showing the level above")


def test_a_click_on_a_bar_or_a_name_becomes_a_drill_path() -> None:
    bar = {"points": [{"customdata": ["pilot|mdm|A1", "hover"]}]}
    assert gantt.drill_of(bar, None, "programme-gantt.clickData") == ("pilot", "mdm", "A1")
    name = {"annotation": {"name": "pilot|mdm", "text": "MDM"}}
    assert gantt.drill_of(None, name, "programme-gantt.clickAnnotationData") == ("pilot", "mdm")
    assert gantt.drill_of({"points": [{}]}, None, "programme-gantt.clickData") is None


# -- outcomes, slip and counts ----------------------------------------------------------------------------------------
def test_each_milestone_gets_its_outcome_and_slip() -> None:
    frame = pp.milestones(small_plan(), TODAY)
    got = {r["milestone_id"]: (r["outcome"], r["slip_days"], r["overdue"]) for r in frame.iter_rows(named=True)}
    assert got == {"A1": ("on_time", -1, False), "A2": ("late", 10, False), "A3": ("overdue", 7, True),
                   "B1": ("in_progress", None, False), "B2": ("blocked", None, False),
                   "B3": ("not_started", None, False)}
    assert list(ms.overdue(frame)["milestone_id"]) == ["A3"]
    assert list(ms.due_soon(frame)["milestone_id"]) == ["B1"]  # 15 Dec; B2's 31 Dec is 34 days away


def test_progress_counts_done_on_time_overdue_and_mean_slip() -> None:
    frame = pp.milestones(small_plan(), TODAY)
    by = {r["workstream_id"]: r for r in ms.counts(frame, ["workstream_id"]).iter_rows(named=True)}
    assert (by["mdm"]["total"], by["mdm"]["done"], by["mdm"]["on_time"], by["mdm"]["overdue"]) == (3, 2, 1, 1)
    assert by["mdm"]["slip"] == pytest.approx(4.5)  # (−1 + 10) / 2: only done milestones
    assert (by["bpr"]["done"], by["bpr"]["slip"]) == (0, None)


def test_focus_narrows_the_milestones() -> None:
    plan = small_plan()
    assert set(pp.milestones(plan, TODAY, Focus("pilot", "bpr"))["milestone_id"]) == {"B1", "B2", "B3"}


# -- the Gantt -------------------------------------------------------------------------------------------------------
def test_gantt_rows_nest_phase_workstream_milestone() -> None:
    plan = small_plan()
    rows = gantt.rows(plan, pp.milestones(plan, TODAY), Focus("pilot", "mdm", "A2"), TODAY, "zh")
    assert [(r.level, r.drill) for r in rows[:3]] == [(0, ("pilot",)), (1, ("pilot", "mdm")),
                                                      (2, ("pilot", "mdm", "A1"))]
    assert [r.label for r in rows[:2]] == ["试点", "主数据"] and rows[2].label == "标题 A1"
    late = next(r for r in rows if r.milestone_id == "A2")
    assert late.selected and late.note == "+10 天" and late.actual == (D("2026-06-03"), D("2026-08-10"))
    overdue = next(r for r in rows if r.milestone_id == "A3")
    assert overdue.actual == (D("2026-09-02"), TODAY) and overdue.note == "逾期 7 天"
    assert next(r for r in rows if r.milestone_id == "B3").actual is None  # nothing done yet: the plan only
    assert rows[0].outcome == "in_progress"  # the phase runs until 31 Dec; its late milestone shows on its own row


def test_gantt_figure_has_a_bar_per_row_the_today_line_and_clickable_names() -> None:
    plan = small_plan()
    rows = gantt.rows(plan, pp.milestones(plan, TODAY), Focus(), TODAY, "en")
    fig = gantt.figure(rows, TODAY, "en", "light")
    planned = fig.data[0]
    assert planned.name == "Planned" and len(planned.y) == len(rows)
    assert {t.name for t in fig.data if t.type == "bar"} == {"Planned", "Done on time", "Done late", "Overdue",
                                                             "In progress", "Blocked"}
    names = [a.name for a in fig.layout.annotations if a.name]
    assert names == ["|".join(r.drill) for r in rows] and all(a.captureevents for a in fig.layout.annotations[:3])
    assert any(s.type == "line" and s.x0 == TODAY for s in fig.layout.shapes)
    assert fig.layout.height == len(rows) * gantt.ROW_PX + 100


# -- tables ------------------------------------------------------------------------------------------------------------
def test_scorecard_says_verdicts_in_words_and_never_shows_a_failed_value_as_a_number(runtime) -> None:  # noqa
    plan = small_plan()
    rows = [ScoreRow("pilot", "data_accuracy", 0.9, 0.93, D("2026-10-01"), "met"),
            ScoreRow("pilot", "data_accuracy", 0.9, None, D("2026-10-01"), "error", "source down")]
    text = str(parts.scorecard(rows, plan, runtime.engine.catalogue.get, lambda k: f"/metric/{k}", "en"))
    assert "93.0%" in text and "Met" in text and "Cannot compute" in text and "source down" in text
    assert text.count("Pilot") == 1  # one heading row per phase


def test_issues_and_raid_tables() -> None:
    raid = pl.DataFrame({"raid_id": ["R1"], "kind": ["risk"], "title": ["Vendor late"], "owner": ["Li"],
                         "status": ["open"], "raised_on": [D("2026-10-01")], "due_on": [D("2026-12-01")],
                         "milestone_id": ["B2"]})
    plan = small_plan(raid)
    assert "Every row of the plan could be used" in str(parts.issues_panel([], "en"))
    text = str(parts.raid_table(raid, Focus("pilot", "bpr", "B2"), Address(ViewState()), "/programme", plan, "en"))
    assert "Vendor late" in text and "/programme?drill=pilot&drill=bpr&drill=B2" in text and "selected" in text
    broken = small_plan()
    broken.milestones = broken.milestones.with_columns(
        pl.when(pl.col("milestone_id") == "B3").then(pl.lit("mkt")).otherwise(pl.col("workstream_id"))
        .alias("workstream_id"))
    broken.issues = check_plan(broken, {"data_accuracy"})
    panel = str(parts.issues_panel(broken.issues, "en"))
    assert "unknown workstream 'mkt'" in panel and "1 plan rows need fixing" in panel


# -- strings and access ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_with_the_same_placeholders(key: str) -> None:
    en, zh = STRINGS[key]
    names = lambda text: {n for _, n, _, _ in string.Formatter().parse(text) if n}  # noqa: E731
    assert en.strip() and zh.strip() and names(en) == names(zh)


def test_the_page_registers_itself_in_the_navigation(runtime) -> None:  # noqa: ANN001
    app = create_app(runtime.engine, runtime.config)
    page = next(p for p in dash.page_registry.values() if p["path"] == "/programme")
    assert page["nav"] and page["label_key"] == "nav.programme"
    with app.server.test_request_context("/"):
        assert page["title"]() == "Programme · Vantage"
        assert page["layout"](drill=["pilot", "mdm", "M03"], weeks="12", lang="zh") is not None


@pytest.mark.parametrize("role, allowed", [(Role.PMO, True), (Role.ADMIN, True), (Role.EXECUTIVE, False),
                                           (Role.DEPARTMENT_LEAD, False)])
def test_only_roles_with_the_programme_page_get_its_numbers(runtime, role: Role, allowed: bool) -> None:  # noqa
    app = create_app(runtime.engine, runtime.config)
    data = {"view": ViewState(drill=("pilot",)).to_data(), "weeks": 8}
    with app.server.test_request_context("/_dash-update-component"):
        flask.g.vantage_viewer = Viewer("someone", role, "finance" if role is Role.DEPARTMENT_LEAD else None)
        if allowed:
            assert views.request(data).focus == Focus("pilot")
        else:
            with pytest.raises(AccessDenied, match="not part of the"):
                views.request(data)


def test_a_dependency_is_a_connector_from_the_predecessors_end_to_the_dependants_start() -> None:
    plan = small_plan()
    rows = gantt.rows(plan, pp.milestones(plan, TODAY), Focus(), TODAY, "en")
    fig = gantt.figure(rows, TODAY, "en", "light")
    at = {r.milestone_id: i for i, r in enumerate(rows)}
    ms = gantt._epoch_ms
    elbow = gantt.ELBOW_DAYS * gantt.DAY_MS
    # A2 waits for A1 (done 30 Jul, A2 planned from 1 Jun: it held A2 up); B2 waits for A3 (open, overdue: today).
    expected = {
        f"M {ms(D('2026-07-31'))},{at['A1']} H {ms(D('2026-06-01')) - elbow} V {at['A2']} H {ms(D('2026-06-01'))}",
        f"M {ms(TODAY) + gantt.DAY_MS},{at['A3']} H {ms(D('2026-11-01')) - elbow} V {at['B2']} "
        f"H {ms(D('2026-11-01'))}"}
    paths = [s for s in fig.layout.shapes if s.type == "path"]
    assert {s.path for s in paths} == expected
    assert {s.line.color for s in paths} == {gantt.colours("light")["late"]} and {s.layer for s in paths} == {"above"}
    heads = [a for a in fig.layout.annotations if a.showarrow and a.axref == "pixel"]
    assert sorted((a.x, a.y) for a in heads) == sorted([("2026-06-01", at["A2"]), ("2026-11-01", at["B2"])])
    assert {a.hovertext for a in heads} == {"A2 depends on A1", "B2 depends on A3"}
    assert not any(a.name for a in heads)  # an arrowhead is not a row name: a click on it drills nowhere


def test_a_dependency_outside_the_focus_draws_nothing() -> None:
    plan = small_plan()
    rows = gantt.rows(plan, pp.milestones(plan, TODAY, Focus("pilot", "bpr")), Focus("pilot", "bpr"), TODAY, "en")
    assert gantt.dependency_arrows(rows, "en", "light") == ([], [])  # B2's predecessor A3 is in another workstream


def test_the_demo_plan_draws_every_dependency_once(runtime) -> None:  # noqa: ANN001 - the demo runtime
    from programme.plan import load_plan, predecessors

    plan = load_plan(runtime.engine.connectors["demo"], set(runtime.catalogue))
    rows = gantt.rows(plan, pp.milestones(plan, TODAY), Focus(), TODAY, "en")
    pairs = {(d, m) for m, deps in plan.milestones.select("milestone_id", "depends_on").iter_rows()
             for d in predecessors(deps)}
    assert len(pairs) >= 20
    lines, heads = gantt.dependency_arrows(rows, "en", "light")
    drawn = {tuple(a["hovertext"].split(" depends on "))[::-1] for a in heads}
    assert drawn == pairs and len(lines) == len(pairs)
