"""Programme pillar: cost savings and how the plan's milestones are kept."""
from __future__ import annotations

import polars as pl

from metrics.semantics.model import (Change, Direction, Metric, MetricKind, Per, Pillar, Shared, TargetScope, Text,
                                     Unit)
from metrics.semantics.registry import register

DONE = pl.col("status") == "done"
ON_TIME = DONE & (pl.col("actual_end") <= pl.col("planned_end"))
SLIP_DAYS = (pl.col("actual_end") - pl.col("planned_end")).dt.total_days()
COST = Shared(source="demo", table="costs", time_column="month", pillar=Pillar.PROGRAMME, owner="Programme CFO",
              dimensions=("department", "category"), drill_path=("department", "category"),
              detail_columns=("cost_id", "month", "department", "category", "amount_cny"))
PLAN = Shared(source="demo", table="milestones", time_column="planned_end", pillar=Pillar.PROGRAMME,
              owner="PMO Lead", dimensions=("phase_id", "workstream_id", "owner", "milestone_id"),
              drill_path=("phase_id", "workstream_id", "milestone_id"),
              detail_columns=("milestone_id", "phase_id", "workstream_id", "title_en", "owner", "planned_end",
                              "actual_end", "status"))


def declare() -> None:
    register(
        Metric(
            key="operating_cost_monthly", kind=MetricKind.SIMPLE, unit=Unit.CNY, good=Direction.DOWN,
            target_scope=TargetScope.PER_SLICE,  # a sum: each department's own target ([[targets]] in the config)
            target=1_050_000, title=Text("Information-related operating cost per month", "每月信息相关运营成本"),
            description=Text("Manual processing, rework, audit preparation and procurement overspend, per calendar "
                             "month in the period.", "手工处理、返工、审计准备和采购超支成本，按期间内自然月平均。"),
            value=pl.col("amount_cny").sum(), per=Per.MONTH, **COST),
        Metric(
            key="cost_savings_annualized", kind=MetricKind.CHANGE, unit=Unit.CNY, good=Direction.UP,
            target_scope=TargetScope.PER_SLICE,  # a sum: each department's own target ([[targets]] in the config)
            target=2_000_000, title=Text("Annualized cost savings", "年化成本节约"),
            description=Text("(Monthly operating cost in the baseline period − monthly operating cost now) × 12.",
                             "（基线期月均运营成本 − 当期月均运营成本）× 12。"),
            base="operating_cost_monthly", change=Change.ABSOLUTE_REDUCTION, scale=12, **COST),
        Metric(
            key="milestones_on_time", kind=MetricKind.RATIO, unit=Unit.PERCENT, good=Direction.UP, target=0.8,
            min_sample=5,  # a share of fewer milestones swings too far on one of them
            title=Text("Milestones done on time", "里程碑按期完成率"),
            description=Text("Share of the milestones planned to finish in the period that were done by their planned "
                             "end date.", "计划在期间内完成的里程碑中按计划日期完成的比例。"),
            numerator=ON_TIME.sum(), denominator=pl.len(),
            problems=pl.when(ON_TIME).then(pl.lit("")).otherwise(pl.format("{}", pl.col("status"))),
            needs_fixing=~ON_TIME, **PLAN),
        Metric(
            key="schedule_variance_days", kind=MetricKind.SIMPLE, unit=Unit.DAYS, good=Direction.DOWN, target=5,
            min_sample=3,  # done milestones
            title=Text("Schedule variance", "进度偏差"),
            description=Text("Average days by which done milestones planned to finish in the period finished after "
                             "their planned end (negative: early).", "计划在期间内完成且已完成的里程碑，实际完成晚于计划的平均天数（负数为提前）。"),
            row_filter=DONE, value=SLIP_DAYS.mean(), problems=pl.format("{} days late", SLIP_DAYS),
            needs_fixing=SLIP_DAYS > 0, **PLAN),
    )
