"""The programme page in a real Chromium: the Gantt draws the plan, a click drills from a phase down to a
milestone and the KPIs it moved with the engine's own before/after numbers, the programme KPIs equal the CLI,
bad plan rows show as data issues while the rest renders, Chinese and dark theme work."""
from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from dash.testing.composite import DashComposite
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains

import app as vantage
from config.settings import load_config
from dashboard.app import create_app
from dashboard.pages.programme import _plan as pp
from metrics.semantics import registry
from metrics.semantics.format import format_delta, format_value
from programme.impact import before_after
from programme.plan import load_plan, usable_milestones
from tests.conftest import TODAY, run_cli

# One server and browser per module: the same fixtures and helpers as the overview's tests.
from tests.browser.test_overview import SCREENSHOTS, demo_runtime, duo, open_view, screenshot, settle  # noqa: F401

PAGE = "/programme"


def plan_of(rt: vantage.Runtime):  # noqa: ANN201 - metrics.plan.Plan
    return load_plan(rt.engine.connectors["demo"], set(rt.catalogue))


def figure(duo: DashComposite) -> dict[str, Any]:
    """The Gantt as plotly holds it in the page: traces and layout."""
    return duo.driver.execute_script(
        "const g = document.querySelector('#programme-gantt .js-plotly-plot');"
        "return {data: g.data, layout: g.layout};")


def drawn_milestones(fig: dict[str, Any]) -> dict[str, str]:
    """Milestone id → hover text of every milestone drawn (the row key's third part), from the bars' customdata."""
    out = {}
    for trace in fig["data"]:
        for key, hover in trace.get("customdata") or []:
            parts = key.split("|")
            if len(parts) == 3:
                out[parts[2]] = hover
    return out


def drill(duo: DashComposite) -> list[str]:
    return parse_qs(urlparse(duo.driver.current_url).query).get("drill", [])


def query(duo: DashComposite) -> dict[str, list[str]]:
    return parse_qs(urlparse(duo.driver.current_url).query)


def click_bar(duo: DashComposite, key: str) -> None:
    """Click the Gantt bar of one row (by its drill key) where a person would: plotly's hit-testing decides."""
    before = duo.driver.current_url
    bar = duo.driver.execute_script("""
        const g = document.querySelector('#programme-gantt .js-plotly-plot');
        const bars = g.data.filter(t => t.type === 'bar');
        const nodes = g.querySelectorAll('.barlayer .trace.bars');
        for (let i = bars.length - 1; i >= 0; i--) {  // the actual bars lie on top of the planned ones
            const j = (bars[i].customdata || []).findIndex(c => c[0] === arguments[0]);
            if (j >= 0) { return nodes[i].querySelectorAll('.point path')[j]; }
        }
        return null;""", key)
    assert bar is not None, key
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", bar)
    ActionChains(duo.driver).move_to_element(bar).pause(0.2).click().perform()
    until(lambda: duo.driver.current_url != before, timeout=10)
    settle(duo)


def click_row_name(duo: DashComposite, key: str) -> None:
    """Click a row's name in the Gantt's left margin."""
    before = duo.driver.current_url
    index = next(i for i, a in enumerate(figure(duo)["layout"]["annotations"]) if a.get("name") == key)
    label = duo.find_element(f"#programme-gantt .annotation[data-index='{index}'] .annotation-text-g")
    ActionChains(duo.driver).move_to_element(label).pause(0.2).click().perform()
    until(lambda: duo.driver.current_url != before, timeout=10)
    settle(duo)


def press(duo: DashComposite, element: Any) -> None:
    """Scroll an element to the middle of the screen and click it, as a person would."""
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    ActionChains(duo.driver).move_to_element(element).pause(0.1).click().perform()


def impact_cells(duo: DashComposite, key: str) -> dict[str, str]:
    """The before/after cells of one KPI's row in the milestone's impact table, by their role."""
    return duo.driver.execute_script(
        "const out = {}; document.querySelectorAll(`.impact-table tr[data-metric='${arguments[0]}'] td[data-role]`)"
        ".forEach(td => { out[td.dataset.role] = td.innerText.trim(); }); return out;", key)


def expected_cells(impact: Any, unit: Any) -> dict[str, str]:
    """What the page must show for an Impact: every window's before, after and change, and the net of control."""
    cells = {"net": format_delta(impact.net_of_control, unit, "en") or "—"}
    for role, window in (("all", impact.overall), ("scope", impact.in_scope), ("control", impact.control)):
        cells[f"{role}-before"] = format_value(window.before, unit, "en")
        cells[f"{role}-after"] = format_value(window.after, unit, "en")
        cells[f"{role}-change"] = format_delta(window.change, unit, "en") or "—"
    return cells


def severe(duo: DashComposite) -> list[dict]:
    return [entry for entry in duo.get_logs() if entry.get("level") == "SEVERE"]


# -- tests -------------------------------------------------------------------------------------------------------
def test_the_gantt_draws_every_usable_milestone(duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    open_view(duo, PAGE + "?lang=en")
    plan = plan_of(demo_runtime)
    usable = usable_milestones(plan)
    drawn = drawn_milestones(figure(duo))
    assert set(drawn) == set(usable["milestone_id"]) and len(drawn) == usable.height == plan.milestones.height
    for row in usable.iter_rows(named=True):
        assert row["title_en"] in drawn[row["milestone_id"]]  # the full title rides in each bar's hover
    names = [a.get("name", "") for a in figure(duo)["layout"]["annotations"]]
    assert {"pilot", "expansion", "rollout", "pilot|mdm"} <= set(names)  # phase and workstream rows too
    assert any("Today" in a.get("text", "") for a in figure(duo)["layout"]["annotations"])
    assert "Every row of the plan could be used" in duo.find_element("#programme-issues").text
    assert not duo.find_elements(".error-block") and severe(duo) == []


def test_programme_kpis_equal_the_cli(duo: DashComposite, demo_runtime: vantage.Runtime, data_dir: Path) -> None:
    open_view(duo, PAGE + "?lang=en")
    start = demo_runtime.engine.programme_start()
    last = date.fromisoformat(TODAY).replace(day=1) - timedelta(days=1)  # the last complete month's last day
    # The command behind "analyst details" (hidden until switched on): its text as the switch would show it.
    shown = duo.driver.execute_script("return document.querySelector('#programme-window').textContent")
    assert f"python app.py --language en query milestones_on_time --from {start} --to {last}" in shown
    assert not duo.find_element("#programme-window .programme-cli").is_displayed()
    for key in ("milestones_on_time", "schedule_variance_days"):
        out = run_cli("query", key, "--from", start.isoformat(), "--to", last.isoformat(), "--format", "json",
                      data_dir=data_dir)
        assert out.returncode == 0, out.stderr
        printed = json.loads(out.stdout)[0]
        expected = format_value(printed["value"], demo_runtime.catalogue[key].unit, "en")
        assert duo.find_element(f"#programme-tiles #tile-{key} .kpi-value").text == expected


def test_drill_phase_workstream_milestone_kpi_shows_the_engines_before_and_after(
        duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    open_view(duo, PAGE + "?lang=en")
    click_bar(duo, "pilot")
    assert drill(duo) == ["pilot"]
    click_row_name(duo, "pilot|mdm")
    assert drill(duo) == ["pilot", "mdm"]
    assert set(drawn_milestones(figure(duo))) == {"M02", "M03", "M04"}  # the Gantt narrows to the workstream
    click_bar(duo, "pilot|mdm|M03")
    assert drill(duo) == ["pilot", "mdm", "M03"]
    assert "Customer master data cleansed (pilot)" in duo.find_element("#programme-milestone").text
    plan, engine, today = plan_of(demo_runtime), demo_runtime.engine, demo_runtime.config.today()
    linked = pp.split(plan.milestone("M03")["kpis"])
    rows = duo.find_elements(".impact-table tbody tr")
    assert [r.get_attribute("data-metric") for r in rows] == linked
    for key in linked:
        impact = before_after(engine, plan, "M03", key, today, weeks=8)
        assert impact_cells(duo, key) == expected_cells(impact, engine.metric(key).unit), key
    press(duo, duo.find_element(".impact-table tr[data-metric='data_accuracy'] .kpi-drill"))
    until(lambda: drill(duo) == ["pilot", "mdm", "M03", "data_accuracy"], timeout=10)
    settle(duo)
    chosen = duo.find_element("#programme-impact-chosen")
    impact = before_after(engine, plan, "M03", "data_accuracy", today, weeks=8)
    assert format_delta(impact.net_of_control, engine.metric("data_accuracy").unit, "en") in chosen.text
    assert "Finance, Procurement" in chosen.text  # the pilot's scope; the rest are the control group
    assert chosen.find_element("css selector", "a.open-kpi-page").get_attribute("href").endswith(
        "/metric/data_accuracy?lang=en")
    assert [c.text for c in duo.find_elements("#programme-crumbs .crumb-value")] == [
        "Whole programme", "Pilot", "Master data management", "M03", "Data accuracy"]
    # 12 weeks instead of 8: the URL says so and the numbers are the engine's for 12 weeks.
    press(duo, duo.driver.find_element("xpath", "//*[@id='programme-weeks']//label[text()='12 weeks']"))
    until(lambda: query(duo).get("weeks") == ["12"], timeout=10)
    settle(duo)
    impact = before_after(engine, plan, "M03", "data_accuracy", today, weeks=12)
    assert impact_cells(duo, "data_accuracy") == expected_cells(impact, engine.metric("data_accuracy").unit)
    # The back button steps back: to 8 weeks, then up from the KPI to the milestone, the workstream, the phase.
    for expected in (["pilot", "mdm", "M03", "data_accuracy"], ["pilot", "mdm", "M03"], ["pilot", "mdm"],
                     ["pilot"]):
        duo.driver.back()
        until(lambda: drill(duo) == expected, timeout=10)
        settle(duo)
    assert "weeks" not in query(duo)
    press(duo, duo.find_element("#programme-crumbs a"))  # the breadcrumb's first step: the whole programme
    until(lambda: drill(duo) == [], timeout=10)
    settle(duo)


def test_a_row_in_the_overdue_list_drills_to_its_milestone(duo: DashComposite,
                                                           demo_runtime: vantage.Runtime) -> None:
    open_view(duo, PAGE + "?lang=en")
    frame = pp.milestones(plan_of(demo_runtime), demo_runtime.config.today())
    late = pp.overdue(frame)
    shown = [li.get_attribute("data-milestone") for li in duo.find_elements("#programme-overdue li")]
    assert shown == list(late["milestone_id"]) and shown
    first = late.row(0, named=True)
    press(duo, duo.find_element(f"#programme-overdue li[data-milestone='{first['milestone_id']}'] a"))
    until(lambda: drill(duo) == [first["phase_id"], first["workstream_id"], first["milestone_id"]], timeout=10)
    settle(duo)
    assert "Overdue" in duo.find_element("#programme-milestone .outcome-badge").text


def test_phase_scorecard_shows_the_engines_verdicts(duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    from programme.impact import phase_scorecard

    open_view(duo, PAGE + "?lang=en")
    rows = phase_scorecard(demo_runtime.engine, plan_of(demo_runtime), demo_runtime.config.today())
    shown = duo.driver.execute_script(
        "return [...document.querySelectorAll('.scorecard-table tr[data-metric]')].map(tr => [tr.dataset.phase,"
        " tr.dataset.metric, tr.dataset.verdict, tr.children[2].innerText, tr.children[3].innerText])")
    unit = lambda key: demo_runtime.catalogue[key].unit  # noqa: E731
    assert shown == [[r.phase_id, r.metric, r.verdict, format_value(r.value, unit(r.metric), "en"),
                      r.month.strftime("%b %Y")] for r in rows]


def test_each_page_view_is_audited_once_with_its_drill(duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    from access.audit import AuditTrail

    trail = AuditTrail(demo_runtime.config.data_path / "audit.sqlite")
    seen = lambda: [e for e in trail.entries() if (e["action"], e["what"]) == ("view", "programme")]  # noqa: E731
    before = len(seen())
    open_view(duo, PAGE + "?drill=pilot&weeks=4&lang=en")
    after = seen()
    assert len(after) == before + 1 and json.loads(after[-1]["filters"]) == {"drill": ["pilot"], "weeks": 4}


def test_chinese_titles_and_dark_theme(duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    open_view(duo, PAGE + "?lang=en")
    duo.driver.execute_script("window.localStorage.clear();")
    duo.find_element("#shell-lang-zh").click()
    until(lambda: query(duo).get("lang") == ["zh"], timeout=10)
    settle(duo)
    plan = plan_of(demo_runtime)
    texts = " ".join(a.get("text", "") for a in figure(duo)["layout"]["annotations"])
    drawn = drawn_milestones(figure(duo))
    for row in plan.milestones.iter_rows(named=True):
        assert row["title_zh"] in drawn[row["milestone_id"]]
    assert "试点" in texts and "主数据管理" in texts and "今天" in texts
    assert duo.find_element(".programme-title").text == "项目群"
    assert "项目群" in duo.find_element("#shell-nav").text
    duo.find_element("#shell-theme").click()
    until(lambda: query(duo).get("theme") == ["dark"], timeout=10)
    settle(duo)
    assert duo.driver.execute_script("return document.documentElement.getAttribute('data-bs-theme')") == "dark"
    duo.find_element("#shell-lang-en").click()
    until(lambda: query(duo).get("lang") in (None, ["en"]), timeout=10)
    settle(duo)
    duo.find_element("#shell-theme").click()
    until(lambda: query(duo).get("theme") == ["light"], timeout=10)
    duo.driver.execute_script("window.localStorage.clear();")


def test_screenshots_of_the_programme_and_a_milestone(duo: DashComposite) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        open_view(duo, f"{PAGE}?lang=en&theme={theme}")
        assert not duo.find_elements(".error-block")
        screenshot(duo, SCREENSHOTS / f"programme-{theme}.png")
    open_view(duo, f"{PAGE}?drill=pilot&drill=mdm&drill=M03&drill=duplicate_records&lang=en&theme=light")
    assert not duo.find_elements(".error-block")
    screenshot(duo, SCREENSHOTS / "milestone-light.png", scroll_to=".programme-grid")
    duo.driver.execute_script("window.localStorage.clear();")


def test_no_severe_errors_in_the_browser_console(duo: DashComposite) -> None:
    open_view(duo, PAGE + "?drill=pilot&drill=mdm&drill=M03&lang=en")
    assert severe(duo) == []


# -- a plan with bad rows -----------------------------------------------------------------------------------------
BAD_ROWS = (
    "UPDATE milestones SET planned_start = NULL, planned_end = NULL WHERE milestone_id = 'M01'",
    "UPDATE milestones SET planned_end = '2025-01-01' WHERE milestone_id = 'M02'",
    "UPDATE milestones SET workstream_id = 'marketing' WHERE milestone_id = 'M04'",
    "UPDATE milestones SET depends_on = 'M06' WHERE milestone_id = 'M05'",
    "UPDATE milestones SET depends_on = 'M05' WHERE milestone_id = 'M06'",
)


def test_bad_plan_rows_show_as_data_issues_while_the_rest_renders(
        dash_duo: DashComposite, data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "data" / "demo.sqlite")
    with sqlite3.connect(tmp_path / "data" / "demo.sqlite") as con:
        for statement in BAD_ROWS:
            con.execute(statement)
    registry.reset()
    # The demo config (login off) over the broken copy.
    rt = vantage.wire(load_config(None, {"data_dir": str(tmp_path / "data"), "today": TODAY}, environ={}))
    plan = plan_of(rt)
    dash_duo.start_server(create_app(rt.engine, rt.config))
    dash_duo.wait_for_page(dash_duo.server_url + PAGE + "?lang=en")
    settle(dash_duo)
    issues = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.issues-table tbody tr')].map(tr => "
        "[...tr.children].map(td => td.innerText))")
    assert issues == [[i.table, i.row, i.problem, i.fix] for i in plan.issues]
    rows = {row for _table, row, _p, _f in issues}
    assert {"M01", "M02", "M04"} <= rows and rows & {"M05", "M06"}
    assert any(p.startswith("dependency loop") for _t, _r, p, _f in issues)
    assert f"{len(plan.issues)} plan rows need fixing" in dash_duo.find_element("#programme-issues").text
    drawn = drawn_milestones(figure(dash_duo))
    assert set(drawn) == set(usable_milestones(plan)["milestone_id"])
    assert "M01" not in drawn and "M02" not in drawn and {"M04", "M05", "M06"} <= set(drawn)
    names = [a.get("name", "") for a in figure(dash_duo)["layout"]["annotations"]]
    assert "pilot|marketing" in names  # a milestone of an unknown workstream still shows, under that id
    assert not dash_duo.find_elements(".error-block")
    assert severe(dash_duo) == []
