"""Human names for the ids in the data (values of dimensions, columns) and dates, in both languages.

These name data values, not the interface: the interface's words are core.i18n's, and both pick a language the
same way (`core.i18n.pick`). The values' names are the config's (`[labels]`, installed at start-up).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Mapping

from core.i18n import pick


@dataclass(frozen=True)
class ValueNames:
    """Names of the data's values per dimension, as the config's [labels] section declares them.

    `names`: dimension → value id → (English, Chinese). `same_as`: a dimension whose values are named like another's
    (source_system like system).
    """

    names: Mapping[str, Mapping[str, tuple[str, str]]] = field(default_factory=dict)
    same_as: Mapping[str, str] = field(default_factory=dict)

    def of(self, dimension: str) -> Mapping[str, tuple[str, str]]:
        """The names declared for a dimension's values (empty when none are)."""
        return self.names.get(self.same_as.get(dimension, dimension), {})


# Installed once at start-up from the config (`install`), read-only after: names are settings, not request state.
_installed = ValueNames()

# Column headings (they name columns, not the data's values).
COLUMNS: dict[str, tuple[str, str]] = {
    # The maturity questionnaire's answers (metrics/pack/maturity.py).
    "answer_id": ("Answer", "答卷"), "assessment_id": ("Assessment", "评估"), "assessed_on": ("Answered on", "作答日期"),
    "dimension": ("Maturity dimension", "成熟度维度"), "question": ("Question", "问题"), "score": ("Score (1-5)", "得分（1-5）"),
    "department": ("Department", "部门"), "source_system": ("Source system", "源系统"),
    "target_system": ("Target system", "目标系统"), "system": ("System", "系统"), "domain": ("Data domain", "数据域"),
    "process": ("Process", "流程"), "mode": ("Mode", "方式"), "category": ("Category", "类别"),
    "audit_type": ("Audit type", "审计类型"), "phase_id": ("Phase", "阶段"), "workstream_id": ("Workstream", "工作流"),
    "owner": ("Owner", "负责人"), "milestone_id": ("Milestone", "里程碑"), "interface_id": ("Interface", "接口"),
    "record_id": ("Record", "记录编号"), "name": ("Name", "名称"), "code": ("Code", "编码"), "tax_id": ("Tax id", "税号"),
    "country": ("Country", "国家"), "contact_email": ("Contact email", "联系邮箱"), "address": ("Address", "地址"),
    "updated_at": ("Updated", "更新时间"), "run_id": ("Run", "运行编号"), "started_at": ("Started", "开始时间"),
    "duration_minutes": ("Minutes", "用时（分钟）"), "manual_steps": ("Manual steps", "手工步骤"),
    "had_error": ("Error", "差错"), "error_type": ("Error type", "差错类型"), "request_id": ("Request", "请求编号"),
    "opened_at": ("Opened", "提交时间"), "resolved_at": ("Resolved", "解决时间"),
    "satisfaction": ("Satisfaction", "满意度"), "cycle_id": ("Audit", "审计编号"), "started_on": ("Started", "开始日期"),
    "completed_on": ("Completed", "完成日期"), "findings": ("Findings", "发现问题"), "day": ("Day", "日期"),
    "calls": ("Calls", "调用次数"), "errors": ("Errors", "错误数"), "via_platform": ("Via platform", "经平台"),
    "cost_id": ("Cost", "成本编号"), "month": ("Month", "月份"), "amount_cny": ("Amount (CNY)", "金额（元）"),
    "title_en": ("Title", "标题"), "planned_end": ("Planned end", "计划完成"), "actual_end": ("Actual end", "实际完成"),
    "status": ("Status", "状态"), "problem": ("What needs fixing", "待修正问题"), "period": ("Month", "月份"),
    "value": ("Value", "数值"), "rows": ("Rows", "行数"),
    "response_id": ("Response", "答卷编号"), "responded_on": ("Answered", "答卷日期"), "comment": ("Comment", "意见"),
    "as_of": ("As of", "截至日期"), "staff_id": ("Staff id", "员工编号"), "role": ("Role", "角色"),
    "due_on": ("Due", "到期日"), "trained_on": ("Trained", "培训完成日期"), "week_start": ("Week starting", "周起始日"),
    "account_id": ("Account", "账号"), "sessions": ("Sessions", "登录次数"), "review_id": ("Review", "复核编号"),
    "campaign": ("Campaign", "复核批次"), "reviewer": ("Reviewer", "复核人"), "accounts": ("Accounts", "账号数"),
    "revoked": ("Revoked", "已撤销"), "account_type": ("Account type", "账号类型"), "holder": ("Holder", "持有人"),
    "last_reviewed_on": ("Last reviewed", "最近复核日期"), "scanned_on": ("Scanned", "扫描日期"),
    "asset_id": ("Component", "组件"), "asset_type": ("Component type", "组件类型"),
    "logging_on": ("Logging on", "日志已开启"), "finding_id": ("Finding", "发现编号"),
    "severity": ("Severity", "严重程度"), "title": ("Title", "标题"), "raised_on": ("Raised", "提出日期"),
}

# Phrases the metric pack writes into the `problem` column.
PROBLEMS: dict[str, str] = {
    "non-standard code": "编码不规范", "invalid tax id": "税号无效", "invalid email": "邮箱无效",
    "unknown country code": "国家代码未知", "duplicate of another record": "与其他记录重复",
    "non-standard material code": "物料编码不规范", "manual run": "手工运行",
    "point-to-point, not on the platform": "点对点接口，未接入平台", "missing code": "缺少编码",
    "missing tax_id": "缺少税号", "missing address": "缺少地址", "missing country": "缺少国家",
    "missing contact_email": "缺少联系邮箱",
    "slow approvals": "审批慢", "duplicate data entry": "重复录入", "report errors": "报表错误",
    "access requests": "权限申请", "training": "培训",
    "training overdue": "培训逾期", "not trained yet": "尚未培训", "no sign-in this week": "本周未登录",
    "completed late": "逾期完成", "not completed": "未完成", "never reviewed": "从未复核",
    "not reviewed in the last 90 days": "近 90 天未复核", "operation logging off": "操作日志未开启",
    "open": "未关闭", "past its due date": "已超过整改期限",
}

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def install(names: ValueNames) -> None:
    """Use these names for the data's values from now on (the wiring calls it once, with the config's [labels])."""
    global _installed
    _installed = names


def value_label(dimension: str, value: object, lang: str) -> str:
    """The human name of a dimension value (department 'rnd_lab' → 'R&D Laboratory' when the config names it);
    a value the config does not name reads as a humane form of its id ('supply_chain' → 'Supply chain')."""
    if value is None:
        return "—"
    pair = _installed.of(dimension).get(str(value))
    return humane(str(value)) if pair is None else pick(pair, lang)


def has_names(dimension: str) -> bool:
    """Whether the config names this dimension's values (their cells then show names, not ids)."""
    return bool(_installed.of(dimension))


def humane(ident: str) -> str:
    """An id as a reader would write it: underscores become spaces, and a lower-case id starts with a capital
    ('supply_chain' → 'Supply chain'); ids with capitals ('ERP', 'SUPPLIER_PORTAL') keep them."""
    text = ident.replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text == text.lower() else text


def column_label(column: str, lang: str) -> str:
    """The heading of a column or the name of a dimension."""
    pair = COLUMNS.get(column)
    return column.replace("_", " ").capitalize() if pair is None else pick(pair, lang)


def problem_label(problem: str, lang: str) -> str:
    """A `problem` cell in the reader's language; phrases the table does not know stay as written."""
    if lang != "zh" or not problem:
        return problem
    return "，".join(PROBLEMS.get(part.strip(), part.strip()) for part in problem.split(","))


def month_label(day: date, lang: str) -> str:
    """A month as people say it: 'Oct 2026', '2026年10月'."""
    return f"{day.year}年{day.month}月" if lang == "zh" else f"{MONTHS_EN[day.month - 1]} {day.year}"


def date_label(day: date | None, lang: str, with_year: bool = True) -> str:
    """A day: '30 Nov 2026', '2026年11月30日' (without the year when asked); '—' for none."""
    if day is None:
        return "—"
    if isinstance(day, datetime):
        day = day.date()
    if lang == "zh":
        return (f"{day.year}年" if with_year else "") + f"{day.month}月{day.day}日"
    return f"{day.day} {MONTHS_EN[day.month - 1]}" + (f" {day.year}" if with_year else "")


def time_label(moment: datetime | None, lang: str, with_year: bool = True, today: date | None = None) -> str:
    """A day and a time of day: '26 Nov 2026 22:51'; '—' for none. Without the year ('26 Nov 22:51') when asked,
    unless `today` falls in another year: a moment of a past year always says which."""
    if moment is None:
        return "—"
    shown = with_year or (today is not None and today.year != moment.year)
    return f"{date_label(moment.date(), lang, shown)} {moment:%H:%M}"


def period_label(start: date, end_exclusive: date, lang: str) -> str:
    """A period as people say it: 'Oct 2026', 'Q3 2026', or '1 Jan 2026 – 27 Nov 2026'."""
    months = (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month
    if start.day == 1 and end_exclusive.day == 1:
        if months == 1:
            return month_label(start, lang)
        if months == 3 and start.month % 3 == 1:
            quarter = (start.month - 1) // 3 + 1
            return f"{start.year}年第{quarter}季度" if lang == "zh" else f"Q{quarter} {start.year}"
    last = end_exclusive - timedelta(days=1)
    return f"{date_label(start, lang)} – {date_label(last, lang)}"
