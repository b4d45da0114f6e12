"""What changed since the previous snapshot that was sent: the biggest movers and the KPIs whose status changed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from metrics.engine.contributions import Movement
from metrics.semantics.model import Metric
from snapshots.numbers import SnapshotNumbers

MOVERS = 3


@dataclass(frozen=True)
class Move:
    """A KPI's value then and now."""

    metric: Metric
    before: float
    after: float
    movement: Movement | None = None  # why it moved (a ratio): the period's change split by slice

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def size(self) -> float:
        """How big the move is, comparable across units: the change as a share of the previous value."""
        return abs(self.delta) / abs(self.before) if self.before else float("inf")


@dataclass(frozen=True)
class StatusChange:
    """A KPI whose status is not what it was."""

    metric: Metric
    before: str
    after: str


@dataclass(frozen=True)
class Changes:
    """The comparison with the previous sent snapshot; `previous_sent_at` is None when there was none."""

    previous_sent_at: str | None
    movers: list[Move]
    status_changes: list[StatusChange]


def compare(numbers: SnapshotNumbers, previous: Mapping[str, Any] | None, previous_sent_at: str | None) -> Changes:
    """Movers (largest first, at most three that moved) and status changes against the previous record."""
    if previous is None:
        return Changes(None, [], [])
    moves, statuses = [], []
    for kpi in numbers.kpis:
        then = previous.get(kpi.metric.key)
        if kpi.answer is None or kpi.problem or not then:
            continue
        now = kpi.answer.data
        if now.value is not None and then.get("value") is not None and now.value != then["value"]:
            moves.append(Move(kpi.metric, float(then["value"]), float(now.value), kpi.movement))
        if then.get("status") and then["status"] != now.status.value:
            statuses.append(StatusChange(kpi.metric, str(then["status"]), now.status.value))
    moves.sort(key=lambda m: m.size, reverse=True)
    return Changes(previous_sent_at, moves[:MOVERS], statuses)
