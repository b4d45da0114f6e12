"""The audit trail: rows chained by hash (old files chained on first open), `audit verify` naming the first broken
link, refusals of a scoped engine written as `denied` rows, and a write that fails raising AuditUnavailable."""
from __future__ import annotations

import logging
import os
import sqlite3
import stat
from datetime import date
from pathlib import Path

import pytest

from access.audit import AuditTrail, Recorder, link, verify
from access.roles import Role, Viewer
from core.errors import AccessDenied, AuditUnavailable, UnknownName
from metrics.engine.periods import Filters
from metrics.engine.scope import ScopedEngine
from tests.conftest import run_cli

OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))
OLD_SCHEMA = """
CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT NOT NULL, action TEXT NOT NULL,
    what TEXT NOT NULL DEFAULT '', filters TEXT NOT NULL DEFAULT '', address TEXT NOT NULL DEFAULT '');
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'append-only'); END;
"""


def trail_with_rows(folder: Path, n: int = 5) -> AuditTrail:
    trail = AuditTrail.in_folder(folder)
    for i in range(n):
        trail.record(f"user{i}", "view", f"metric{i}", {"where": [["department", "finance"]]}, "10.0.0.1")
    return trail


def copy_of(trail: AuditTrail, folder: Path) -> Path:
    """A copy of the trail's file (SQLite's backup: what is still in the -wal file too), its triggers dropped."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / AuditTrail.FILE
    source, copy = sqlite3.connect(trail.path), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.executescript("DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;")
    copy.close()
    return target


def test_each_row_is_chained_to_the_one_before(tmp_path: Path) -> None:
    trail = trail_with_rows(tmp_path)
    with trail.connection() as con:
        found = con.execute("SELECT id, at, user, action, what, filters, address, reason, hash FROM audit "
                            "ORDER BY id").fetchall()
    previous = ""
    for row in found:
        assert row[-1] == link(previous, row[:-1])
        previous = row[-1]
    assert str(verify(trail.path)) == "audit trail intact (5 rows)"
    with pytest.raises(sqlite3.DatabaseError, match="append-only"), trail.connection() as con:
        con.execute("UPDATE audit SET user = 'nobody' WHERE id = 2")  # the live file refuses edits


def test_rows_written_before_the_chain_are_chained_on_first_open_in_order(tmp_path: Path) -> None:
    path = tmp_path / AuditTrail.FILE
    con = sqlite3.connect(path)
    con.executescript(OLD_SCHEMA)
    con.executemany("INSERT INTO audit (at, user, action, what) VALUES (?, ?, 'view', ?)",
                    [(f"2026-01-0{i}T10:00:00+00:00", "erin", f"metric{i}") for i in range(1, 4)])
    con.commit()
    con.close()
    assert not verify(path).intact and "not chained yet" in verify(path).problem
    trail = AuditTrail(path)
    trail.record("lee", "denied", "hours_saved", None, "10.0.0.2", "department 'hr' is outside your access")
    assert str(verify(path)) == "audit trail intact (4 rows)"
    assert [e["what"] for e in trail.entries()] == ["metric1", "metric2", "metric3", "hours_saved"]
    assert trail.entries()[-1]["reason"] == "department 'hr' is outside your access"
    assert AuditTrail(path).entries() == trail.entries()  # a second open changes nothing


def test_audit_verify_names_the_row_edited_on_a_copy(tmp_path: Path) -> None:
    trail = trail_with_rows(tmp_path / "live", 6)
    intact = run_cli("audit", "verify", data_dir=tmp_path / "live")
    assert intact.returncode == 0 and intact.stdout.strip() == "audit trail intact (6 rows)", intact.stderr
    copy = copy_of(trail, tmp_path / "copy")
    with sqlite3.connect(copy) as con:
        con.execute("UPDATE audit SET filters = '{\"where\": [[\"department\", \"hr\"]]}' WHERE id = 4")
    broken = run_cli("audit", "verify", data_dir=tmp_path / "copy")
    assert broken.returncode == 1, broken.stderr
    assert broken.stdout.startswith("audit trail broken at row 4: its fields differ from those its hash")
    assert "hr" in broken.stdout  # what the row says now
    assert verify(trail.path).intact  # the live file is untouched


@pytest.mark.parametrize("tamper, row, problem", [
    ("DELETE FROM audit WHERE id = 3", 4, "rows 3 to 3 are missing"),
    ("DELETE FROM audit WHERE id = 6", 6, "the rows after 5 are missing"),
    ("UPDATE audit SET hash = '' WHERE id = 2", 2, "it has no hash"),
    ("UPDATE audit SET at = '2020-01-01T00:00:00+00:00' WHERE id = 1", 1, "its fields differ"),
])
def test_verify_finds_rows_removed_unchained_or_changed(tmp_path: Path, tamper: str, row: int, problem: str) -> None:
    copy = copy_of(trail_with_rows(tmp_path / "live", 6), tmp_path / "copy")
    with sqlite3.connect(copy) as con:
        con.execute(tamper)
    verdict = verify(copy)
    assert (verdict.broken_at, verdict.intact) == (row, False) and problem in verdict.problem


def test_a_scoped_engines_refusals_are_denied_rows(runtime, tmp_path: Path) -> None:  # noqa: ANN001
    """As the command line or a snapshot would ask: the engine narrowed to a viewer, its refusals recorded."""
    trail = AuditTrail.in_folder(tmp_path)
    lead = Viewer("lee", Role.DEPARTMENT_LEAD, "finance")
    engine = ScopedEngine(runtime.engine, lead.scope, Recorder(trail, lead.name, "cli"))
    assert engine.headline("data_accuracy", OCTOBER).data.value is not None  # in scope: no row from the engine
    with pytest.raises(AccessDenied, match="department 'hr' is outside your access"):
        engine.headline("data_accuracy", Filters(OCTOBER.start, OCTOBER.end, (("department", "hr"),)))
    executive = Viewer("erin", Role.EXECUTIVE)
    with pytest.raises(UnknownName):
        ScopedEngine(runtime.engine, executive.scope, Recorder(trail, "erin")).metric("no_such_metric")
    found = trail.entries()
    assert [(e["user"], e["action"], e["what"], e["address"]) for e in found] == [
        ("lee", "denied", "data_accuracy", "cli"), ("erin", "denied", "no_such_metric", "")]
    assert '["department", "hr"]' in found[0]["filters"] and "outside your access" in found[0]["reason"]
    assert "unknown metric 'no_such_metric'" in found[1]["reason"]


def test_a_row_that_cannot_be_written_raises_and_the_log_names_the_folder(tmp_path: Path,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    trail = AuditTrail.in_folder(tmp_path / "data")
    trail.path.unlink()
    trail.path.mkdir()  # a folder where the file should be: SQLite cannot open it
    caplog.set_level(logging.ERROR, logger="vantage.audit")
    with pytest.raises(AuditUnavailable) as raised:
        trail.record("erin", "view", "data_accuracy")
    assert raised.value.SHOWN == "cannot record access: not shown"
    assert "cannot be opened" in raised.value.message and str(tmp_path / "data") in caplog.text


def test_the_file_is_its_owners_only(tmp_path: Path) -> None:
    trail = trail_with_rows(tmp_path / "new" / "data", 1)
    assert stat.S_IMODE(os.stat(trail.path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "new" / "data").st_mode) == 0o700
    assert stat.S_IMODE(os.stat(tmp_path / "new").st_mode) == 0o700
