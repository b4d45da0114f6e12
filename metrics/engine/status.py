"""Whether a KPI is on track, at risk or off track: one documented rule.

- on track: the value meets the target, or the straight line through the last six monthly values
  reaches the target by the target date;
- at risk: the line misses the target date but the trend moves the right way, or the value is within
  5% of the target;
- off track: otherwise, and always once the target date has passed without the target met;
- unknown: no value, or no target.
"""
from __future__ import annotations

from enum import Enum
from typing import Sequence

from metrics.semantics.model import Direction

TREND_POINTS = 6
NEAR = 0.05


class Status(Enum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    UNKNOWN = "unknown"


def meets(value: float, target: float, good: Direction) -> bool:
    return value >= target if good is Direction.UP else value <= target


def slope(values: Sequence[float]) -> float:
    """Least-squares slope per step of evenly spaced values."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den


def projection(values: Sequence[float], steps_ahead: float) -> float | None:
    """Where the straight line through the values stands `steps_ahead` steps after the last one."""
    if not values:
        return None
    n = len(values)
    mean_y, s = sum(values) / n, slope(values)
    return mean_y + s * ((n - 1) / 2 + steps_ahead)


def months_to_target(values: Sequence[float], target: float, good: Direction) -> float | None:
    """Months after the last value until the trend line reaches the target; None when it never does."""
    if not values:
        return None
    s, last_fit = slope(values), projection(values, 0)
    assert last_fit is not None
    if meets(last_fit, target, good):
        return 0.0
    if s == 0 or (s > 0) != (good is Direction.UP):
        return None
    return (target - last_fit) / s


def judge(value: float | None, target: float | None, good: Direction, monthly: Sequence[float],
          months_left: float | None) -> Status:
    """Apply the rule above; `monthly` are the latest monthly values, oldest first."""
    if value is None or target is None:
        return Status.UNKNOWN
    if meets(value, target, good):
        return Status.ON_TRACK
    if months_left is not None and months_left < 0:
        return Status.OFF_TRACK
    recent = list(monthly)[-TREND_POINTS:]
    eta = months_to_target(recent, target, good)
    if eta is not None and (months_left is None or eta <= months_left):
        return Status.ON_TRACK
    improving = len(recent) >= 2 and slope(recent) != 0 and (slope(recent) > 0) == (good is Direction.UP)
    near = target != 0 and abs(value - target) / abs(target) <= NEAR
    return Status.AT_RISK if improving or near else Status.OFF_TRACK
