"""Human names for the ids in the data (departments, systems, dimensions, columns) and dates, in both languages.

These name data values, not the interface: the interface's words are core.i18n's, and both pick a language the
same way (`core.i18n.pick`).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from core.i18n import pick

# Names as the programme's reference tables give them (departments, systems, process_types, phases, workstreams).
VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "department": {
        "procurement": ("Procurement", "采购部"), "finance": ("Finance", "财务部"), "sales": ("Sales", "销售部"),
        "supply_chain": ("Supply Chain", "供应链部"), "rnd_lab": ("R&D Laboratory", "研发实验室"),
        "production": ("Production", "生产部"), "hr": ("Human Resources", "人力资源部"),
        "it": ("Information Technology", "信息技术部"),
    },
    "system": {
        "ERP": ("ERP", "ERP 企业资源计划"), "CRM": ("CRM", "CRM 客户关系管理"), "HRM": ("HRM", "HRM 人力资源管理"),
        "LIMS": ("LIMS lab system", "LIMS 实验室信息管理"), "TRACE": ("Drug traceability", "药品追溯系统"),
        "SUPPLIER_PORTAL": ("Supplier portal", "供应商门户"), "FIN": ("Finance system", "财务系统"),
    },
    "domain": {"material": ("Material", "物料"), "customer": ("Customer", "客户"), "supplier": ("Supplier", "供应商")},
    "process": {
        "invoice_processing": ("Invoice processing", "发票处理"), "purchase_order": ("Purchase order", "采购订单"),
        "month_end_report": ("Month-end report", "月末报告"),
        "supplier_onboarding": ("Supplier onboarding", "供应商准入"),
        "customer_onboarding": ("Customer onboarding", "客户准入"),
    },
    "mode": {"automated": ("Automated", "自动"), "manual": ("Manual", "手工")},
    "category": {
        "access_request": ("Access request", "权限申请"), "data_correction": ("Data correction", "数据更正"),
        "report_request": ("Report request", "报表需求"), "incident": ("Incident", "故障"),
        "master_data_change": ("Master-data change", "主数据变更"),
        "manual_processing": ("Manual processing", "手工处理"), "rework": ("Rework", "返工"),
        "audit_preparation": ("Audit preparation", "审计准备"),
        "procurement_overspend": ("Procurement overspend", "采购超支"),
    },
    "audit_type": {"GDPR": ("GDPR", "GDPR"), "MLPS": ("MLPS 2.0", "等保 2.0"), "internal": ("Internal", "内部审计"),
                   "financial": ("Financial", "财务审计")},
    "phase_id": {"pilot": ("Pilot", "试点"), "expansion": ("Expansion", "推广"), "rollout": ("Full rollout", "全面推行")},
    "workstream_id": {
        "mdm": ("Master data management", "主数据管理"), "bpr": ("Process re-engineering", "流程再造"),
        "integration": ("Integration", "系统集成"), "security": ("Security & compliance", "安全与合规"),
        "people": ("People & training", "人员与培训"),
    },
    "error_type": {"wrong_amount": ("Wrong amount", "金额错误"), "missing_po": ("Missing PO", "缺少采购订单"),
                   "duplicate_invoice": ("Duplicate invoice", "重复发票"), "late_posting": ("Late posting", "过账延迟")},
    "role": {"key_user": ("Key user", "关键用户"), "data_steward": ("Data steward", "数据管理员"),
             "process_owner": ("Process owner", "流程负责人")},
    "account_type": {"admin": ("Administrator", "管理员"), "dba": ("Database administrator", "数据库管理员"),
                     "service": ("Service account", "服务账号")},
    "asset_type": {"app_server": ("Application server", "应用服务器"), "database": ("Database", "数据库"),
                   "interface_gateway": ("Interface gateway", "接口网关")},
    "severity": {"high": ("High", "高"), "medium": ("Medium", "中"), "low": ("Low", "低")},
}
# Columns whose values are named like another dimension's.
SAME_AS = {"source_system": "system", "target_system": "system"}

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


def value_label(dimension: str, value: object, lang: str) -> str:
    """The human name of a dimension value (e.g. department 'rnd_lab' → 'R&D Laboratory'); the id when unknown."""
    if value is None:
        return "—"
    names = VALUES.get(SAME_AS.get(dimension, dimension), {})
    pair = names.get(str(value))
    return str(value) if pair is None else pick(pair, lang)


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


def time_label(moment: datetime | None, lang: str, with_year: bool = True) -> str:
    """A day and a time of day: '26 Nov 2026 22:51'; '—' for none."""
    if moment is None:
        return "—"
    return f"{date_label(moment.date(), lang, with_year)} {moment:%H:%M}"


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
