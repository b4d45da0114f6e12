"""Check-ins: what a KPI's owner says about a period, in their own words, beside the numbers.

A check-in is a short note for one metric and month, with the owner's own status if they give one ("at risk: SAP
cut-over delayed data loads"). Rows are only ever added: the latest of a (metric, period) is its current check-in,
all of them its timeline. Who may write one: an administrator, or a user the config's `[owners]` names for the
metric's owner (its `owner` title); a department lead never, even when named.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Mapping, Sequence

from core.errors import UsageError
from core.i18n import register, t
from core.store import SqliteStore, present

STATUSES = ("on_track", "at_risk", "off_track", "empty")  # empty: a note without a status of the owner's own
NOTE_LIMIT = 500  # characters
PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
WRITERS = ("admin",)  # roles that may write any metric's check-in
NEVER = ("department_lead", "device")  # roles that may write none, whatever [owners] says

SCHEMA = """
CREATE TABLE IF NOT EXISTS checkins (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    metric TEXT NOT NULL,
    period TEXT NOT NULL,          -- YYYY-MM
    status TEXT NOT NULL,          -- on_track, at_risk, off_track or empty
    note TEXT NOT NULL,
    author TEXT NOT NULL,
    written_at TEXT NOT NULL       -- UTC, ISO 8601
);
CREATE INDEX IF NOT EXISTS checkins_metric ON checkins (metric, period, id);
CREATE TRIGGER IF NOT EXISTS checkins_no_update BEFORE UPDATE ON checkins
    BEGIN SELECT RAISE(ABORT, 'check-ins are only added: write a new one'); END;
CREATE TRIGGER IF NOT EXISTS checkins_no_delete BEFORE DELETE ON checkins
    BEGIN SELECT RAISE(ABORT, 'check-ins are only added: write a new one'); END;
"""
COLUMNS = ("metric", "period", "status", "note", "author", "written_at")

register({
    "checkin.status.on_track": ("on track", "正常"),
    "checkin.status.at_risk": ("at risk", "有风险"),
    "checkin.status.off_track": ("off track", "偏离"),
    "checkin.status.empty": ("note", "备注"),
    "checkin.owner_says": ("Owner: {line}", "负责人：{line}"),
    "checkin.by": (" ({author}, {at})", "（{author}，{at}）"),  # who wrote it and when, after its line
})


@dataclass(frozen=True)
class CheckIn:
    """One check-in as written."""

    metric: str
    period: str  # YYYY-MM
    status: str  # one of STATUSES
    note: str
    author: str
    written_at: str  # UTC, ISO 8601 to the second

    def line(self, lang: str) -> str:
        """The status in words and the note: "at risk: SAP cut-over delayed data loads" (the note alone without)."""
        if self.status == "empty":
            return self.note
        return f"{t(f'checkin.status.{self.status}', lang)}{'：' if lang == 'zh' else ': '}{self.note}"

    def short(self, lang: str, limit: int = 60) -> str:
        """`line` cut to `limit` characters with an ellipsis, for a tile or a wall slide."""
        text = self.line(lang)
        return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"

    def row(self) -> list[str]:
        return [getattr(self, c) for c in COLUMNS]


def month_of(day: date) -> str:
    """The check-in period a day falls in: YYYY-MM."""
    return f"{day.year:04d}-{day.month:02d}"


def checked(metric: str, period: str, status: str, note: str) -> tuple[str, str, str, str]:
    """The fields of a new check-in, stripped, or UsageError saying which is wrong and how to write it."""
    metric, period, status, note = metric.strip(), period.strip(), (status or "empty").strip(), note.strip()
    if not metric:
        raise UsageError("a check-in needs a metric", "checkin metric", "give the metric's key, e.g. data_accuracy")
    if not PERIOD.fullmatch(period):
        raise UsageError(f"bad period {period!r}", "checkin --period", "write the month as YYYY-MM, e.g. 2026-10")
    if status not in STATUSES:
        raise UsageError(f"bad status {status!r}", "checkin --status", f"use one of: {', '.join(STATUSES)}")
    if not note:
        raise UsageError("the note is empty", "checkin --note", "say in a sentence how the KPI stands and why")
    if len(note) > NOTE_LIMIT:
        raise UsageError(f"the note has {len(note)} characters", "checkin --note",
                         f"keep it to {NOTE_LIMIT}; link to a longer report if there is one")
    return metric, period, status, note


def may_write(owners: Mapping[str, Sequence[str]], owner_title: str, user: str, role: str) -> bool:
    """Whether a user of a role may write a check-in of a metric whose owner is `owner_title`."""
    if role in NEVER:
        return False
    return role in WRITERS or user in owners.get(owner_title, ())


def refusal(user: str, role: str, owner_title: str) -> tuple[str, str]:
    """Why a user may not write a metric's check-ins, and what to do about it, in words an administrator acts on."""
    if role in NEVER:
        return (f"a {role.replace('_', ' ')} writes no check-ins",
                "ask the metric's owner or an administrator to write it")
    return (f"{user} is not named an owner of '{owner_title}'",
            f'name them under [owners] in the config ("{owner_title}" = ["{user}"]), or ask an administrator')


class CheckinStore(SqliteStore):
    """The check-ins of every metric, in one file beside the data (0600)."""

    FILE = "checkins.sqlite"
    SCHEMA = SCHEMA

    def add(self, metric: str, period: str, status: str, note: str, author: str,
            now: datetime | None = None) -> CheckIn:
        """Write a check-in (the fields as `checked` takes them); the one written, or UsageError."""
        metric, period, status, note = checked(metric, period, status, note)
        if not author.strip():
            raise UsageError("a check-in needs an author", "checkin --as", "give the user writing it")
        at = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
        written = CheckIn(metric, period, status, note, author.strip(), at)
        with self.transaction() as con:
            con.execute(f"INSERT INTO checkins ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                        written.row())
        return written

    def timeline(self, metric: str | None = None, period: str | None = None) -> list[CheckIn]:
        """Check-ins newest first, of one metric (or all) and one period (or all)."""
        sql, params = f"SELECT {', '.join(COLUMNS)} FROM checkins WHERE 1=1", []
        if metric is not None:
            sql += " AND metric = ?"
            params.append(metric)
        if period is not None:
            sql += " AND period = ?"
            params.append(period)
        with self.connection() as con:
            return [CheckIn(*row) for row in con.execute(sql + " ORDER BY id DESC", params)]

    def current(self, metric: str, period: str) -> CheckIn | None:
        """The latest check-in of a metric for a period, if any."""
        found = self.timeline(metric, period)
        return found[0] if found else None

    def currents(self, metrics: Iterable[str], period: str) -> dict[str, CheckIn]:
        """The current check-in of each of these metrics that has one for the period."""
        wanted, found = set(metrics), {}
        for checkin in self.timeline(period=period):
            if checkin.metric in wanted and checkin.metric not in found:
                found[checkin.metric] = checkin
        return found


def current_in(folder: Path, metric: str, period: str) -> CheckIn | None:
    """A metric's current check-in for a period from the store in a data folder; None when none was ever written
    (reading creates no file)."""
    return currents_in(folder, [metric], period).get(metric)


def currents_in(folder: Path, metrics: Iterable[str], period: str) -> dict[str, CheckIn]:
    """`CheckinStore.currents` from the store in a data folder, {} when none was ever written (no file created)."""
    path = Path(folder) / CheckinStore.FILE
    if not present(path):
        return {}
    store = _open.get(path)
    if store is None:
        store = _open.setdefault(path, CheckinStore(path))
    return store.currents(metrics, period)


_open: dict[Path, CheckinStore] = {}  # the stores read in this process, one per file (a tile reads one per draw)
