"""Period presets and previous periods."""
from __future__ import annotations

from datetime import date

import pytest

from metrics.engine.periods import Filters, resolve_period

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize("preset, expected", [
    ("month", (date(2026, 10, 1), date(2026, 11, 1))),
    ("quarter", (date(2026, 7, 1), date(2026, 10, 1))),
    ("ytd", (date(2026, 1, 1), date(2026, 11, 27))),
    ("last_90d", (date(2026, 8, 29), date(2026, 11, 27))),
])
def test_presets(preset: str, expected: tuple[date, date]) -> None:
    assert resolve_period(preset, TODAY) == expected


def test_custom_range_is_inclusive_of_its_last_day() -> None:
    assert resolve_period("custom", TODAY, date(2026, 1, 1), date(2026, 1, 31)) == (date(2026, 1, 1), date(2026, 2, 1))
    with pytest.raises(ValueError, match="before it starts"):
        resolve_period("custom", TODAY, date(2026, 2, 1), date(2026, 1, 1))


@pytest.mark.parametrize("start, end, prev", [
    (date(2026, 10, 1), date(2026, 11, 1), (date(2026, 9, 1), date(2026, 10, 1))),
    (date(2026, 1, 1), date(2026, 4, 1), (date(2025, 10, 1), date(2026, 1, 1))),
    (date(2026, 3, 10), date(2026, 3, 20), (date(2026, 2, 28), date(2026, 3, 10))),
])
def test_previous_period(start: date, end: date, prev: tuple[date, date]) -> None:
    p = Filters(start, end, (("department", "hr"),)).previous()
    assert (p.start, p.end, p.where) == (*prev, (("department", "hr"),))
