"""Security-and-compliance pillar: how long an audit takes to prepare and close."""
from __future__ import annotations

import polars as pl

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Direction, Pillar, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import average

AUDIT_CYCLES = Dataset(
    "audit_cycles", source="demo", table="audit_cycles", time_column="completed_on",
    dimensions=("department", "audit_type"), primary_key=("cycle_id",),
    detail_columns=("cycle_id", "audit_type", "department", "started_on", "completed_on", "findings"))
CYCLE_DAYS = (pl.col("completed_on") - pl.col("started_on")).dt.total_days()


def declare() -> None:
    register(
        average("audit_cycle_days", AUDIT_CYCLES, CYCLE_DAYS, Unit.DAYS, good=Direction.DOWN, target=3,
                pillar=Pillar.COMPLIANCE, owner="Chief Information Security Officer",
                title=Text("Audit cycle time", "审计周期"),
                description=Text("Average days from the start of an audit (GDPR, MLPS 2.0, internal, financial) to "
                                 "its completion, over audits completed in the period.",
                                 "期间内完成的审计（GDPR、等保2.0、内部、财务）从开始到完成的平均天数。"),
                problems=pl.format("{} days", CYCLE_DAYS), needs_fixing=CYCLE_DAYS > 7),
    )
