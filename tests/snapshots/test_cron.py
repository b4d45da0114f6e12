"""When a schedule falls due: occurrences in a zone, across daylight-saving changes, and after long outages."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from config.cron import parse_cron
from snapshots.cron import next_occurrence, occurrences

UTC = timezone.utc


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



# -- time zones and daylight saving, with exact instants ------------------------------------------------------------
def due(expression: str, zone: str, after: str, until: str) -> list[tuple[str, datetime]]:
    return [(o.key, o.due) for o in occurrences(parse_cron(expression), ZoneInfo(zone), at(after), at(until))]


def test_shanghai_keeps_one_offset_while_new_york_changes_its_own() -> None:
    # 8 March 2026 New York goes to EDT; Shanghai stays UTC+8: 07:00 there is 23:00 UTC the day before, always.
    assert due("0 7 * * mon-fri", "Asia/Shanghai", "2026-03-06T00:00+00:00", "2026-03-10T00:00+00:00") == [
        ("2026-03-09T07:00 Asia/Shanghai", at("2026-03-08T23:00+00:00")),
        ("2026-03-10T07:00 Asia/Shanghai", at("2026-03-09T23:00+00:00")),
    ]
    assert due("0 7 1 * *", "Asia/Shanghai", "2026-10-01T00:00+00:00", "2026-12-01T00:00+00:00") == [
        ("2026-11-01T07:00 Asia/Shanghai", at("2026-10-31T23:00+00:00")),
        ("2026-12-01T07:00 Asia/Shanghai", at("2026-11-30T23:00+00:00")),
    ]


def test_new_york_09_00_moves_an_hour_earlier_in_utc_across_the_spring_change() -> None:
    assert due("0 9 * * mon-fri", "America/New_York", "2026-03-06T00:00+00:00", "2026-03-10T00:00+00:00") == [
        ("2026-03-06T09:00 America/New_York", at("2026-03-06T14:00+00:00")),  # Friday, EST (UTC-5)
        ("2026-03-09T09:00 America/New_York", at("2026-03-09T13:00+00:00")),  # Monday, EDT (UTC-4)
    ]


def test_new_york_hourly_schedule_has_no_02_00_on_the_spring_forward_night() -> None:
    # As in Vixie cron, a schedule for every hour goes on at the next hour that exists: 01:00 EST, then 03:00 EDT.
    assert due("0 * * * *", "America/New_York", "2026-03-08T05:30+00:00", "2026-03-08T08:30+00:00") == [
        ("2026-03-08T01:00 America/New_York", at("2026-03-08T06:00+00:00")),
        ("2026-03-08T03:00 America/New_York", at("2026-03-08T07:00+00:00")),
        ("2026-03-08T04:00 America/New_York", at("2026-03-08T08:00+00:00")),
    ]


def test_berlin_spring_forward_runs_02_30_at_03_00_cest() -> None:
    # Berlin, 29 March 2026: 02:00 CET (01:00 UTC) becomes 03:00 CEST; there is no 02:30 that night.
    assert due("30 2 * * *", "Europe/Berlin", "2026-03-28T00:00+00:00", "2026-03-30T12:00+00:00") == [
        ("2026-03-28T02:30 Europe/Berlin", at("2026-03-28T01:30+00:00")),  # CET, UTC+1
        ("2026-03-29T02:30 Europe/Berlin", at("2026-03-29T01:00+00:00")),  # 03:00 CEST, right after the jump
        ("2026-03-30T02:30 Europe/Berlin", at("2026-03-30T00:30+00:00")),  # CEST, UTC+2
    ]
    # The times one jump skips are one occurrence, due at the jump, named by the last of them.
    assert due("15,45 2 * * *", "Europe/Berlin", "2026-03-29T00:00+00:00", "2026-03-29T02:00+00:00") == [
        ("2026-03-29T02:45 Europe/Berlin", at("2026-03-29T01:00+00:00"))]


def test_berlin_fall_back_runs_02_30_once_at_the_first_one() -> None:
    # Berlin, 25 October 2026: 03:00 CEST (01:00 UTC) becomes 02:00 CET; 02:00-02:59 happens twice.
    assert due("30 2 * * *", "Europe/Berlin", "2026-10-24T00:00+00:00", "2026-10-26T12:00+00:00") == [
        ("2026-10-24T02:30 Europe/Berlin", at("2026-10-24T00:30+00:00")),  # CEST, UTC+2
        ("2026-10-25T02:30 Europe/Berlin", at("2026-10-25T00:30+00:00")),  # the first 02:30, CEST
        ("2026-10-26T02:30 Europe/Berlin", at("2026-10-26T01:30+00:00")),  # CET, UTC+1
    ]
    assert due("0 * * * *", "Europe/Berlin", "2026-10-24T23:30+00:00", "2026-10-25T03:30+00:00") == [
        ("2026-10-25T02:00 Europe/Berlin", at("2026-10-25T00:00+00:00")),  # once, though the clock showed it twice
        ("2026-10-25T03:00 Europe/Berlin", at("2026-10-25T02:00+00:00")),
        ("2026-10-25T04:00 Europe/Berlin", at("2026-10-25T03:00+00:00")),
    ]


def test_berlin_second_02_30_checked_on_its_own_has_the_first_ones_identity() -> None:
    """The scheduler checks every 30 seconds: the repeated 02:30 comes again under the same key, which the outbox
    has queued already, so it is never sent twice."""
    first = due("30 2 * * *", "Europe/Berlin", "2026-10-25T00:29:50+00:00", "2026-10-25T00:30:20+00:00")
    second = due("30 2 * * *", "Europe/Berlin", "2026-10-25T01:29:50+00:00", "2026-10-25T01:30:20+00:00")
    assert first == [("2026-10-25T02:30 Europe/Berlin", at("2026-10-25T00:30+00:00"))]
    assert [key for key, _ in second] == [key for key, _ in first]


def test_next_occurrence_across_a_change_of_offset() -> None:
    found = next_occurrence(parse_cron("30 2 * * *"), ZoneInfo("Europe/Berlin"), at("2026-03-28T12:00+00:00"))
    assert found is not None and (found.key, found.due) == ("2026-03-29T02:30 Europe/Berlin",
                                                            at("2026-03-29T01:00+00:00"))
    found = next_occurrence(parse_cron("0 9 * * *"), ZoneInfo("America/New_York"), at("2026-11-01T12:00+00:00"))
    assert found is not None and found.due == at("2026-11-01T14:00+00:00")  # 09:00 EST, the day clocks went back
    assert next_occurrence(parse_cron("0 9 * * *"), ZoneInfo("UTC"), at("2026-11-01T12:00+00:00"),
                           within=timedelta(hours=20)) is None
