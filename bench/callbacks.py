"""Server time of the overview's warm callbacks against Dash's trivial `GET /_dash-layout` (not run in CI).

The app runs in this process behind Flask's test client (no network, no browser), over the demo with the login off,
in a data folder of its own. Each request is made once to warm every cache, then `--times` times; the medians and
their ratio are printed. A page view's tiles also write a row per KPI to the audit trail; a timed refresh does not.
Compressed answers are asked for, as a browser asks (Accept-Encoding: gzip, deflate, br, zstd).

    .venv/bin/python bench/callbacks.py
    .venv/bin/python bench/callbacks.py --times 100 --profile    # and where the tiles callback spends its time
    .venv/bin/python bench/callbacks.py --metric-page data_accuracy   # and a metric page's callbacks
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADERS = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def timed(ask: Callable[[], Any], times: int) -> list[float]:
    """Seconds per call of `ask`, after one call to warm it; every answer must be HTTP 200."""
    out = []
    for n in range(times + 1):
        began = time.perf_counter()
        answer = ask()
        took = time.perf_counter() - began
        if answer.status_code != 200:
            raise SystemExit(f"HTTP {answer.status_code}: {answer.get_data(as_text=True)[:300]}")
        if n:
            out.append(took)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--times", type=int, default=30)
    parser.add_argument("--metric-page", metavar="KEY", default="", help="also time a metric page's callbacks")
    parser.add_argument("--profile", action="store_true", help="print where the tiles callback spends its time")
    args = parser.parse_args()

    import app as vantage
    from bench.load import OVERVIEW, TODAY, metric_page  # the bodies a browser posts
    from config.settings import load_config
    from dashboard.app import create_app

    with tempfile.TemporaryDirectory(prefix="vantage-callbacks-") as folder:
        config = load_config(str(ROOT / "config" / "demo.toml"), {"data_dir": folder, "today": TODAY}, environ={})
        rt = vantage.wire(config)
        vantage.ensure_demo(rt.config, progress=False)
        client = create_app(rt.engine, rt.config).server.test_client()
        _router, tiles, summary = OVERVIEW
        refresh = {**tiles, "inputs": [tiles["inputs"][0], {**tiles["inputs"][1], "value": 1}]}  # no audit rows
        asks = {
            "GET /_dash-layout": lambda: client.get("/_dash-layout", headers=HEADERS),
            "overview tiles": lambda: client.post("/_dash-update-component", json=tiles, headers=HEADERS),
            "tiles, timed refresh": lambda: client.post("/_dash-update-component", json=refresh, headers=HEADERS),
            "overview summary": lambda: client.post("/_dash-update-component", json=summary, headers=HEADERS),
            "GET / (the page)": lambda: client.get("/", headers=HEADERS),
            "overview router": lambda: client.post("/_dash-update-component", json=_router, headers=HEADERS),
        }
        if args.metric_page:  # the metric page's HTML, router and data callbacks too, as bench/load.py asks them
            asks["GET /metric/KEY"] = lambda: client.get(f"/metric/{args.metric_page}", headers=HEADERS)
            for body in metric_page(args.metric_page):
                name = "metric " + body["output"].strip(".").split(".")[0].removeprefix("metric-")
                asks[name] = lambda body=body: client.post("/_dash-update-component", json=body, headers=HEADERS)
        medians = {name: statistics.median(timed(ask, args.times)) for name, ask in asks.items()}
        encoding = asks["overview tiles"]().headers.get("Content-Encoding", "none")
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(lambda: [asks["overview tiles"]() for _ in range(args.times)])
            pstats.Stats(profile).sort_stats("cumulative").print_stats(35)
    base = medians["GET /_dash-layout"]
    print(f"median of {args.times} warm requests (ms), tiles answer encoded: {encoding}")
    for name, took in medians.items():
        print(f"  {name:<22} {took * 1000:7.2f}   {took / base:5.1f}x the layout")
    return 0


if __name__ == "__main__":
    sys.exit(main())
