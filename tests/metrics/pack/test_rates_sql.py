"""Rates over odd windows equal an independent SQL computation over the same SQLite file (README "Rates").

A per-day rate is the period's total over the calendar days of the window, clipped to the table's first day and the
day after its newest row; a per-month rate over whole calendar months is the mean of the months' totals, over any
other window the total over those days times 30.4375. The SQL here reads the clip from the table itself.
"""
from __future__ import annotations

import json
import math
import shutil
import sqlite3
from pathlib import Path
from time import sleep

import pytest

import app

TODAY = "2026-11-27"
AVERAGE_MONTH = 30.4375
SAVED_HOURS = "SUM(CASE WHEN mode = 'automated' THEN max(standard_manual_minutes - duration_minutes, 0) ELSE 0 END) / 60.0"
HOURS = ("process_runs", "started_at", SAVED_HOURS)
CALLS = ("api_calls", "day", "SUM(calls) * 1.0")
COSTS = ("costs", "month", "SUM(amount_cny)")

# name: (query arguments, the window [lo, hi) they ask for)
WINDOWS = {
    "last 90 days": (("--period", "last_90d"), ("2026-08-29", "2026-11-27")),
    "Feb-Mar": (("--from", "2026-02-01", "--to", "2026-03-31"), ("2026-02-01", "2026-04-01")),
    "before the data, whole months": (("--from", "2025-01-01", "--to", "2025-04-30"), ("2025-01-01", "2025-05-01")),
    "before the data, part months": (("--from", "2025-01-15", "--to", "2025-03-20"), ("2025-01-15", "2025-03-21")),
    "ending today mid-month": (("--from", "2026-11-01", "--to", TODAY), ("2026-11-01", "2026-11-28")),
}


@pytest.fixture(scope="module")
def db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "demo.sqlite")


def query(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> list[dict]:
    """Run `python app.py query ... --format json` in this process and parse what it prints."""
    code = app.main(["--data-dir", str(data_dir), "--today", TODAY, "query", *args, "--format", "json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9)


def covered(db: sqlite3.Connection, table: str, time: str, lo: str, hi: str) -> tuple[str, str]:
    """[lo, hi) clipped to the table's first day and the day after its newest row (the month after, for costs:
    monthly figures dated the 1st of their month)."""
    after = "+1 month" if table == "costs" else "+1 day"
    return db.execute(f"SELECT max(?, min(date({time}))), min(?, date(max({time}), '{after}')) FROM {table}",
                      (lo, hi)).fetchone()


def total(db: sqlite3.Connection, source: tuple[str, str, str], lo: str, hi: str, where: str = "1=1") -> float:
    table, time, expr = source
    return db.execute(f"SELECT {expr} FROM {table} WHERE {time} >= ? AND {time} < ? AND {where}", (lo, hi)).fetchone()[0]


def days(db: sqlite3.Connection, lo: str, hi: str) -> float:
    return db.execute("SELECT julianday(?) - julianday(?)", (hi, lo)).fetchone()[0]


def per_day(db: sqlite3.Connection, source: tuple[str, str, str], lo: str, hi: str, where: str = "1=1") -> float:
    return total(db, source, lo, hi, where) / days(db, *covered(db, source[0], source[1], lo, hi))


def per_month(db: sqlite3.Connection, source: tuple[str, str, str], lo: str, hi: str, where: str = "1=1") -> float:
    """The mean of the calendar months' totals when the covered window is whole months, else days x 30.4375."""
    table, time, expr = source
    start, end = covered(db, table, time, lo, hi)
    if start.endswith("-01") and end.endswith("-01"):
        months = db.execute(f"SELECT substr({time}, 1, 7) AS month, {expr} FROM {table} WHERE {time} >= ? AND "
                            f"{time} < ? AND {where} GROUP BY month", (start, end)).fetchall()
        calendar_months = db.execute("SELECT (strftime('%Y', ?) - strftime('%Y', ?)) * 12 + strftime('%m', ?) - "
                                     "strftime('%m', ?)", (end, start, end, start)).fetchone()[0]
        assert len(months) == calendar_months  # every month of these windows has rows: the mean of their totals
        return sum(t for _, t in months) / len(months)
    return total(db, source, lo, hi, where) / days(db, start, end) * AVERAGE_MONTH


@pytest.mark.parametrize("window", WINDOWS)
def test_api_calls_per_day_is_the_total_over_calendar_days(window: str, db: sqlite3.Connection, data_dir: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    args, (lo, hi) = WINDOWS[window]
    [row] = query(capsys, data_dir, "api_calls_per_day", *args)
    assert close(row["value"], per_day(db, CALLS, lo, hi)), (row["value"], per_day(db, CALLS, lo, hi))


@pytest.mark.parametrize("window", WINDOWS)
def test_hours_saved_per_month_is_the_mean_month_or_the_average_month(
        window: str, db: sqlite3.Connection, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args, (lo, hi) = WINDOWS[window]
    [row] = query(capsys, data_dir, "hours_saved", *args)
    assert close(row["value"], per_month(db, HOURS, lo, hi)), (row["value"], per_month(db, HOURS, lo, hi))
    [labour] = query(capsys, data_dir, "labour_value_saved", *args)  # a derived metric over the rate follows it
    assert close(labour["value"], per_month(db, HOURS, lo, hi) * 180)


def test_last_90_days_of_hours_are_not_divided_by_the_months_they_touch(
        db: sqlite3.Connection, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's example: 90 days touch 4 calendar months; their hours per month are the 90 days' total scaled."""
    [row] = query(capsys, data_dir, "hours_saved", "--period", "last_90d")
    ninety = total(db, HOURS, "2026-08-29", "2026-11-27")
    assert close(row["value"], ninety / 90 * AVERAGE_MONTH)
    assert row["value"] > ninety / 4 * 1.25


def test_previous_period_and_baseline_are_rates_too(db: sqlite3.Connection, data_dir: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    [hours] = query(capsys, data_dir, "hours_saved", "--period", "last_90d")
    assert close(hours["previous"], total(db, HOURS, "2026-05-31", "2026-08-29") / 90 * AVERAGE_MONTH)
    assert close(hours["baseline"], per_month(db, HOURS, "2025-03-01", "2025-06-01"))  # 3 months before the start
    [calls] = query(capsys, data_dir, "api_calls_per_day", "--period", "last_90d")
    assert close(calls["previous"], total(db, CALLS, "2026-05-31", "2026-08-29") / 90)
    assert close(calls["baseline"], total(db, CALLS, "2025-03-01", "2025-06-01") / 92)


@pytest.mark.parametrize(("key", "source", "rate"), [("api_calls_per_day", CALLS, per_day),
                                                     ("hours_saved", HOURS, per_month)])
@pytest.mark.parametrize("window", ["last 90 days", "ending today mid-month"])
def test_every_department_is_divided_by_the_same_window(key: str, source: tuple[str, str, str], rate,  # noqa: ANN001
                                                        window: str, db: sqlite3.Connection, data_dir: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    args, (lo, hi) = WINDOWS[window]
    rows = query(capsys, data_dir, key, "--by", "department", *args)
    departments = {d for (d,) in db.execute(f"SELECT DISTINCT department FROM {source[0]} WHERE {source[1]} >= ? AND "
                                            f"{source[1]} < ?", (lo, hi))}
    assert {r["department"] for r in rows} == departments and len(departments) == 8
    for row in rows:
        expected = rate(db, source, lo, hi, f"department = '{row['department']}'")
        assert close(row["value"], expected), (row, expected)
    # the departments' rates add up to the company's: one window, one divisor
    [company] = query(capsys, data_dir, key, *args)
    assert close(sum(r["value"] for r in rows), company["value"])


@pytest.mark.parametrize(("key", "source", "rate"), [("api_calls_per_day", CALLS, per_day),
                                                     ("hours_saved", HOURS, per_month),
                                                     ("operating_cost_monthly", COSTS, per_month)])
def test_monthly_trend_from_before_the_data_to_today(key: str, source: tuple[str, str, str], rate,  # noqa: ANN001
                                                     db: sqlite3.Connection, data_dir: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    rows = query(capsys, data_dir, key, "--grain", "month", "--from", "2025-01-01", "--to", TODAY)
    months = [m for (m,) in db.execute(f"SELECT DISTINCT substr({source[1]}, 1, 7) || '-01' FROM {source[0]} "
                                       f"WHERE {source[1]} >= '2025-01-01' AND {source[1]} < '2026-11-28' ORDER BY 1")]
    assert [r["period"] for r in rows] == months and months[0] == "2025-03-01" and months[-1] == "2026-11-01"
    for row in rows:
        lo = row["period"]
        hi = min(db.execute("SELECT date(?, '+1 month')", (lo,)).fetchone()[0], "2026-11-28")
        if source is COSTS:  # monthly figures: the row dated 1 November is November's
            hi = db.execute("SELECT date(?, '+1 month')", (lo,)).fetchone()[0]
        assert close(row["value"], rate(db, source, lo, hi)), (row, rate(db, source, lo, hi))
    if source is HOURS:  # November so far (26 days of data) is scaled to a month; October is its total
        assert close(rows[-1]["value"], total(db, HOURS, "2026-11-01", "2026-11-27") / 26 * AVERAGE_MONTH)
        assert close(rows[-2]["value"], total(db, HOURS, "2026-10-01", "2026-11-01"))


@pytest.mark.parametrize("window", ["last 90 days", "ending today mid-month", "before the data, part months"])
def test_monthly_figures_cover_their_whole_month(window: str, db: sqlite3.Connection, data_dir: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Costs are dated the 1st of their month: a window holds the months whose date falls in it, each whole."""
    args, (lo, hi) = WINDOWS[window]
    months = db.execute("SELECT SUM(amount_cny), COUNT(DISTINCT month) FROM costs WHERE month >= ? AND month < ?",
                        (lo, hi)).fetchone()
    [row] = query(capsys, data_dir, "operating_cost_monthly", *args)
    assert close(row["value"], months[0] / months[1])
    baseline = total(db, COSTS, "2025-03-01", "2025-06-01") / 3
    [savings] = query(capsys, data_dir, "cost_savings_annualized", *args)  # a change over the rate follows it
    assert close(savings["value"], (baseline - months[0] / months[1]) * 12)


def test_a_new_day_of_data_moves_the_window(tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The first day and as-of are read again when the table's data changes (not kept from an earlier read)."""
    (tmp_path / "data").mkdir()
    shutil.copy(data_dir / "demo.sqlite", tmp_path / "data" / "demo.sqlite")
    config = tmp_path / "demo.toml"
    config.write_text((Path(app.__file__).parent / "config" / "demo.toml").read_text().replace(
        "cache_ttl_seconds = 300", "cache_ttl_seconds = 0.01"))
    db = sqlite3.connect(tmp_path / "data" / "demo.sqlite")
    november = ("--from", "2026-11-01", "--to", "2026-11-30")

    def calls_per_day() -> float:
        code = app.main(["--config", str(config), "--data-dir", str(tmp_path / "data"), "--today", TODAY,
                         "query", "api_calls_per_day", *november, "--format", "json"])
        out = capsys.readouterr()
        assert code == 0, out.err
        return json.loads(out.out)[0]["value"]

    assert close(calls_per_day(), per_day(db, CALLS, "2026-11-01", "2026-12-01"))
    assert days(db, *covered(db, "api_calls", "day", "2026-11-01", "2026-12-01")) == 26
    with db:
        db.execute("INSERT INTO api_calls (day, interface_id, source_system, target_system, department, calls, errors, "
                   "via_platform) VALUES ('2026-11-27', 'IF-01', 'ERP', 'CRM', 'finance', 9000, 0, 1)")
    sleep(0.05)
    assert days(db, *covered(db, "api_calls", "day", "2026-11-01", "2026-12-01")) == 27
    assert close(calls_per_day(), per_day(db, CALLS, "2026-11-01", "2026-12-01"))
