"""People-capability pillar: key staff and process owners trained for the programme, and weekly use of the data platform.

The training shares read HR's month-end roster of key staff (key users, data stewards, process owners): each month's
rows are the people in a key role on its as-of day (the month's last day, or the data's last day in the current
month), so a month's share is the share at that day and a longer period's is the mean over its month-ends. A key
person's phase is the phase in which their department joins the programme, so `--by phase_id` gives the key staff
trained per phase.
"""
from __future__ import annotations

import polars as pl

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Direction, Pillar, TargetScope, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import measure, problem_unless, share

TRAINED = pl.col("trained_on").is_not_null()
OVERDUE = ~TRAINED & (pl.col("due_on") < pl.col("as_of"))
TRAINING_PROBLEM = (pl.when(TRAINED).then(pl.lit("")).when(OVERDUE).then(pl.lit("training overdue"))
                    .otherwise(pl.lit("not trained yet")))
ACTIVE = pl.col("sessions") > 0
KEY_STAFF = Dataset(
    "key_staff", source="demo", table="key_staff", time_column="month", dimensions=("department", "phase_id", "role"),
    drill_path=("phase_id", "department", "role"), primary_key=("month", "staff_id"),
    detail_columns=("month", "staff_id", "name", "department", "role", "phase_id", "due_on", "trained_on"))
PLATFORM_USAGE = Dataset(
    "platform_usage", source="demo", table="platform_usage", time_column="week_start", dimensions=("department",),
    primary_key=("week_start", "account_id"), detail_columns=("week_start", "account_id", "department", "sessions"))


def declare() -> None:
    register(
        share("key_staff_trained", KEY_STAFF, TRAINED, good=Direction.UP, target=0.95,
              min_sample=5,  # a roster is the whole population, not a sample: a department names 10-20 key people
              pillar=Pillar.PEOPLE, owner="HR Director", title=Text("Key staff trained", "关键人员培训完成率"),
              description=Text("Share of the key staff on the month-end roster (key users, data stewards, process "
                               "owners) who have completed their role's programme training; over several months, the "
                               "mean of the month-ends. By phase: the phase in which each person's department joins.",
                               "月末名册上的关键人员（关键用户、数据管理员、流程负责人）中已完成其岗位项目培训的比例；"
                               "跨多个月时取各月末的平均值。按阶段：各人所在部门加入项目的阶段。"),
              problems=TRAINING_PROBLEM, needs_fixing=OVERDUE),
        share("process_owners_trained", KEY_STAFF, TRAINED, good=Direction.UP, target=0.95,
              min_sample=3,  # a department has 3-5 process owners: the share is of all of them
              pillar=Pillar.PEOPLE, owner="HR Director", title=Text("Process owners trained", "流程负责人培训完成率"),
              description=Text("Share of the process owners on the month-end roster who have completed the programme "
                               "training for process owners; over several months, the mean of the month-ends.",
                               "月末名册上的流程负责人中已完成流程负责人项目培训的比例；跨多个月时取各月末的平均值。"),
              row_filter=pl.col("role") == "process_owner", problems=TRAINING_PROBLEM, needs_fixing=OVERDUE),
        measure("weekly_active_users", PLATFORM_USAGE, ACTIVE.sum() / pl.col("week_start").n_unique(), Unit.COUNT,
                good=Direction.UP, target=267,
                target_scope=TargetScope.PER_SLICE,  # a count: each department's own target ([[targets]])
                pillar=Pillar.PEOPLE, owner="Head of Data Governance",
                title=Text("Weekly active users of the data platform", "数据平台周活跃用户数"),
                description=Text("Accounts of the shared data platform that signed in at least once in a week (Monday "
                                 "to Sunday), averaged over the finished weeks that start in the period.",
                                 "一周（周一至周日）内至少登录一次共享数据平台的账号数，按期间内开始且已结束的各周取平均。"),
                problems=problem_unless(ACTIVE, "no sign-in this week"), needs_fixing=~ACTIVE),
    )
