"""Numbers formatted by unit and language."""
from __future__ import annotations

import pytest

from metrics.semantics.format import format_delta, format_value
from metrics.semantics.model import Unit


@pytest.mark.parametrize("value, unit, lang, text", [
    (0.9634, Unit.PERCENT, "en", "96.3%"),
    (1234.4, Unit.HOURS, "en", "1,234 h"),
    (8.25, Unit.HOURS, "zh", "8.2 小时"),
    (3.44, Unit.DAYS, "en", "3.4 days"),
    (2_013_456, Unit.CNY, "en", "CNY 2.01M"),
    (2_013_456, Unit.CNY, "zh", "¥201.3万"),
    (-45_000, Unit.CNY, "en", "−CNY 45k"),
    (31234.2, Unit.PER_DAY, "en", "31,234 /day"),
    (4.214, Unit.SCORE, "en", "4.21 / 5"),
    (None, Unit.PERCENT, "zh", "无数据"),
])
def test_format_value(value, unit, lang, text) -> None:  # noqa: ANN001
    assert format_value(value, unit, lang) == text


def test_format_delta() -> None:
    assert format_delta(0.021, Unit.PERCENT) == "+2.1 pp"
    assert format_delta(-2.0, Unit.DAYS, "zh") == "−2.0 天"
    assert format_delta(None, Unit.DAYS) == ""
