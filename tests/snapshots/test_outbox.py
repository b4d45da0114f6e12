"""The outbox: an occurrence is queued once, a row is claimed by one sender at a time, retries back off."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from snapshots.delivery import LEASE, backoff
from snapshots.outbox import Entry, Outbox, read_previous, read_rows

NOW = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)


def entry(occurrence: str = "2026-11-30T09:00 Asia/Shanghai", language: str = "en", **changes: object) -> Entry:
    values = dict(snapshot="weekly", occurrence=occurrence, language=language, due_at=NOW, status="pending",
                  sender="vantage@example.com", recipients=["ceo@example.com"], message_id="<m@example.com>",
                  message=b"Subject: hi\r\n\r\nhello\r\n",
                  numbers={"data_accuracy": {"value": 0.9, "status": "on_track"}})
    values.update(changes)
    return Entry(**values)  # type: ignore[arg-type]


def test_an_occurrence_is_queued_once(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite")
    assert outbox.enqueue([entry(), entry(language="zh")], NOW) == 2
    # Queued again (a second scheduler, a restart): ignored, whoever tries.
    other = Outbox(tmp_path / "outbox.sqlite")
    assert other.enqueue([entry(), entry(language="zh")], NOW) == 0
    assert len(outbox.rows()) == 2 and outbox.queued("weekly@2026-11-30T09:00 Asia/Shanghai")
    assert outbox.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError):
        outbox.db.execute("INSERT INTO outbox (snapshot, occurrence, idempotency_key, language, due_at, queued_at, "
                          "status, next_attempt_at, sender, recipients, message_id) VALUES ('weekly', 'x', "
                          "'weekly@2026-11-30T09:00 Asia/Shanghai', 'en', '', '', 'pending', '', '', '[]', '')")


def test_a_row_is_claimed_by_one_sender_until_its_lease_ends(tmp_path: Path) -> None:
    first, second = Outbox(tmp_path / "outbox.sqlite"), Outbox(tmp_path / "outbox.sqlite")
    first.enqueue([entry()], NOW)
    claimed = first.claim(NOW, NOW + LEASE)
    assert claimed is not None and claimed.attempts == 1
    assert second.claim(NOW + timedelta(seconds=1), NOW + LEASE) is None  # taken: the other sender is on it
    # A sender killed mid-send never marks the row; once its lease ends another takes it over.
    again = second.claim(NOW + LEASE, NOW + 2 * LEASE)
    assert again is not None and again.id == claimed.id and again.attempts == 2
    second.mark_sent(again.id, NOW + LEASE)
    assert first.claim(NOW + 3 * LEASE, NOW + 4 * LEASE) is None


def test_retry_waits_for_its_time(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite")
    outbox.enqueue([entry()], NOW)
    row = outbox.claim(NOW, NOW + LEASE)
    assert row is not None
    outbox.mark_retry(row.id, "ConnectionRefusedError", NOW + backoff(row.attempts))
    assert outbox.claim(NOW + timedelta(seconds=29), NOW + LEASE) is None
    assert outbox.claim(NOW + timedelta(seconds=30), NOW + LEASE) is not None


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n).total_seconds() for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_previous_numbers_come_from_the_last_sent_occurrence(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite"
    assert read_previous(path, "weekly", "weekly@now") is None and read_rows(path) == []
    assert not path.exists(), "reading never creates the outbox"
    outbox = Outbox(path)
    outbox.enqueue([entry("a", numbers={"k": {"value": 1}}), entry("b", numbers={"k": {"value": 2}}),
                    entry("c", status="held", numbers={"k": {"value": 3}})], NOW)
    for row in sorted(outbox.rows(), key=lambda r: r.occurrence)[:2]:
        outbox.mark_sent(row.id, NOW + timedelta(minutes=1 if row.occurrence == "a" else 2))
    assert outbox.previous_numbers("weekly", "weekly@c") == ({"k": {"value": 2}}, "2026-11-30T01:02:00.000000Z")
    assert outbox.previous_numbers("weekly", "weekly@b")[0] == {"k": {"value": 1}}  # type: ignore[index]
    assert read_previous(path, "weekly", "weekly@c")[0] == {"k": {"value": 2}}  # type: ignore[index]
