"""The memory of the process users hit: the dashboard server's resident set over a large demo (not run in CI).

gunicorn with one worker (as the README's service runs it) over a demo of N records (bench/run.py builds them in
bench/out) in a data folder of its own, the login off (the demo's own config) and the result cache empty. Then,
cold, the overview and three metric pages, the duplicates page among them, each loaded as a browser loads it
(bench/load.py: the page's HTML, Dash's router callback and the page's callbacks; every answer must be HTTP 200).
After each step the worker's peak (VmHWM) and current (VmRSS) resident set are read from /proc.

    .venv/bin/python bench/server_memory.py --records 1000000 10000000
    .venv/bin/python bench/server_memory.py --records 10000000 --mirror   # local columnar copy built beforehand

Without --mirror the server also makes the first load of the data into its local columnar copy (a first start);
with it, that copy is made first by another process, as on a server restarted over data it has already loaded.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import OVERVIEW, TODAY, free_port, metric_page
from bench.run import OUT, build

PAGES = ("data_accuracy", "error_rate", "duplicate_records")
TARGET_MB = 1536  # the worker's resident set after the overview and three metric pages, at 10M records


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def request(conn: http.client.HTTPConnection, method: str, path: str, body: Any = None) -> None:
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers={"Content-Type": "application/json"} if body is not None else {})
    answer = conn.getresponse()
    text = answer.read()
    if answer.status != 200:
        what = path if body is None else body["output"][:60]
        raise SystemExit(f"HTTP {answer.status} for {method} {what}: {text[:300]!r}")


def load_page(port: int, path: str, bodies: list[dict[str, Any]]) -> float:
    """Seconds to load a page as a browser with its scripts cached does: HTML, router callback, page callbacks."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1800)
    began = time.perf_counter()
    request(conn, "GET", path)
    for body in bodies:
        request(conn, "POST", "/_dash-update-component", body)
    conn.close()
    return time.perf_counter() - began


def prebuild_mirror(folder: Path) -> None:
    """The local columnar copy of every table the catalogue reads, made in this process (run in a child)."""
    import app
    from config.settings import load_config

    rt = app.wire(load_config(None, {"data_dir": str(folder), "today": TODAY}, environ={}), strict=True)
    mirror = rt.engine.connectors["demo"]
    for table in sorted({m.table for m in rt.catalogue.values() if m.source == "demo" and m.table}):
        mirror.sync(table)
    rt.engine.cache.clear()


def start(folder: Path, port: int) -> tuple[subprocess.Popen, int]:
    """gunicorn with one worker; (the server, its worker's pid) once the worker answers."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VANTAGE_")}
    env.update(VANTAGE_DATA_DIR=str(folder), VANTAGE_TODAY=TODAY)
    log = (folder / "server.log").open("w")
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "app:create_server()", "--workers", "1",
                               "--bind", f"127.0.0.1:{port}", "--timeout", "1800"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    log.close()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/_dash-dependencies")  # answered by the worker, without asking for any number
            if conn.getresponse().status == 200:
                return server, children(server.pid)[0]
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not start: " + (folder / "server.log").read_text()[-2000:])


def measure(records: int, mirror: bool, pages: tuple[str, ...]) -> list[tuple[str, float, float, float]]:
    """(step, seconds, VmRSS MB, VmHWM MB) after each step, for the worker of a server over `records`."""
    folder = Path(tempfile.mkdtemp(prefix=f"vantage-memory-{records}-", dir=OUT))
    try:
        shutil.copy(build(records), folder / "demo.sqlite")
        if mirror:
            subprocess.run([sys.executable, __file__, "--prebuild", str(folder)], cwd=ROOT, check=True)
        port = free_port()
        began = time.perf_counter()
        server, worker = start(folder, port)
        steps = [("server started", time.perf_counter() - began, *memory_mb(worker))]
        try:
            took = load_page(port, "/", OVERVIEW)
            steps.append(("overview", took, *memory_mb(worker)))
            for key in pages:
                took = load_page(port, f"/metric/{key}", metric_page(key))
                steps.append((f"metric page {key}", took, *memory_mb(worker)))
            master_mb = memory_mb(server.pid)[0]
            steps.append(("(gunicorn master, not serving)", 0.0, master_mb, memory_mb(server.pid)[1]))
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(60)
        return steps
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def table(records: int, mirror: bool, steps: list[tuple[str, float, float, float]]) -> str:
    how = "columnar copy built beforehand" if mirror else "first start (the server loads the data)"
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = [f"{records:,} records, {how}, {time.strftime('%Y-%m-%d %H:%M')}, load average after {load}",
             "| step | seconds | VmRSS, MB | VmHWM (peak), MB |", "| --- | --- | --- | --- |"]
    lines += [f"| {name} | {took:.1f} | {rss:.0f} | {hwm:.0f} |" for name, took, rss, hwm in steps]
    peak = max(hwm for name, _, _, hwm in steps if not name.startswith("("))
    lines.append(f"worker peak {peak:.0f} MB; target ≤ {TARGET_MB} MB at 10M records: "
                 f"{'met' if peak <= TARGET_MB else 'not met'}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--mirror", action="store_true", help="build the local columnar copy before the server starts")
    parser.add_argument("--pages", nargs=3, default=list(PAGES), help="the three metric pages (metric keys)")
    parser.add_argument("--prebuild", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prebuild:
        prebuild_mirror(Path(args.prebuild))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    for records in args.records:
        before = os.getloadavg()
        steps = measure(records, args.mirror, tuple(args.pages))
        print(f"load average before: {' / '.join(f'{x:.2f}' for x in before)}")
        print(table(records, args.mirror, steps), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
