"""Cron expressions: what each field allows, bad expressions, and occurrences in a zone across DST changes."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from snapshots.cron import next_occurrence, occurrences, parse_cron

UTC = timezone.utc


@pytest.mark.parametrize("expression, wall, expected", [
    ("* * * * *", "2026-11-27 13:37", True),
    ("0 7 * * mon", "2026-11-30 07:00", True),  # a Monday
    ("0 7 * * mon", "2026-11-27 07:00", False),  # a Friday
    ("0 7 * * 1-5", "2026-11-28 07:00", False),  # Saturday
    ("0 7 * * 0", "2026-11-29 07:00", True),  # Sunday as 0 ...
    ("0 7 * * 7", "2026-11-29 07:00", True),  # ... and as 7
    ("*/15 8-18 * * *", "2026-11-27 18:45", True),
    ("*/15 8-18 * * *", "2026-11-27 18:50", False),
    ("5/20 * * * *", "2026-11-27 10:45", True),  # 5, 25, 45
    ("5/20 * * * *", "2026-11-27 10:50", False),
    ("0 7 1 * *", "2026-12-01 07:00", True),
    ("0 7 1 jan,jul *", "2026-07-01 07:00", True),
    ("0 7 1 jan,jul *", "2026-06-01 07:00", False),
    ("30 9 1-7 * mon", "2026-11-04 09:30", True),  # both day fields restricted: either matches (Vixie cron)
    ("30 9 1-7 * mon", "2026-11-16 09:30", True),
    ("30 9 1-7 * mon", "2026-11-17 09:30", False),
    ("30 9 */2 * *", "2026-11-03 09:30", True),  # '*/2' leaves the day of week unrestricted
    ("@daily", "2026-11-27 00:00", True),
    ("@weekly", "2026-11-29 00:00", True),
    ("@monthly", "2026-11-01 00:00", True),
])
def test_matches(expression: str, wall: str, expected: bool) -> None:
    assert parse_cron(expression).matches(datetime.fromisoformat(wall)) is expected


@pytest.mark.parametrize("expression, message", [
    ("0 7 * *", "has 4 fields; a cron expression has 5"),
    ("60 * * * *", "minute: 60 is outside 0-59"),
    ("0 24 * * *", "hour: 24 is outside 0-23"),
    ("0 7 0 * *", "day of month: 0 is outside 1-31"),
    ("0 7 * 13 *", "month: 13 is outside 1-12"),
    ("0 7 * * funday", "day of week: 'funday' is not a number or a name (sun, mon"),
    ("*/0 * * * *", "minute: step must be 1 or more"),
    ("10-5 * * * *", "minute: range '10-5' runs backwards"),
    ("*/x * * * *", "minute: step 'x' is not a number"),
])
def test_bad_expressions_say_which_field(expression: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_cron(expression)
    assert message in str(err.value)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_runs_in_the_zone_not_in_utc() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    found = occurrences(parse_cron("0 7 * * mon"), shanghai, at("2026-11-29T00:00+00:00"), at("2026-11-30T00:00+00:00"))
    assert [(o.key, o.due) for o in found] == [("2026-11-30T07:00 Asia/Shanghai", at("2026-11-29T23:00+00:00"))]


def test_window_is_after_exclusive_until_inclusive() -> None:
    cron, utc = parse_cron("0 * * * *"), ZoneInfo("UTC")
    found = occurrences(cron, utc, at("2026-11-27T10:00:00+00:00"), at("2026-11-27T12:00:00+00:00"))
    assert [o.wall.hour for o in found] == [11, 12]
    assert occurrences(cron, utc, at("2026-11-27T10:00:30+00:00"), at("2026-11-27T10:59:59+00:00")) == []


def test_spring_forward_runs_the_skipped_time_right_after_the_jump() -> None:
    # New York, 8 March 2026: 02:00 EST becomes 03:00 EDT; there is no 02:30 that night.
    new_york = ZoneInfo("America/New_York")
    found = occurrences(parse_cron("30 2 * * *"), new_york, at("2026-03-07T00:00+00:00"), at("2026-03-09T12:00+00:00"))
    assert [(o.key, o.due) for o in found] == [
        ("2026-03-07T02:30 America/New_York", at("2026-03-07T07:30+00:00")),
        ("2026-03-08T02:30 America/New_York", at("2026-03-08T07:00+00:00")),  # 03:00 EDT, the first minute after
        ("2026-03-09T02:30 America/New_York", at("2026-03-09T06:30+00:00")),
    ]


def test_fall_back_runs_a_repeated_time_once() -> None:
    # New York, 1 November 2026: 01:00-01:59 happens twice (EDT, then EST).
    new_york = ZoneInfo("America/New_York")
    found = occurrences(parse_cron("30 1 * * *"), new_york, at("2026-10-31T12:00+00:00"), at("2026-11-01T12:00+00:00"))
    assert [(o.key, o.due) for o in found] == [("2026-11-01T01:30 America/New_York", at("2026-11-01T05:30+00:00"))]
    hourly = occurrences(parse_cron("0 * * * *"), new_york, at("2026-11-01T03:30+00:00"), at("2026-11-01T07:30+00:00"))
    assert [o.wall.hour for o in hourly] == [0, 1, 2]  # 01:00 once, though the clock showed it twice


def test_a_window_starting_just_after_the_jump_still_sees_it() -> None:
    # The scheduler checked up to 06:59:30 UTC (01:59:30 EST); the next check sees 07:00 UTC = 03:00 EDT.
    london = ZoneInfo("Europe/London")  # 29 March 2026: 01:00 GMT becomes 02:00 BST
    found = occurrences(parse_cron("30 1 * * *"), london, at("2026-03-29T00:59:30+00:00"),
                        at("2026-03-29T01:00:10+00:00"))
    assert [(o.key, o.due) for o in found] == [("2026-03-29T01:30 Europe/London", at("2026-03-29T01:00+00:00"))]


def test_next_occurrence() -> None:
    found = next_occurrence(parse_cron("0 7 1 1 *"), ZoneInfo("UTC"), at("2026-11-27T00:00+00:00"))
    assert found is not None and found.due == at("2027-01-01T07:00+00:00")
    assert next_occurrence(parse_cron("0 0 31 2 *"), ZoneInfo("UTC"), at("2026-11-27T00:00+00:00")) is None


def test_a_long_outage_is_scanned_quickly() -> None:
    began = datetime.now(UTC)
    found = occurrences(parse_cron("0 7 * * *"), ZoneInfo("Asia/Shanghai"), at("2026-01-01T00:00+00:00"),
                        at("2026-12-31T00:00+00:00"))
    assert len(found) == 364 and datetime.now(UTC) - began < timedelta(seconds=5)
