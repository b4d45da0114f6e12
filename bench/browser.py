"""Benchmark what a leadership user waits for, in real headless Chromium on the 1M-record demo.

    .venv/bin/python bench/browser.py [--records 1000000]

Measures the overview fully rendered (every tile with its number) and a drill click answered (the next level's bars
and breadcrumb on screen), cold (empty result cache) and warm; appends a dated table to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import OUT, TODAY, build  # noqa: E402
from tests.test_browser_overview import SETTLED  # noqa: E402

WARM_RUNS = 7
TILES_READY = ("document.querySelectorAll('.pillars .kpi-tile[data-metric]').length > 0 && "
               "[...document.querySelectorAll('.pillars .kpi-tile[data-metric]')].every("
               "t => t.querySelector('.kpi-value, .error-block, .kpi-note'))")
OVERVIEW_READY = f"return {TILES_READY};"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser():  # noqa: ANN201
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1920,1080"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    from selenium.webdriver.chrome.service import Service

    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def wait(driver, script: str, timeout: float = 120) -> None:  # noqa: ANN001
    deadline = time.time() + timeout
    while time.time() < deadline:
        if driver.execute_script(script) and driver.execute_script(SETTLED):
            return
        time.sleep(0.01)
    raise TimeoutError(script[:60])


def overview_seconds(driver, url: str) -> float:  # noqa: ANN001
    """From navigation start to every tile showing its number (timed in the page, frame by frame)."""
    driver.get(url)
    driver.set_script_timeout(120)
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        f"const ready = () => {TILES_READY};"
        "const tick = () => ready() ? done(performance.now() / 1000) : requestAnimationFrame(tick); tick();")


def drill_seconds(driver, url: str) -> float:  # noqa: ANN001
    """From the click on the worst department's bar (the button's release, when a click is complete) to the frame
    where the next level is on screen and every part of the page has its answer, timed in the page (the
    WebDriver's own latency is not the user's wait)."""
    from selenium.webdriver.common.action_chains import ActionChains

    driver.get(url)
    wait(driver, "return !!document.querySelector('#metric-breakdown .bars .point path');")
    bar = driver.find_elements("css selector", "#metric-breakdown .bars .point path")[0]
    ActionChains(driver).move_to_element(bar).pause(0.3).perform()
    driver.execute_script(
        "window.__drill = {}; const before = location.href;"
        "document.addEventListener('click', e => { window.__drill.click = e.timeStamp; }, "
        "{capture: true, once: true});"
        f"const settled = () => ({SETTLED.strip().removeprefix('return ').rstrip(';')});"
        "const ready = () => location.href !== before && "
        "document.querySelectorAll('#metric-crumbs .crumb-value').length >= 2 && "
        "!!document.querySelector('#metric-breakdown .bars .point path') && settled();"
        "const tick = () => ready() ? (window.__drill.ready = performance.now()) : requestAnimationFrame(tick);"
        "requestAnimationFrame(tick);")
    ActionChains(driver).click().perform()
    deadline = time.time() + 60
    while time.time() < deadline:
        found = driver.execute_script("return window.__drill;")
        if found.get("ready"):
            return (found["ready"] - found["click"]) / 1000
        time.sleep(0.05)
    raise TimeoutError("the drill step did not finish")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, default=1_000_000)
    args = p.parse_args()
    work = OUT / f"browser-{args.records}"
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "demo.sqlite").exists():
        shutil.copy(build(args.records), work / "demo.sqlite")
    port = free_port()
    base = [sys.executable, str(ROOT / "app.py"), "--data-dir", str(work), "--today", TODAY]
    subprocess.run([*base, "cache", "clear"], check=True, capture_output=True)
    server = subprocess.Popen([*base, "serve", "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        server.stdout.readline()  # "Vantage is serving at ..."
        time.sleep(1.0)
        url = f"http://127.0.0.1:{port}"
        driver = browser()
        try:
            cold_overview = overview_seconds(driver, url + "/")
            overview = [overview_seconds(driver, url + "/") for _ in range(WARM_RUNS)]
            metric = url + "/metric/data_accuracy?period=quarter"
            cold_drill = drill_seconds(driver, metric)
            drill = [drill_seconds(driver, metric) for _ in range(WARM_RUNS)]
        finally:
            driver.quit()
    finally:
        server.terminate()
        server.wait(timeout=30)
    text = (f"\n## {datetime.now():%Y-%m-%d %H:%M} — leadership views in headless Chromium, "
            f"{args.records:,}-record demo\n\n"
            f"| measure | cold (empty cache) | warm, median of {WARM_RUNS} | warm, fastest – slowest | target (warm) |\n"
            "| --- | --- | --- | --- | --- |\n"
            f"| overview fully rendered (navigation → every tile's number), s | {cold_overview:.2f} | "
            f"**{statistics.median(overview):.2f}** | {min(overview):.2f} – {max(overview):.2f} | < 1.5 |\n"
            f"| drill click answered (click → next level's bars, breadcrumb and numbers), s | {cold_drill:.2f} | "
            f"**{statistics.median(drill):.2f}** | {min(drill):.2f} – {max(drill):.2f} | < 0.3 |\n")
    print(text)
    results = ROOT / "bench" / "RESULTS.md"
    results.write_text(results.read_text().rstrip() + "\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
