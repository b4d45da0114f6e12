"""The costs table: monthly costs per department and category, falling as departments join."""

from __future__ import annotations

import math
from datetime import timedelta

from demo.calendar import _add_months, _months_between
from demo.context import _Context, _join_date, _rng
from demo.reference import DEPT_IDS

COST_CATEGORIES: tuple[str, ...] = (
    "manual_processing",
    "rework",
    "audit_preparation",
    "procurement_overspend",
)
# Baseline monthly CNY per department:
# (manual_processing, rework, audit_preparation, procurement spend).
# Sums to about CNY 1.2M a month including 15 % overspend on the procurement spend.
COST_BASELINE: dict[str, tuple[float, float, float, float]] = {
    "procurement": (110_000.0, 40_000.0, 25_000.0, 300_000.0),
    "finance": (120_000.0, 45_000.0, 60_000.0, 0.0),
    "sales": (80_000.0, 35_000.0, 20_000.0, 0.0),
    "supply_chain": (90_000.0, 40_000.0, 25_000.0, 170_000.0),
    "rnd_lab": (60_000.0, 30_000.0, 35_000.0, 0.0),
    "production": (90_000.0, 60_000.0, 45_000.0, 0.0),
    "hr": (40_000.0, 10_000.0, 15_000.0, 0.0),
    "it": (30_000.0, 10_000.0, 15_000.0, 0.0),
}
# Share of each category removed once a department is fully in the programme.
COST_REDUCTION: tuple[float, float, float] = (0.10, 0.10, 0.12)


def _costs(ctx: _Context) -> list[tuple[object, ...]]:
    """Monthly costs per department and category, falling as departments join."""
    rng = _rng(ctx, "costs")
    rows: list[tuple[object, ...]] = []
    month = ctx.baseline_start
    last_day = ctx.end - timedelta(days=1)
    while month <= last_day:
        for dept in DEPT_IDS:
            manual, rework, audit, spend = COST_BASELINE[dept]
            m = _months_between(month, _join_date(ctx, dept))
            # Benefits build up over roughly a quarter after joining.
            maturity = 0.0 if m < 0 else 1.0 - math.exp(-m / 3)
            amounts = [
                manual * (1 - COST_REDUCTION[0] * maturity),
                rework * (1 - COST_REDUCTION[1] * maturity),
                audit * (1 - COST_REDUCTION[2] * maturity),
            ]
            if spend:
                # Non-unified material codes hide duplicate buying: ~15 % overspend, then ~2 %.
                rate = 0.15 if m < 0 else 0.02 + 0.13 * math.exp(-m / 3)
                amounts.append(spend * rate)
            for category, amount in zip(COST_CATEGORIES, amounts):
                value = round(amount * rng.uniform(0.98, 1.02), 2)
                rows.append((len(rows) + 1, month.isoformat(), dept, category, value))
        month = _add_months(month, 1)
    return rows
