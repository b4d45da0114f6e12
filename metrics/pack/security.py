"""Security-and-compliance pillar: access reviews, privileged accounts, operation logging and open audit findings.

Privileged accounts and open findings are read from month-end lists (the inventory of privileged accounts, the
findings open in the register): each month's rows are those on its as-of day (the month's last day, or the data's
last day in the current month), so a month's value is the value at that day and a longer period's is the mean over
its month-ends.
"""
from __future__ import annotations

import polars as pl

from metrics.semantics.model import Direction, Metric, MetricKind, Per, Pillar, Shared, TargetScope, Text, Unit
from metrics.semantics.registry import register

REVIEW_EVERY_DAYS = 90  # privileged access is reviewed every quarter

ON_TIME = pl.col("completed_on").is_not_null() & (pl.col("completed_on") <= pl.col("due_on"))
REVIEWED = ((pl.col("as_of") - pl.col("last_reviewed_on")).dt.total_days() <= REVIEW_EVERY_DAYS).fill_null(False)
LOGGING = pl.col("logging_on") == 1
AGE_DAYS = (pl.col("as_of") - pl.col("raised_on")).dt.total_days()
PAST_DUE = pl.col("due_on") < pl.col("as_of")
FINDING_PROBLEM = pl.when(PAST_DUE).then(pl.lit("open, past its due date")).otherwise(pl.lit("open"))

REVIEWS = Shared(source="demo", table="access_reviews", time_column="due_on", pillar=Pillar.COMPLIANCE,
                 owner="Chief Information Security Officer", dimensions=("department", "system"),
                 drill_path=("department", "system"),
                 detail_columns=("review_id", "campaign", "system", "department", "reviewer", "due_on",
                                 "completed_on", "accounts", "revoked"))
PRIVILEGED = Shared(source="demo", table="privileged_accounts", time_column="month", pillar=Pillar.COMPLIANCE,
                    owner="Chief Information Security Officer", dimensions=("department", "system", "account_type"),
                    drill_path=("department", "system", "account_type"),
                    detail_columns=("month", "account_id", "system", "department", "account_type", "holder",
                                    "last_reviewed_on"))
SCANS = Shared(source="demo", table="logging_scans", time_column="scanned_on", pillar=Pillar.COMPLIANCE,
               owner="Chief Information Security Officer", dimensions=("department", "system", "asset_type"),
               drill_path=("department", "system", "asset_type"),
               detail_columns=("scanned_on", "asset_id", "system", "department", "asset_type", "logging_on"))
FINDINGS = Shared(source="demo", table="open_findings", time_column="month", pillar=Pillar.COMPLIANCE,
                  owner="Internal Audit Manager", dimensions=("department", "audit_type", "severity"),
                  drill_path=("department", "audit_type", "severity"),
                  detail_columns=("month", "finding_id", "cycle_id", "audit_type", "department", "severity",
                                  "title", "raised_on", "due_on"))


def declare() -> None:
    register(
        Metric(
            key="access_reviews_on_time", kind=MetricKind.RATIO, unit=Unit.PERCENT, good=Direction.UP, target=0.95,
            title=Text("Access reviews done on time", "权限复核按期完成率"),
            description=Text("Share of the access reviews due in the period (a manager certifying their team's "
                             "access to one system, in the quarterly campaigns) that were completed by their due "
                             "date.", "期间内到期的权限复核（季度复核中由经理确认其团队对某一系统的访问权限）按期完成的比例。"),
            numerator=ON_TIME.sum(), denominator=pl.len(),
            problems=pl.when(ON_TIME).then(pl.lit("")).when(pl.col("completed_on").is_null())
            .then(pl.lit("not completed")).otherwise(pl.lit("completed late")),
            needs_fixing=~ON_TIME, **REVIEWS),
        Metric(
            key="privileged_accounts_reviewed", kind=MetricKind.RATIO, unit=Unit.PERCENT, good=Direction.UP,
            target=0.95, min_sample=5,  # an inventory is the whole population: a department holds 8-25 accounts
            title=Text("Privileged accounts reviewed", "特权账号复核率"),
            description=Text(f"Share of the privileged accounts (administrators, database administrators, service "
                             f"accounts) on the month-end inventory whose access was reviewed in the "
                             f"{REVIEW_EVERY_DAYS} days before; over several months, the mean of the month-ends.",
                             f"月末特权账号清单（管理员、数据库管理员、服务账号）中在此前 {REVIEW_EVERY_DAYS} "
                             f"天内完成权限复核的比例；跨多个月时取各月末的平均值。"),
            numerator=REVIEWED.sum(), denominator=pl.len(),
            problems=pl.when(REVIEWED).then(pl.lit("")).when(pl.col("last_reviewed_on").is_null())
            .then(pl.lit("never reviewed")).otherwise(pl.lit(f"not reviewed in the last {REVIEW_EVERY_DAYS} days")),
            needs_fixing=~REVIEWED, **PRIVILEGED),
        Metric(
            key="logging_coverage", kind=MetricKind.RATIO, unit=Unit.PERCENT, good=Direction.UP, target=0.98,
            title=Text("Operation logging switched on", "操作日志开启率"),
            description=Text("Share of the systems' components (application servers, databases, interface gateways) "
                             "found with operation logging switched on by the weekly configuration scans in the "
                             "period.", "期间内每周配置扫描中，各系统组件（应用服务器、数据库、接口网关）已开启操作日志的比例。"),
            numerator=LOGGING.sum(), denominator=pl.len(),
            problems=pl.when(LOGGING).then(pl.lit("")).otherwise(pl.lit("operation logging off")),
            needs_fixing=~LOGGING, **SCANS),
        Metric(
            key="open_audit_findings", kind=MetricKind.SIMPLE, unit=Unit.COUNT, good=Direction.DOWN, target=20,
            target_scope=TargetScope.PER_SLICE,  # a count: each department's own target ([[targets]] in the config)
            title=Text("Open audit findings", "未关闭审计发现"),
            description=Text("Audit findings open in the register at the end of each month of the period (the data's "
                             "last day in the current month), averaged over the months.",
                             "期间内各月末（当月为数据最后一天）审计发现登记册中未关闭的审计发现数，按月平均。"),
            value=pl.len(), per=Per.MONTH, problems=FINDING_PROBLEM, needs_fixing=PAST_DUE, **FINDINGS),
        Metric(
            key="open_findings_age_days", kind=MetricKind.SIMPLE, unit=Unit.DAYS, good=Direction.DOWN, target=30,
            title=Text("Age of open audit findings", "未关闭审计发现的平均账龄"),
            description=Text("Average days since they were raised of the audit findings open at the end of each month "
                             "of the period (the data's last day in the current month).",
                             "期间内各月末（当月为数据最后一天）未关闭审计发现自提出以来的平均天数。"),
            value=AGE_DAYS.mean(), problems=FINDING_PROBLEM, needs_fixing=PAST_DUE, **FINDINGS),
    )
