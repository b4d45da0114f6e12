"""demo/people.py: the key-staff roster and the data platform's weekly use, checked with plain SQL on the session's
demo database (tests/conftest.py: built from seed 7 up to 2026-11-27)."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from demo.people import HEADCOUNT, ROLES


@pytest.fixture()
def con(data_dir: Path) -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(f"file:{data_dir / 'demo.sqlite'}?mode=ro", uri=True)
    yield connection
    connection.close()


def scalar(con: sqlite3.Connection, sql: str) -> object:
    return con.execute(sql).fetchone()[0]


def test_the_roster_is_taken_at_every_month_end(con: sqlite3.Connection) -> None:
    months = con.execute("SELECT month, min(as_of), max(as_of), count(*) FROM key_staff GROUP BY 1 ORDER BY 1").fetchall()
    assert months[0][0] == "2025-03-01" and months[-1][0] == "2026-11-01" and len(months) == 21
    for month, first, last, people in months:
        assert first == last and first[:7] == month[:7], month
        assert 110 <= people <= 135, month  # the headcount, give or take a vacancy between a leaver and a successor
    assert months[-1][1] == "2026-11-26"  # the current month: the data's last day
    assert scalar(con, "SELECT count(*) FROM key_staff WHERE as_of <> date(month, '+1 month', '-1 day') "
                       "AND month <> '2026-11-01'") == 0


def test_each_key_person_belongs_to_a_department_phase_and_role(con: sqlite3.Connection) -> None:
    assert scalar(con, "SELECT count(*) FROM key_staff k JOIN departments d ON d.department_id = k.department "
                       "WHERE k.phase_id <> d.joins_phase") == 0
    assert {r for (r,) in con.execute("SELECT DISTINCT role FROM key_staff")} == set(ROLES)
    per_role = dict(con.execute("SELECT role, count(*) FROM key_staff WHERE month = '2025-03-01' GROUP BY 1"))
    posts = {role: sum(h[i] for h in HEADCOUNT.values()) for i, role in enumerate(ROLES)}
    assert all(posts[role] - 3 <= per_role[role] <= posts[role] for role in ROLES)  # a post may be vacant a while
    # A person keeps their name, department and role, and their due date, from month to month.
    assert scalar(con, "SELECT count(*) FROM (SELECT staff_id FROM key_staff GROUP BY 1 HAVING count(DISTINCT "
                       "name || department || role || due_on) > 1)") == 0


def test_training_is_completed_once_and_never_undone(con: sqlite3.Connection) -> None:
    assert scalar(con, "SELECT count(*) FROM key_staff WHERE trained_on > as_of") == 0
    assert scalar(con, "SELECT count(*) FROM (SELECT staff_id FROM key_staff WHERE trained_on IS NOT NULL "
                       "GROUP BY 1 HAVING count(DISTINCT trained_on) > 1)") == 0
    undone = """SELECT count(*) FROM key_staff a JOIN key_staff b ON b.staff_id = a.staff_id
                AND b.month = date(a.month, '+1 month') WHERE a.trained_on IS NOT NULL AND b.trained_on IS NULL"""
    assert scalar(con, undone) == 0
    # Nobody is trained before the programme, and a phase is trained in its own window (or late, or a successor).
    assert scalar(con, "SELECT min(trained_on) FROM key_staff") >= "2025-06-01"
    first = dict(con.execute("SELECT phase_id, min(trained_on) FROM key_staff GROUP BY 1"))
    assert first["pilot"] < first["expansion"] < first["rollout"]


def test_some_key_staff_are_overdue_at_the_end(con: sqlite3.Connection) -> None:
    overdue = scalar(con, "SELECT count(*) FROM key_staff WHERE month = '2026-10-01' AND trained_on IS NULL "
                          "AND due_on < as_of")
    assert 2 <= overdue <= 15  # records to fix, not a failed programme


def test_platform_weeks_are_whole_and_accounts_open_when_their_department_joins(con: sqlite3.Connection) -> None:
    assert scalar(con, "SELECT count(*) FROM platform_usage WHERE strftime('%w', week_start) <> '1'") == 0
    assert scalar(con, "SELECT max(week_start) FROM platform_usage") == "2026-11-16"  # the last week ended by 26 Nov
    assert scalar(con, "SELECT count(*) FROM platform_usage u JOIN departments d ON d.department_id = u.department "
                       "WHERE u.week_start < d.joins_on") == 0
    accounts = dict(con.execute("SELECT department, count(DISTINCT account_id) FROM platform_usage GROUP BY 1"))
    assert accounts == {dept: h[3] for dept, h in HEADCOUNT.items()}
    assert scalar(con, "SELECT count(*) FROM platform_usage WHERE sessions < 0 OR sessions > 30") == 0
    # Once an account opens it is listed every week: a department's weeks have no gaps.
    gaps = """SELECT count(*) FROM (SELECT account_id, count(*) AS weeks,
              (julianday(max(week_start)) - julianday(min(week_start))) / 7 + 1 AS span
              FROM platform_usage GROUP BY 1) WHERE weeks <> span"""
    assert scalar(con, gaps) == 0
