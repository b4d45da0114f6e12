"""The on track / at risk / off track / too few records rule (metrics/engine/status.py)."""
from __future__ import annotations

import pytest

from metrics.engine.status import Status, judge, pace, slope
from metrics.semantics.model import Direction


def test_slope_of_a_line() -> None:
    assert slope([1, 2, 3, 4]) == pytest.approx(1.0)


@pytest.mark.parametrize("value, target, good, monthly, left, expected", [
    (0.97, 0.96, Direction.UP, [0.9, 0.97], 5, Status.ON_TRACK),          # met
    (0.96, 0.96, Direction.UP, [0.97, 0.96], -2, Status.ON_TRACK),        # met, even after the date
    (0.90, 0.96, Direction.UP, [0.86, 0.88, 0.90], 6, Status.ON_TRACK),   # +2 pts a month reaches it in 3
    (0.90, 0.96, Direction.UP, [0.86, 0.88, 0.90], 1, Status.AT_RISK),    # improving but too slowly
    (0.90, 0.96, Direction.UP, [0.92, 0.91, 0.90], 6, Status.OFF_TRACK),  # getting worse
    (0.95, 0.96, Direction.UP, [0.96, 0.95, 0.95], 6, Status.AT_RISK),    # worse but within 5%
    (0.959, 0.96, Direction.UP, [0.961, 0.962, 0.959], 6, Status.AT_RISK),  # 95.9% is not 96.0%: not met
    (5.0, 3.0, Direction.DOWN, [9, 7, 5], 2, Status.ON_TRACK),            # lower is better
    (5.0, 3.0, Direction.DOWN, [9, 7, 5], -1, Status.OFF_TRACK),          # target date passed
    # The line through the months may already stand below the target while the value does not: the pace is counted
    # from the value (3.9 days needs 0.9 days more at 0.65 a month: 1.4 months, with 0.1 left).
    (3.9, 3.0, Direction.DOWN, [5.0, 4.0, 2.5, 2.8, 2.6, 3.9], 0.1, Status.AT_RISK),
    (None, 3.0, Direction.DOWN, [], 2, Status.UNKNOWN),
    (1.0, None, Direction.DOWN, [], 2, Status.UNKNOWN),
])
def test_judge(value, target, good, monthly, left, expected) -> None:  # noqa: ANN001
    assert judge(value, target, good, monthly, left) is expected


@pytest.mark.parametrize("sample, needed, expected", [(4, 5, Status.TOO_FEW), (5, 5, Status.OFF_TRACK),
                                                      (0, 1, Status.TOO_FEW)])
def test_too_few_records_is_its_own_status_never_off_track(sample: int, needed: int, expected: Status) -> None:
    assert judge(0.0, 0.8, Direction.UP, [0.5, 0.2, 0.0], 3, sample, needed) is expected
    assert judge(None, 0.8, Direction.UP, [], 3, sample, needed) is Status.UNKNOWN  # no value: no status at all


def test_pace_is_counted_from_the_value() -> None:
    found = pace(0.90, 0.96, Direction.UP, [0.86, 0.88, 0.90], 6)
    assert found.slope == pytest.approx(0.02) and found.months_needed == pytest.approx(3.0)
    assert found.projected == pytest.approx(0.90 + 0.02 * 6)
    assert pace(0.90, 0.96, Direction.UP, [0.92, 0.91, 0.90], 6).months_needed is None  # the wrong way: never
    assert pace(0.97, 0.96, Direction.UP, [0.9, 0.97], 6).months_needed == 0.0  # met
    assert pace(0.90, 0.96, Direction.UP, [0.9], 6).slope is None  # one month is no trend
    assert pace(0.90, 0.96, Direction.UP, [0.88, 0.9], -1).projected is None  # no projection once the date passed
