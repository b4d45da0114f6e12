"""Programme pillar: cost savings and how the plan's milestones are kept."""
from __future__ import annotations

import polars as pl

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Change, Direction, Per, Pillar, TargetScope, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import average, change, share, total

DONE = pl.col("status") == "done"
ON_TIME = DONE & (pl.col("actual_end") <= pl.col("planned_end"))
SLIP_DAYS = (pl.col("actual_end") - pl.col("planned_end")).dt.total_days()
COSTS = Dataset(
    "costs", source="demo", table="costs", time_column="month", dimensions=("department", "category"),
    primary_key=("cost_id",), detail_columns=("cost_id", "month", "department", "category", "amount_cny"))
MILESTONES = Dataset(
    "milestones", source="demo", table="milestones", time_column="planned_end",
    dimensions=("phase_id", "workstream_id", "owner", "milestone_id"),
    drill_path=("phase_id", "workstream_id", "milestone_id"), primary_key=("milestone_id",),
    detail_columns=("milestone_id", "phase_id", "workstream_id", "title_en", "owner", "planned_end", "actual_end",
                    "status"))


def declare() -> None:
    operating_cost = total(
        "operating_cost_monthly", COSTS, "amount_cny", Unit.CNY, per=Per.MONTH, good=Direction.DOWN,
        target=1_050_000, target_scope=TargetScope.PER_SLICE,  # a sum: each department's own target ([[targets]])
        pillar=Pillar.PROGRAMME, owner="Programme CFO",
        title=Text("Information-related operating cost per month", "每月信息相关运营成本"),
        description=Text("Manual processing, rework, audit preparation and procurement overspend, per calendar month "
                         "in the period.", "手工处理、返工、审计准备和采购超支成本，按期间内自然月平均。"))
    register(
        operating_cost,
        change("cost_savings_annualized", operating_cost, Change.ABSOLUTE_REDUCTION, scale=12, good=Direction.UP,
               target=2_000_000, target_scope=TargetScope.PER_SLICE,  # a sum: each department's own target
               pillar=Pillar.PROGRAMME, owner="Programme CFO", title=Text("Annualized cost savings", "年化成本节约"),
               description=Text("(Monthly operating cost in the baseline period − monthly operating cost now) × 12.",
                                "（基线期月均运营成本 − 当期月均运营成本）× 12。")),
        share("milestones_on_time", MILESTONES, ON_TIME, good=Direction.UP, target=0.8,
              min_sample=5,  # a share of fewer milestones swings too far on one of them
              pillar=Pillar.PROGRAMME, owner="PMO Lead", title=Text("Milestones done on time", "里程碑按期完成率"),
              description=Text("Share of the milestones planned to finish in the period that were done by their "
                               "planned end date.", "计划在期间内完成的里程碑中按计划日期完成的比例。"),
              problems=pl.when(ON_TIME).then(pl.lit("")).otherwise(pl.format("{}", pl.col("status")))),
        average("schedule_variance_days", MILESTONES, SLIP_DAYS, Unit.DAYS, good=Direction.DOWN, target=5,
                min_sample=3,  # done milestones
                pillar=Pillar.PROGRAMME, owner="PMO Lead", title=Text("Schedule variance", "进度偏差"),
                description=Text("Average days by which done milestones planned to finish in the period finished "
                                 "after their planned end (negative: early).",
                                 "计划在期间内完成且已完成的里程碑，实际完成晚于计划的平均天数（负数为提前）。"),
                row_filter=DONE, problems=pl.format("{} days late", SLIP_DAYS), needs_fixing=SLIP_DAYS > 0),
    )
