"""The maturity page in a real Chromium: the radar shows the three assessments, a score opens the rules and KPIs
behind it with the numbers the command line prints, a department's maturity, both languages and themes."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from dash.testing.composite import DashComposite
from dash.testing.wait import until
from selenium.webdriver.support.ui import Select

import app as vantage
from metrics.engine.periods import add_months
from metrics.semantics.format import format_value
from tests.conftest import run_cli

# One server and browser per module: the same fixtures and helpers as the overview's tests.
from tests.browser.test_overview import SCREENSHOTS, demo_runtime, duo, open_view, screenshot, settle  # noqa: F401

PAGE = "/assessment"
NAMES = {"baseline": "Programme start", "reassessment_1": "Re-assessment 1", "reassessment_2": "Re-assessment 2"}


def cli_maturity(data_dir: Path, *args: str) -> list[dict]:
    out = run_cli("maturity", *args, "--format", "json", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def radar(duo: DashComposite) -> list[dict]:
    return duo.driver.execute_script(
        "return document.querySelector('#assessment-radar .js-plotly-plot').data"
        ".map(t => ({name: t.name, r: t.r, theta: t.theta, customdata: t.customdata}));")


def chips(duo: DashComposite) -> dict[tuple[str, str], str]:
    """The scorecard's scores as shown, by (assessment, dimension)."""
    cells = duo.driver.execute_script(
        "return [...document.querySelectorAll('#assessment-scorecard td[data-dimension]')]"
        ".map(td => [td.dataset.assessment, td.dataset.dimension, td.innerText.trim()]);")
    return {(a, d): text for a, d, text in cells}


def drill(duo: DashComposite) -> list[str]:
    return parse_qs(urlparse(duo.driver.current_url).query).get("drill", [])


def test_the_radar_shows_the_three_assessments_and_the_target(duo: DashComposite, data_dir: Path) -> None:
    open_view(duo, PAGE + "?lang=en")
    printed = cli_maturity(data_dir)
    traces = {t["name"]: t for t in radar(duo)}
    assert set(traces) == {"Target", *NAMES.values()}
    for assessment_id, name in NAMES.items():
        expected = [r["score"] for r in printed if r["assessment"] == assessment_id]
        assert traces[name]["r"][:-1] == expected, name  # the line closes on its first point
        assert traces[name]["customdata"][0] == [assessment_id, "data_governance"]
    assert traces["Target"]["r"][:-1] == [r["target"] for r in printed if r["assessment"] == "baseline"]
    shown = chips(duo)
    assert len(shown) == 18 and all(shown[(r["assessment"], r["dimension"])] == str(r["score"]) for r in printed)


def test_a_score_opens_the_rules_and_kpis_behind_it(duo: DashComposite, data_dir: Path,
                                                  demo_runtime: vantage.Runtime) -> None:
    open_view(duo, PAGE + "?lang=en")
    link = duo.find_element("td[data-assessment='reassessment_1'][data-dimension='data_quality'] a")
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", link)
    link.click()
    until(lambda: drill(duo) == ["reassessment_1", "data_quality"], timeout=10)
    settle(duo)
    [row] = [r for r in cli_maturity(data_dir) if r["assessment"] == "reassessment_1"
             and r["dimension"] == "data_quality"]
    title = duo.find_element("#assessment-drill .drill-title").text
    assert title == f"Data quality at Re-assessment 1: score {row['score']}"
    assert f"questionnaire {row['questionnaire']:.2f}" in duo.find_element("#assessment-drill .blend-line").text
    # Each rule's KPI value is the number `python app.py query` prints for the month before the assessment.
    month = row["kpi_month"] + "-01"
    last = (add_months(date.fromisoformat(month), 1) - timedelta(days=1)).isoformat()
    checks = duo.driver.execute_script(
        "return [...document.querySelectorAll('#assessment-drill tr[data-metric]')].map(tr => ({metric: tr.dataset"
        ".metric, held: tr.dataset.held, cells: [...tr.querySelectorAll('td')].map(td => td.innerText)}));")
    keys = sorted({c["metric"] for c in checks})
    assert keys == ["data_accuracy", "data_completeness"]
    with ThreadPoolExecutor(len(keys)) as pool:
        printed = dict(zip(keys, pool.map(lambda k: run_cli("query", k, "--from", month, "--to", last, "--format",
                                                            "json", data_dir=data_dir), keys)))
    for check in checks:
        value = json.loads(printed[check["metric"]].stdout)[0]["value"]
        assert check["cells"][2] == format_value(value, demo_runtime.catalogue[check["metric"]].unit, "en")
    failed = [c for c in checks if c["held"] == "failed"]
    assert failed and all("failed, by" in c["cells"][3] for c in failed)
    assert duo.find_element("#assessment-drill tbody[data-level='4']").get_attribute("data-reached") == "0"
    # A KPI opens on its own page over that month.
    duo.find_element("#assessment-drill tr[data-metric='data_accuracy'] a").click()
    until(lambda: urlparse(duo.driver.current_url).path == "/metric/data_accuracy", timeout=10)
    assert parse_qs(urlparse(duo.driver.current_url).query) == {"period": ["custom"], "from": [month],
                                                                "to": [last], "lang": ["en"]}
    settle(duo)


def test_a_click_on_the_radar_opens_that_score(duo: DashComposite) -> None:
    open_view(duo, PAGE + "?lang=en")
    before = duo.driver.current_url
    duo.driver.execute_script(
        "const g = document.querySelector('#assessment-radar .js-plotly-plot');"
        "const t = g.data.findIndex(t => t.name === 'Programme start');"
        "g.emit('plotly_click', {points: [{curveNumber: t, pointNumber: 2, customdata: g.data[t].customdata[2]}]});")
    until(lambda: duo.driver.current_url != before, timeout=10)
    settle(duo)
    assert drill(duo) == ["baseline", "process"]
    assert duo.find_element("#assessment-drill .drill-title").text.startswith("Process at Programme start")


def test_a_department_has_its_own_maturity(duo: DashComposite, data_dir: Path) -> None:
    open_view(duo, PAGE + "?lang=en")
    Select(duo.find_element("#assessment-department")).select_by_value("hr")
    until(lambda: parse_qs(urlparse(duo.driver.current_url).query).get("dept") == ["hr"], timeout=10)
    settle(duo)
    printed = cli_maturity(data_dir, "--where", "department=hr")
    shown = chips(duo)
    assert all(shown[(r["assessment"], r["dimension"])] == str(r["score"]) for r in printed)
    assert "own KPIs and answers" in duo.find_element("#assessment-note").text


def test_chinese_dark_and_screenshots(duo: DashComposite) -> None:
    open_view(duo, PAGE + "?lang=zh&theme=dark")
    assert "项目成熟度" in duo.find_element(".page-title").text
    assert {t["name"] for t in radar(duo)} == {"目标", "项目启动", "第1次复评", "第2次复评"}
    assert not duo.find_elements(".error-block")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        open_view(duo, f"{PAGE}?lang=en&theme={theme}")
        assert not duo.find_elements(".error-block")
        screenshot(duo, SCREENSHOTS / f"assessment-{theme}.png")
    duo.driver.execute_script("window.localStorage.clear();")


def test_no_errors_in_the_browser_console(duo: DashComposite) -> None:
    open_view(duo, PAGE + "?lang=en&drill=reassessment_2&drill=people")
    assert duo.find_element("#assessment-drill .drill-title").text.startswith("People at Re-assessment 2")
    assert duo.get_logs() == []
