"""The wall screen in a real Chromium: slides rotate on their own with their place and time left shown, the
numbers are the engine's, the navigation is gone, and when the server goes away the screen keeps its numbers with
a "reconnecting" badge and recovers by itself, without a reload (but reloads for a new build)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
from dash.testing.composite import DashComposite
from dash.testing.wait import until

import app as vantage
from access.audit import AuditTrail
from cli.commands import query as cli_query
from dashboard.pages.wall._screen import BUILD_PARTS
from metrics.engine.periods import Filters, resolve_period
from metrics.semantics import registry
from metrics.semantics.format import format_value
from tests.conftest import ROOT, TODAY

# One server and browser per module: the same fixtures and helpers as the overview's tests.
from tests.browser.test_overview import SCREENSHOTS, demo_runtime, duo, query  # noqa: F401
from tests.dashboard.pages.test_wall_access import wall_config

THREE = """
[playlists.three]
title = "Three slides"
seconds = 2
refresh_seconds = 5
slides = [
    { page = "overview", period = "month" },
    { page = "metric", metric = "data_accuracy", period = "month" },
    { page = "programme" },
]
"""
RESULTS = ("data_accuracy", "hours_saved", "error_reduction")
# The state of the screen as a person sees it: the visible slide, the indicator, the badge.
SCREEN = """
if (!document.getElementById('wall-indicator')) { return {active: [], answers: 0, offline: false}; }
const active = [...document.querySelectorAll('.wall-slide')].filter(s => getComputedStyle(s).visibility === 'visible');
const badge = document.getElementById('wall-offline');
return {active: active.map(s => Number(s.dataset.index)),
        indicator: document.getElementById('wall-indicator').innerText,
        offline: getComputedStyle(badge).display !== 'none', badge: badge.innerText,
        answers: (window.vantageWall || {}).answers || 0, marker: window.loadedOnce || null,
        bar: getComputedStyle(document.getElementById('wall-progress')).animationDuration};
"""


class Served:
    """The dashboard in its own process on a fixed port, as a wall's server runs: stopped and started again.

    It runs from its own copy of the code, a build of its own: a new build is a change to that copy.
    """

    def __init__(self, config: Path, data: Path, build: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        for part in BUILD_PARTS:
            source = ROOT / part
            if source.is_file():
                shutil.copy2(source, build / part)
            else:
                shutil.copytree(source, build / part, ignore=shutil.ignore_patterns("__pycache__"))
        self.build = build
        self.command = [sys.executable, str(build / "app.py"), "--config", str(config), "--data-dir", str(data),
                        "--today", TODAY, "serve", "--port", str(self.port)]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
        self.process = subprocess.Popen(self.command, cwd=self.build, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        until(self.answers, timeout=60)

    def answers(self) -> bool:
        try:
            return urllib.request.urlopen(self.url + "/_reload-hash", timeout=1).status == 200
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="module")
def served(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, vantage.Runtime]]:
    """A server for the three-slide playlist at 2 s, and a runtime over the same config (for the engine's numbers)."""
    folder = tmp_path_factory.mktemp("wall-browser")
    config = wall_config(folder, data_dir, THREE, login=False)
    (folder / "build").mkdir()
    server = Served(config.path, folder / "data", folder / "build")
    server.start()
    registry.reset()
    yield server, vantage.wire(config)
    server.stop()


def screen(duo: DashComposite) -> dict:
    return duo.driver.execute_script(SCREEN)


def open_wall(duo: DashComposite, url: str) -> None:
    duo.driver.get(url)
    until(lambda: screen(duo)["answers"] >= 1, timeout=30)


def shown_value(duo: DashComposite, slide: int, key: str) -> str:
    """A card's value as its three parts read together ('1,445' and ' h' → '1,445 h')."""
    return duo.driver.execute_script(
        "return ['pre', 'value', 'post'].map(f => document.getElementById(`wall-s${arguments[0]}-${arguments[1]}-${f}`)"
        ".textContent).join('');", slide, key)


def engine_value(rt: vantage.Runtime, key: str, period: str = "month") -> str:
    h = rt.engine.headline(key, Filters(*resolve_period(period, rt.config.today()))).data
    return format_value(h.value, rt.engine.metric(key).unit, "en")


# -- the demo's lobby playlist, on the module's app --------------------------------------------------------------
def test_the_lobby_hides_the_navigation_fills_the_screen_and_shows_the_engines_numbers(
        duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    duo.reset_log_timestamp()
    open_wall(duo, duo.server_url + "/wall/lobby")
    assert not duo.find_element(".vantage-navbar").is_displayed()
    assert duo.driver.execute_script(
        "const r = document.getElementById('wall-root').getBoundingClientRect();"
        "return r.top === 0 && r.left === 0 && r.width === innerWidth && r.height === innerHeight"
        " && document.documentElement.scrollHeight <= innerHeight;")
    for key in RESULTS:
        _h, _raw, printed = cli_query(demo_runtime, query(key))[0]
        assert shown_value(duo, 0, key) == printed[0][1] == engine_value(demo_runtime, key)  # the CLI's number
    assert shown_value(duo, 1, "data_accuracy") == engine_value(demo_runtime, "data_accuracy", "quarter")
    assert duo.find_element("#wall-s3-done").get_attribute("textContent").count("/") == 1
    assert duo.driver.title == "Programme results · Vantage"
    assert duo.get_logs() == []


def at_first_slide(duo: DashComposite) -> None:
    """Shift the page's clock (not the screen's) so the rotation has just turned to the first slide."""
    duo.driver.execute_script("""
        const total = window.vantageWall.total * 1000, real = Date.now.bind(Date);
        const shift = total - (real() % total) + 300;
        Date.now = () => real() + shift;""")
    until(lambda: screen(duo)["active"] == [0], timeout=5)
    time.sleep(1)  # the fade-in ends


@pytest.mark.parametrize("name, width, height", [("wall-1080.png", 1920, 1080), ("wall-4k.png", 3840, 2160)])
def test_screenshots_at_1080p_and_4k(duo: DashComposite, name: str, width: int, height: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    open_wall(duo, duo.server_url + "/wall/lobby")
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        at_first_slide(duo)
        size = duo.driver.execute_script("return [innerWidth, innerHeight, document.fonts.status]")
        assert size == [width, height, "loaded"]
        # Scaled by the viewport, not reflowed: the value is the same share of the screen on both.
        share = duo.driver.execute_script(
            "return document.getElementById('wall-s0-data_accuracy-value').getBoundingClientRect().height"
            " / innerHeight")
        assert 0.08 < share < 0.15
        duo.driver.save_screenshot(str(SCREENSHOTS / name))
    finally:
        duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


# -- a three-slide playlist at 2 s, on a server of its own --------------------------------------------------------
def test_each_slide_shows_in_turn_with_its_place_and_time_left(duo: DashComposite, served: tuple) -> None:
    server, rt = served
    audit = AuditTrail(rt.config.data_path / "audit.sqlite")
    views = len([e for e in audit.entries() if e["what"] == "wall:three"])
    open_wall(duo, server.url + "/wall/three")
    seen: list[tuple[int, str]] = []
    deadline = time.monotonic() + 9
    while time.monotonic() < deadline:
        now = screen(duo)
        if len(now["active"]) == 1 and (not seen or seen[-1][0] != now["active"][0]):
            seen.append((now["active"][0], now["indicator"]))
            assert now["bar"] == "2s"
        time.sleep(0.1)
    order = [i for i, _ in seen]
    assert len(order) >= 4 and all((b - a) % 3 == 1 for a, b in zip(order, order[1:]))  # 0 → 1 → 2 → 0 ...
    assert {text for _, text in seen} == {"1 / 3", "2 / 3", "3 / 3"}
    assert all(text == f"{i + 1} / 3" for i, text in seen)
    for key in RESULTS:
        assert shown_value(duo, 0, key) == engine_value(rt, key)
    assert not duo.find_element(".vantage-navbar").is_displayed()
    # Refreshed at least once in those 9 s, and audited once: for the page load, not per refresh or slide.
    assert screen(duo)["answers"] >= 2
    assert len([e for e in audit.entries() if e["what"] == "wall:three"]) == views + 1


def test_the_screen_survives_a_server_restart_without_reloading(duo: DashComposite, served: tuple) -> None:
    server, rt = served
    open_wall(duo, server.url + "/wall/three")
    duo.driver.execute_script("window.loadedOnce = 'this page load';")
    before = shown_value(duo, 0, "data_accuracy")
    server.stop()
    until(lambda: screen(duo)["offline"], timeout=20)
    assert "Reconnecting" in screen(duo)["badge"]
    shown = {screen(duo)["indicator"]}
    deadline = time.monotonic() + 4.5
    while time.monotonic() < deadline:  # still rotating, still showing the last numbers
        shown.add(screen(duo)["indicator"])
        time.sleep(0.2)
    assert len(shown) >= 2 and shown_value(duo, 0, "data_accuracy") == before
    answers = screen(duo)["answers"]
    server.start()  # the same port, a new process
    until(lambda: not screen(duo)["offline"] and screen(duo)["answers"] > answers, timeout=20)
    assert screen(duo)["marker"] == "this page load"  # recovered in place: no reload
    assert shown_value(duo, 0, "data_accuracy") == engine_value(rt, "data_accuracy")


def test_a_restart_with_a_new_build_reloads_the_screen_once(duo: DashComposite, served: tuple) -> None:
    server, _ = served
    open_wall(duo, server.url + "/wall/three")
    duo.driver.execute_script("window.sessionStorage.clear(); window.loadedOnce = 'the old build';")
    old = duo.driver.execute_script("return window.vantageWall.build")
    server.stop()
    with (server.build / "assets" / "wall.css").open("a") as css:
        css.write("\n/* the next release */\n")
    server.start()
    until(lambda: duo.driver.execute_script("return !window.loadedOnce && !!window.vantageWall"
                                            " && window.vantageWall.answers > 0"), timeout=30)
    assert duo.driver.execute_script("return window.vantageWall.build") not in (None, old)
    assert screen(duo)["indicator"].endswith("/ 3")
