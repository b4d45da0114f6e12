"""Security-and-compliance pillar: access reviews, privileged accounts, operation logging and open audit findings.

Privileged accounts and open findings are read from month-end lists (the inventory of privileged accounts, the
findings open in the register): each month's rows are those on its as-of day (the month's last day, or the data's
last day in the current month), so a month's value is the value at that day and a longer period's is the mean over
its month-ends.
"""
from __future__ import annotations

import polars as pl

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Direction, Per, Pillar, TargetScope, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import average, count, problem_unless, share

REVIEW_EVERY_DAYS = 90  # privileged access is reviewed every quarter

ON_TIME = pl.col("completed_on").is_not_null() & (pl.col("completed_on") <= pl.col("due_on"))
REVIEWED = ((pl.col("as_of") - pl.col("last_reviewed_on")).dt.total_days() <= REVIEW_EVERY_DAYS).fill_null(False)
LOGGING = pl.col("logging_on") == 1
AGE_DAYS = (pl.col("as_of") - pl.col("raised_on")).dt.total_days()
PAST_DUE = pl.col("due_on") < pl.col("as_of")
FINDING_PROBLEM = pl.when(PAST_DUE).then(pl.lit("open, past its due date")).otherwise(pl.lit("open"))

CISO = "Chief Information Security Officer"
ACCESS_REVIEWS = Dataset(
    "access_reviews", source="demo", table="access_reviews", time_column="due_on", dimensions=("department", "system"),
    primary_key=("review_id",), detail_columns=("review_id", "campaign", "system", "department", "reviewer", "due_on",
                                                "completed_on", "accounts", "revoked"))
PRIVILEGED_ACCOUNTS = Dataset(
    "privileged_accounts", source="demo", table="privileged_accounts", time_column="month",
    dimensions=("department", "system", "account_type"), primary_key=("month", "account_id"),
    detail_columns=("month", "account_id", "system", "department", "account_type", "holder", "last_reviewed_on"))
LOGGING_SCANS = Dataset(
    "logging_scans", source="demo", table="logging_scans", time_column="scanned_on",
    dimensions=("department", "system", "asset_type"), primary_key=("scanned_on", "asset_id"),
    detail_columns=("scanned_on", "asset_id", "system", "department", "asset_type", "logging_on"))
OPEN_FINDINGS = Dataset(
    "open_findings", source="demo", table="open_findings", time_column="month",
    dimensions=("department", "audit_type", "severity"), primary_key=("month", "finding_id"),
    detail_columns=("month", "finding_id", "cycle_id", "audit_type", "department", "severity", "title", "raised_on",
                    "due_on"))


def declare() -> None:
    register(
        share("access_reviews_on_time", ACCESS_REVIEWS, ON_TIME, good=Direction.UP, target=0.95,
              pillar=Pillar.COMPLIANCE, owner=CISO, title=Text("Access reviews done on time", "权限复核按期完成率"),
              description=Text("Share of the access reviews due in the period (a manager certifying their team's "
                               "access to one system, in the quarterly campaigns) that were completed by their due "
                               "date.", "期间内到期的权限复核（季度复核中由经理确认其团队对某一系统的访问权限）按期完成的比例。"),
              problems=pl.when(ON_TIME).then(pl.lit("")).when(pl.col("completed_on").is_null())
              .then(pl.lit("not completed")).otherwise(pl.lit("completed late"))),
        share("privileged_accounts_reviewed", PRIVILEGED_ACCOUNTS, REVIEWED, good=Direction.UP, target=0.95,
              min_sample=5,  # an inventory is the whole population: a department holds 8-25 accounts
              pillar=Pillar.COMPLIANCE, owner=CISO, title=Text("Privileged accounts reviewed", "特权账号复核率"),
              description=Text(f"Share of the privileged accounts (administrators, database administrators, service "
                               f"accounts) on the month-end inventory whose access was reviewed in the "
                               f"{REVIEW_EVERY_DAYS} days before; over several months, the mean of the month-ends.",
                               f"月末特权账号清单（管理员、数据库管理员、服务账号）中在此前 {REVIEW_EVERY_DAYS} "
                               f"天内完成权限复核的比例；跨多个月时取各月末的平均值。"),
              problems=pl.when(REVIEWED).then(pl.lit("")).when(pl.col("last_reviewed_on").is_null())
              .then(pl.lit("never reviewed")).otherwise(pl.lit(f"not reviewed in the last {REVIEW_EVERY_DAYS} days"))),
        share("logging_coverage", LOGGING_SCANS, LOGGING, good=Direction.UP, target=0.98, pillar=Pillar.COMPLIANCE,
              owner=CISO, title=Text("Operation logging switched on", "操作日志开启率"),
              description=Text("Share of the systems' components (application servers, databases, interface "
                               "gateways) found with operation logging switched on by the weekly configuration scans "
                               "in the period.", "期间内每周配置扫描中，各系统组件（应用服务器、数据库、接口网关）已开启操作日志的比例。"),
              problems=problem_unless(LOGGING, "operation logging off")),
        count("open_audit_findings", OPEN_FINDINGS, per=Per.MONTH, good=Direction.DOWN, target=20,
              target_scope=TargetScope.PER_SLICE,  # a count: each department's own target ([[targets]] in the config)
              pillar=Pillar.COMPLIANCE, owner="Internal Audit Manager",
              title=Text("Open audit findings", "未关闭审计发现"),
              description=Text("Audit findings open in the register at the end of each month of the period (the "
                               "data's last day in the current month), averaged over the months.",
                               "期间内各月末（当月为数据最后一天）审计发现登记册中未关闭的审计发现数，按月平均。"),
              problems=FINDING_PROBLEM, needs_fixing=PAST_DUE),
        average("open_findings_age_days", OPEN_FINDINGS, AGE_DAYS, Unit.DAYS, good=Direction.DOWN, target=30,
                pillar=Pillar.COMPLIANCE, owner="Internal Audit Manager",
                title=Text("Age of open audit findings", "未关闭审计发现的平均账龄"),
                description=Text("Average days since they were raised of the audit findings open at the end of each "
                                 "month of the period (the data's last day in the current month).",
                                 "期间内各月末（当月为数据最后一天）未关闭审计发现自提出以来的平均天数。"),
                problems=FINDING_PROBLEM, needs_fixing=PAST_DUE),
    )
