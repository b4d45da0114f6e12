"""Benchmark the engine on large demos beside reference engines, and record the figures in bench/RESULTS.md.

    .venv/bin/pip install -r bench/requirements.txt
    .venv/bin/python bench/run.py --records 1000000 10000000

Each size is measured in its own process (so peak memory is that size's), Vantage first, then connectorx in the same
process; ratios, not seconds, are what compare across these noisy machines. The DuckDB reference (bench/reference.py)
runs in a process of its own, taking turns with the cold suite, and every number of it must equal the engine's
(1e-9 relative): the run stops at the first that does not.
`--no-record` prints the figures without adding them to bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import math
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
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
if TYPE_CHECKING:
    from metrics.engine.periods import Filters
    from metrics.engine.protocol import Questions
TODAY = "2026-11-27"
REPEATS = 5  # cold suite and reference, taking turns
TABLES = ("master_records", "process_runs", "audit_cycles", "service_requests", "api_calls", "costs", "milestones")


def build(records: int) -> Path:
    """The demo database of this size (built once, in another process, and kept in bench/out)."""
    path = OUT / f"demo-{records}.sqlite"
    if not path.exists():
        subprocess.run([sys.executable, str(ROOT / "app.py"), "--today", TODAY, "demo", "--records", str(records),
                        "--out", str(path)], check=True)
    return path


def timed(fn, repeat: int = 1):
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

    load_before = os.getloadavg()
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
            engine.versions(engine.metric(key))
    fresh_cache()
    res["versions_s"], _ = timed(versions)  # asking SQLite for each table's row count and newest row
    # The cold suite and the DuckDB reference (in a process of its own, over the same Parquet parts) take turns, so
    # a change in the machine's load falls on both; the reference's numbers must then equal the engine's.
    files = {t: mirror.sync(t) for t in TABLES}
    start = engine.programme_start()
    base = (date(start.year - (start.month <= 3), (start.month - 4) % 12 + 1, 1), date(start.year, start.month, 1))
    trend = (date(2026, 5, 1), date(2026, 11, 1))  # the six months up to the period's end, as the headline's
    spans = [(period.start, period.end), (date(2026, 9, 1), date(2026, 10, 1)), base, trend]
    # Cold: no answer cached and no rollup built (the first questions after a change of data); then again with the
    # rollups those questions built kept (the first questions after a restart, or after the result cache expired).
    cold, rolled, ref, values = [], [], [], {}
    for _ in range(REPEATS):
        fresh_cache()
        engine._rollup_store = None
        shutil.rmtree(work / "rollups", ignore_errors=True)
        versions()  # within the sources' TTL the data version is known; the suite below is computation
        cold.append(timed(suite)[0])
        seconds, values = reference(work, files, spans)
        ref.append(seconds)
        fresh_cache()
        versions()
        rolled.append(timed(suite)[0])
    middle = REPEATS // 2
    res["suite_cold_s"], res["suite_duckdb_s"] = sorted(cold)[middle], sorted(ref)[middle]
    res["suite_cold_rollups_s"] = sorted(rolled)[middle]
    res["suite_ratios"] = sorted(c / r for c, r in zip(cold, ref))
    res["suite_turns_s"] = [list(turn) for turn in zip(cold, ref, rolled)]
    res["duckdb_threads"] = os.cpu_count()
    res["reference_values_equal"] = check_reference(engine, keys, values, period, trend)
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
    except Exception as exc:  # noqa: BLE001 - connectorx cannot type an all-null first row in SQLite
        res["load_connectorx_error"] = str(exc).splitlines()[0]

    res["load_avg_before"], res["load_avg_after"] = list(load_before), list(os.getloadavg())
    shutil.rmtree(work, ignore_errors=True)
    return res


def reference(work: Path, files: dict[str, list[str]], spans: list[tuple[date, date]]) -> tuple[float, dict]:
    """(seconds, values) of the DuckDB reference over the spans (period, previous, baseline, trend), run in a process
    of its own (its memory is not Vantage's peak) and timed there."""
    ask = work / "reference.json"
    ask.write_text(json.dumps({"files": files, "spans": [[lo.isoformat(), hi.isoformat()] for lo, hi in spans]}))
    out = subprocess.run([sys.executable, __file__, "--reference", str(ask)], stdout=subprocess.PIPE, text=True,
                         check=True, cwd=ROOT)
    answer = json.loads(out.stdout)
    return answer["seconds"], answer["values"]


def run_reference(ask: Path) -> None:
    from bench.reference import run_suite

    given = json.loads(ask.read_text())
    spans = [(date.fromisoformat(lo), date.fromisoformat(hi)) for lo, hi in given["spans"]]
    t0 = time.perf_counter()
    values = run_suite(given["files"], *spans)
    print(json.dumps({"seconds": time.perf_counter() - t0, "values": values}))


def check_reference(engine: Questions, keys: list[str], ref: dict, period: Filters, trend: tuple[date, date]) -> int:
    """How many numbers the reference and the engine both give; exits with the first that differs (beyond 1e-9
    relative) at the period, the previous period, the baseline or a month of the trend."""
    from metrics.semantics.model import Grain

    compared = 0
    for key in keys:
        head = engine.headline(key, period).data
        if (head.start, head.end) != (period.start, period.end):
            sys.exit(f"the engine moved the headline of {key} to {head.start}..{head.end}: the reference cannot follow")
        ours = {"period": head.value, "previous": head.previous, "baseline": head.baseline}
        months = engine.trend(key, period.with_period(*trend), Grain.MONTH).data
        ours |= {day.isoformat(): value for day, value in zip(months["period"], months["value"])}
        for at in sorted(set(ours) | set(ref[key])):
            a, b = ours.get(at), ref[key].get(at)
            if (a is None) != (b is None) or (a is not None and b is not None and not math.isclose(a, b, rel_tol=1e-9)):
                sys.exit(f"the DuckDB reference differs from the engine: {key} at {at}: engine {a!r}, DuckDB {b!r}")
            compared += 1
    return compared


def report(results: list[dict]) -> str:
    lines = [f"## {datetime.now():%Y-%m-%d %H:%M} — {os.cpu_count()} cores", "",
             "| measure | " + " | ".join(f"{r['records']:,} records" for r in results) + " | target |",
             "| --- |" + " --- |" * len(results) + " --- |"]

    def row(name: str, fn, target: str) -> None:
        lines.append(f"| {name} | " + " | ".join(fn(r) for r in results) + f" | {target} |")
    row("cold KPI suite (headlines of the reference's metrics), s", lambda r: f"{r['suite_cold_s']:.3f}", "")
    row("tuned DuckDB reference (one query per table, all cores), s", lambda r: f"{r['suite_duckdb_s']:.3f}", "")
    row("cold suite ÷ DuckDB", lambda r: f"**{r['suite_cold_s'] / r['suite_duckdb_s']:.2f}**",
        "≤ 0.9 at 1M, ≤ 0.7 at 10M")
    row("cold suite ÷ DuckDB, each turn (lowest–highest)",
        lambda r: f"{r['suite_ratios'][0]:.2f}–{r['suite_ratios'][-1]:.2f}", "")
    row("cold suite with its rollups already built, s", lambda r: f"{r['suite_cold_rollups_s']:.3f}", "")
    row("… ÷ DuckDB", lambda r: f"{r['suite_cold_rollups_s'] / r['suite_duckdb_s']:.2f}", "")
    row("DuckDB numbers equal to the engine's (values compared)", lambda r: f"all {r['reference_values_equal']}", "all")
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
    row("load average (1 / 5 / 15 min) before → after", lambda r: " / ".join(f"{x:.2f}" for x in r["load_avg_before"])
        + " → " + " / ".join(f"{x:.2f}" for x in r["load_avg_after"]), "")
    return "\n".join(lines) + "\n"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--records", type=int, nargs="+", default=[1_000_000, 10_000_000])
    p.add_argument("--no-record", action="store_true", help="print the figures without adding them to RESULTS.md")
    p.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    p.add_argument("--reference", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.reference:
        run_reference(Path(args.reference))
        return 0
    OUT.mkdir(parents=True, exist_ok=True)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    results = []
    for n in args.records:
        build(n)
        out = subprocess.run([sys.executable, __file__, "--measure", str(n)], stdout=subprocess.PIPE, text=True,
                             check=True, cwd=ROOT)  # its errors go straight to stderr
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(json.dumps(results[-1]), flush=True)
    text = report(results)
    print(text)
    if args.no_record:
        return 0
    results_md = ROOT / "bench" / "RESULTS.md"
    head = results_md.read_text() if results_md.exists() else "# Benchmark results\n\n"
    results_md.write_text(head.rstrip() + "\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
