"""Rollups on a large demo: the cold overview read from rows against the same overview after a restart with rollups
built, the build itself, and the numbers of both compared.

    .venv/bin/python bench/rollups.py --records 1000000 10000000

For each size, in a fresh data folder: the local copy is loaded; the overview's questions (every listed KPI's
headline for the last complete month and its twelve-month sparkline) are timed cold reading rows; the rollups are
built (one scan per table); then a NEW process (a restart: nothing in memory, the answer cache empty, the rollups on
disk) times the same questions, reports its peak RSS, and its numbers are compared with the rows' numbers.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PERIOD = (date(2026, 10, 1), date(2026, 11, 1))
YEAR = (date(2025, 11, 1), date(2026, 11, 1))


def overview(work: Path, rollups: bool) -> dict:
    """Time the overview's questions on a fresh engine over `work` (answers cache emptied first)."""
    import app
    from config.settings import load_config
    from metrics.engine.periods import Filters
    from metrics.semantics.model import Grain

    rt = app.wire(load_config(None, {"data_dir": str(work), "today": "2026-11-27"}, environ={}), strict=True)
    engine = rt.engine
    engine.use_rollups = rollups
    engine.cache.clear()
    keys = [k for k, m in rt.catalogue.items() if m.listed]
    for key in keys:  # the data versions are known within the TTL: what is timed is computation
        engine.versions(engine.metric(key))
    numbers: dict[str, list] = {}
    t0 = time.perf_counter()
    for key in keys:
        head = engine.headline(key, Filters(*PERIOD)).data
        trend = engine.trend(key, Filters(*YEAR), Grain.MONTH).data
        numbers[key] = [head.value, head.previous, head.baseline, *trend["value"].to_list()]
    seconds = time.perf_counter() - t0
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024
    return {"seconds": seconds, "peak_mb": peak, "numbers": numbers, "metrics": len(keys)}


def measure(records: int) -> dict:
    import polars as pl

    import app
    from bench.run import build
    from config.settings import load_config
    from metrics.engine import rollups

    work = Path(tempfile.mkdtemp(prefix=f"vantage-rollups-{records}-", dir=ROOT / "bench" / "out"))
    shutil.copy(build(records), work / "demo.sqlite")
    rt = app.wire(load_config(None, {"data_dir": str(work), "today": "2026-11-27", "rollups": True}, environ={}),
                  strict=True)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    for table in {m.table for m in rt.catalogue.values() if m.source == "demo"}:
        rt.engine.connectors["demo"].sync(table)
    res: dict = {"records": records, "load_s": time.perf_counter() - t0}
    rows = overview(work, rollups=False)
    res["rows_s"], res["rows_peak_mb"] = rows["seconds"], rows["peak_mb"]
    t0 = time.perf_counter()
    built = [rt.engine.rollup(m) for m in rt.catalogue.values() if m.listed]
    res["build_s"] = time.perf_counter() - t0
    res["rollup_rows"] = sum(r.monthly.height + r.daily.select(pl.len()).collect().item()
                             if isinstance(r, rollups.Distinct) else r.height for r in built if r is not None)
    res["rollup_mb"] = sum(p.stat().st_size for p in (work / "rollups").rglob("*.parquet")) / 2**20
    child = subprocess.run([sys.executable, __file__, "--restart", str(work)], capture_output=True, text=True,
                           check=True)
    after = json.loads(child.stdout)
    res["restart_s"], res["restart_peak_mb"] = after["seconds"], after["peak_mb"]
    differ = [(k, a, b) for k in rows["numbers"] for a, b in zip(rows["numbers"][k], after["numbers"][k])
              if (a is None) != (b is None) or (a is not None and not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12))]
    if differ:
        sys.exit(f"rollups and rows differ: {differ[:3]}")
    res["numbers_compared"] = sum(len(v) for v in rows["numbers"].values())
    res["metrics"] = rows["metrics"]
    res["load_avg"] = [round(x, 2) for x in load_before] + [round(x, 2) for x in os.getloadavg()]
    shutil.rmtree(work, ignore_errors=True)
    return res


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--restart", type=Path)
    args = parser.parse_args()
    if args.restart:
        print(json.dumps(overview(args.restart, rollups=True), default=str))
        return
    for records in args.records:
        r = measure(records)
        print(f"{records:,} records ({r['metrics']} KPIs, {r['numbers_compared']} numbers equal): load {r['load_s']:.1f} s;"
              f" cold overview from rows {r['rows_s']:.2f} s (peak {r['rows_peak_mb']:.0f} MB); rollups built in"
              f" {r['build_s']:.2f} s ({r['rollup_rows']:,} rows, {r['rollup_mb']:.1f} MB on disk); after a restart"
              f" {r['restart_s']:.2f} s (peak {r['restart_peak_mb']:.0f} MB); load avg {r['load_avg']}", flush=True)


if __name__ == "__main__":
    main()
