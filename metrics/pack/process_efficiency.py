"""Process-efficiency pillar: automation, hours saved, errors and their reduction."""
from __future__ import annotations

import polars as pl

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Change, Direction, Per, Pillar, TargetScope, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import change, formula, measure, problem_unless, share

HOURLY_COST_CNY = 180.0  # fully loaded cost of an hour of clerical work, from the finance team's 2025 rate card

PROCESS_RUNS = Dataset(
    "process_runs", source="demo", table="process_runs", time_column="started_at",
    dimensions=("department", "process", "source_system", "mode"),
    drill_path=("department", "process", "source_system"), primary_key=("run_id",),
    detail_columns=("run_id", "process", "department", "source_system", "started_at", "mode", "duration_minutes",
                    "manual_steps", "had_error", "error_type"))
OWNER = "Head of Process Excellence"
AUTOMATED = pl.col("mode") == "automated"
MINUTES_SAVED = (pl.col("standard_manual_minutes") - pl.col("duration_minutes")).clip(lower_bound=0) * AUTOMATED


def declare() -> None:
    hours_saved = measure(
        "hours_saved", PROCESS_RUNS, MINUTES_SAVED.sum() / 60, Unit.HOURS, per=Per.MONTH, good=Direction.UP,
        target=1500, target_scope=TargetScope.PER_SLICE,  # a sum: each department's own target ([[targets]])
        pillar=Pillar.PROCESS, owner=OWNER, title=Text("Hours saved per month", "每月节省工时"),
        description=Text("Hours saved by automated runs against the time-study standard for doing the same run by "
                         "hand, per month: the mean of the period's calendar months, or over a period of part months "
                         "its total scaled to an average month.",
                         "自动化运行相对于手工标准工时所节省的小时数，按月计：整月期间取各自然月的平均值，非整月期间按平均月长折算。"))
    error_rate = share(
        "error_rate", PROCESS_RUNS, pl.col("had_error"), good=Direction.DOWN, target=0.02, pillar=Pillar.PROCESS,
        owner=OWNER, title=Text("Process error rate", "流程差错率"),
        description=Text("Share of process runs that had an error (wrong amount, missing PO, duplicate invoice, late "
                         "posting).", "出现差错（金额错误、缺少采购订单、重复发票、过账延迟）的流程运行比例。"),
        problems=pl.col("error_type").fill_null(""), needs_fixing=pl.col("had_error") == 1)
    register(
        share("automation_rate", PROCESS_RUNS, AUTOMATED, good=Direction.UP, target=0.75, pillar=Pillar.PROCESS,
              owner=OWNER, title=Text("Process automation rate", "流程自动化率"),
              description=Text("Share of process runs (invoices, purchase orders, month-end reports, onboarding) "
                               "that ran automated rather than by hand.",
                               "流程运行（发票、采购订单、月结报表、客商准入）中以自动方式而非手工完成的比例。"),
              problems=problem_unless(AUTOMATED, "manual run")),
        hours_saved,
        error_rate,
        change("error_reduction", error_rate, Change.RELATIVE_REDUCTION, good=Direction.UP, target=0.6,
               pillar=Pillar.PROCESS, owner=OWNER, title=Text("Error reduction", "差错下降率"),
               description=Text("1 − error rate now ÷ error rate in the baseline period (the 3 months before the "
                                "programme).", "1 − 当期差错率 ÷ 基线期（项目启动前3个月）差错率。")),
        formula("labour_value_saved", [hours_saved], pl.col("hours_saved") * HOURLY_COST_CNY, Unit.CNY,
                good=Direction.UP, target=270_000,
                target_scope=TargetScope.PER_SLICE,  # a sum: each department's own target ([[targets]])
                pillar=Pillar.PROCESS, owner=OWNER, title=Text("Value of hours saved per month", "每月节省工时价值"),
                description=Text(f"Hours saved per month × CNY {HOURLY_COST_CNY:.0f}, the fully loaded hourly cost of "
                                 "clerical work.", f"每月节省工时 × 每小时人工综合成本 {HOURLY_COST_CNY:.0f} 元。")),
    )
