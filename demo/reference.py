"""Reference data shared by several tables: departments, systems and process types."""

from __future__ import annotations

# ---------------------------------------------------------------------------
# Reference data
# ---------------------------------------------------------------------------

# (department_id, name_en, name_zh, joins_phase, join month)
DEPARTMENTS: tuple[tuple[str, str, str, str, int], ...] = (
    ("procurement", "Procurement", "采购部", "pilot", 0),
    ("finance", "Finance", "财务部", "pilot", 0),
    ("sales", "Sales", "销售部", "expansion", 4),
    ("supply_chain", "Supply Chain", "供应链部", "expansion", 4),
    ("rnd_lab", "R&D Laboratory", "研发实验室", "expansion", 4),
    ("production", "Production", "生产部", "rollout", 10),
    ("hr", "Human Resources", "人力资源部", "rollout", 10),
    ("it", "Information Technology", "信息技术部", "rollout", 10),
)
DEPT_IDS: tuple[str, ...] = tuple(d[0] for d in DEPARTMENTS)
DEPT_INDEX: dict[str, int] = {d: i for i, d in enumerate(DEPT_IDS)}

SYSTEMS: tuple[tuple[str, str, str], ...] = (
    ("ERP", "Enterprise Resource Planning", "企业资源计划系统"),
    ("CRM", "Customer Relationship Management", "客户关系管理系统"),
    ("HRM", "Human Resource Management", "人力资源管理系统"),
    ("LIMS", "Laboratory Information Management System", "实验室信息管理系统"),
    ("TRACE", "Drug Traceability", "药品追溯系统"),
    ("SUPPLIER_PORTAL", "Supplier Portal", "供应商门户"),
    ("FIN", "Finance", "财务系统"),
)

# (process, name_en, name_zh, standard manual minutes from the time study)
PROCESS_TYPES: tuple[tuple[str, str, str, float], ...] = (
    ("invoice_processing", "Invoice processing", "发票处理", 45.0),
    ("purchase_order", "Purchase order", "采购订单", 30.0),
    ("month_end_report", "Month-end report", "月末报告", 240.0),
    ("supplier_onboarding", "Supplier onboarding", "供应商准入", 90.0),
    ("customer_onboarding", "Customer onboarding", "客户准入", 60.0),
)
PROCESS_STANDARD: dict[str, float] = {p[0]: p[3] for p in PROCESS_TYPES}
