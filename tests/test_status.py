"""The on track / at risk / off track rule."""
from __future__ import annotations

import pytest

from metrics.engine.status import Status, judge, months_to_target, slope
from metrics.semantics.model import Direction


def test_slope_of_a_line() -> None:
    assert slope([1, 2, 3, 4]) == pytest.approx(1.0)


@pytest.mark.parametrize("value, target, good, monthly, left, expected", [
    (0.97, 0.96, Direction.UP, [0.9, 0.97], 5, Status.ON_TRACK),          # met
    (0.90, 0.96, Direction.UP, [0.86, 0.88, 0.90], 6, Status.ON_TRACK),   # +2 pts a month reaches it in 3
    (0.90, 0.96, Direction.UP, [0.86, 0.88, 0.90], 1, Status.AT_RISK),    # improving but too slowly
    (0.90, 0.96, Direction.UP, [0.92, 0.91, 0.90], 6, Status.OFF_TRACK),  # getting worse
    (0.95, 0.96, Direction.UP, [0.96, 0.95, 0.95], 6, Status.AT_RISK),    # worse but within 5%
    (5.0, 3.0, Direction.DOWN, [9, 7, 5], 2, Status.ON_TRACK),            # lower is better
    (5.0, 3.0, Direction.DOWN, [9, 7, 5], -1, Status.OFF_TRACK),          # target date passed
    (None, 3.0, Direction.DOWN, [], 2, Status.UNKNOWN),
    (1.0, None, Direction.DOWN, [], 2, Status.UNKNOWN),
])
def test_judge(value, target, good, monthly, left, expected) -> None:  # noqa: ANN001
    assert judge(value, target, good, monthly, left) is expected


def test_months_to_target() -> None:
    assert months_to_target([0.86, 0.88, 0.90], 0.96, Direction.UP) == pytest.approx(3.0)
    assert months_to_target([0.92, 0.91, 0.90], 0.96, Direction.UP) is None
