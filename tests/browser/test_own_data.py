"""A config of one's own, without the demo, in a real Chromium: the Palmer penguins export (tests/data, CC0) through
`python app.py init`, served as written. No demo department shows anywhere, no page that cannot work is offered, no
error box is shown, and a page opened by address says what it needs."""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator

import pytest
from dash.testing.application_runners import ThreadedRunner
from dash.testing.composite import DashComposite
from selenium.webdriver.chrome.options import Options

import app as vantage
from config.settings import DEMO_CONFIG, load_config
from core import labels
from dashboard.app import create_app
from tests.browser.test_overview import SCREENSHOTS, screenshot, settle
from tests.conftest import TODAY, run_cli
from tests.data.penguins import CSV

# Every name the demo gives a department, in both languages: none belongs on a dashboard of other data.
DEMO_DEPARTMENTS = tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))["labels"]["department"]
DEMO_NAMES = sorted({name for names in DEMO_DEPARTMENTS.values() for name in names})
NEEDY = ("/programme", "/assessment", "/feedback", "/league")  # the penguins hold no plan, survey or department
# Anything that announces a failure: error blocks, Bootstrap alerts, ARIA alerts.
ALARMS = ".error-block, .alert, [role='alert'], .tile-error, .view-warning"


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> vantage.Runtime:
    """`init` on the penguins export, then the config it wrote, wired as `serve` wires it."""
    out = tmp_path_factory.mktemp("penguins")
    done = run_cli("init", "--from", str(CSV), "--out", str(out), data_dir=out / "data")
    assert done.returncode == 0, done.stderr
    config = load_config(str(out / "vantage.toml"), {"today": TODAY}, environ={})
    assert not config.default_metrics and "demo" not in config.sources
    return vantage.wire(config)


@pytest.fixture(autouse=True)
def own_labels(own: vantage.Runtime) -> None:
    """The served config's names for the data's values (the shared fixtures install the demo's for each test)."""
    labels.install(own.config.labels)


@pytest.fixture(scope="module")
def browser(request: pytest.FixtureRequest, own: vantage.Runtime,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashComposite]:
    options = Options()
    options.add_argument("--window-size=1920,1080")
    with ThreadedRunner() as server, DashComposite(
            server=server, browser="chrome", headless=request.config.getoption("headless"), options=[options],
            download_path=str(tmp_path_factory.mktemp("downloads")), percy_run=False) as composite:
        composite.start_server(create_app(own.engine, own.config))
        yield composite


def visit(browser: DashComposite, path: str) -> str:
    """Open a page by address, wait until it has settled, and return what it shows."""
    browser.driver.get(browser.server_url + path)
    settle(browser)
    return str(browser.driver.execute_script("return document.body.innerText;"))


def nav_paths(browser: DashComposite) -> list[str]:
    return browser.driver.execute_script(
        "return [...document.querySelectorAll('#shell-nav a')].map(a => new URL(a.href).pathname);")


def shown_alarms(browser: DashComposite) -> list[str]:
    """The failure boxes a person would see (visible ones only)."""
    return browser.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].filter(e => e.offsetParent !== null)"
        ".map(e => e.className + ': ' + e.innerText);", ALARMS)


def demo_departments_in(browser: DashComposite, text: str) -> list[str]:
    """Demo department names in the page's text, and demo department ids among its choices and links."""
    found = [name for name in DEMO_NAMES if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)]
    values = browser.driver.execute_script(
        "return [...document.querySelectorAll('option, [role=option], input[type=radio], a')]"
        ".map(e => e.value || e.getAttribute('data-value') || new URL(e.href || 'x:', location.href).search || '');")
    found += [key for key in DEMO_DEPARTMENTS for value in values
              if value == key or f"dept={key}" in str(value)]
    return found


def test_only_pages_that_can_work_are_offered(browser: DashComposite, own: vantage.Runtime) -> None:
    visit(browser, "/")
    offered = nav_paths(browser)
    assert offered == ["/"]  # the overview; the plan, survey, maturity and department pages cannot work on these rows
    assert not set(NEEDY) & set(offered)


def test_no_demo_department_and_no_error_on_any_page_reachable_from_the_navigation(
        browser: DashComposite, own: vantage.Runtime) -> None:
    text = visit(browser, "/")
    pages = {path: text for path in nav_paths(browser)}
    tiles = browser.driver.execute_script(
        "return [...document.querySelectorAll('.pillars a.kpi-link, .hero-strip a.kpi-link')]"
        ".map(a => new URL(a.href).pathname);")
    assert sorted(set(tiles)) == sorted(f"/metric/{key}" for key in own.catalogue)
    for path in [*pages, *sorted(set(tiles))]:
        shown = visit(browser, path)
        assert shown.strip(), path
        assert demo_departments_in(browser, shown) == [], path
        assert shown_alarms(browser) == [], path


def test_the_last_month_without_rows_shows_the_latest_month_with_data(browser: DashComposite,
                                                                      own: vantage.Runtime) -> None:
    """The penguins' last eggs were laid in December 2009; the dashboard opens on October 2026."""
    visit(browser, "/")
    periods = browser.driver.execute_script(
        "return [...document.querySelectorAll('.kpi-tile[data-metric]')].map(t => "
        "[t.dataset.metric, t.dataset.state, (t.querySelector('.kpi-period') || {}).innerText,"
        " (t.querySelector('.kpi-asof') || {}).innerText]);")
    assert {key for key, *_ in periods} == set(own.catalogue)
    for key, state, period, as_of in periods:
        assert state in ("ok", "stale"), key
        assert period == "Dec 2009 — latest month with data", key
        assert "2009" in as_of, key  # the as-of of another year carries its year
    path = SCREENSHOTS / "own-data-overview.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    screenshot(browser, path)


@pytest.mark.parametrize("path, sentence, lang", [
    ("/programme", "declare the source that holds its phases, workstreams and milestones tables", "en"),
    ("/assessment", "register the metrics it reads, missing here:", "en"),
    ("/feedback", "register its metrics, missing here: feedback_satisfaction, complaint_share", "en"),
    ("/league", "give at least one KPI a 'department' dimension", "en"),
    ("/programme", "并在 [vantage] 下用 plan_source 指明它", "zh"),
])
def test_a_page_that_cannot_work_says_what_to_declare(browser: DashComposite, path: str, sentence: str,
                                                      lang: str) -> None:
    shown = visit(browser, f"{path}?lang={lang}")
    assert sentence in shown
    assert shown_alarms(browser) == []
    assert not browser.driver.find_elements("css selector", ".kpi-loading, .dash-graph")  # nothing left waiting
    link = browser.driver.find_element("css selector", ".needs-link")
    assert re.fullmatch(r".*/README\.md#[a-z-]+", link.get_attribute("href") or "")
    assert ("README" in link.text) and (("How to declare it" in link.text) == (lang == "en"))
    if path == "/programme" and lang == "en":
        shot = SCREENSHOTS / "own-data-programme.png"
        screenshot(browser, shot)
