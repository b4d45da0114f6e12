"""The overview in a real Chromium: every tile shows what the CLI prints, the view lives in the URL,
Chinese and dark theme work, and a failing source stays inside its own tile."""
from __future__ import annotations

import argparse
import json
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import parse_qs, urlparse

import pytest
from dash.testing.application_runners import ThreadedRunner
from dash.testing.composite import DashComposite
from dash.testing.wait import until
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import app as vantage
from cli.commands import query as cli_query
from config.settings import load_config
from dashboard.app import create_app
from metrics.semantics import registry
from metrics.semantics.format import format_value
from metrics.semantics.model import listed
from tests.conftest import DEMO_RECORDS, DOCS, ROOT, TODAY, run_cli

SCREENSHOTS = DOCS / "screenshots"
RESULTS = ("data_accuracy", "hours_saved", "error_reduction")
# True once the page shows all its numbers: no placeholder tile, no Dash update in flight, charts and fonts drawn.
SETTLED = """
return !!document.querySelector('#_pages_content > *')
  && (window.dash_stores || []).every(store => !store.getState().isLoading)
  && !document.querySelector('.kpi-loading, [data-dash-is-loading="true"], ._dash-loading')
  && document.fonts.status === 'loaded'
  && [...document.querySelectorAll('.dash-graph')].every(g => g.offsetParent === null || g.querySelector('.main-svg'));
"""


# -- a browser and a server shared by the module ---------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_runtime(data_dir: Path) -> vantage.Runtime:
    registry.reset()
    config = load_config(None, {"data_dir": str(data_dir), "today": TODAY, "demo_records": DEMO_RECORDS}, environ={})
    return vantage.wire(config)


@pytest.fixture(scope="module")
def duo(request: pytest.FixtureRequest, demo_runtime: vantage.Runtime,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[DashComposite]:
    """dash_duo's server and browser, started once for the module (a new browser per test costs seconds)."""
    options = Options()
    options.add_argument("--window-size=1920,1080")
    with ThreadedRunner() as server, DashComposite(
            server=server, browser="chrome", headless=request.config.getoption("headless"), options=[options],
            download_path=str(tmp_path_factory.mktemp("downloads")), percy_run=False) as composite:
        composite.start_server(create_app(demo_runtime.engine, demo_runtime.config))
        yield composite


def screenshot(duo: DashComposite, path: Path, scroll_to: str = "") -> None:
    """Save what a 1920 × 1080 screen shows (the page area, emulated, so the window's frame does not count)."""
    metrics = {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False}
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        if scroll_to:
            duo.driver.execute_script(
                f"document.querySelector('{scroll_to}').scrollIntoView({{block: 'start', behavior: 'instant'}});")
        settle(duo)
        time.sleep(0.4)  # charts re-lay themselves out to the new width
        duo.driver.save_screenshot(str(path))
    finally:
        duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def open_view(duo: DashComposite, path: str) -> None:
    duo.driver.get(duo.server_url + path)
    settle(duo)


def settle(duo: DashComposite, timeout: float = 30) -> None:
    """Wait until the page is settled, twice in a row: one callback's answer can start the next."""
    def settled() -> bool:
        if not duo.driver.execute_script(SETTLED):
            return False
        time.sleep(0.15)
        return bool(duo.driver.execute_script(SETTLED))

    until(settled, timeout=timeout)


def tile_values(duo: DashComposite, container: str = ".pillars") -> dict[str, str]:
    """Every tile's value as the page shows it, by metric key ('' for a tile without a number)."""
    return duo.driver.execute_script(
        "const out = {}; document.querySelectorAll(arguments[0] + ' .kpi-tile[data-metric]').forEach(tile => {"
        "  const value = tile.querySelector('.kpi-value'); out[tile.dataset.metric] = value ? value.innerText : ''; });"
        "return out;", container)


def query(key: str, **options: Any) -> argparse.Namespace:
    """The arguments `python app.py query KEY` parses to."""
    defaults = dict(metric=key, by=None, grain=None, period="month", date_from=None, date_to=None, where=None,
                    format="table")
    return argparse.Namespace(**{**defaults, **options})


def query_string(duo: DashComposite) -> dict[str, list[str]]:
    return parse_qs(urlparse(duo.driver.current_url).query)


# -- tests -------------------------------------------------------------------------------------------------------
def test_every_tile_shows_the_number_the_cli_prints(duo: DashComposite, demo_runtime: vantage.Runtime,
                                                    data_dir: Path) -> None:
    open_view(duo, "/")
    shown = tile_values(duo)
    kpis = listed(demo_runtime.catalogue)  # a tile per listed KPI (the maturity questionnaire is not one)
    assert set(shown) == set(kpis)
    for key in kpis:
        _header, _raw, printed = cli_query(demo_runtime, query(key))[0]
        assert shown[key] == printed[0][1], key  # the CLI's table prints this very string
    # And through the real command line, as a person would check the three results (run side by side).
    with ThreadPoolExecutor(len(RESULTS)) as pool:
        outputs = dict(zip(RESULTS, pool.map(
            lambda k: run_cli("query", k, "--format", "json", data_dir=data_dir), RESULTS)))
    heroes = tile_values(duo, ".hero-strip")
    for key, out in outputs.items():
        assert out.returncode == 0, out.stderr
        printed = json.loads(out.stdout)[0]
        expected = format_value(printed["value"], demo_runtime.catalogue[key].unit, "en")
        assert heroes[key] == expected == shown[key]
    assert duo.find_element(".filter-period-label").text == "Oct 2026"  # last complete month before 2026-11-27


def test_tile_status_and_freshness_come_from_the_engine(duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    open_view(duo, "/")
    for key in ("data_accuracy", "hours_saved"):
        _h, raw, _s = cli_query(demo_runtime, query(key))[0]
        tile = duo.find_element(f"#tile-{key}")
        assert tile.get_attribute("data-status") == raw[0][7]
        assert "pp" in tile.text or " h" in tile.text  # the change against the previous period is shown
        assert "Baseline" in tile.text and "Target" in tile.text


def test_filters_go_into_the_url_and_a_tile_opens_its_metric_with_them(duo: DashComposite) -> None:
    open_view(duo, "/")
    Select(duo.find_element("#overview-department")).select_by_value("finance")
    until(lambda: query_string(duo).get("dept") == ["finance"], timeout=10)
    settle(duo)
    Select(duo.find_element("#overview-period")).select_by_value("quarter")
    until(lambda: query_string(duo).get("period") == ["quarter"], timeout=10)
    settle(duo)
    assert duo.find_element(".filter-period-label").text == "Q3 2026"
    # A metric without a department dimension says so instead of showing a programme-wide number.
    assert duo.find_element("#tile-milestones_on_time").get_attribute("data-state") == "not-filterable"
    assert "Cannot be filtered by department" in duo.find_element("#tile-milestones_on_time").text
    duo.find_element("#tile-data_accuracy a").click()
    until(lambda: urlparse(duo.driver.current_url).path == "/metric/data_accuracy", timeout=10)
    settle(duo)
    assert query_string(duo) == {"period": ["quarter"], "dept": ["finance"]}
    assert duo.find_element("#metric-department").get_attribute("value") == "finance"
    duo.driver.back()  # the overview with the same filters, from the browser's history
    until(lambda: urlparse(duo.driver.current_url).path == "/", timeout=10)
    settle(duo)
    assert query_string(duo) == {"dept": ["finance"], "period": ["quarter"]}


def test_a_copied_link_opens_the_same_view_in_a_fresh_browser(duo: DashComposite) -> None:
    open_view(duo, "/?period=custom&from=2026-04-01&to=2026-06-30&dept=sales&lang=zh&theme=dark")
    before, url = tile_values(duo), duo.driver.current_url
    duo.driver.delete_all_cookies()
    duo.driver.execute_script("window.localStorage.clear(); window.sessionStorage.clear();")
    duo.driver.get("about:blank")
    open_view(duo, url.removeprefix(duo.server_url))
    assert tile_values(duo) == before and duo.driver.current_url == url
    assert duo.find_element("#overview-department").get_attribute("value") == "sales"
    shown = [e.get_attribute("value") for e in duo.driver.find_elements(By.CSS_SELECTOR, ".filter-date input")]
    assert shown == ["2026年4月1日", "2026年6月30日"]  # the range, as Chinese writes days
    assert duo.driver.execute_script("return document.documentElement.getAttribute('data-bs-theme')") == "dark"
    assert "数据准确率" in duo.find_element("#tile-data_accuracy").text


def test_chinese_is_one_click_away_and_remembered(duo: DashComposite) -> None:
    open_view(duo, "/")
    duo.driver.execute_script("window.localStorage.clear();")
    duo.find_element("#shell-lang-zh").click()
    until(lambda: query_string(duo).get("lang") == ["zh"], timeout=10)
    settle(duo)
    assert "数据准确率" in duo.find_element("#hero-data_accuracy").text
    assert "采购部" in duo.find_element("#overview-department").text
    assert "总览" in duo.find_element("#shell-nav").text.splitlines()
    assert duo.driver.execute_script("return document.documentElement.lang") == "zh-CN"
    # A plain address opens in the remembered language, and the address then says so (ready to be copied).
    open_view(duo, "/")
    assert query_string(duo).get("lang") == ["zh"]
    assert "数据准确率" in duo.find_element("#tile-data_accuracy").text
    duo.find_element("#shell-lang-en").click()
    until(lambda: "lang" not in query_string(duo) or query_string(duo)["lang"] == ["en"], timeout=10)
    settle(duo)
    assert "Data accuracy" in duo.find_element("#tile-data_accuracy").text


def test_dark_theme_switch(duo: DashComposite) -> None:
    open_view(duo, "/?lang=en")
    duo.find_element("#shell-theme").click()
    until(lambda: query_string(duo).get("theme") == ["dark"], timeout=10)
    settle(duo)
    assert duo.driver.execute_script("return document.documentElement.getAttribute('data-bs-theme')") == "dark"
    duo.find_element("#shell-theme").click()
    until(lambda: query_string(duo).get("theme") == ["light"], timeout=10)
    duo.driver.execute_script("window.localStorage.clear();")


def test_screenshots_of_the_overview(duo: DashComposite) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        open_view(duo, f"/?lang=en&theme={theme}")
        assert not duo.find_elements(".error-block")
        screenshot(duo, SCREENSHOTS / f"overview-{theme}.png")
    duo.driver.execute_script("window.localStorage.clear();")


def test_no_errors_in_the_browser_console(duo: DashComposite) -> None:
    open_view(duo, "/?lang=en")
    assert duo.get_logs() == []


# -- a source that fails ------------------------------------------------------------------------------------------
BROKEN_METRICS = '''
"""Two KPIs of test sources: one whose files never existed, one whose file goes away after a good answer."""
import polars as pl

from metrics import Direction, Metric, MetricKind, Pillar, Text, Unit, register


def declare():
    common = dict(pillar=Pillar.INTEGRATION, kind=MetricKind.SIMPLE, unit=Unit.PERCENT, good=Direction.UP,
                  owner="Enterprise Architect", target=0.99, table="uptime", time_column="day",
                  value=pl.col("up").mean(), dimensions=("department",), drill_path=("department",),
                  detail_columns=("day", "department", "up"))
    register(
        Metric(key="portal_uptime", title=Text("Supplier portal uptime", "供应商门户可用率"),
               description=Text("Share of days the portal was up.", "门户可用天数占比。"), source="broken", **common),
        Metric(key="gateway_uptime", title=Text("API gateway uptime", "API 网关可用率"),
               description=Text("Share of days the gateway was up.", "网关可用天数占比。"), source="flaky", **common),
    )
'''


def demo_sources() -> str:
    """The [sources.*] sections of the embedded demo's config, as TOML text."""
    kept, keep = [], False
    for line in (ROOT / "config" / "demo.toml").read_text().splitlines():
        if line.startswith("["):
            keep = line.startswith("[sources.")
        if keep:
            kept.append(line)
    return "\n".join(kept) + "\n"


def test_a_failing_source_shows_in_its_tile_while_the_others_render(
        dash_duo: DashComposite, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "vantage_test_uptime.py").write_text(textwrap.dedent(BROKEN_METRICS))
    monkeypatch.syspath_prepend(str(tmp_path))
    flaky = tmp_path / "flaky"
    flaky.mkdir()
    days = [f"2026-{m:02d}-{d:02d}" for m in (9, 10, 11) for d in range(1, 29)]
    (flaky / "uptime.csv").write_text("day,department,up\n" + "".join(
        f"{day},it,{0 if n % 10 == 0 else 1}\n" for n, day in enumerate(days)))
    config_file = tmp_path / "vantage.toml"
    config_file.write_text('[vantage]\nplan_source = "demo"\nlogin_required = false\nmetric_modules = ["vantage_test_uptime"]\n\n'
                           + demo_sources() + textwrap.dedent(f"""
        [sources.broken]
        kind = "files"
        path = "/nonexistent/vantage-uptime"

        [sources.flaky]
        kind = "files"
        path = "{flaky}"
        cache_ttl_seconds = 0
        """))
    config = load_config(str(config_file), {"data_dir": str(data_dir), "today": TODAY}, environ={})
    rt = vantage.wire(config)
    assert any("broken" in f for f in rt.source_failures)
    dash_duo.start_server(create_app(rt.engine, rt.config))
    settle(dash_duo)
    broken = dash_duo.find_element("#tile-portal_uptime")
    assert broken.get_attribute("data-state") == "error"
    assert "no file for table 'uptime'" in broken.text and "To fix this" in broken.text
    assert "Traceback" not in dash_duo.find_element("body").text
    good = dash_duo.find_element("#tile-gateway_uptime")
    assert good.get_attribute("data-state") == "ok" and good.find_element(By.CSS_SELECTOR, ".kpi-value").text
    first_value = good.find_element(By.CSS_SELECTOR, ".kpi-value").text
    values = tile_values(dash_duo)
    assert all(v for k, v in values.items() if k != "portal_uptime")  # every other tile has its number
    # The flaky source goes away: its tile keeps the last good value, marked stale, with the reason.
    (flaky / "uptime.csv").unlink()
    dash_duo.driver.refresh()
    settle(dash_duo)
    stale = dash_duo.find_element("#tile-gateway_uptime")
    assert stale.get_attribute("data-state") == "stale"
    assert stale.find_element(By.CSS_SELECTOR, ".kpi-value").text == first_value
    assert "Stale" in stale.text and "no file for table 'uptime'" in stale.text
    assert dash_duo.get_logs() == []


@pytest.mark.parametrize("lang, first, last", [("en", "1 Oct 2026", "31 Oct 2026"),
                                               ("zh", "2026年10月1日", "2026年10月31日")])
def test_the_date_pickers_write_days_as_the_dashboard_does(duo: DashComposite, lang: str, first: str,
                                                           last: str) -> None:
    """One way to write a day per language: the pickers do not fall back to the browser's (US) format."""
    open_view(duo, f"/?lang={lang}")
    shown = [e.get_attribute("value") for e in duo.driver.find_elements(By.CSS_SELECTOR, ".filter-date input")]
    assert shown == [first, last]


def test_a_day_picked_makes_the_period_custom(duo: DashComposite) -> None:
    open_view(duo, "/")
    field = duo.driver.find_elements(By.CSS_SELECTOR, ".filter-date input")[1]
    field.click()
    day = duo.driver.find_elements(
        By.XPATH, "//*[@role='dialog' or contains(@class,'calendar')]//*[normalize-space(text())='15']")
    assert day, "the calendar opens on the month shown"
    day[0].click()
    until(lambda: query_string(duo).get("period") == ["custom"], timeout=10)
    assert query_string(duo).get("to") == ["2026-10-15"]
    settle(duo)
    assert duo.find_element(".filter-period-label").text == "1 Oct – 15 Oct 2026"


def test_formulas_and_commands_wait_behind_analyst_details(duo: DashComposite) -> None:
    """Closed by default for an executive; one switch shows them, and the browser remembers it."""
    open_view(duo, "/metric/data_accuracy")
    assert duo.driver.execute_script("return document.querySelector('details.explain').open") is False
    duo.driver.execute_script("document.querySelector('details.explain').open = true")
    until(lambda: duo.driver.find_elements(By.CSS_SELECTOR, ".explain-list code.cli"), timeout=20)
    shown = "return [...document.querySelectorAll('.explain-list code.cli, .explain-list code.formula')]" \
            ".map(e => e.offsetParent !== null)"
    definition = "return document.querySelector('.explain-list').innerText"
    assert duo.driver.execute_script(shown) == [False, False]
    assert "Share of master records" in duo.driver.execute_script(definition)  # the words stay for everyone
    duo.find_element("#shell-analyst").click()
    until(lambda: duo.driver.execute_script(shown) == [True, True], timeout=10)
    open_view(duo, "/metric/data_accuracy")  # remembered in this browser
    duo.driver.execute_script("document.querySelector('details.explain').open = true")
    until(lambda: duo.driver.execute_script(shown) == [True, True], timeout=20)
    duo.find_element("#shell-analyst").click()
    until(lambda: duo.driver.execute_script(shown) == [False, False], timeout=10)
