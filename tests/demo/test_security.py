"""demo/security.py: access reviews, privileged accounts, logging scans and the audit findings register, checked with
plain SQL on the session's demo database (tests/conftest.py: built from seed 7 up to 2026-11-27)."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

END = "2026-11-27"


@pytest.fixture()
def con(data_dir: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{data_dir / 'demo.sqlite'}?mode=ro", uri=True)
    yield connection
    connection.close()


def scalar(con: sqlite3.Connection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


def test_access_reviews_are_due_before_the_end_and_done_after_they_open(con: sqlite3.Connection) -> None:
    assert scalar(con, "SELECT max(due_on) FROM access_reviews") < END
    assert scalar(con, "SELECT max(completed_on) FROM access_reviews") < END
    assert scalar(con, "SELECT count(*) FROM access_reviews WHERE completed_on < date(due_on, '-20 days')") == 0
    assert scalar(con, "SELECT count(*) FROM access_reviews WHERE revoked > accounts OR "
                       "(completed_on IS NULL AND revoked > 0)") == 0
    # Every department reviews each of its systems once a quarter, spread over the quarter's months.
    per_quarter = con.execute("SELECT department, system, count(DISTINCT substr(due_on, 1, 7)) FROM access_reviews "
                              "WHERE due_on >= '2025-06-01' AND due_on < '2026-09-01' GROUP BY 1, 2").fetchall()
    assert per_quarter and all(months == 5 for _d, _s, months in per_quarter)
    assert scalar(con, "SELECT count(*) FROM access_reviews WHERE completed_on IS NULL") > 0  # some left to do


def test_the_privileged_inventory_is_the_same_accounts_every_month(con: sqlite3.Connection) -> None:
    counts = {n for (n,) in con.execute("SELECT count(*) FROM privileged_accounts GROUP BY month")}
    assert len(counts) == 1 and 60 <= counts.pop() <= 140
    assert scalar(con, "SELECT count(*) FROM privileged_accounts WHERE last_reviewed_on > as_of") == 0
    assert {t for (t,) in con.execute("SELECT DISTINCT account_type FROM privileged_accounts")} == {
        "admin", "dba", "service"}
    # A review, once made, stays the last one until the next.
    back = """SELECT count(*) FROM privileged_accounts a JOIN privileged_accounts b ON b.account_id = a.account_id
              AND b.month = date(a.month, '+1 month') WHERE b.last_reviewed_on < a.last_reviewed_on"""
    assert scalar(con, back) == 0


def test_logging_is_scanned_every_monday_on_every_component(con: sqlite3.Connection) -> None:
    assert scalar(con, "SELECT count(*) FROM logging_scans WHERE strftime('%w', scanned_on) <> '1'") == 0
    components = {n for (n,) in con.execute("SELECT count(*) FROM logging_scans GROUP BY scanned_on")}
    assert len(components) == 1
    assert scalar(con, "SELECT min(scanned_on) FROM logging_scans") == "2025-03-03"
    assert scalar(con, "SELECT max(scanned_on) FROM logging_scans") == "2026-11-23"
    # A few components are still not logging at the end: records to fix.
    assert 1 <= scalar(con, "SELECT sum(1 - logging_on) FROM logging_scans WHERE scanned_on = '2026-11-23'") <= 10


def test_the_findings_register_holds_every_cycles_findings(con: sqlite3.Connection) -> None:
    per_cycle = con.execute("SELECT c.cycle_id, c.findings, count(f.finding_id), min(f.raised_on = c.completed_on), "
                            "min(f.department = c.department AND f.audit_type = c.audit_type) FROM audit_cycles c "
                            "LEFT JOIN audit_findings f USING (cycle_id) GROUP BY 1").fetchall()
    assert all(found == declared for _c, declared, found, _r, _m in per_cycle)
    assert all(same_day in (None, 1) and same_cycle in (None, 1) for *_x, same_day, same_cycle in per_cycle)
    # Earlier audits' findings (no cycle) were raised before the data and were open when it starts.
    assert scalar(con, "SELECT max(raised_on) FROM audit_findings WHERE cycle_id IS NULL") < "2025-03-01"
    assert scalar(con, "SELECT count(*) FROM audit_findings WHERE cycle_id IS NULL AND closed_on < '2025-03-01'") == 0
    assert scalar(con, "SELECT count(*) FROM audit_findings WHERE closed_on < raised_on OR due_on <= raised_on") == 0
    assert scalar(con, "SELECT max(closed_on) FROM audit_findings") < END


def test_open_findings_are_the_registers_findings_open_at_each_month_end(con: sqlite3.Connection) -> None:
    listed = set(con.execute("SELECT as_of, finding_id FROM open_findings"))
    days = [d for (d,) in con.execute("SELECT DISTINCT as_of FROM open_findings ORDER BY 1")]
    assert len(days) == 21
    counted = set()
    for day in days:
        counted |= {(day, f) for (f,) in con.execute(
            "SELECT finding_id FROM audit_findings WHERE raised_on <= ? AND (closed_on IS NULL OR closed_on > ?)",
            (day, day))}
    assert listed == counted
    same = """SELECT count(*) FROM open_findings o JOIN audit_findings f USING (finding_id)
              WHERE o.department <> f.department OR o.severity <> f.severity OR o.raised_on <> f.raised_on
              OR o.due_on <> f.due_on OR o.title <> f.title OR coalesce(o.cycle_id, 0) <> coalesce(f.cycle_id, 0)"""
    assert scalar(con, same) == 0
