"""Cron expressions: what each field allows, bad expressions saying which field, and what croniter is handed."""
from __future__ import annotations

from datetime import datetime

import pytest

from config.cron import parse_cron


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


@pytest.mark.parametrize("expression, wall, expected", [
    ("5-5 * * * *", "2026-11-27 10:05", True),  # a range of one value is that value (croniter alone: every minute)
    ("5-5 * * * *", "2026-11-27 10:06", False),
    ("30 9 */2 * mon", "2026-11-02 09:30", False),  # '*/2' days AND Mondays: 2 November is even
    ("30 9 */2 * mon", "2026-11-09 09:30", True),
    ("30 9 1-31 * mon", "2026-11-03 09:30", True),  # both restricted: every day of the month is enough
    ("0 0 * * 5-7", "2026-11-29 00:00", True),  # Friday to Sunday, 7 read as Sunday
    ("0 0 * * 5-7", "2026-11-30 00:00", False),
    ("0 12 * * SUN", "2026-11-29 12:00", True),  # names in any case
])
def test_croniter_reads_the_schedule_as_vixie_cron_does(expression: str, wall: str, expected: bool) -> None:
    assert parse_cron(expression).matches(datetime.fromisoformat(wall)) is expected


@pytest.mark.parametrize("expression, fields, day_or", [
    ("*/15 8-18 * * mon-fri", "0,15,30,45 8,9,10,11,12,13,14,15,16,17,18 * * 1,2,3,4,5", False),
    ("0 7 * * 0-7", "0 7 * * *", False),
    ("30 9 1-7 * mon", "30 9 1,2,3,4,5,6,7 * 1", True),
    ("30 9 1-31 * *", "30 9 * * *", False),
    ("30 9 1-31 * sun-sat", "30 9 " + ",".join(map(str, range(1, 32))) + " * 0,1,2,3,4,5,6", True),
    ("@weekly", "0 0 * * 0", False),
])
def test_croniter_is_handed_explicit_values(expression: str, fields: str, day_or: bool) -> None:
    cron = parse_cron(expression)
    assert (cron.expression, cron.fields, cron.day_or) == (expression, fields, day_or)


@pytest.mark.parametrize("expression, message", [
    ("0 7 L * *", "day of month: 'l' is not a number"),
    ("0 7 * * 1#2", "day of week: '1#2' is not a number or a name"),
    ("0 7 15W * *", "day of month: '15w' is not a number"),
    ("H 7 * * *", "minute: 'h' is not a number"),
    ("0 0 7 * * *", "has 6 fields; a cron expression has 5"),
    ("0 7 ? * *", "day of month: '?' is not a number"),
])
def test_croniter_extensions_are_not_part_of_the_grammar(expression: str, message: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_cron(expression)
    assert message in str(err.value)
