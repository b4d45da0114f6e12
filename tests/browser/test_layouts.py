"""Every page at a phone's, a laptop's, a full-HD and a 4K screen's width: nothing wider than the screen, the
headline tiles' value, change and status in full view, and the navigation folded behind a button when narrow."""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dash.testing.composite import DashComposite
from dash.testing.wait import until
from selenium.webdriver.common.by import By

# One server and browser per module: the same fixtures and helpers as the overview's tests.
from tests.browser.test_overview import demo_runtime, duo, settle  # noqa: F401

SHOTS = Path("/tmp/helpers/shots")
SIZES = {"phone": (390, 844, True), "laptop": (1366, 768, False), "fullhd": (1920, 1080, False),
         "4k": (3840, 2160, False)}
PAGES = {"overview": "/", "metric": "/metric/data_accuracy", "programme": "/programme", "league": "/league",
         "assessment": "/assessment", "feedback": "/feedback"}

# Elements whose right edge passes the screen's: a plotly chart's own drawing and anything inside a box that
# scrolls sideways (a wide table in .table-responsive) do not count; nor do hidden ones.
OVERFLOWING = """
const width = arguments[0];
function scrolls(el) {
  for (let p = el.parentElement; p; p = p.parentElement) {
    const x = getComputedStyle(p).overflowX;
    if ((x === 'auto' || x === 'scroll') && p !== document.documentElement && p !== document.body) { return true; }
  }
  return false;
}
const out = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('svg, .js-plotly-plot .plot-container') || scrolls(el)) { continue; }
  const r = el.getBoundingClientRect();
  if (r.width === 0 || r.height === 0) { continue; }
  if (r.right > width + 1 || r.left < -1) {
    out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + [...el.classList].join('.')
      + ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + ']');
  }
}
return {scroll: document.documentElement.scrollWidth, wide: out.slice(0, 15)};
"""
# Each headline tile: its value and status badge shown whole and inside the tile.
TILE_PROBLEMS = """
const out = [];
for (const tile of document.querySelectorAll('.kpi-tile.hero, .kpi-tile.summary')) {
  const box = tile.getBoundingClientRect();
  const inside = r => r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1
    && r.bottom <= box.bottom + 1;
  for (const sel of ['.kpi-value', '.status-badge', '.kpi-delta']) {
    const el = tile.querySelector(sel);
    if (!el) { if (sel !== '.kpi-delta') { out.push(tile.id + ' has no ' + sel); } continue; }
    const r = el.getBoundingClientRect();
    if (r.width === 0) { out.push(tile.id + ' ' + sel + ' not shown'); }
    if (el.scrollWidth > el.clientWidth + 1) {
      out.push(tile.id + ' ' + sel + ' clipped: ' + el.scrollWidth + ' > ' + el.clientWidth);
    }
    if (!inside(r)) { out.push(tile.id + ' ' + sel + ' outside its tile'); }
  }
}
return out;
"""


@pytest.fixture
def sized(duo: DashComposite, request: pytest.FixtureRequest) -> Iterator[tuple[str, int, int]]:  # noqa: F811
    name = request.param
    width, height, mobile = SIZES[name]
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
    try:
        yield name, width, height
    finally:
        duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def open_at(duo: DashComposite, path: str) -> None:  # noqa: F811
    duo.driver.get(duo.server_url + path)
    until(lambda: duo.driver.execute_script("return !!document.querySelector('#_pages_content > *')"), timeout=30)
    settle(duo)


def layout_problems(duo: DashComposite, width: int) -> list[str]:  # noqa: F811
    found: dict[str, Any] = duo.driver.execute_script(OVERFLOWING, width)
    problems = [f"page {found['scroll']} px wide"] if found["scroll"] > width else []
    return problems + [f"wider than the screen: {w}" for w in found["wide"]] + duo.driver.execute_script(TILE_PROBLEMS)


@pytest.mark.parametrize("sized", list(SIZES), indirect=True)
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_fits_the_screen(duo: DashComposite, sized: tuple[str, int, int], page: str) -> None:  # noqa: F811
    size, width, _ = sized
    open_at(duo, PAGES[page] + "?lang=en")
    if page == "metric":  # the open explanation is the tallest, widest part of the page
        duo.driver.execute_script("document.querySelector('details.explain').open = true;")
        until(lambda: duo.driver.execute_script("return !!document.querySelector('.explain-list dd')"), timeout=20)
        settle(duo)
    time.sleep(0.3)  # charts re-lay themselves out to the width
    SHOTS.mkdir(parents=True, exist_ok=True)
    duo.driver.save_screenshot(str(SHOTS / f"layout-{page}-{width}.png"))
    if page == "metric":
        duo.driver.execute_script("document.querySelector('details.explain').scrollIntoView({block: 'start'});")
        time.sleep(0.5)
        duo.driver.save_screenshot(str(SHOTS / f"layout-metric-explain-{width}.png"))
    problems = layout_problems(duo, width)
    assert problems == [], f"{page} at {size}: " + "\n".join(problems)
    if page == "metric":
        shown = [dd for dd in duo.driver.find_elements(By.CSS_SELECTOR, ".explain-list dd") if dd.is_displayed()]
        assert shown, "the explanation is shown"
        for dd in shown:  # (an analyst's rows are hidden until switched on)
            assert dd.rect["width"] > 40, f"an explanation squeezed to {dd.rect['width']} px at {size}"
    if page == "overview":
        heroes = duo.driver.find_elements(By.CSS_SELECTOR, ".hero-strip .kpi-tile.hero")
        assert len(heroes) == 3
        if width >= 1366:  # a laptop and wider: the three results side by side, in one row above the fold
            tops = {round(h.rect["y"]) for h in heroes}
            assert len(tops) == 1, f"results in rows at {size}: {tops}"


@pytest.mark.parametrize("sized", ["phone"], indirect=True)
@pytest.mark.parametrize("page", ["overview", "metric", "programme", "league"])
def test_chinese_fits_a_phone(duo: DashComposite, sized: tuple[str, int, int], page: str) -> None:  # noqa: F811
    _, width, _ = sized
    open_at(duo, PAGES[page] + "?lang=zh")
    time.sleep(0.3)
    duo.driver.save_screenshot(str(SHOTS / f"layout-{page}-{width}-zh.png"))
    problems = layout_problems(duo, width)
    assert problems == [], f"{page} in Chinese: " + "\n".join(problems)


@pytest.mark.parametrize("sized", ["phone", "laptop"], indirect=True)
def test_the_navigation_folds_on_a_phone(duo: DashComposite, sized: tuple[str, int, int]) -> None:  # noqa: F811
    size, width, _ = sized
    open_at(duo, "/?lang=en")
    toggler = duo.driver.find_element(By.ID, "shell-toggler")
    links = duo.driver.find_elements(By.CSS_SELECTOR, "#shell-nav .nav-link")
    assert links, "the navigation has links"
    if size == "laptop":
        assert not toggler.is_displayed() and all(link.is_displayed() for link in links)
        return
    assert toggler.is_displayed() and not any(link.is_displayed() for link in links)
    assert toggler.get_attribute("aria-label") == "Menu: pages and settings"
    toggler.click()
    until(lambda: all(link.is_displayed() for link in links), timeout=5)
    opened = "return !!document.querySelector('.navbar-collapse.show:not(.collapsing)')"
    until(lambda: duo.driver.execute_script(opened), timeout=5)  # the menu has finished sliding open
    for button in ("shell-lang-en", "shell-lang-zh", "shell-theme", "shell-analyst"):
        assert duo.driver.find_element(By.ID, button).is_displayed(), f"{button} reachable in the opened menu"
    SHOTS.mkdir(parents=True, exist_ok=True)
    duo.driver.save_screenshot(str(SHOTS / f"layout-menu-{width}.png"))
    assert layout_problems(duo, width) == []
    duo.driver.find_element(By.ID, "shell-analyst").click()  # the switches still work from the folded menu
    until(lambda: "analyst-on" in duo.driver.find_element(By.TAG_NAME, "body").get_attribute("class"), timeout=5)
    duo.driver.find_element(By.ID, "shell-analyst").click()
    until(lambda: "analyst-on" not in duo.driver.find_element(By.TAG_NAME, "body").get_attribute("class"), timeout=5)
    toggler.click()
    until(lambda: not any(link.is_displayed() for link in links), timeout=5)
