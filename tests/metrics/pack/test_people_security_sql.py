"""The people and security metrics: `python app.py query` equals an independent SQL computation over the same file.

For each metric: the headline for the last complete month and quarter, the breakdown by department, the monthly
trend, and the records that need fixing. The SQL is written from the metric descriptions, not from the polars
expressions. The open-findings numbers are counted from the findings register (`audit_findings`: raised, closed)
at each month-end, not from the month-end list the metrics read, so that list is checked against the register too.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import app
from metrics.engine.periods import Filters
from tests.metrics.pack.test_pack_sql import close, db, query, sql_value  # noqa: F401 - db is a fixture

LAST_DAY = "2026-11-26"  # the demo's last day of data (the tests pin today to 2026-11-27)
PERIODS = {"month": ("2026-10-01", "2026-11-01"), "quarter": ("2026-07-01", "2026-10-01")}
TREND = ("2025-03-01", "2026-11-01")  # the baseline period to the last complete month


def month_ends(lo: str, hi: str) -> list[str]:
    """The as-of day of each month that starts in [lo, hi): its last day, or the data's last day."""
    days, month = [], date.fromisoformat(lo)
    while month.isoformat() < hi:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        days.append(min((following - timedelta(days=1)).isoformat(), LAST_DAY))
        month = following
    return days


def from_register(expr: str, per_month: bool = False) -> Callable[..., Any]:
    """An aggregate over the findings open at each month-end of the period, counted from the findings register;
    per month: divided by the number of month-ends."""
    def compute(db: sqlite3.Connection, _time: str, lo: str, hi: str,  # noqa: F811
                extra: str = "1=1") -> float | None:
        days = month_ends(lo, hi)
        if not days:
            return None
        ends = " UNION ALL ".join("SELECT ? AS as_of" for _ in days)
        value = db.execute(f"WITH ends AS ({ends}) SELECT {expr} FROM ends JOIN audit_findings ON raised_on <= as_of "
                           f"AND (closed_on IS NULL OR closed_on > as_of) WHERE {extra}", days).fetchone()[0]
        return value / len(days) if per_month else value
    return compute


TRAINED = "AVG(trained_on IS NOT NULL)"
# metric: (time column, table, computation, the rows that need fixing)
EXPECTED: dict[str, tuple[str, str, Callable[..., Any], str]] = {
    "key_staff_trained": ("month", "key_staff", sql_value("key_staff", TRAINED),
                          "trained_on IS NULL AND due_on < as_of"),
    "process_owners_trained": ("month", "key_staff", sql_value("key_staff", TRAINED, "role = 'process_owner'"),
                               "role = 'process_owner' AND trained_on IS NULL AND due_on < as_of"),
    "weekly_active_users": ("week_start", "platform_usage", sql_value(
        "platform_usage", "SUM(sessions > 0) * 1.0 / COUNT(DISTINCT week_start)"), "sessions = 0"),
    "access_reviews_on_time": ("due_on", "access_reviews", sql_value(
        "access_reviews", "AVG(completed_on IS NOT NULL AND completed_on <= due_on)"),
        "completed_on IS NULL OR completed_on > due_on"),
    "privileged_accounts_reviewed": ("month", "privileged_accounts", sql_value(
        "privileged_accounts", "AVG(coalesce(julianday(as_of) - julianday(last_reviewed_on) <= 90, 0))"),
        "last_reviewed_on IS NULL OR julianday(as_of) - julianday(last_reviewed_on) > 90"),
    "logging_coverage": ("scanned_on", "logging_scans", sql_value("logging_scans", "AVG(logging_on)"),
                         "logging_on = 0"),
    "open_audit_findings": ("month", "open_findings", from_register("COUNT(*) * 1.0", per_month=True),
                            "due_on < as_of"),
    "open_findings_age_days": ("month", "open_findings", from_register(
        "AVG(julianday(as_of) - julianday(raised_on))"), "due_on < as_of"),
}
ROWS = {"process_owners_trained": "role = 'process_owner'"}  # the rows a metric is over, where not all its table's
REGISTER = ("open_audit_findings", "open_findings_age_days")


def expected(key: str, db: sqlite3.Connection, lo: str, hi: str, extra: str = "1=1") -> float | None:  # noqa: F811
    time, _table, compute, _fix = EXPECTED[key]
    return compute(db, time, lo, hi, extra)


def last_day(hi: str) -> str:
    return (date.fromisoformat(hi) - timedelta(days=1)).isoformat()


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("key", EXPECTED)
def test_headline_equals_sql(key: str, period: str, db: sqlite3.Connection, data_dir: Path, capsys) -> None:  # noqa: ANN001, F811
    lo, hi = PERIODS[period]
    [row] = query(capsys, data_dir, key, "--period", period)
    assert (row["start"], row["end_exclusive"]) == (lo, hi)
    value = expected(key, db, lo, hi)
    assert value is not None and close(row["value"], value), (row["value"], value)


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("key", EXPECTED)
def test_breakdown_by_department_equals_sql(key: str, period: str, db: sqlite3.Connection,  # noqa: F811
                                            data_dir: Path, capsys) -> None:  # noqa: ANN001
    lo, hi = PERIODS[period]
    rows = query(capsys, data_dir, key, "--by", "department", "--from", lo, "--to", last_day(hi))
    time, table, _compute, _fix = EXPECTED[key]
    # A department shows when it has rows in the period: for the open findings, a finding open at a month-end.
    if key in REGISTER:
        groups = {d for (d,) in db.execute("SELECT department_id FROM departments")
                  if from_register("COUNT(*)")(db, time, lo, hi, f"department = '{d}'")}
    else:
        groups = {d for (d,) in db.execute(f"SELECT DISTINCT department FROM {table} WHERE {time} >= ? AND "
                                           f"{time} < ? AND {ROWS.get(key, '1=1')}", (lo, hi))}
    assert {r["department"] for r in rows} == groups and groups
    for row in rows:
        value = expected(key, db, lo, hi, f"department = '{row['department']}'")
        assert close(row["value"], value), (row["department"], row["value"], value)


@pytest.mark.parametrize("key", EXPECTED)
def test_monthly_trend_equals_sql(key: str, db: sqlite3.Connection, data_dir: Path, capsys) -> None:  # noqa: ANN001, F811
    rows = query(capsys, data_dir, key, "--grain", "month", "--from", TREND[0], "--to", last_day(TREND[1]))
    assert len(rows) >= 17  # every month with data: from the baseline period on, or from the platform's start
    for row in rows:
        month_lo = row["period"]
        y, m = int(month_lo[:4]), int(month_lo[5:7])
        month_hi = f"{y + m // 12}-{m % 12 + 1:02d}-01"
        assert close(row["value"], expected(key, db, month_lo, month_hi)), row


def test_the_trend_tells_the_programmes_story(db: sqlite3.Connection) -> None:  # noqa: F811
    """Each KPI moves the right way from the baseline period (or the first months) to the last complete month."""
    for key, (before, after) in {
        "key_staff_trained": (0.0, 0.9), "process_owners_trained": (0.0, 0.9), "access_reviews_on_time": (0.6, 0.9),
        "privileged_accounts_reviewed": (0.35, 0.9), "logging_coverage": (0.6, 0.93),
    }.items():
        assert expected(key, db, "2025-03-01", "2025-06-01") <= before, key
        assert expected(key, db, *PERIODS["month"]) >= after, key
    assert expected("open_audit_findings", db, "2025-03-01", "2025-06-01") > 5 * expected(
        "open_audit_findings", db, *PERIODS["month"])
    assert expected("open_findings_age_days", db, *PERIODS["month"]) < 30 < expected(
        "open_findings_age_days", db, "2025-03-01", "2025-06-01")
    assert expected("weekly_active_users", db, "2025-06-01", "2025-07-01") < 0.25 * expected(
        "weekly_active_users", db, *PERIODS["month"])


@pytest.mark.parametrize("key", EXPECTED)
def test_the_records_to_fix_are_those_the_description_names(key: str, runtime: app.Runtime,
                                                            db: sqlite3.Connection) -> None:  # noqa: F811
    time, table, _compute, fix = EXPECTED[key]
    lo, hi = PERIODS["quarter"]
    filters = Filters(date.fromisoformat(lo), date.fromisoformat(hi))
    page = runtime.engine.detail(key, filters, 0, 10, None, True, True).data
    count = db.execute(f"SELECT COUNT(*) FROM {table} WHERE {time} >= ? AND {time} < ? AND ({fix})", (lo, hi))
    assert page.total == count.fetchone()[0] > 0
    assert all(page.rows["problem"].str.len_chars() > 0)  # each says what is wrong with it
