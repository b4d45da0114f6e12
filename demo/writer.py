"""Public entry point: build the demo database beside its target, table by table, then rename."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import polars as pl

from demo.assessment import _assessment_answers
from demo.context import _Context
from demo.feedback import _feedback_responses
from demo.finance import _costs
from demo.integration import _api_calls, _interfaces
from demo.master import _master_chunk
from demo.operations import _audit_cycles, _request_chunk, _run_chunk
from demo.people import _key_staff, _platform_usage
from demo.plan import PHASE_TARGETS, WORKSTREAMS
from demo.reference import DEPARTMENTS, PROCESS_TYPES, SYSTEMS
from demo.schedule import _departments, _milestones, _phases
from demo.schema import FRESHNESS, SCHEMA
from demo.security import (_access_reviews, _audit_findings, _logging_scans, _open_findings,
                           _privileged_accounts)

ProgressFn = Callable[[str, int, int], None]

# Rows per generated and written chunk of the big tables: bounds memory at 10M records.
CHUNK_ROWS = 500_000


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoInfo:
    """Where a demo database was written and which period it covers."""

    path: Path
    programme_start: date
    baseline_start: date
    baseline_end: date
    end: date
    rows: dict[str, int]


def default_demo_path(data_dir: Path) -> Path:
    """Return the default location of the demo database inside a data directory."""
    return Path(data_dir) / "demo.sqlite"


def build_demo(
    path: str | Path,
    records: int = 50_000,
    seed: int = 7,
    end: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoInfo:
    """Build the demo database at ``path`` and describe what it contains."""
    if records < 0:
        raise ValueError("records must be >= 0")
    end = end or date.today()
    if isinstance(end, datetime):
        end = end.date()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    ctx = _Context.create(records, seed, end)
    # Build beside the target and rename at the end: a half-built file never sits at `path`.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.building")
    if tmp.exists():
        tmp.unlink()
    report = progress or (lambda _table, _done, _total: None)
    try:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            rows = _write_all(con, ctx, report)
        finally:
            con.close()
        os.replace(tmp, target)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    return DemoInfo(
        path=target,
        programme_start=ctx.programme_start,
        baseline_start=ctx.baseline_start,
        baseline_end=ctx.programme_start,
        end=end,
        rows=rows,
    )


def _write_all(con: sqlite3.Connection, ctx: _Context, report: ProgressFn) -> dict[str, int]:
    """Create the schema and fill every table inside one transaction."""
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA temp_store=MEMORY")
    con.execute("PRAGMA cache_size=-131072")
    con.execute("BEGIN")
    for table, columns in SCHEMA:
        con.execute(f"CREATE TABLE {table} ({columns})")
    rows: dict[str, int] = {}

    def put(table: str, data: Sequence[tuple[object, ...]]) -> None:
        """Insert one small table at once."""
        _insert(con, table, data)
        rows[table] = len(data)
        report(table, len(data), len(data))

    put("departments", _departments(ctx))
    put("systems", list(SYSTEMS))
    put("process_types", list(PROCESS_TYPES))
    put("phases", _phases(ctx))
    put("workstreams", list(WORKSTREAMS))
    put("phase_scope", [(phase, dept) for dept, _en, _zh, phase, _m in DEPARTMENTS])
    put("phase_targets", list(PHASE_TARGETS))
    interfaces = _interfaces(ctx)
    put("milestones", _milestones(ctx, interfaces))
    rows["master_records"] = _insert_chunks(
        con, "master_records", ctx.records, lambda a, b: _master_chunk(ctx, a, b), report
    )
    rows["process_runs"] = _insert_chunks(
        con, "process_runs", ctx.runs, lambda a, b: _run_chunk(ctx, a, b), report
    )
    rows["service_requests"] = _insert_chunks(
        con, "service_requests", ctx.requests, lambda a, b: _request_chunk(ctx, a, b), report
    )
    cycles = _audit_cycles(ctx)
    put("audit_cycles", cycles)
    put("interfaces", interfaces)
    put("api_calls", _api_calls(ctx, interfaces))
    put("costs", _costs(ctx))
    put("assessment_answers", _assessment_answers(ctx))
    put("feedback_responses", _feedback_responses(ctx))
    put("key_staff", _key_staff(ctx))
    put("platform_usage", _platform_usage(ctx))
    put("access_reviews", _access_reviews(ctx))
    put("privileged_accounts", _privileged_accounts(ctx))
    put("logging_scans", _logging_scans(ctx))
    findings = _audit_findings(ctx, cycles)
    put("audit_findings", findings)
    put("open_findings", _open_findings(ctx, findings))
    for table, column in FRESHNESS.items():
        con.execute(f"CREATE INDEX idx_{table}_{column} ON {table} ({column})")
    con.execute("COMMIT")
    # Order the report like the schema so callers see a stable listing.
    return {table: rows[table] for table, _cols in SCHEMA}


def _insert(con: sqlite3.Connection, table: str, data: Iterable[tuple[object, ...]]) -> None:
    """Insert positional rows into a table."""
    width = len(con.execute(f"PRAGMA table_info({table})").fetchall())
    marks = ",".join("?" * width)
    con.executemany(f"INSERT INTO {table} VALUES ({marks})", data)


def _insert_chunks(
    con: sqlite3.Connection,
    table: str,
    total: int,
    make: Callable[[int, int], pl.DataFrame],
    report: ProgressFn,
) -> int:
    """Generate a big table chunk by chunk and insert it, reporting progress."""
    done = 0
    report(table, 0, total)
    while done < total:
        stop = min(done + CHUNK_ROWS, total)
        frame = make(done, stop)
        _insert(con, table, frame.iter_rows(buffer_size=4096))
        done = stop
        report(table, done, total)
    return total
