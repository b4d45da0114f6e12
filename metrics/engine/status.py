"""Whether a KPI is on track, at risk or off track: one documented rule, on enough evidence.

- no status (unknown): no value, or no target for what is shown;
- too few records: fewer rows (events, milestones) behind the value than the metric's `min_sample`;
- on track: the value meets the target, or, at the pace of the straight line through the last six monthly
  values, it reaches the target by the target date (counted from the value, not from the line, over the time left
  from today or the period's last day, whichever is later);
- off track: once the target date has passed without the target met;
- at risk: the pace misses the target date but moves the right way, or the value is within 5% of the target;
- off track: otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Sequence

from metrics.semantics.model import Direction

TREND_POINTS = 6
NEAR = 0.05
DAYS_PER_MONTH = 30.44


class Status(Enum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    TOO_FEW = "too_few"  # a value, but too few records behind it to judge
    UNKNOWN = "unknown"  # no value, or no target


# The statuses that judge a value against its target (the others say why there is no judgement).
JUDGED = (Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK)


def meets(value: float, target: float, good: Direction) -> bool:
    return value >= target if good is Direction.UP else value <= target


def near(value: float, target: float) -> bool:
    """Within 5% of the target (either side)."""
    return target != 0 and abs(value - target) / abs(target) <= NEAR


def slope(values: Sequence[float]) -> float:
    """Least-squares slope per step of evenly spaced values."""
    n = len(values)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(values) / n
    num = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(values))
    den = sum((i - mean_x) ** 2 for i in range(n))
    return num / den


@dataclass(frozen=True)
class Pace:
    """The trend behind a status: how fast the KPI moves and where that pace takes it."""

    slope: float | None  # change per month over the last six monthly values; None with fewer than two
    months_needed: float | None  # months from the value to the target at that pace: 0 when met, None when never
    projected: float | None  # the value at the target date at that pace; None without a date or once it passed

    @property
    def improving(self) -> bool:
        """Whether the pace moves toward the target, or it is met (pace() knows which way is good)."""
        return self.months_needed is not None


def pace(value: float | None, target: float | None, good: Direction, monthly: Sequence[float],
         months_left: float | None) -> Pace:
    """The pace of the last six monthly values (oldest first), from the value toward the target."""
    recent = list(monthly)[-TREND_POINTS:]
    per_month = slope(recent) if len(recent) >= 2 else None
    if value is None or target is None:
        return Pace(per_month, None, None)
    projected = None
    if per_month is not None and months_left is not None and months_left >= 0:
        projected = value + per_month * months_left
    if meets(value, target, good):
        return Pace(per_month, 0.0, projected)
    toward = per_month is not None and per_month != 0 and (per_month > 0) == (good is Direction.UP)
    needed = (target - value) / per_month if toward and per_month else None
    return Pace(per_month, needed, projected)


def judge(value: float | None, target: float | None, good: Direction, monthly: Sequence[float],
          months_left: float | None, sample: int | None = None, min_sample: int = 1) -> Status:
    """Apply the rule above; `monthly` are the latest monthly values, oldest first; `months_left` from the period's
    last day to the target date (negative once it passed)."""
    if value is None or target is None:
        return Status.UNKNOWN
    if sample is not None and sample < min_sample:
        return Status.TOO_FEW
    if meets(value, target, good):
        return Status.ON_TRACK
    if months_left is not None and months_left < 0:
        return Status.OFF_TRACK
    found = pace(value, target, good, monthly, months_left)
    if found.months_needed is not None and (months_left is None or found.months_needed <= months_left):
        return Status.ON_TRACK
    return Status.AT_RISK if found.improving or near(value, target) else Status.OFF_TRACK
