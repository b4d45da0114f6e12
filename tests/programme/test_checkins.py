"""The check-in store on a real SQLite file: rows only added, the latest of a month is the current one, bad input
refused with a message that says how to write it; who may write; the config's [owners]."""
from __future__ import annotations

import sqlite3
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest

from config.settings import parse_config
from core.errors import ConfigError, UsageError
from programme.checkins import CheckinStore, current_in, may_write

NOTE = "SAP cut-over delayed data loads"


def at(day: int) -> datetime:
    return datetime(2026, 11, day, 9, 30, tzinfo=timezone.utc)


def test_the_latest_row_of_a_month_is_current_and_all_are_its_timeline(tmp_path: Path) -> None:
    store = CheckinStore.in_folder(tmp_path)
    store.add("data_accuracy", "2026-10", "on_track", "loads on plan", "pat", now=at(1))
    store.add("data_accuracy", "2026-10", "at_risk", NOTE, "pat", now=at(2))
    store.add("data_accuracy", "2026-09", "off_track", "backlog", "ada", now=at(3))
    store.add("hours_saved", "2026-10", "empty", "new robots live", "ada", now=at(4))
    current = store.current("data_accuracy", "2026-10")
    assert current is not None and (current.status, current.note, current.author) == ("at_risk", NOTE, "pat")
    assert current.written_at == "2026-11-02T09:30:00+00:00"
    assert current.line("en") == f"at risk: {NOTE}" and current.line("zh") == f"有风险：{NOTE}"
    assert [c.note for c in store.timeline("data_accuracy")] == ["backlog", NOTE, "loads on plan"]
    assert store.currents(["data_accuracy", "hours_saved", "error_rate"], "2026-10").keys() == {
        "data_accuracy", "hours_saved"}
    assert store.current("hours_saved", "2026-10").line("en") == "new robots live"  # type: ignore[union-attr]
    assert stat.S_IMODE((tmp_path / "checkins.sqlite").stat().st_mode) == 0o600
    with sqlite3.connect(tmp_path / "checkins.sqlite") as con, pytest.raises(sqlite3.IntegrityError, match="only"):
        con.execute("UPDATE checkins SET note = 'nothing to see'")


def test_reading_where_none_was_written_creates_no_file(tmp_path: Path) -> None:
    assert current_in(tmp_path, "data_accuracy", "2026-10") is None
    assert not (tmp_path / "checkins.sqlite").exists()


@pytest.mark.parametrize(("period", "status", "note", "says"), [
    ("2026-13", "at_risk", NOTE, "bad period '2026-13' (checkin --period). To fix this, write the month as YYYY-MM"),
    ("Oct 2026", "at_risk", NOTE, "bad period 'Oct 2026'"),
    ("2026-10", "late", NOTE, "bad status 'late' (checkin --status). To fix this, use one of: on_track, at_risk, "
                              "off_track, empty"),
    ("2026-10", "at_risk", "   ", "the note is empty (checkin --note)"),
    ("2026-10", "at_risk", "x" * 501, "the note has 501 characters (checkin --note). To fix this, keep it to 500"),
])
def test_bad_input_is_refused_with_how_to_write_it(tmp_path: Path, period: str, status: str, note: str,
                                                   says: str) -> None:
    store = CheckinStore.in_folder(tmp_path)
    with pytest.raises(UsageError) as refused:
        store.add("data_accuracy", period, status, note, "pat")
    assert refused.value.message.startswith(says)
    assert store.timeline() == []


def test_owners_and_admins_write_a_department_lead_never() -> None:
    owners = {"Head of Data Governance": ("pat", "lee")}
    assert may_write(owners, "Head of Data Governance", "pat", "pmo")
    assert may_write(owners, "PMO Lead", "ada", "admin")
    assert not may_write(owners, "PMO Lead", "pat", "pmo")  # named for another owner
    assert not may_write(owners, "Head of Data Governance", "lee", "department_lead")  # named, but a lead
    assert not may_write(owners, "Head of Data Governance", "erin", "executive")


def test_the_owners_section_is_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "vantage.toml"
    config = parse_config({"owners": {"PMO Lead": ["pat", " omar "]}}, path, {}, environ={})
    assert config.owners == {"PMO Lead": ("pat", "omar")}
    with pytest.raises(ConfigError) as wrong:
        parse_config({"owners": {"PMO Lead": "pat"}}, path, {}, environ={})
    assert f'{path} [owners] "PMO Lead"' in wrong.value.message and "not a list of user names" in wrong.value.message
    with pytest.raises(ConfigError, match=r"'' is not a user name"):
        parse_config({"owners": {"PMO Lead": ["pat", ""]}}, path, {}, environ={})
    with pytest.raises(ConfigError, match="owners is not a table"):
        parse_config({"owners": ["pat"]}, path, {}, environ={})
