"""Operational tables: process_runs, service_requests and audit_cycles."""

from __future__ import annotations

import math
from datetime import date, timedelta

import polars as pl

from demo.calendar import DAY_SECONDS, _add_months, _months_between
from demo.context import _Context, _join_date, _rng
from demo.draws import _label, _normal, _pick, _take, _uniform
from demo.reference import DEPT_IDS, DEPT_INDEX, PROCESS_STANDARD

# ---------------------------------------------------------------------------
# process_runs
# ---------------------------------------------------------------------------

# (process, department, source_system, weight)
RUN_COMBOS: tuple[tuple[str, str, str, float], ...] = (
    ("invoice_processing", "finance", "FIN", 0.14),
    ("invoice_processing", "finance", "ERP", 0.08),
    ("invoice_processing", "procurement", "ERP", 0.06),
    ("invoice_processing", "supply_chain", "ERP", 0.04),
    ("invoice_processing", "sales", "FIN", 0.03),
    ("invoice_processing", "production", "ERP", 0.02),
    ("invoice_processing", "it", "FIN", 0.005),
    ("invoice_processing", "hr", "FIN", 0.005),
    ("purchase_order", "procurement", "ERP", 0.12),
    ("purchase_order", "procurement", "SUPPLIER_PORTAL", 0.06),
    ("purchase_order", "supply_chain", "ERP", 0.05),
    ("purchase_order", "production", "ERP", 0.04),
    ("purchase_order", "rnd_lab", "ERP", 0.03),
    ("purchase_order", "it", "ERP", 0.01),
    ("purchase_order", "hr", "ERP", 0.01),
    ("month_end_report", "finance", "FIN", 0.02),
    ("month_end_report", "procurement", "ERP", 0.008),
    ("month_end_report", "sales", "CRM", 0.008),
    ("month_end_report", "supply_chain", "ERP", 0.008),
    ("month_end_report", "rnd_lab", "LIMS", 0.008),
    ("month_end_report", "production", "ERP", 0.008),
    ("month_end_report", "hr", "HRM", 0.008),
    ("month_end_report", "it", "ERP", 0.004),
    ("supplier_onboarding", "procurement", "SUPPLIER_PORTAL", 0.05),
    ("supplier_onboarding", "supply_chain", "SUPPLIER_PORTAL", 0.025),
    ("supplier_onboarding", "rnd_lab", "SUPPLIER_PORTAL", 0.015),
    ("customer_onboarding", "sales", "CRM", 0.08),
    ("customer_onboarding", "sales", "TRACE", 0.02),
    ("customer_onboarding", "finance", "CRM", 0.02),
    ("customer_onboarding", "finance", "ERP", 0.01),
)
ERROR_TYPES: tuple[str, ...] = ("wrong_amount", "missing_po", "duplicate_invoice", "late_posting")
ERROR_WEIGHTS: tuple[float, ...] = (0.35, 0.25, 0.15, 0.25)

RUN_PROCESS = tuple(c[0] for c in RUN_COMBOS)
RUN_DEPT = tuple(DEPT_INDEX[c[1]] for c in RUN_COMBOS)
RUN_SYSTEM = tuple(c[2] for c in RUN_COMBOS)
RUN_WEIGHTS = tuple(c[3] for c in RUN_COMBOS)


def _automation_share(months: pl.Series) -> pl.Series:
    """Probability that a run is automated: 0.12 before joining, ~0.85 six months after."""
    ramp = 0.12 + 0.73 * (1.0 - (-months.clip(0.0, None) / 2.0).exp())
    return pl.select(pl.when(months < 0).then(pl.lit(0.12)).otherwise(ramp)).to_series()


def _run_chunk(ctx: _Context, start: int, stop: int) -> pl.DataFrame:
    """Process runs start..stop-1 (0-based), ready to insert."""
    s, n = ctx.seed, ctx.runs
    idx = pl.int_range(start, stop, dtype=pl.UInt64, eager=True)
    secs = ctx.clock.seconds(idx, n, s, "r.time")
    combo = _pick(_uniform(idx, s, "r.combo"), RUN_WEIGHTS)
    dept = _take(RUN_DEPT, combo, pl.UInt32)
    standard = _take([PROCESS_STANDARD[p] for p in RUN_PROCESS], combo, pl.Float64)
    automated = _uniform(idx, s, "r.mode") < _automation_share(ctx.months_since_join(secs, dept))
    u_dur = _uniform(idx, s, "r.duration")
    u_steps = _uniform(idx, s, "r.steps")
    u_err = _uniform(idx, s, "r.error")
    error_kind = _pick(_uniform(idx, s, "r.errtype"), ERROR_WEIGHTS)
    frame = pl.DataFrame(
        {
            "run_id": (idx + 1).cast(pl.Int64),
            "combo": combo,
            "secs": secs,
            "auto": automated,
            "standard": standard,
            "u_dur": u_dur,
            "u_steps": u_steps,
            "u_err": u_err,
            "error_kind": error_kind,
        }
    )
    auto = pl.col("auto")
    factor = pl.when(auto).then(0.1 + 0.15 * pl.col("u_dur")).otherwise(0.8 + 0.5 * pl.col("u_dur"))
    steps = pl.when(auto).then((pl.col("u_steps") * 3).floor()).otherwise(
        8 + (pl.col("u_steps") * 5).floor()
    )
    had_error = pl.col("u_err") < pl.when(auto).then(0.015).otherwise(0.08)
    return frame.select(
        pl.col("run_id"),
        _label("combo", RUN_PROCESS).alias("process"),
        _label("combo", [DEPT_IDS[d] for d in RUN_DEPT]).alias("department"),
        _label("combo", RUN_SYSTEM).alias("source_system"),
        ctx.timestamps(frame["secs"]).alias("started_at"),
        pl.when(auto).then(pl.lit("automated")).otherwise(pl.lit("manual")).alias("mode"),
        (pl.col("standard") * factor).round(1).alias("duration_minutes"),
        steps.clip(0, 12).cast(pl.Int64).alias("manual_steps"),
        had_error.cast(pl.Int64).alias("had_error"),
        pl.when(had_error)
        .then(_label("error_kind", ERROR_TYPES))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("error_type"),
        pl.col("standard").alias("standard_manual_minutes"),
    )


# ---------------------------------------------------------------------------
# service_requests
# ---------------------------------------------------------------------------

# Service desk: department weight and the systems its tickets are about.
REQUEST_DEPTS: tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...] = (
    ("procurement", 0.15, (("ERP", 0.5), ("SUPPLIER_PORTAL", 0.4), ("FIN", 0.1))),
    ("finance", 0.17, (("FIN", 0.6), ("ERP", 0.4))),
    ("sales", 0.16, (("CRM", 0.7), ("TRACE", 0.15), ("ERP", 0.15))),
    ("supply_chain", 0.13, (("ERP", 0.5), ("TRACE", 0.3), ("SUPPLIER_PORTAL", 0.2))),
    ("rnd_lab", 0.10, (("LIMS", 0.8), ("ERP", 0.2))),
    ("production", 0.14, (("ERP", 0.5), ("LIMS", 0.2), ("TRACE", 0.3))),
    ("hr", 0.08, (("HRM", 0.9), ("ERP", 0.1))),
    ("it", 0.07, (("ERP", 0.3), ("HRM", 0.2), ("CRM", 0.2), ("FIN", 0.15), ("LIMS", 0.15))),
)
REQUEST_COMBOS: tuple[tuple[str, str, float], ...] = tuple(
    (dept, system, dw * sw) for dept, dw, systems in REQUEST_DEPTS for system, sw in systems
)
REQUEST_CATEGORIES: tuple[str, ...] = (
    "access_request",
    "data_correction",
    "report_request",
    "incident",
    "master_data_change",
)
REQUEST_CATEGORY_WEIGHTS: tuple[float, ...] = (0.25, 0.25, 0.15, 0.25, 0.10)

REQUEST_DEPT = tuple(DEPT_INDEX[c[0]] for c in REQUEST_COMBOS)
REQUEST_SYSTEM = tuple(c[1] for c in REQUEST_COMBOS)
REQUEST_WEIGHTS = tuple(c[2] for c in REQUEST_COMBOS)
# Lognormal spread that puts the 90th percentile at about three times the median.
RESOLUTION_SIGMA = math.log(3.0) / 1.2816


def _request_chunk(ctx: _Context, start: int, stop: int) -> pl.DataFrame:
    """Service requests start..stop-1 (0-based), ready to insert."""
    s, n = ctx.seed, ctx.requests
    idx = pl.int_range(start, stop, dtype=pl.UInt64, eager=True)
    secs = ctx.clock.seconds(idx, n, s, "q.time")
    combo = _pick(_uniform(idx, s, "q.combo"), REQUEST_WEIGHTS)
    dept = _take(REQUEST_DEPT, combo, pl.UInt32)
    months = ctx.months_since_join(secs, dept)
    median = pl.select(
        pl.when(months < 0)
        .then(pl.lit(30.0))
        .otherwise(8.0 + 22.0 * (-months.clip(0.0, None) / 1.8).exp())
    ).to_series()
    hours = median * (RESOLUTION_SIGMA * _normal(idx, s, "q.hours")).exp()
    resolved = secs + (hours * 3600).round(0).cast(pl.Int64)
    horizon = ctx.days * DAY_SECONDS
    age_days = (horizon - secs).cast(pl.Float64) / DAY_SECONDS
    # A small stale backlog everywhere, and most open tickets among the last three weeks.
    p_open = pl.select(
        pl.when(age_days < 21).then(0.95 - 0.8 * age_days / 21).otherwise(pl.lit(0.009))
    ).to_series()
    is_open = (_uniform(idx, s, "q.open") < p_open) | (resolved >= horizon)
    # Faster answers earn better scores.
    score = (6.55 - 1.0 * hours.log() + 0.7 * _normal(idx, s, "q.score")).round(0).clip(1, 5)
    answered = _uniform(idx, s, "q.survey") >= 0.10
    category = _pick(_uniform(idx, s, "q.category"), REQUEST_CATEGORY_WEIGHTS)
    frame = pl.DataFrame(
        {
            "request_id": (idx + 1).cast(pl.Int64),
            "combo": combo,
            "category": category,
            "opened": ctx.timestamps(secs),
            "resolved": ctx.timestamps(resolved),
            "open": is_open,
            "score": score.cast(pl.Int64),
            "answered": answered,
        }
    )
    return frame.select(
        pl.col("request_id"),
        _label("combo", [DEPT_IDS[d] for d in REQUEST_DEPT]).alias("department"),
        _label("combo", REQUEST_SYSTEM).alias("system"),
        _label("category", REQUEST_CATEGORIES).alias("category"),
        pl.col("opened").alias("opened_at"),
        pl.when(pl.col("open"))
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("resolved"))
        .alias("resolved_at"),
        pl.when(pl.col("open") | ~pl.col("answered"))
        .then(pl.lit(None, dtype=pl.Int64))
        .otherwise(pl.col("score"))
        .alias("satisfaction"),
    )


# ---------------------------------------------------------------------------
# audit_cycles
# ---------------------------------------------------------------------------

AUDIT_TYPES: tuple[str, ...] = ("GDPR", "MLPS", "internal", "financial")
AUDIT_TYPE_WEIGHTS: tuple[float, ...] = (0.2, 0.2, 0.35, 0.25)


def _audit_cycles(ctx: _Context) -> list[tuple[object, ...]]:
    """Audit cycles, about ten started a month, kept when completed before the end."""
    rng = _rng(ctx, "audit_cycles")
    cycles: list[tuple[str, str, date, date, int]] = []
    month = ctx.baseline_start
    while month < ctx.end:
        length = (_add_months(month, 1) - month).days
        for _ in range(rng.randint(8, 12)):
            started = month + timedelta(days=rng.randrange(length))
            dept = rng.choice(DEPT_IDS)
            kind = rng.choices(AUDIT_TYPES, AUDIT_TYPE_WEIGHTS)[0]
            m = _months_between(started, _join_date(ctx, dept))
            if m < 0:
                days = round(21 + rng.uniform(-3.0, 3.0))
                findings = max(0, round(rng.gauss(7.0, 2.5)))
            else:
                days = round(3 + 18 * math.exp(-m / 3) + rng.uniform(-1.5, 1.5))
                findings = max(0, round(rng.gauss(1.0 + 6.0 * math.exp(-m / 4), 1.5)))
            completed = started + timedelta(days=max(2, days))
            if started < ctx.end and completed < ctx.end:
                cycles.append((kind, dept, started, completed, findings))
        month = _add_months(month, 1)
    cycles.sort(key=lambda c: (c[2], c[3], c[1], c[0]))
    return [
        (i + 1, kind, dept, started.isoformat(), completed.isoformat(), findings)
        for i, (kind, dept, started, completed, findings) in enumerate(cycles)
    ]
