"""Benchmark the engine on large demos beside reference engines, and record the figures in bench/RESULTS.md.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/run.py --records 1000000 10000000

Each size is measured in its own process (so peak memory is that size's), Vantage first, then the references
in the same process; ratios, not seconds, are what compare across these noisy machines.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
TODAY = "2026-11-27"
TABLES = ("master_records", "process_runs", "audit_cycles", "service_requests", "api_calls", "costs", "milestones")


def build(records: int) -> Path:
    """The demo database of this size (built once, in another process, and kept in bench/out)."""
    path = OUT / f"demo-{records}.sqlite"
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "app.py"), "--today", TODAY, "demo", "--records", str(records),
                        "--out", str(path)], check=True)
    return path


def timed(fn, repeat: int = 1):  # noqa: ANN001, ANN201
    """(median seconds, last result) over `repeat` runs."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2], result


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(records: int) -> dict:
    import polars as pl

    import app
    from config.settings import load_config
    from metrics.engine.cache import ResultCache
    from metrics.engine.periods import Filters

    work = Path(tempfile.mkdtemp(prefix=f"vantage-bench-{records}-", dir=OUT))
    db = work / "demo.sqlite"
    shutil.copy(build(records), db)
    rt = app.wire(load_config(None, {"data_dir": str(work), "today": TODAY}, environ={}), strict=True)
    engine, mirror = rt.engine, rt.engine.connectors["demo"]
    shutil.rmtree(work / "mirror", ignore_errors=True)
    engine.cache.clear()
    res: dict = {"records": records, "rows": {t: sqlite3.connect(db).execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                                              for t in TABLES}}

    # First load out of SQLite into the local columnar copy, beside connectorx reading the same tables.
    res["load_s"], _ = timed(lambda: [mirror.sync(t) for t in TABLES])
    period = Filters(date(2026, 10, 1), date(2026, 11, 1))

    from bench.reference import BASES, SUITE

    keys = [k for k in rt.catalogue if k in SUITE or k in BASES]  # the metrics the reference computes too
    res["suite_metrics"] = len(keys)

    def suite() -> None:
        for key in keys:
            engine.headline(key, period)

    def fresh_cache() -> None:
        engine.cache = ResultCache(Path(tempfile.mkdtemp(dir=work)))
    def versions() -> None:
        for key in keys:
            engine._versions(engine.metric(key))
    fresh_cache()
    res["versions_s"], _ = timed(versions)  # asking SQLite for each table's row count and newest row
    cold = []
    for _ in range(3):
        fresh_cache()
        versions()  # within the sources' TTL the data version is known; the suite below is computation
        cold.append(timed(suite)[0])
    res["suite_cold_s"] = sorted(cold)[1]
    res["suite_warm_s"], _ = timed(suite, repeat=5)

    def drill() -> None:
        engine.breakdown("data_accuracy", period, "department")
        _, f = engine.drill("data_accuracy", period, ("finance",))
        engine.breakdown("data_accuracy", f, "source_system")
        _, f = engine.drill("data_accuracy", period, ("finance", "ERP", "customer"))
        engine.detail("data_accuracy", f, page_size=50)
    steps = []
    for _ in range(3):
        fresh_cache()
        versions()
        t0 = time.perf_counter()
        engine.breakdown("data_accuracy", period, "department")
        t1 = time.perf_counter()
        _, f = engine.drill("data_accuracy", period, ("finance",))
        engine.breakdown("data_accuracy", f, "source_system")
        t2 = time.perf_counter()
        _, f = engine.drill("data_accuracy", period, ("finance", "ERP", "customer"))
        engine.detail("data_accuracy", f, page_size=50)
        t3 = time.perf_counter()
        steps.append((t1 - t0, t2 - t1, t3 - t2))
    steps.sort(key=sum)
    res["drill_steps_cold_s"] = list(steps[1])
    res["peak_mb_vantage"] = peak_mb()

    # A refresh after 1% new master records (newer than any row), against the first full load of that table.
    con = sqlite3.connect(db)
    n = max(1, res["rows"]["master_records"] // 100)
    cols = [r[1] for r in con.execute("PRAGMA table_info(master_records)") if r[1] != "record_id"]
    newest = con.execute("SELECT max(updated_at) FROM master_records").fetchone()[0]
    con.execute(f"INSERT INTO master_records ({', '.join(cols)}) SELECT "
                + ", ".join("datetime(?, '+1 hour')" if c == "updated_at" else c for c in cols)
                + f" FROM master_records ORDER BY record_id DESC LIMIT {n}", (newest,))
    con.commit()
    def full_reload() -> None:
        (work / "mirror" / "demo" / "master_records" / "manifest.json").unlink()
        mirror.sync("master_records", mirror.data_version("master_records"))
    res["master_full_load_s"], _ = timed(full_reload)
    con.execute(f"INSERT INTO master_records ({', '.join(cols)}) SELECT "
                + ", ".join("datetime(?, '+2 hour')" if c == "updated_at" else c for c in cols)
                + f" FROM master_records ORDER BY record_id DESC LIMIT {n}", (newest,))
    con.commit()
    res["refresh_1pct_s"], parts = timed(lambda: mirror.sync("master_records", mirror.data_version("master_records")))
    res["refresh_parts"] = len(parts)

    # The references run after Vantage's figures (and its peak memory) are taken.
    def cx_load() -> None:
        for t in TABLES:
            pl.read_database_uri(f"SELECT * FROM {t}", f"sqlite://{db}", engine="connectorx")
    try:
        res["load_connectorx_s"], _ = timed(cx_load)
    except Exception as exc:  # connectorx cannot type an all-null first row in SQLite
        res["load_connectorx_error"] = str(exc).splitlines()[0]

    # The same suite in DuckDB over the same Parquet copy.
    from bench.reference import run_suite

    files = {t: mirror.sync(t) for t in TABLES}
    start = engine.programme_start()
    base = (date(start.year - (start.month <= 3), (start.month - 4) % 12 + 1, 1), date(start.year, start.month, 1))
    ref = []
    for _ in range(3):
        ref.append(timed(lambda: run_suite(files, (period.start, period.end), (date(2026, 9, 1), date(2026, 10, 1)),
                                           base, (date(2026, 5, 1), date(2026, 11, 1))))[0])
    res["suite_duckdb_s"] = sorted(ref)[1]
    shutil.rmtree(work, ignore_errors=True)
    return res


def report(results: list[dict]) -> str:
    lines = [f"## {datetime.now():%Y-%m-%d %H:%M} — {os.cpu_count()} cores", "",
             "| measure | " + " | ".join(f"{r['records']:,} records" for r in results) + " | target |",
             "| --- |" + " --- |" * len(results) + " --- |"]

    def row(name: str, fn, target: str) -> None:  # noqa: ANN001
        lines.append(f"| {name} | " + " | ".join(fn(r) for r in results) + f" | {target} |")
    row("cold KPI suite (headlines of the reference's metrics), s", lambda r: f"{r['suite_cold_s']:.3f}", "")
    row("DuckDB reference suite, s", lambda r: f"{r['suite_duckdb_s']:.3f}", "")
    row("cold suite ÷ DuckDB", lambda r: f"**{r['suite_cold_s'] / r['suite_duckdb_s']:.2f}**", "≤ 1.0")
    row("data version check of the 7 tables (once per TTL), s", lambda r: f"{r['versions_s']:.3f}", "")
    row("warm suite, ms", lambda r: f"**{r['suite_warm_s'] * 1000:.1f}**", "< 50")
    row("drill steps cold (dept / system / records), ms",
        lambda r: " / ".join(f"{s * 1000:.0f}" for s in r["drill_steps_cold_s"]), "< 200 each")
    row("first load from SQLite (all tables), s", lambda r: f"{r['load_s']:.2f}", "")
    row("connectorx reading the same tables, s",
        lambda r: f"{r['load_connectorx_s']:.2f}" if "load_connectorx_s" in r else "fails: " + r.get(
            "load_connectorx_error", "")[:60], "")
    row("load ÷ connectorx", lambda r: f"**{r['load_s'] / r['load_connectorx_s']:.2f}**" if "load_connectorx_s" in r
        else "n/a", "≤ 1.2")
    row("refresh after 1% new master records ÷ full load of the table",
        lambda r: f"**{r['refresh_1pct_s'] / r['master_full_load_s']:.3f}** ({r['refresh_1pct_s']:.2f} s / "
                  f"{r['master_full_load_s']:.2f} s)", "< 0.10")
    row("peak memory (Vantage steps), MB", lambda r: f"**{r['peak_mb_vantage']:.0f}**", "< 2048")
    return "\n".join(lines) + "\n"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, nargs="+", default=[1_000_000, 10_000_000])
    p.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    results = []
    for n in args.records:
        build(n)
        out = subprocess.run([sys.executable, __file__, "--measure", str(n)], capture_output=True, text=True,
                             check=True, cwd=ROOT)
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    text = report(results)
    print(text)
    results_md = ROOT / "bench" / "RESULTS.md"
    head = results_md.read_text() if results_md.exists() else "# Benchmark results\n\n"
    results_md.write_text(head.rstrip() + "\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
