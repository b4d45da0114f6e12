"""A metric page in a real Chromium: drill from the KPI down to the records behind it, step back with the
browser, share the view as a link, read how the number is computed and export what is shown."""
from __future__ import annotations

import csv
import io
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from dash.testing.composite import DashComposite
from dash.testing.wait import until
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By

import app as vantage
from cli.commands import query as cli_query
from core import labels
from dashboard.state import ViewState
from metrics.engine.periods import Filters
from metrics.semantics.format import format_value

# One server and browser per module: the same fixtures and helpers as the overview's tests.
from tests.browser.test_overview import (  # noqa: F401
    SCREENSHOTS,
    demo_runtime,
    duo,
    open_view,
    query,
    screenshot,
    settle,
)

DRILL = "/metric/data_accuracy"


def crumbs(duo: DashComposite) -> list[str]:
    """The breadcrumb's steps as shown (values only, not their dimension labels), read in one go: a redraw between
    finding the steps and reading them would leave stale elements."""
    return duo.driver.execute_script(
        "return [...document.querySelectorAll('#metric-crumbs .crumb-value')].map(c => c.innerText);")


def drill_values(duo: DashComposite) -> list[str]:
    return parse_qs(urlparse(duo.driver.current_url).query).get("drill", [])


def bar_ids(duo: DashComposite) -> list[str]:
    """The ids behind the bars, top (worst) first, as the figure carries them for the drill."""
    return duo.driver.execute_script(
        "return document.querySelector('#metric-breakdown .js-plotly-plot').data[0].customdata.map(c => c[0]);")


def click_bar(duo: DashComposite, index: int) -> None:
    """Click a bar where a person would: on the chart, at the bar (plotly's own hit-testing decides)."""
    before = duo.driver.current_url
    bar = duo.find_elements("#metric-breakdown .bars .point path")[index]
    ActionChains(duo.driver).move_to_element(bar).pause(0.2).click().perform()
    until(lambda: duo.driver.current_url != before, timeout=10)
    settle(duo)


def press(duo: DashComposite, element: object) -> None:
    """Scroll an element to the middle of the screen and click it, as a person would."""
    # Instantly: Bootstrap scrolls smoothly, and a click aimed mid-scroll lands elsewhere.
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    ActionChains(duo.driver).move_to_element(element).pause(0.1).click().perform()


def records(duo: DashComposite) -> list[dict[str, str]]:
    """The record table as text, a dict per row keyed by column heading (read in one go)."""
    return duo.driver.execute_script("""
        const heads = [...document.querySelectorAll('.records-table thead th')]
            .map(th => th.innerText.replace(/[▲▼]/g, '').trim());
        return [...document.querySelectorAll('.records-table tbody tr')].map(tr =>
            Object.fromEntries([...tr.querySelectorAll('td')].map((td, i) => [heads[i], td.innerText])));""")


def test_drill_from_the_kpi_to_the_records_that_need_fixing(duo: DashComposite,
                                                            demo_runtime: vantage.Runtime) -> None:
    engine = demo_runtime.engine
    open_view(duo, DRILL + "?lang=en")
    assert crumbs(duo) == ["Data accuracy"]
    assert "Department → Source system → Data domain" in duo.find_element("#metric-hint").text
    path: list[str] = []
    for level in ("department", "source_system", "domain"):
        ids = bar_ids(duo)
        assert ids, level
        click_bar(duo, 0)  # the worst first
        path.append(ids[0])
        assert drill_values(duo) == path
    names = [labels.value_label(d, v, "en") for d, v in zip(("department", "source_system", "domain"), path)]
    assert crumbs(duo) == ["Data accuracy", *names, "Records to fix"]
    rows = records(duo)
    assert rows and all(r["What needs fixing"] for r in rows)  # every record says what is wrong with it
    view = ViewState(drill=tuple(path))
    _, filters = engine.drill("data_accuracy", Filters(*view.period_bounds(demo_runtime.config.today())),
                              tuple(path))
    page = engine.detail("data_accuracy", filters, 0, 25).data
    assert duo.find_element(".records-summary").text.startswith(f"{page.total:,} records need fixing")
    assert [r["Record"] for r in rows] == [str(v) for v in page.rows["record_id"]]
    # The back button steps back up the drill, one level per press.
    duo.driver.back()
    until(lambda: drill_values(duo) == path[:2], timeout=10)
    settle(duo)
    assert len(crumbs(duo)) == 3 and bar_ids(duo)
    duo.driver.back()
    until(lambda: drill_values(duo) == path[:1], timeout=10)
    settle(duo)
    # A breadcrumb goes back up as well.
    duo.find_element("#metric-crumbs a").click()
    until(lambda: drill_values(duo) == [], timeout=10)
    settle(duo)
    assert crumbs(duo) == ["Data accuracy"]


def page_kept(duo: DashComposite) -> bool:
    """Whether the page on screen is the one marked by mark_page (not built again since)."""
    return bool(duo.driver.execute_script("return !!(document.querySelector('.page-metric') || {}).vantageMark;"))


def mark_page(duo: DashComposite) -> None:
    duo.driver.execute_script("document.querySelector('.page-metric').vantageMark = true;")


def test_a_drill_step_redraws_the_numbers_not_the_page_and_back_returns_to_the_first_view(
        duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    open_view(duo, DRILL + "?lang=en")
    first = (crumbs(duo), bar_ids(duo), duo.find_element("#summary-data_accuracy .kpi-value").text)
    mark_page(duo)
    click_bar(duo, 0)
    department = first[1][0]
    assert drill_values(duo) == [department] and page_kept(duo)  # the filters, header and scroll stay put
    # The headline follows the drill: the department's own number, as the engine computes it.
    filters = Filters(*ViewState().period_bounds(demo_runtime.config.today()), (("department", department),))
    value = demo_runtime.engine.headline("data_accuracy", filters).data.value
    assert duo.find_element("#summary-data_accuracy .kpi-value").text == format_value(
        value, demo_runtime.catalogue["data_accuracy"].unit, "en")
    assert len(crumbs(duo)) == 2 and bar_ids(duo) != first[1]
    assert duo.find_element("#summary-data_accuracy .kpi-scope").text == labels.value_label("department", department,
                                                                                          "en")
    # Back to the address the page was opened at: the first view again, on the same page.
    duo.driver.back()
    until(lambda: drill_values(duo) == [], timeout=10)
    settle(duo)
    assert (crumbs(duo), bar_ids(duo), duo.find_element("#summary-data_accuracy .kpi-value").text) == first
    assert not duo.find_elements("#summary-data_accuracy .kpi-scope")  # the whole programme's number again
    duo.driver.forward()
    until(lambda: len(crumbs(duo)) == 2, timeout=10)
    settle(duo)
    assert drill_values(duo) == [department]
    # A breadcrumb goes back up on the same page too.
    mark_page(duo)
    press(duo, duo.find_element("#metric-crumbs a"))
    until(lambda: drill_values(duo) == [], timeout=10)
    settle(duo)
    assert crumbs(duo) == first[0] and page_kept(duo)


def test_switching_language_keeps_the_drill(duo: DashComposite) -> None:
    open_view(duo, DRILL + "?lang=en")
    click_bar(duo, 0)
    path = drill_values(duo)
    press(duo, duo.find_element("#shell-lang-zh"))
    until(lambda: parse_qs(urlparse(duo.driver.current_url).query).get("lang") == ["zh"], timeout=10)
    settle(duo)
    assert drill_values(duo) == path and crumbs(duo)[0] == "数据准确率"
    assert crumbs(duo)[1] == labels.value_label("department", path[0], "zh")


def test_records_page_and_sort_on_the_server(duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    engine = demo_runtime.engine
    base = Filters(*ViewState(period="ytd").period_bounds(demo_runtime.config.today()))
    path = next(p for p in (("procurement", "ERP", "material"), ("sales", "CRM", "customer"),
                            ("production", "ERP", "material"))
                if engine.detail("data_accuracy", engine.drill("data_accuracy", base, p)[1], 0, 1).data.total > 25)
    open_view(duo, f"{DRILL}?period=ytd&" + "&".join(f"drill={v}" for v in path) + "&lang=en")
    first = records(duo)
    assert len(first) == 25 and "Page 1 of" in duo.find_element(".records-summary").text
    press(duo, duo.find_element("#metric-pager").find_element(By.LINK_TEXT, "2"))
    until(lambda: parse_qs(urlparse(duo.driver.current_url).query).get("page") == ["2"], timeout=10)
    settle(duo)
    second = records(duo)
    assert second and second[0]["Record"] not in {r["Record"] for r in first}
    press(duo, duo.find_element(".records-table th.col-code button"))
    until(lambda: parse_qs(urlparse(duo.driver.current_url).query).get("sort") == ["code"], timeout=10)
    settle(duo)
    codes = [r["Code"] for r in records(duo)]
    expected = engine.detail("data_accuracy", engine.drill("data_accuracy", base, path)[1], 0, 25, "code").data
    assert codes == [c if c is not None else "—" for c in expected.rows["code"]]
    assert "Page 1 of" in duo.find_element(".records-summary").text  # a new sort starts at the first page


def test_breakdown_by_another_dimension(duo: DashComposite) -> None:
    open_view(duo, DRILL + "?lang=en")
    duo.driver.find_element(By.XPATH, "//*[@id='metric-dimension']//label[text()='Source system']").click()
    until(lambda: parse_qs(urlparse(duo.driver.current_url).query).get("by") == ["source_system"], timeout=10)
    settle(duo)
    names = duo.driver.execute_script("return document.querySelector('#metric-breakdown .js-plotly-plot').data[0].y;")
    assert "Supplier portal" in names  # systems are named, not shown as ids
    assert "Drilling follows" in duo.find_element("#metric-hint").text


def test_summary_trend_and_how_it_is_computed(duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    engine = demo_runtime.engine
    open_view(duo, DRILL + "?lang=en")
    _h, _raw, printed = cli_query(demo_runtime, query("data_accuracy"))[0]
    assert duo.find_element("#summary-data_accuracy .kpi-value").text == printed[0][1]
    figure = duo.driver.execute_script(
        "const g = document.querySelector('#metric-trend .js-plotly-plot'); return {data: g.data, layout: g.layout};")
    linked = {r["milestone_id"] for r in engine.milestones().iter_rows(named=True)
              if "data_accuracy" in r["kpis"].split(",")}
    lane = next(t for t in figure["data"] if t.get("yaxis") == "y2")
    assert linked and set(lane["text"]) - {""} <= linked and len(lane["text"]) >= 1  # '': no room for the label
    target = demo_runtime.catalogue["data_accuracy"].target
    assert any(s.get("y0") == target and s.get("y1") == target for s in figure["layout"]["shapes"])
    assert duo.find_element("#metric-projection").text  # when the trend reaches the target, in words
    # Closed by default, its code behind "analyst details": opened, with the details on, as an analyst would.
    duo.driver.execute_script("document.querySelector('details.explain').open = true;"
                              "document.body.classList.add('analyst-on');")
    explain = duo.find_element("#metric-explain").text
    assert "demo.master_records" in explain and "updated_at" in explain
    assert "python app.py --language en query data_accuracy" in explain
    assert len(duo.find_elements("#metric-milestones li")) == len(lane["text"])
    # Every tick label is readable: inside the chart, none cut off at its edges.
    clipped = duo.driver.execute_script("""
        const box = document.querySelector('#metric-trend .js-plotly-plot').getBoundingClientRect();
        const ticks = [...document.querySelectorAll('#metric-trend .xtick text, #metric-trend .ytick text')];
        return [ticks.length, ticks.map(t => t.getBoundingClientRect()).filter(r => r.left < box.left ||
            r.right > box.right || r.top < box.top || r.bottom > box.bottom).length];""")
    assert clipped[0] >= 6 and clipped[1] == 0, clipped


def test_export_breakdown_as_csv(duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    open_view(duo, DRILL + "?lang=en")
    folder = Path(duo.download_path)
    for old in folder.glob("*.csv"):
        old.unlink()
    duo.find_element(".export-menu .dropdown-toggle").click()
    duo.find_element("#metric-export-breakdown").click()
    until(lambda: list(folder.glob("vantage-data_accuracy-by-department-*.csv")), timeout=10)
    time.sleep(0.3)
    text = next(folder.glob("*.csv")).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    frame = demo_runtime.engine.breakdown(
        "data_accuracy", Filters(*ViewState().period_bounds(demo_runtime.config.today())), "department").data
    assert [r["department"] for r in rows] == list(frame["department"])
    assert [float(r["value_raw"]) for r in rows] == pytest.approx(list(frame["value"]))
    assert [float(r["value"]) for r in rows] == [round(v, 3) for v in frame["value"]]  # as shown: 95.9% is 0.959
    assert rows[0]["department_name"]
    # PNG comes from plotly's own camera button on each chart.
    assert duo.find_elements("#metric-breakdown .modebar-btn[data-title='Download plot as a PNG']")


def test_a_copied_drill_link_opens_the_same_view_in_a_fresh_browser(duo: DashComposite) -> None:
    open_view(duo, DRILL + "?period=quarter&drill=procurement&lang=zh&theme=dark")
    before = (crumbs(duo), bar_ids(duo), duo.find_element("#summary-data_accuracy .kpi-value").text)
    url = duo.driver.current_url
    duo.driver.delete_all_cookies()
    duo.driver.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")
    duo.driver.get("about:blank")
    open_view(duo, url.removeprefix(duo.server_url))
    assert (crumbs(duo), bar_ids(duo), duo.find_element("#summary-data_accuracy .kpi-value").text) == before
    assert before[0][1].endswith("采购部") and "数据准确率" in duo.find_element(".metric-title").text


@pytest.mark.parametrize("path, message", [
    ("/metric/data_acuracy", "unknown metric 'data_acuracy'"),
    (DRILL + "?period=custom&from=2026-05-01&to=2026-04-01", "before it starts"),
])
def test_wrong_addresses_explain_themselves(duo: DashComposite, path: str, message: str) -> None:
    open_view(duo, path)
    errors = [e.text for e in duo.find_elements(".error-block") if e.is_displayed()]
    assert len(errors) == 1 and message in errors[0] and "To fix this" in errors[0]


def test_screenshots_of_a_drill_down(duo: DashComposite) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        open_view(duo, f"{DRILL}?period=quarter&drill=procurement&drill=ERP&drill=material&lang=en&theme={theme}")
        screenshot(duo, SCREENSHOTS / f"drill-{theme}.png", scroll_to=".drill-section")


def test_no_errors_in_the_browser_console(duo: DashComposite) -> None:
    open_view(duo, DRILL + "?lang=en")
    assert duo.get_logs() == []
