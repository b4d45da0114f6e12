"""Soak the wall screen: a playlist rotating every 5 s for N minutes in headless Chromium, memory checked flat.

    .venv/bin/python bench/wall_soak.py                 # 30 minutes
    .venv/bin/python bench/wall_soak.py --minutes 10

Serves the demo (built once in bench/out/wall-soak/) with a playlist of every slide kind, opens /wall/soak in
Chromium (--enable-precise-memory-info) and, after the first full rotation and again at the end, forces a garbage
collection (CDP HeapProfiler.collectGarbage) and reads performance.memory.usedJSHeapSize and the number of DOM
elements. The demo's numbers do not change while it runs, so the page is made to write every number again at each
answer, as a screen on live sources would (--static: only what changed, as it really does on the demo).
Prints the figures as JSON, appends a dated table to bench/RESULTS.md, and exits 1 when either grew by 20% or
more. A benchmark, not a test: it needs minutes, a free core and a quiet machine.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "wall-soak"
TODAY = "2026-11-27"
LIMIT = 0.20
PLAYLIST = """
[playlists.soak]
title = "Soak"
seconds = {seconds}
refresh_seconds = {refresh}
slides = [
    {{ page = "overview", period = "month" }},
    {{ page = "metric", metric = "data_accuracy", period = "quarter" }},
    {{ page = "metric", metric = "hours_saved", period = "quarter", language = "zh" }},
    {{ page = "programme" }},
]
"""
READING = """
const screen = window.vantageWall || {};
const stores = window.dash_stores || [];
return {heap: performance.memory.usedJSHeapSize, nodes: document.getElementsByTagName('*').length,
        history: stores.length ? stores[0].getState().history.past.length : null,
        slide: screen.slide, turn: screen.turn, answers: screen.answers,
        applied: Object.keys(screen.applied || {}).length};
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def config_file(seconds: float, refresh: float) -> Path:
    """The demo's sources and settings (login off) plus the soak playlist."""
    kept, keep = [], False
    for line in (ROOT / "config" / "demo.toml").read_text().splitlines():
        if line.startswith("["):
            keep = line.startswith(("[vantage]", "[sources."))
        if keep:
            kept.append(line)
    path = OUT / "soak.toml"
    path.write_text("\n".join(kept) + "\n" + PLAYLIST.format(seconds=seconds, refresh=refresh))
    return path


def serve(config: Path, port: int) -> subprocess.Popen:
    """The dashboard in its own process, as it runs in production; returns once it answers."""
    if not (OUT / "demo.sqlite").exists():
        subprocess.run([sys.executable, str(ROOT / "app.py"), "--today", TODAY, "demo", "--records", "20000",
                        "--out", str(OUT / "demo.sqlite")], check=True, cwd=ROOT)
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    log = open(OUT / "server.log", "w")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--config", str(config), "--data-dir", str(OUT),
                               "--today", TODAY, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/_reload-hash", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"the server did not start; see {OUT / 'server.log'}")


def browser(profile: str) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                 "--enable-precise-memory-info", "--window-size=1920,1080", "--disable-background-timer-throttling",
                 "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
                 "--disable-background-networking", "--disable-component-update", "--no-first-run",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)


def reading(driver: Any) -> dict[str, Any]:
    """Heap and DOM after a forced garbage collection (twice: the first frees what the second can then reach)."""
    for _ in range(2):
        driver.execute_cdp_cmd("HeapProfiler.collectGarbage", {})
        time.sleep(0.5)
    return {**driver.execute_script(READING), "at": round(time.monotonic(), 1)}


def soak(minutes: float, seconds: float, refresh: float, live: bool = True) -> dict[str, Any]:
    OUT.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = serve(config_file(seconds, refresh), port)
    with tempfile.TemporaryDirectory() as profile:
        driver = browser(profile)
        try:
            driver.get(f"http://127.0.0.1:{port}/wall/soak")
            deadline = time.monotonic() + 60
            while not driver.execute_script("return !!(window.vantageWall && window.vantageWall.answers)"):
                if time.monotonic() > deadline:
                    raise SystemExit("the wall showed no numbers within a minute")
                time.sleep(0.5)
            if live:  # forget what was written, so every answer is written in full
                driver.execute_script("window.setInterval(() => { window.vantageWall.applied = {}; }, 1000);")
            time.sleep(4 * seconds + 1)  # one full rotation: every slide has been shown and filled once
            start = reading(driver)
            samples = [start]
            end_at = time.monotonic() + minutes * 60
            while time.monotonic() < end_at:
                time.sleep(min(60.0, max(end_at - time.monotonic(), 0)))
                samples.append(reading(driver))
                print(json.dumps(samples[-1]), file=sys.stderr, flush=True)
            end = samples[-1]
            errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        finally:
            driver.quit()
            server.terminate()
            server.wait(timeout=10)
    growth = {k: (end[k] - start[k]) / start[k] for k in ("heap", "nodes")}
    return {"minutes": minutes, "slide_seconds": seconds, "refresh_seconds": refresh, "numbers_rewritten": live,
            "slides_shown": end["turn"] - start["turn"], "numbers_answered": end["answers"] - start["answers"],
            "heap_start": start["heap"], "heap_end": end["heap"], "heap_growth": round(growth["heap"], 4),
            "heap_max": max(s["heap"] for s in samples), "nodes_start": start["nodes"], "nodes_end": end["nodes"],
            "nodes_growth": round(growth["nodes"], 4), "dash_history_start": start["history"],
            "dash_history_end": end["history"], "browser_errors": len(errors),
            "ok": growth["heap"] < LIMIT and growth["nodes"] < LIMIT}


def report(r: dict[str, Any]) -> str:
    mb = lambda b: f"{b / 2**20:.2f}"  # noqa: E731
    return "\n".join([
        f"## {datetime.now():%Y-%m-%d %H:%M} — wall soak, {r['minutes']:g} min, {os.cpu_count()} cores",
        "",
        f"Playlist of 4 slides at {r['slide_seconds']:g} s, numbers asked every {r['refresh_seconds']:g} s: "
        f"{r['slides_shown']} slides shown, {r['numbers_answered']} answers applied"
        + (" (every number written again each time)." if r["numbers_rewritten"] else " (only what changed)."),
        "",
        "| measure | after first rotation | end | growth | limit |",
        "| --- | --- | --- | --- | --- |",
        f"| JS heap used after GC, MB | {mb(r['heap_start'])} | {mb(r['heap_end'])} | "
        f"**{r['heap_growth']:+.1%}** (max {mb(r['heap_max'])}) | < 20% |",
        f"| DOM elements | {r['nodes_start']} | {r['nodes_end']} | **{r['nodes_growth']:+.1%}** | < 20% |",
        f"| Dash undo-history entries | {r['dash_history_start']} | {r['dash_history_end']} | | stays flat |",
        f"| browser console errors | | {r['browser_errors']} | | 0 |",
        "",
    ])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--seconds", type=float, default=5, help="seconds per slide")
    p.add_argument("--refresh", type=float, default=10, help="seconds between asks for numbers")
    p.add_argument("--static", action="store_true", help="write only the numbers that changed (none, on the demo)")
    args = p.parse_args()
    result = soak(args.minutes, args.seconds, args.refresh, live=not args.static)
    print(json.dumps(result))
    results_md = ROOT / "bench" / "RESULTS.md"
    head = results_md.read_text() if results_md.exists() else "# Benchmark results\n\n"
    results_md.write_text(head.rstrip() + "\n\n" + report(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
