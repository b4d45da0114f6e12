"""Every default metric: `python app.py query` equals an independent SQL computation over the same SQLite file.

For each metric: the headline, one breakdown and one monthly trend. The SQL here is written from the metric
descriptions, not from the polars expressions.
"""
from __future__ import annotations

import json
import math
import re
import sqlite3
import statistics
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable

import pytest

import app

PERIOD = ("2026-10-01", "2026-11-01")
TREND = ("2026-01-01", "2026-11-01")
PLAN_PERIOD = ("2025-06-01", "2026-11-01")  # milestones are few: judge them over the programme so far
BASELINE = ("2025-03-01", "2025-06-01")  # the 3 months before the demo's programme start (2025-06-01)

BAD_CODE = ("(code IS NOT NULL AND NOT (code REGEXP '^[A-Z]{3}-[0-9]{6}$' AND substr(code, 1, 4) = "
            "CASE domain WHEN 'material' THEN 'MAT-' WHEN 'customer' THEN 'CUS-' WHEN 'supplier' THEN 'SUP-' END))")
BAD_TAX = "(tax_id IS NOT NULL AND NOT tax_id REGEXP '^[0-9A-Z]{18}$')"
BAD_EMAIL = "(contact_email IS NOT NULL AND NOT contact_email REGEXP '^[a-z0-9._]+@[a-z0-9-]+\\.[a-z]{2,}$')"
BAD_COUNTRY = "(country IS NOT NULL AND country NOT IN ('CN','DE','US','JP','SG','FR','GB','CH'))"
SAVED_MIN = ("CASE WHEN mode = 'automated' THEN max(standard_manual_minutes - duration_minutes, 0) ELSE 0 END")
HOURS = "((julianday(resolved_at) - julianday(opened_at)) * 24)"


def sql_value(table: str, expr: str, where: str = "1=1") -> Callable[..., Any]:
    """A metric computed by one SQL aggregate over the period's rows."""
    return lambda db, time, lo, hi, extra="1=1": db.execute(
        f"SELECT {expr} FROM {table} WHERE {time} >= ? AND {time} < ? AND {where} AND {extra}", (lo, hi)).fetchone()[0]


def py_quantile(q: float | None) -> Callable[..., Any]:
    """Median or a linear-interpolated percentile of resolution hours, in Python."""
    def compute(db: sqlite3.Connection, time: str, lo: str, hi: str, extra: str = "1=1") -> float | None:
        hours = [r[0] for r in db.execute(f"SELECT {HOURS} FROM service_requests WHERE resolved_at IS NOT NULL "
                                          f"AND {time} >= ? AND {time} < ? AND {extra}", (lo, hi))]
        if not hours:
            return None
        if q is None:
            return statistics.median(hours)
        if len(hours) == 1:
            return hours[0]
        return statistics.quantiles(hours, n=10, method="inclusive")[int(q * 10) - 1]
    return compute


def change(base: Callable[..., Any], how: str, scale: float = 1) -> Callable[..., Any]:
    def compute(db: sqlite3.Connection, time: str, lo: str, hi: str, extra: str = "1=1") -> float | None:
        now, then = base(db, time, lo, hi, extra), base(db, time, *BASELINE, extra)
        if now is None or then is None:
            return None
        return (1 - now / then) if how == "relative" else (then - now) * scale
    return compute


# A comment names a complaint when it speaks of one of the five known themes.
COMPLAINT = "(" + " OR ".join(f"lower(comment) LIKE '%{word}%'" for word in (
    "approv", "sign-off", "signoff", "twice", "duplicate", "re-key", "rekey", "re-enter", "reenter", "report",
    "figures", "totals", "access", "permission", "locked out", "password", "training", "trained", "how to use",
    "tutorial")) + ")"
HOURS_SAVED = sql_value("process_runs", f"SUM({SAVED_MIN}) / 60.0 / COUNT(DISTINCT substr(started_at, 1, 7))")
ERROR_RATE = sql_value("process_runs", "AVG(had_error)")
OPERATING_COST = sql_value("costs", "SUM(amount_cny) * 1.0 / COUNT(DISTINCT month)")

# metric: (time column, dimension for the breakdown, computation)
EXPECTED: dict[str, tuple[str, str, Callable[..., Any]]] = {
    "data_accuracy": ("updated_at", "department", sql_value(
        "master_records", f"AVG(CASE WHEN {BAD_CODE} OR {BAD_TAX} OR {BAD_EMAIL} OR {BAD_COUNTRY} THEN 0 ELSE 1 END)")),
    "data_completeness": ("updated_at", "source_system", sql_value(
        "master_records", "SUM((code IS NOT NULL) + (tax_id IS NOT NULL) + (address IS NOT NULL) + "
        "(country IS NOT NULL) + (contact_email IS NOT NULL)) / (5.0 * COUNT(*))")),
    "duplicate_records": ("updated_at", "domain", sql_value(
        "master_records", "(COUNT(*) - COUNT(DISTINCT domain || '|' || lower(trim(name)) || '|' || "
        "coalesce(tax_id, ''))) * 1.0 / COUNT(*)")),
    "code_standardization": ("updated_at", "department", sql_value(
        "master_records", "AVG(coalesce(code, '') REGEXP '^MAT-[0-9]{6}$')", "domain = 'material'")),
    "automation_rate": ("started_at", "department", sql_value("process_runs", "AVG(mode = 'automated')")),
    "hours_saved": ("started_at", "process", HOURS_SAVED),
    "error_rate": ("started_at", "department", ERROR_RATE),
    "error_reduction": ("started_at", "department", change(ERROR_RATE, "relative")),
    "labour_value_saved": ("started_at", "department",
                           lambda *a: None if (v := HOURS_SAVED(*a)) is None else v * 180),
    "audit_cycle_days": ("completed_on", "audit_type", sql_value(
        "audit_cycles", "AVG(julianday(completed_on) - julianday(started_on))")),
    "resolution_hours_median": ("opened_at", "department", py_quantile(None)),
    "resolution_hours_p90": ("opened_at", "system", py_quantile(0.9)),
    "satisfaction": ("opened_at", "department", sql_value(
        "service_requests", "AVG(satisfaction)", "satisfaction IS NOT NULL")),
    "api_calls_per_day": ("day", "department", sql_value("api_calls", "SUM(calls) * 1.0 / COUNT(DISTINCT day)")),
    "standard_interface_share": ("day", "department", sql_value(
        "api_calls", "COUNT(DISTINCT CASE WHEN via_platform = 1 THEN interface_id END) * 1.0 / "
        "COUNT(DISTINCT interface_id)")),
    "operating_cost_monthly": ("month", "category", OPERATING_COST),
    "cost_savings_annualized": ("month", "department", change(OPERATING_COST, "absolute", 12)),
    "milestones_on_time": ("planned_end", "workstream_id", sql_value(
        "milestones", "AVG(status = 'done' AND actual_end <= planned_end)")),
    "schedule_variance_days": ("planned_end", "phase_id", sql_value(
        "milestones", "AVG(julianday(actual_end) - julianday(planned_end))", "status = 'done'")),
    "feedback_satisfaction": ("responded_on", "department", sql_value(
        "feedback_responses", "AVG(satisfaction)", "satisfaction IS NOT NULL")),
    "complaint_share": ("responded_on", "system", sql_value(
        "feedback_responses", f"AVG(coalesce({COMPLAINT}, 0))")),
}


TABLES = {"updated_at": "master_records", "started_at": "process_runs", "completed_on": "audit_cycles",
          "opened_at": "service_requests", "day": "api_calls", "month": "costs", "planned_end": "milestones",
          "responded_on": "feedback_responses"}
# Rows a metric is over, where that is not all rows of its table (a group without such rows has no value).
GROUP_ROWS = {"code_standardization": "domain = 'material'", "resolution_hours_median": "resolved_at IS NOT NULL",
              "resolution_hours_p90": "resolved_at IS NOT NULL", "satisfaction": "satisfaction IS NOT NULL",
              "schedule_variance_days": "status = 'done'", "feedback_satisfaction": "satisfaction IS NOT NULL"}


@pytest.fixture(scope="module")
def db(data_dir: Path) -> sqlite3.Connection:
    con = sqlite3.connect(data_dir / "demo.sqlite")
    con.create_function("REGEXP", 2, lambda pattern, value: value is not None and re.search(pattern, value) is not None)
    return con


def query(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> list[dict]:
    """Run `python app.py query ... --format json` in this process and parse what it prints."""
    code = app.main(["--data-dir", str(data_dir), "--today", "2026-11-27", "query", *args, "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-7, abs_tol=1e-9)  # julianday() carries float error


def period_for(key: str) -> tuple[str, str]:
    return PLAN_PERIOD if key in ("milestones_on_time", "schedule_variance_days") else PERIOD


def test_every_default_metric_is_checked_here(runtime: app.Runtime) -> None:
    """Here or, for the people and security metrics, in test_people_security_sql.py; the maturity questionnaire (not
    a listed KPI) in tests/programme/test_maturity.py, whose scores are checked against SQL."""
    from tests.metrics.pack.test_people_security_sql import EXPECTED as PEOPLE_SECURITY

    assert set(runtime.catalogue) == set(EXPECTED) | set(PEOPLE_SECURITY) | {"maturity_questionnaire"}


@pytest.mark.parametrize("key", EXPECTED)
def test_headline_equals_sql(key: str, db: sqlite3.Connection, data_dir: Path, capsys) -> None:  # noqa: ANN001
    time, _, compute = EXPECTED[key]
    lo, hi = period_for(key)
    last = (date.fromisoformat(hi) - timedelta(days=1)).isoformat()
    [row] = query(capsys, data_dir, key, "--from", lo, "--to", last)
    expected = compute(db, time, lo, hi)
    assert expected is not None and close(row["value"], expected), (row["value"], expected)


@pytest.mark.parametrize("key", EXPECTED)
def test_breakdown_equals_sql(key: str, db: sqlite3.Connection, data_dir: Path, capsys) -> None:  # noqa: ANN001
    time, dim, compute = EXPECTED[key]
    lo, hi = period_for(key)
    rows = query(capsys, data_dir, key, "--by", dim, "--from", lo, "--to", "2026-10-31")
    table = TABLES[time]
    groups = {r[0] for r in db.execute(f"SELECT DISTINCT {dim} FROM {table} WHERE {time} >= ? AND {time} < ? AND "
                                       f"{GROUP_ROWS.get(key, '1=1')}", (lo, hi))}
    assert {r[dim] for r in rows} == groups
    for row in rows:
        expected = compute(db, time, lo, hi, f"{dim} = '{row[dim]}'")
        assert close(row["value"], expected), (row[dim], row["value"], expected)


@pytest.mark.parametrize("key", EXPECTED)
def test_monthly_trend_equals_sql(key: str, db: sqlite3.Connection, data_dir: Path, capsys) -> None:  # noqa: ANN001
    time, _, compute = EXPECTED[key]
    lo, hi = PLAN_PERIOD if key in ("milestones_on_time", "schedule_variance_days") else TREND
    rows = query(capsys, data_dir, key, "--grain", "month", "--from", lo, "--to", "2026-10-31")
    assert len(rows) >= 5
    for row in rows:
        month_lo = row["period"]
        y, m = int(month_lo[:4]), int(month_lo[5:7])
        month_hi = f"{y + m // 12}-{m % 12 + 1:02d}-01"
        assert close(row["value"], compute(db, time, month_lo, month_hi)), (row, compute(db, time, month_lo, month_hi))
