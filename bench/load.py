"""A crowd of viewers against Vantage under gunicorn on 127.0.0.1 (not run in CI): page loads as a browser makes
them, per-request latency and throughput.

A page load is the requests a browser makes for it after its scripts are cached: the page's HTML, Dash's router
callback (which renders the page's layout) and the page's data callbacks. The overview asks its tiles and its
opening sentence; the metric page its headline/trend/explanation, its drill panel and "why it moved". Each viewer
loads the overview, then one metric page (a different KPI per viewer), pauses, and again, until the time is up.
With `--pause 0` the loop is closed: the figure is then the throughput the server sustains.

    .venv/bin/python bench/load.py --viewers 200 --pause 5 --seconds 120
    .venv/bin/python bench/load.py --viewers 8 --pause 0 --seconds 60      # closed loop: page loads per second

The server is the demo with the login off (the demo's own config), 2 gunicorn workers (one per core), a data folder
of its own with the demo built once before the clock starts, and every cache warmed by one round of each page.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TODAY = "2026-11-27"
ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # as Chromium asks: answers come back compressed, as a browser gets them
METRICS = ("data_accuracy", "data_completeness", "automation_rate", "error_rate", "access_reviews_on_time",
           "key_staff_trained", "duplicate_records", "complaint_share")


def call(outputs: list[tuple[str, str]], inputs: list[tuple[str, str, Any]], state: list[tuple[str, str, Any]] = ()
         ) -> dict[str, Any]:
    """A callback body as Dash's renderer posts it."""
    many = len(outputs) > 1
    output = ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".." if many else f"{outputs[0][0]}.{outputs[0][1]}"
    return {"output": output,
            "outputs": [{"id": i, "property": p} for i, p in outputs] if many else
            {"id": outputs[0][0], "property": outputs[0][1]},
            "inputs": [{"id": i, "property": p, "value": v} for i, p, v in inputs],
            "state": [{"id": i, "property": p, "value": v} for i, p, v in state],
            "changedPropIds": [f"{inputs[0][0]}.{inputs[0][1]}"]}


def router(pathname: str) -> dict[str, Any]:
    return call([("_pages_content", "children"), ("_pages_store", "data")],
                [("_pages_location", "pathname", pathname), ("_pages_location", "search", "")])


OVERVIEW = [
    router("/"),
    call([("overview-results", "children"), ("overview-pillars", "children")],
         [("overview-view", "data", {}), ("overview-refresh", "n_intervals", None)]),
    call([("overview-summary", "children")], [("overview-view", "data", {}), ("overview-refresh", "n_intervals", None)]),
]


def metric_page(key: str) -> list[dict[str, Any]]:
    parts = [("metric-summary", "children"), ("metric-projection", "children"), ("metric-trend-graph", "figure"),
             ("metric-trend-graph", "className"), ("metric-trend-note", "children"), ("metric-explain", "children")]
    drill = [("metric-crumbs", "children"), ("metric-hint", "children"), ("metric-breakdown", "figure"),
             ("metric-breakdown-wrap", "className"), ("metric-breakdown-table", "children"),
             ("metric-breakdown-error", "children"), ("metric-records", "children"),
             ("metric-records-wrap", "className"), ("metric-pager-slot", "children"),
             ("metric-dimension-slot", "children"), ("metric-dimension-wrap", "className"), ("metric-shown", "data")]
    view = [("metric-key", "data", key), ("metric-view", "data", {})]
    return [router(f"/metric/{key}"), call(parts, view),
            call(drill, view, [("_pages_location", "pathname", f"/metric/{key}")]),
            call([("metric-why", "children")], view, [("_pages_location", "pathname", f"/metric/{key}")])]


class Viewer(threading.Thread):
    """One person reloading the overview and a metric page; every request's time and status kept."""

    def __init__(self, port: int, key: str, pause: float, until: float, seen: list) -> None:
        super().__init__(daemon=True)
        self.port, self.key, self.pause, self.until, self.seen = port, key, pause, until, seen
        self.pages = 0

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        time.sleep(random.random() * self.pause)  # viewers arrive spread over one pause
        while time.monotonic() < self.until:
            for path, bodies in (("/", OVERVIEW), (f"/metric/{self.key}", metric_page(self.key))):
                conn = self.request(conn, "GET", path, None)
                for body in bodies:
                    conn = self.request(conn, "POST", "/_dash-update-component", body)
                self.pages += 1
                if self.pause:
                    time.sleep(self.pause * random.uniform(0.8, 1.2))
                if time.monotonic() >= self.until:
                    break
        conn.close()

    def request(self, conn: http.client.HTTPConnection, method: str, path: str, body: Any
                ) -> http.client.HTTPConnection:
        began = time.perf_counter()
        try:
            headers = {"Accept-Encoding": ACCEPT_ENCODING, **({"Content-Type": "application/json"} if body else {})}
            conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            answer = conn.getresponse()
            answer.read()
            status = answer.status
        except (OSError, http.client.HTTPException) as exc:
            status = f"{type(exc).__name__}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        self.seen.append((time.perf_counter() - began, status, path if method == "GET" else body["output"][:40]))
        return conn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(folder: Path, port: int, workers: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env.update(VANTAGE_DATA_DIR=str(folder), VANTAGE_TODAY=TODAY)
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "app:create_server()", "--workers",
                               str(workers), "--bind", f"127.0.0.1:{port}", "--timeout", "120"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(folder / "server.log", "w"))
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not start: " + (folder / "server.log").read_text()[-2000:])


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--pause", type=float, default=5.0, help="seconds between a viewer's page loads (0: none)")
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--by-request", action="store_true", help="also the latency of each kind of request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="vantage-load-") as name:
        folder = Path(name)
        subprocess.run([sys.executable, str(ROOT / "app.py"), "--data-dir", name, "--today", TODAY, "check"],
                       cwd=ROOT, check=True, capture_output=True)  # builds the demo before the clock starts
        port = free_port()
        server = start_server(folder, port, args.workers)
        try:
            warm: list = []
            for key in METRICS:  # every answer the crowd asks is cached once, as after `cache warm` and a first view
                Viewer(port, key, 0, time.monotonic() + 0.01, warm).run()
            load_before = os.getloadavg()
            seen: list = []
            until = time.monotonic() + args.seconds
            crowd = [Viewer(port, METRICS[n % len(METRICS)], args.pause, until, seen) for n in range(args.viewers)]
            began = time.monotonic()
            for viewer in crowd:
                viewer.start()
            for viewer in crowd:
                viewer.join()
            took = time.monotonic() - began
            load_after = os.getloadavg()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
    times = [t for t, status, _ in seen if status == 200]
    errors = [(status, what) for _, status, what in seen if status != 200]
    pages = sum(v.pages for v in crowd)
    print(f"{args.viewers} viewers, pause {args.pause:g} s, {took:.0f} s, {args.workers} gunicorn workers")
    print(f"requests: {len(seen)}, errors: {len(errors)}" + (f" (first: {errors[:3]})" if errors else ""))
    print(f"page loads: {pages} ({pages / took:.1f}/s)")
    if times:
        print(f"latency per request, ms: median {statistics.median(times) * 1000:.0f}, "
              f"p95 {percentile(times, 95) * 1000:.0f}, p99 {percentile(times, 99) * 1000:.0f}, "
              f"max {max(times) * 1000:.0f}")
    print(f"load average (1 min) before / after: {load_before[0]:.2f} / {load_after[0]:.2f}")
    if args.by_request:
        kinds: dict[str, list[float]] = {}
        for took_one, status, what in seen:
            if status == 200:
                kinds.setdefault("GET /metric/…" if what.startswith("/metric/") else what, []).append(took_one)
        for what, found in sorted(kinds.items(), key=lambda kind: -statistics.median(kind[1])):
            print(f"  {what:<42} median {statistics.median(found) * 1000:6.0f}, p95 {percentile(found, 95) * 1000:6.0f}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
