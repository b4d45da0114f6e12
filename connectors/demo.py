"""Deterministic generator of the embedded Vantage demo SQLite database."""

from __future__ import annotations

import hashlib
import math
import os
import random
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from pathlib import Path

import polars as pl

__all__ = ["DemoInfo", "build_demo", "default_demo_path"]

ProgressFn = Callable[[str, int, int], None]

# Rows per generated and written chunk of the big tables: bounds memory at 10M records.
CHUNK_ROWS = 500_000
PROCESS_RUNS_CAP = 2_000_000
SERVICE_REQUESTS_CAP = 400_000
# Average month length in days, used to express "months since a department joined".
MONTH_DAYS = 30.4375
DAY_SECONDS = 86_400

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

PHASES: tuple[tuple[str, str, str, int, int], ...] = (
    ("pilot", "Pilot", "试点", 0, 3),
    ("expansion", "Expansion", "推广", 4, 9),
    ("rollout", "Full rollout", "全面推行", 10, 18),
)

# Owners of milestones and workstreams: people with their roles.
DIRECTOR = "Li Na (Programme Director)"
DATA_GOVERNANCE = "Wang Jun (Head of Data Governance)"
FINANCE_OWNER = "Chen Jing (Finance Process Owner)"
PROCUREMENT_DIRECTOR = "Zhou Tao (Procurement Director)"
ARCHITECT = "Zhang Wei (Enterprise Architect)"
CISO = "Liu Yang (CISO)"
AUDIT_MANAGER = "Lin Fang (Internal Audit Manager)"
HR_DIRECTOR = "Sun Hui (HR Director)"
IT_OPERATIONS = "Hu Xin (IT Operations Lead)"
SALES_OPERATIONS = "Anna Weber (Sales Operations Manager)"
LAB_HEAD = "Xu Min (R&D Lab Head)"
SUPPLY_CHAIN_DIRECTOR = "Ma Qiang (Supply Chain Director)"
PRODUCTION_MANAGER = "Guo Hao (Production Manager)"
PROCESS_EXCELLENCE = "Huang Lei (Head of Process Excellence)"

WORKSTREAMS: tuple[tuple[str, str, str, str], ...] = (
    ("mdm", "Master data management", "主数据管理", DATA_GOVERNANCE),
    ("bpr", "Process re-engineering", "流程再造", PROCESS_EXCELLENCE),
    ("integration", "Integration", "系统集成", ARCHITECT),
    ("security", "Security & compliance", "安全与合规", CISO),
    ("people", "People & training", "人员与培训", HR_DIRECTOR),
)

PHASE_TARGETS: tuple[tuple[str, str, float], ...] = (
    ("pilot", "data_accuracy", 0.85),
    ("pilot", "automation_rate", 0.30),
    ("pilot", "audit_cycle_days", 14.0),
    ("pilot", "resolution_hours_median", 20.0),
    ("pilot", "standard_interface_share", 0.25),
    ("expansion", "data_accuracy", 0.92),
    ("expansion", "automation_rate", 0.55),
    ("expansion", "audit_cycle_days", 7.0),
    ("expansion", "resolution_hours_median", 12.0),
    ("expansion", "standard_interface_share", 0.60),
    ("rollout", "data_accuracy", 0.96),
    ("rollout", "data_completeness", 0.99),
    ("rollout", "automation_rate", 0.75),
    ("rollout", "audit_cycle_days", 3.0),
    ("rollout", "cost_savings_annualized", 2_000_000.0),
)

# Master-record ownership: (domain, department, source_system, weight); materials ~45 %.
MASTER_COMBOS: tuple[tuple[str, str, str, float], ...] = (
    ("material", "procurement", "ERP", 0.12),
    ("material", "procurement", "SUPPLIER_PORTAL", 0.05),
    ("material", "production", "ERP", 0.10),
    ("material", "supply_chain", "ERP", 0.08),
    ("material", "supply_chain", "SUPPLIER_PORTAL", 0.015),
    ("material", "rnd_lab", "LIMS", 0.06),
    ("material", "rnd_lab", "ERP", 0.02),
    ("material", "it", "ERP", 0.005),
    ("customer", "sales", "CRM", 0.16),
    ("customer", "sales", "TRACE", 0.04),
    ("customer", "sales", "ERP", 0.04),
    ("customer", "finance", "FIN", 0.05),
    ("customer", "finance", "ERP", 0.04),
    ("supplier", "procurement", "SUPPLIER_PORTAL", 0.08),
    ("supplier", "procurement", "ERP", 0.03),
    ("supplier", "supply_chain", "SUPPLIER_PORTAL", 0.04),
    ("supplier", "supply_chain", "ERP", 0.02),
    ("supplier", "finance", "ERP", 0.03),
    ("supplier", "hr", "HRM", 0.01),
    ("supplier", "it", "ERP", 0.01),
)
DOMAINS: tuple[str, ...] = ("material", "customer", "supplier")
DOMAIN_PREFIX: tuple[str, ...] = ("MAT", "CUS", "SUP")
# A "wrong prefix" code borrows another domain's prefix.
DOMAIN_WRONG_PREFIX: tuple[str, ...] = ("SUP", "MAT", "CUS")

# (process, department, source_system, weight)
RUN_COMBOS: tuple[tuple[str, str, str, float], ...] = (
    ("invoice_processing", "finance", "FIN", 0.14),
    ("invoice_processing", "finance", "ERP", 0.08),
    ("invoice_processing", "procurement", "ERP", 0.06),
    ("invoice_processing", "supply_chain", "ERP", 0.04),
    ("invoice_processing", "sales", "FIN", 0.03),
    ("invoice_processing", "production", "ERP", 0.02),
    ("invoice_processing", "it", "FIN", 0.005),
    ("invoice_processing", "hr", "FIN", 0.005),
    ("purchase_order", "procurement", "ERP", 0.12),
    ("purchase_order", "procurement", "SUPPLIER_PORTAL", 0.06),
    ("purchase_order", "supply_chain", "ERP", 0.05),
    ("purchase_order", "production", "ERP", 0.04),
    ("purchase_order", "rnd_lab", "ERP", 0.03),
    ("purchase_order", "it", "ERP", 0.01),
    ("purchase_order", "hr", "ERP", 0.01),
    ("month_end_report", "finance", "FIN", 0.02),
    ("month_end_report", "procurement", "ERP", 0.008),
    ("month_end_report", "sales", "CRM", 0.008),
    ("month_end_report", "supply_chain", "ERP", 0.008),
    ("month_end_report", "rnd_lab", "LIMS", 0.008),
    ("month_end_report", "production", "ERP", 0.008),
    ("month_end_report", "hr", "HRM", 0.008),
    ("month_end_report", "it", "ERP", 0.004),
    ("supplier_onboarding", "procurement", "SUPPLIER_PORTAL", 0.05),
    ("supplier_onboarding", "supply_chain", "SUPPLIER_PORTAL", 0.025),
    ("supplier_onboarding", "rnd_lab", "SUPPLIER_PORTAL", 0.015),
    ("customer_onboarding", "sales", "CRM", 0.08),
    ("customer_onboarding", "sales", "TRACE", 0.02),
    ("customer_onboarding", "finance", "CRM", 0.02),
    ("customer_onboarding", "finance", "ERP", 0.01),
)
ERROR_TYPES: tuple[str, ...] = ("wrong_amount", "missing_po", "duplicate_invoice", "late_posting")
ERROR_WEIGHTS: tuple[float, ...] = (0.35, 0.25, 0.15, 0.25)

# Service desk: department weight and the systems its tickets are about.
REQUEST_DEPTS: tuple[tuple[str, float, tuple[tuple[str, float], ...]], ...] = (
    ("procurement", 0.15, (("ERP", 0.5), ("SUPPLIER_PORTAL", 0.4), ("FIN", 0.1))),
    ("finance", 0.17, (("FIN", 0.6), ("ERP", 0.4))),
    ("sales", 0.16, (("CRM", 0.7), ("TRACE", 0.15), ("ERP", 0.15))),
    ("supply_chain", 0.13, (("ERP", 0.5), ("TRACE", 0.3), ("SUPPLIER_PORTAL", 0.2))),
    ("rnd_lab", 0.10, (("LIMS", 0.8), ("ERP", 0.2))),
    ("production", 0.14, (("ERP", 0.5), ("LIMS", 0.2), ("TRACE", 0.3))),
    ("hr", 0.08, (("HRM", 0.9), ("ERP", 0.1))),
    ("it", 0.07, (("ERP", 0.3), ("HRM", 0.2), ("CRM", 0.2), ("FIN", 0.15), ("LIMS", 0.15))),
)
REQUEST_COMBOS: tuple[tuple[str, str, float], ...] = tuple(
    (dept, system, dw * sw) for dept, dw, systems in REQUEST_DEPTS for system, sw in systems
)
REQUEST_CATEGORIES: tuple[str, ...] = (
    "access_request",
    "data_correction",
    "report_request",
    "incident",
    "master_data_change",
)
REQUEST_CATEGORY_WEIGHTS: tuple[float, ...] = (0.25, 0.25, 0.15, 0.25, 0.10)

# Point-to-point interfaces (source, target, owner department): 36 of the 42 ordered pairs.
INTERFACES: tuple[tuple[str, str, str], ...] = (
    ("ERP", "SUPPLIER_PORTAL", "procurement"),
    ("SUPPLIER_PORTAL", "ERP", "procurement"),
    ("SUPPLIER_PORTAL", "FIN", "procurement"),
    ("FIN", "SUPPLIER_PORTAL", "procurement"),
    ("ERP", "FIN", "finance"),
    ("FIN", "ERP", "finance"),
    ("CRM", "FIN", "finance"),
    ("FIN", "CRM", "finance"),
    ("HRM", "FIN", "finance"),
    ("ERP", "CRM", "sales"),
    ("CRM", "ERP", "sales"),
    ("CRM", "TRACE", "sales"),
    ("TRACE", "CRM", "sales"),
    ("LIMS", "CRM", "sales"),
    ("ERP", "TRACE", "supply_chain"),
    ("TRACE", "ERP", "supply_chain"),
    ("TRACE", "SUPPLIER_PORTAL", "supply_chain"),
    ("SUPPLIER_PORTAL", "TRACE", "supply_chain"),
    ("ERP", "LIMS", "rnd_lab"),
    ("LIMS", "ERP", "rnd_lab"),
    ("LIMS", "SUPPLIER_PORTAL", "rnd_lab"),
    ("SUPPLIER_PORTAL", "LIMS", "rnd_lab"),
    ("LIMS", "TRACE", "production"),
    ("TRACE", "LIMS", "production"),
    ("TRACE", "FIN", "production"),
    ("LIMS", "HRM", "production"),
    ("LIMS", "FIN", "production"),
    ("FIN", "LIMS", "production"),
    ("ERP", "HRM", "hr"),
    ("CRM", "HRM", "hr"),
    ("HRM", "ERP", "hr"),
    ("FIN", "HRM", "hr"),
    ("HRM", "CRM", "it"),
    ("HRM", "LIMS", "it"),
    ("HRM", "SUPPLIER_PORTAL", "it"),
    ("HRM", "TRACE", "it"),
)

COST_CATEGORIES: tuple[str, ...] = (
    "manual_processing",
    "rework",
    "audit_preparation",
    "procurement_overspend",
)
# Baseline monthly CNY per department:
# (manual_processing, rework, audit_preparation, procurement spend).
# Sums to about CNY 1.2M a month including 15 % overspend on the procurement spend.
COST_BASELINE: dict[str, tuple[float, float, float, float]] = {
    "procurement": (110_000.0, 40_000.0, 25_000.0, 300_000.0),
    "finance": (120_000.0, 45_000.0, 60_000.0, 0.0),
    "sales": (80_000.0, 35_000.0, 20_000.0, 0.0),
    "supply_chain": (90_000.0, 40_000.0, 25_000.0, 170_000.0),
    "rnd_lab": (60_000.0, 30_000.0, 35_000.0, 0.0),
    "production": (90_000.0, 60_000.0, 45_000.0, 0.0),
    "hr": (40_000.0, 10_000.0, 15_000.0, 0.0),
    "it": (30_000.0, 10_000.0, 15_000.0, 0.0),
}
# Share of each category removed once a department is fully in the programme.
COST_REDUCTION: tuple[float, float, float] = (0.10, 0.10, 0.12)

AUDIT_TYPES: tuple[str, ...] = ("GDPR", "MLPS", "internal", "financial")
AUDIT_TYPE_WEIGHTS: tuple[float, ...] = (0.2, 0.2, 0.35, 0.25)


@dataclass(frozen=True)
class _Plan:
    """One planned milestone; months are programme months, `stop` is exclusive."""

    milestone_id: str
    phase: str
    workstream: str
    start: float
    stop: float
    depends_on: str | None
    owner: str
    title_en: str
    title_zh: str
    kpis: str


MILESTONES: tuple[_Plan, ...] = (
    _Plan("M01", "pilot", "people", 0.0, 0.5, None, DIRECTOR,
          "Programme charter and governance board approved",
          "项目章程与治理委员会获批",
          "cost_savings_annualized"),
    _Plan("M02", "pilot", "mdm", 0.5, 1.25, "M01", DATA_GOVERNANCE,
          "Material coding standard v1 published",
          "物料编码标准 v1 发布",
          "code_standardization,data_accuracy"),
    _Plan("M03", "pilot", "mdm", 1.25, 3.0, "M02", FINANCE_OWNER,
          "Customer master data cleansed (pilot)",
          "客户主数据清洗完成（试点）",
          "data_accuracy,data_completeness,duplicate_records"),
    _Plan("M04", "pilot", "mdm", 1.25, 3.25, "M02", PROCUREMENT_DIRECTOR,
          "Supplier master data cleansed (pilot)",
          "供应商主数据清洗完成（试点）",
          "data_accuracy,duplicate_records,code_standardization"),
    _Plan("M05", "pilot", "bpr", 0.5, 3.0, "M01", FINANCE_OWNER,
          "Invoice automation live in finance",
          "财务发票处理自动化上线",
          "automation_rate,hours_saved,error_rate,error_reduction"),
    _Plan("M06", "pilot", "bpr", 0.75, 3.25, "M01", PROCUREMENT_DIRECTOR,
          "Purchase-order workflow automated in procurement",
          "采购订单流程自动化",
          "automation_rate,hours_saved,cost_savings_annualized"),
    _Plan("M07", "pilot", "integration", 0.5, 1.0, "M01", ARCHITECT,
          "ESB/API gateway standard published",
          "ESB/API 网关标准发布",
          "standard_interface_share"),
    _Plan("M08", "pilot", "integration", 1.0, 5.0, "M07", ARCHITECT,
          "Pilot interfaces migrated to the integration platform",
          "试点接口迁移至集成平台",
          "standard_interface_share,api_calls_per_day,error_rate"),
    _Plan("M09", "pilot", "security", 0.5, 2.0, "M01", CISO,
          "Data classification and access policy approved",
          "数据分类分级与访问策略获批",
          "audit_cycle_days"),
    _Plan("M10", "pilot", "security", 2.0, 3.5, "M09", AUDIT_MANAGER,
          "Audit evidence collection automated (pilot)",
          "审计证据采集自动化（试点）",
          "audit_cycle_days"),
    _Plan("M11", "pilot", "people", 0.5, 2.5, "M01", HR_DIRECTOR,
          "Data steward training completed (pilot)",
          "数据管理员培训完成（试点）",
          "data_accuracy,data_completeness"),
    _Plan("M12", "pilot", "bpr", 0.5, 3.0, "M01", IT_OPERATIONS,
          "Service desk SLA and self-service portal live",
          "服务台 SLA 与自助门户上线",
          "resolution_hours_median,resolution_hours_p90,satisfaction"),
    _Plan("M13", "pilot", "people", 3.5, 4.0, "M03,M04,M05,M06", DIRECTOR,
          "Pilot review and go decision for expansion",
          "试点评审与推广决策",
          "cost_savings_annualized"),
    _Plan("M14", "expansion", "mdm", 4.0, 6.5, "M13", SALES_OPERATIONS,
          "Customer master data cleansed (sales)",
          "客户主数据清洗完成（销售）",
          "data_accuracy,data_completeness,duplicate_records"),
    _Plan("M15", "expansion", "mdm", 4.0, 7.0, "M13", LAB_HEAD,
          "LIMS material master harmonised with ERP",
          "LIMS 物料主数据与 ERP 统一",
          "code_standardization,data_accuracy"),
    _Plan("M16", "expansion", "mdm", 6.5, 9.0, "M14", DATA_GOVERNANCE,
          "MDM hub golden-record matching live",
          "MDM 中心黄金记录匹配上线",
          "duplicate_records,data_completeness"),
    _Plan("M17", "expansion", "bpr", 4.0, 7.0, "M13", SALES_OPERATIONS,
          "Order-to-cash workflow automated in sales",
          "销售订单到收款流程自动化",
          "automation_rate,hours_saved,error_rate"),
    _Plan("M18", "expansion", "bpr", 4.25, 7.5, "M13", SUPPLY_CHAIN_DIRECTOR,
          "Supplier onboarding automated in supply chain",
          "供应链供应商准入流程自动化",
          "automation_rate,error_reduction,hours_saved"),
    _Plan("M19", "expansion", "integration", 5.0, 11.0, "M07", ARCHITECT,
          "Expansion interfaces migrated to the integration platform",
          "推广阶段接口迁移至集成平台",
          "standard_interface_share,api_calls_per_day"),
    _Plan("M20", "expansion", "integration", 6.0, 9.0, "M07", SUPPLY_CHAIN_DIRECTOR,
          "Drug traceability (TRACE) integrated via API gateway",
          "药品追溯系统经 API 网关集成",
          "api_calls_per_day,error_rate,standard_interface_share"),
    _Plan("M21", "expansion", "security", 4.0, 8.0, "M09", CISO,
          "MLPS 2.0 level-3 assessment passed",
          "等保 2.0 三级测评通过",
          "audit_cycle_days"),
    _Plan("M22", "expansion", "security", 5.0, 8.0, "M09", AUDIT_MANAGER,
          "GDPR records of processing completed",
          "GDPR 处理活动记录完成",
          "audit_cycle_days"),
    _Plan("M23", "expansion", "people", 4.0, 6.0, "M11", HR_DIRECTOR,
          "Data steward training completed (expansion)",
          "数据管理员培训完成（推广）",
          "data_accuracy,data_completeness"),
    _Plan("M24", "expansion", "people", 9.5, 10.0, "M14,M15,M17,M18,M21", DIRECTOR,
          "Expansion review and rollout approval",
          "推广评审与全面推行审批",
          "cost_savings_annualized"),
    _Plan("M25", "rollout", "mdm", 10.0, 13.0, "M24", PRODUCTION_MANAGER,
          "Production material codes migrated to the standard",
          "生产物料编码迁移至标准",
          "code_standardization,data_accuracy"),
    _Plan("M26", "rollout", "mdm", 11.0, 14.0, "M16,M24", DATA_GOVERNANCE,
          "HR and IT master data onboarded to the MDM hub",
          "人力与 IT 主数据接入 MDM 中心",
          "data_completeness,duplicate_records"),
    _Plan("M27", "rollout", "bpr", 10.0, 14.0, "M24", PROCESS_EXCELLENCE,
          "Invoice and PO automation rolled out group-wide",
          "发票与采购订单自动化集团推广",
          "automation_rate,hours_saved,error_reduction,cost_savings_annualized"),
    _Plan("M28", "rollout", "integration", 11.0, 17.0, "M07", ARCHITECT,
          "Remaining interfaces migrated to the integration platform",
          "剩余接口迁移至集成平台",
          "standard_interface_share,api_calls_per_day"),
    _Plan("M29", "rollout", "security", 12.0, 16.5, "M21", CISO,
          "Continuous compliance monitoring live",
          "持续合规监控上线",
          "audit_cycle_days"),
    _Plan("M30", "rollout", "security", 13.0, 18.0, "M22", AUDIT_MANAGER,
          "SOX-style financial controls automated",
          "类 SOX 财务控制自动化",
          "audit_cycle_days,error_rate"),
    _Plan("M31", "rollout", "people", 10.0, 12.5, "M23", HR_DIRECTOR,
          "Data steward training completed (rollout)",
          "数据管理员培训完成（全面推行）",
          "data_accuracy,data_completeness"),
    _Plan("M32", "rollout", "bpr", 11.0, 15.0, "M12", IT_OPERATIONS,
          "Service desk knowledge base rolled out group-wide",
          "服务台知识库集团推广",
          "resolution_hours_median,resolution_hours_p90,satisfaction"),
    _Plan("M33", "rollout", "integration", 16.5, 19.0, "M28", IT_OPERATIONS,
          "Legacy point-to-point interfaces decommissioned",
          "遗留点对点接口下线",
          "standard_interface_share,cost_savings_annualized"),
    _Plan("M34", "rollout", "people", 18.0, 19.0, "M25,M27", DIRECTOR,
          "Benefits realisation report to the board",
          "效益实现报告提交董事会",
          "cost_savings_annualized,hours_saved"),
)
# Milestones that are known to be running late: still in progress after their planned end.
OVERDUE_MILESTONES: frozenset[str] = frozenset({"M28", "M29"})
# Migration milestones cannot finish before the last interface of that phase moved.
MIGRATION_MILESTONES: dict[str, str] = {"M08": "pilot", "M19": "expansion", "M28": "rollout"}

# Word lists for plausible master-data values.
CITIES_CN: tuple[str, ...] = (
    "Shanghai", "Beijing", "Guangzhou", "Shenzhen", "Hangzhou", "Suzhou", "Nanjing",
    "Chengdu", "Wuhan", "Tianjin", "Xiamen", "Qingdao", "Changsha", "Xian",
)
COMPANY_CORES: tuple[str, ...] = (
    "Kanghui", "Hengkang", "Ruixin", "Jiahe", "Tianrun", "Huamei", "Baicao", "Yongsheng",
    "Xinda", "Zhongyuan", "Anrui", "Boya", "Chunhua", "Dehong", "Fuxing", "Guangming",
    "Haitai", "Jinhe", "Lianyi", "Minsheng", "Ningkang", "Puhua", "Qiming", "Shengda",
    "Taikang", "Weikang", "Xiangyu", "Yida", "Zhenai", "Kaiyuan", "Lumen", "Nordwind",
    "Alpenstein", "Meridian", "Sakura", "Helvetia", "Orchid", "Riverside",
)
CUSTOMER_KINDS: tuple[str, ...] = (
    "Central Hospital", "People Hospital", "Pharmacy Chain", "Medical Distribution",
    "Pharma Trading", "Health Clinic", "Medical Center", "Drugstore",
)
CUSTOMER_SLUGS: tuple[str, ...] = (
    "hospital", "hospital", "pharmacy", "med", "trading", "clinic", "medcenter", "drugstore",
)
SUPPLIER_KINDS: tuple[str, ...] = (
    "Fine Chemicals", "Packaging", "Glassware", "Biotech", "Excipients", "Lab Supplies",
    "Logistics", "API Manufacturing", "Filtration", "Cold Chain",
)
SUPPLIER_SLUGS: tuple[str, ...] = (
    "chem", "pack", "glass", "bio", "excipients", "labsupply", "logistics", "api", "filter",
    "coldchain",
)
MATERIAL_BASES: tuple[str, ...] = (
    "Amoxicillin trihydrate API", "Metformin HCl tablet 500 mg", "Ibuprofen granulate",
    "Paracetamol API", "Omeprazole pellets", "Atorvastatin calcium API", "Amlodipine tablet 5 mg",
    "Cefuroxime axetil API", "Azithromycin capsule 250 mg", "Heparin sodium solution",
    "Insulin glargine cartridge", "Ascorbic acid", "Magnesium stearate",
    "Microcrystalline cellulose", "Lactose monohydrate", "Povidone K30", "Sodium chloride",
    "Ethanol 96%", "Purified water", "Hypromellose coating", "Glass vial 10 ml",
    "Bromobutyl rubber stopper", "Aluminium blister foil", "PVC film", "HDPE bottle 100 ml",
    "Folding carton", "Patient leaflet", "Aluminium seal cap", "Syringe 5 ml",
    "Nitrogen gas", "Filter cartridge 0.2 um", "Reagent buffer pH 7.4",
)
MATERIAL_SPECS: tuple[str, ...] = (
    "EP grade", "USP grade", "ChP grade", "GMP grade", "bulk", "lot-released",
    "commercial pack", "validation batch",
)
GIVEN_NAMES: tuple[str, ...] = (
    "wei", "fang", "na", "min", "jing", "lei", "yang", "jun", "tao", "hui", "ying", "qiang",
    "li", "xin", "hao", "anna", "lukas", "emma", "kenji", "marie",
)
FAMILY_NAMES: tuple[str, ...] = (
    "wang", "li", "zhang", "liu", "chen", "yang", "zhao", "huang", "zhou", "wu", "xu", "sun",
    "ma", "zhu", "hu", "guo", "he", "lin", "weber", "tanaka",
)
COUNTRIES: tuple[str, ...] = ("CN", "DE", "US", "JP", "SG", "FR", "GB", "CH")
COUNTRY_WEIGHTS: tuple[float, ...] = (0.62, 0.08, 0.08, 0.06, 0.04, 0.04, 0.04, 0.04)
COUNTRY_NAMES: tuple[str, ...] = (
    "China", "Germany", "United States", "Japan", "Singapore", "France", "United Kingdom",
    "Switzerland",
)
COUNTRY_TLDS: tuple[str, ...] = ("cn", "de", "com", "jp", "sg", "fr", "com", "ch")
COUNTRY_CITIES: tuple[tuple[str, ...], ...] = (
    CITIES_CN,
    ("Frankfurt", "Munich", "Hamburg", "Berlin", "Mannheim"),
    ("Boston", "New Jersey", "San Diego", "Chicago"),
    ("Osaka", "Tokyo", "Kyoto"),
    ("Singapore",),
    ("Lyon", "Paris", "Strasbourg"),
    ("London", "Cambridge", "Manchester"),
    ("Basel", "Zurich", "Geneva"),
)
COUNTRY_STREETS: tuple[tuple[str, ...], ...] = (
    ("Zhangjiang Road", "Keyuan Road", "Huaihai Road", "Renmin Road", "Jianguo Road",
     "Zhongshan Road", "Gaoxin Avenue", "Binhai Avenue"),
    ("Hauptstrasse", "Industriestrasse", "Bahnhofstrasse", "Am Pharmapark"),
    ("Main Street", "Research Drive", "Commerce Blvd", "Harbor Way"),
    ("Chuo-dori", "Sakura-dori", "Minato-ku 3-chome"),
    ("Science Park Drive", "Tuas Avenue", "Biopolis Way"),
    ("Rue de la Republique", "Avenue Jean Jaures", "Rue du Rhone"),
    ("High Street", "Station Road", "Science Park"),
    ("Klybeckstrasse", "Bahnhofstrasse", "Rue du Marche"),
)
# Province/city region codes that open a unified social credit code.
TAX_REGIONS: tuple[str, ...] = (
    "310000", "110000", "440300", "320500", "330100", "510100", "420100", "120000",
)
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Share of each weekday (Monday first) in business activity.
OFFICE_WEEK: tuple[float, ...] = (1.0, 1.0, 1.0, 1.0, 0.95, 0.25, 0.15)
OFFICE_HOURS: tuple[float, ...] = (
    0.05, 0.03, 0.03, 0.03, 0.05, 0.1, 0.3, 0.7, 1.0, 1.0, 1.0, 0.9,
    0.6, 0.9, 1.0, 1.0, 1.0, 0.9, 0.6, 0.4, 0.3, 0.2, 0.12, 0.08,
)

# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoInfo:
    """Where a demo database was written and which period it covers."""

    path: Path
    programme_start: date
    baseline_start: date
    baseline_end: date
    end: date
    rows: dict[str, int]


def default_demo_path(data_dir: Path) -> Path:
    """Return the default location of the demo database inside a data directory."""
    return Path(data_dir) / "demo.sqlite"


def build_demo(
    path: str | Path,
    records: int = 50_000,
    seed: int = 7,
    end: date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoInfo:
    """Build the demo database at ``path`` and describe what it contains."""
    if records < 0:
        raise ValueError("records must be >= 0")
    end = end or date.today()
    if isinstance(end, datetime):
        end = end.date()
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    ctx = _Context.create(records, seed, end)
    # Build beside the target and rename at the end: a half-built file never sits at `path`.
    tmp = target.with_name(f".{target.name}.{os.getpid()}.building")
    if tmp.exists():
        tmp.unlink()
    report = progress or (lambda _table, _done, _total: None)
    try:
        con = sqlite3.connect(tmp, isolation_level=None)
        try:
            rows = _write_all(con, ctx, report)
        finally:
            con.close()
        os.replace(tmp, target)
    except BaseException:
        if tmp.exists():
            tmp.unlink()
        raise
    return DemoInfo(
        path=target,
        programme_start=ctx.programme_start,
        baseline_start=ctx.baseline_start,
        baseline_end=ctx.programme_start,
        end=end,
        rows=rows,
    )


# ---------------------------------------------------------------------------
# Schema
# ---------------------------------------------------------------------------

SCHEMA: tuple[tuple[str, str], ...] = (
    ("departments", "department_id TEXT PRIMARY KEY, name_en TEXT, name_zh TEXT, "
     "joins_phase TEXT, joins_on DATE"),
    ("systems", "system_id TEXT PRIMARY KEY, name_en TEXT, name_zh TEXT"),
    ("master_records", "record_id INTEGER PRIMARY KEY, domain TEXT, department TEXT, "
     "source_system TEXT, name TEXT, code TEXT, tax_id TEXT, address TEXT, country TEXT, "
     "contact_email TEXT, updated_at TIMESTAMP"),
    ("process_types", "process TEXT PRIMARY KEY, name_en TEXT, name_zh TEXT, "
     "standard_manual_minutes REAL"),
    ("process_runs", "run_id INTEGER PRIMARY KEY, process TEXT, department TEXT, "
     "source_system TEXT, started_at TIMESTAMP, mode TEXT, duration_minutes REAL, "
     "manual_steps INTEGER, had_error INTEGER, error_type TEXT, standard_manual_minutes REAL"),
    ("audit_cycles", "cycle_id INTEGER PRIMARY KEY, audit_type TEXT, department TEXT, "
     "started_on DATE, completed_on DATE, findings INTEGER"),
    ("service_requests", "request_id INTEGER PRIMARY KEY, department TEXT, system TEXT, "
     "category TEXT, opened_at TIMESTAMP, resolved_at TIMESTAMP, satisfaction INTEGER"),
    ("interfaces", "interface_id TEXT PRIMARY KEY, source_system TEXT, target_system TEXT, "
     "department TEXT, migrated_on DATE"),
    ("api_calls", "day DATE, interface_id TEXT, source_system TEXT, target_system TEXT, "
     "department TEXT, calls INTEGER, errors INTEGER, via_platform INTEGER, "
     "PRIMARY KEY (day, interface_id)"),
    ("costs", "cost_id INTEGER PRIMARY KEY, month DATE, department TEXT, category TEXT, "
     "amount_cny REAL"),
    ("phases", "phase_id TEXT PRIMARY KEY, name_en TEXT, name_zh TEXT, start_month INTEGER, "
     "end_month INTEGER, planned_start DATE, planned_end DATE"),
    ("workstreams", "workstream_id TEXT PRIMARY KEY, name_en TEXT, name_zh TEXT, lead TEXT"),
    ("milestones", "milestone_id TEXT PRIMARY KEY, phase_id TEXT, workstream_id TEXT, "
     "title_en TEXT, title_zh TEXT, owner TEXT, planned_start DATE, planned_end DATE, "
     "actual_start DATE, actual_end DATE, status TEXT, depends_on TEXT, kpis TEXT, "
     "updated_at TIMESTAMP"),
    ("phase_scope", "phase_id TEXT, department_id TEXT"),
    ("phase_targets", "phase_id TEXT, metric TEXT, target REAL"),
)
# Freshness column of each table that has one; each gets an index.
FRESHNESS: dict[str, str] = {
    "master_records": "updated_at",
    "process_runs": "started_at",
    "audit_cycles": "completed_on",
    "service_requests": "opened_at",
    "api_calls": "day",
    "costs": "month",
    "milestones": "updated_at",
}


def _write_all(con: sqlite3.Connection, ctx: _Context, report: ProgressFn) -> dict[str, int]:
    """Create the schema and fill every table inside one transaction."""
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA temp_store=MEMORY")
    con.execute("PRAGMA cache_size=-131072")
    con.execute("BEGIN")
    for table, columns in SCHEMA:
        con.execute(f"CREATE TABLE {table} ({columns})")
    rows: dict[str, int] = {}

    def put(table: str, data: Sequence[tuple[object, ...]]) -> None:
        """Insert one small table at once."""
        _insert(con, table, data)
        rows[table] = len(data)
        report(table, len(data), len(data))

    put("departments", _departments(ctx))
    put("systems", list(SYSTEMS))
    put("process_types", list(PROCESS_TYPES))
    put("phases", _phases(ctx))
    put("workstreams", list(WORKSTREAMS))
    put("phase_scope", [(phase, dept) for dept, _en, _zh, phase, _m in DEPARTMENTS])
    put("phase_targets", list(PHASE_TARGETS))
    interfaces = _interfaces(ctx)
    put("milestones", _milestones(ctx, interfaces))
    rows["master_records"] = _insert_chunks(
        con, "master_records", ctx.records, lambda a, b: _master_chunk(ctx, a, b), report
    )
    rows["process_runs"] = _insert_chunks(
        con, "process_runs", ctx.runs, lambda a, b: _run_chunk(ctx, a, b), report
    )
    rows["service_requests"] = _insert_chunks(
        con, "service_requests", ctx.requests, lambda a, b: _request_chunk(ctx, a, b), report
    )
    put("audit_cycles", _audit_cycles(ctx))
    put("interfaces", interfaces)
    put("api_calls", _api_calls(ctx, interfaces))
    put("costs", _costs(ctx))
    for table, column in FRESHNESS.items():
        con.execute(f"CREATE INDEX idx_{table}_{column} ON {table} ({column})")
    con.execute("COMMIT")
    # Order the report like the schema so callers see a stable listing.
    return {table: rows[table] for table, _cols in SCHEMA}


def _insert(con: sqlite3.Connection, table: str, data: Iterable[tuple[object, ...]]) -> None:
    """Insert positional rows into a table."""
    width = len(con.execute(f"PRAGMA table_info({table})").fetchall())
    marks = ",".join("?" * width)
    con.executemany(f"INSERT INTO {table} VALUES ({marks})", data)


def _insert_chunks(
    con: sqlite3.Connection,
    table: str,
    total: int,
    make: Callable[[int, int], pl.DataFrame],
    report: ProgressFn,
) -> int:
    """Generate a big table chunk by chunk and insert it, reporting progress."""
    done = 0
    report(table, 0, total)
    while done < total:
        stop = min(done + CHUNK_ROWS, total)
        frame = make(done, stop)
        _insert(con, table, frame.iter_rows(buffer_size=4096))
        done = stop
        report(table, done, total)
    return total


# ---------------------------------------------------------------------------
# Calendar and vectorised randomness
# ---------------------------------------------------------------------------


def _add_months(day: date, months: int) -> date:
    """Return the first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _programme_date(programme_start: date, month: float) -> date:
    """Turn a fractional programme month into a calendar date."""
    whole = math.floor(month)
    first = _add_months(programme_start, whole)
    length = (_add_months(first, 1) - first).days
    return first + timedelta(days=round((month - whole) * length))


def _stream_seed(seed: int, salt: str) -> int:
    """Derive the hash seed of one named random stream."""
    digest = hashlib.blake2b(f"vantage:{seed}:{salt}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _uniform(idx: pl.Series, seed: int, salt: str) -> pl.Series:
    """Uniform numbers in (0, 1), one per row index, from a named stream."""
    bits = idx.hash(_stream_seed(seed, salt)) // 2**11
    # The half offset keeps values strictly inside (0, 1) so logarithms stay finite.
    return (bits.cast(pl.Float64) + 0.5) / 2.0**53


def _bits(idx: pl.Series, seed: int, salt: str) -> pl.Series:
    """Raw 64-bit random integers, one per row index, from a named stream."""
    return idx.hash(_stream_seed(seed, salt))


def _normal(idx: pl.Series, seed: int, salt: str) -> pl.Series:
    """Standard normal numbers per row index (Box-Muller)."""
    u1 = _uniform(idx, seed, salt + ".a")
    u2 = _uniform(idx, seed, salt + ".b")
    return (-2.0 * u1.log()).sqrt() * (2.0 * math.pi * u2).cos()


def _pick(u: pl.Series, weights: Sequence[float]) -> pl.Series:
    """Map uniforms to category indices drawn with the given weights."""
    total = float(sum(weights))
    edges = list(accumulate(w / total for w in weights))[:-1]
    if not edges:
        return pl.zeros(len(u), dtype=pl.UInt32, eager=True)
    return pl.Series(edges, dtype=pl.Float64).search_sorted(u, side="right")


def _pick_uniform(u: pl.Series, size: int) -> pl.Series:
    """Map uniforms to equally likely indices 0..size-1."""
    return (u * size).floor().cast(pl.UInt32).clip(0, size - 1)


def _take(
    values: Sequence[object],
    idx: pl.Series,
    dtype: pl.DataType | type[pl.DataType] | None = None,
) -> pl.Series:
    """Look values up by index."""
    return pl.Series(list(values), dtype=dtype).gather(idx)


def _label(column: str, values: Sequence[str]) -> pl.Expr:
    """Expression turning a 0-based index column into its text label."""
    return pl.col(column).replace_strict(
        list(range(len(values))), list(values), return_dtype=pl.String
    )


def _ramp(months: pl.Series, before: float, settled: float, tau: float) -> pl.Series:
    """Level before joining, then an exponential decay towards `settled` after joining."""
    after = settled + (before - settled) * (-months.clip(0.0, None) / tau).exp()
    return pl.select(pl.when(months < 0).then(pl.lit(before)).otherwise(after)).to_series()


class _Clock:
    """Spreads N ordered events over the calendar with weekly, daily and growth shapes."""

    def __init__(
        self, start: date, days: int, growth: float, week: Sequence[float], hours: Sequence[float]
    ) -> None:
        """Precompute the cumulative day and hour weights."""
        weekday = start.weekday()
        day_w = [(1.0 + growth * d / days) * week[(weekday + d) % 7] for d in range(days)]
        self.day_edges, self.day_lo, self.day_width = self._tables(day_w)
        self.hour_edges, self.hour_lo, self.hour_width = self._tables(hours)

    @staticmethod
    def _tables(weights: Sequence[float]) -> tuple[pl.Series, pl.Series, pl.Series]:
        """Cumulative edges, lower bounds and widths of normalised weights."""
        total = float(sum(weights))
        widths = [w / total for w in weights]
        cum = list(accumulate(widths))
        return (
            pl.Series(cum[:-1], dtype=pl.Float64),
            pl.Series([0.0, *cum[:-1]], dtype=pl.Float64),
            pl.Series(widths, dtype=pl.Float64),
        )

    def seconds(self, idx: pl.Series, n: int, seed: int, salt: str) -> pl.Series:
        """Seconds since the start for events idx of n, non-decreasing in idx."""
        # Stratified quantiles: event i sits in [i/n, (i+1)/n), so order follows the index.
        u = (idx.cast(pl.Float64) + _uniform(idx, seed, salt)) / n
        day = self.day_edges.search_sorted(u, side="right")
        f = ((u - self.day_lo.gather(day)) / self.day_width.gather(day)).clip(0.0, 1.0 - 1e-12)
        hour = self.hour_edges.search_sorted(f, side="right")
        g = ((f - self.hour_lo.gather(hour)) / self.hour_width.gather(hour)).clip(0.0, 1.0 - 1e-12)
        return (
            day.cast(pl.Int64) * DAY_SECONDS
            + hour.cast(pl.Int64) * 3600
            + (g * 3600).floor().cast(pl.Int64)
        )


@dataclass(frozen=True)
class _Context:
    """Everything derived from (records, seed, end) that the generators share."""

    records: int
    seed: int
    end: date
    programme_start: date
    baseline_start: date
    days: int
    runs: int
    requests: int
    join_day: tuple[int, ...]
    clock: _Clock

    @classmethod
    def create(cls, records: int, seed: int, end: date) -> _Context:
        """Derive the programme calendar and table sizes."""
        programme_start = _add_months(end, -17)
        baseline_start = _add_months(programme_start, -3)
        join_day = tuple(
            (_add_months(programme_start, m) - baseline_start).days for *_x, m in DEPARTMENTS
        )
        days = (end - baseline_start).days
        return cls(
            records=records,
            seed=seed,
            end=end,
            programme_start=programme_start,
            baseline_start=baseline_start,
            days=days,
            runs=min(round(0.8 * records), PROCESS_RUNS_CAP),
            requests=min(round(0.16 * records), SERVICE_REQUESTS_CAP),
            join_day=join_day,
            clock=_Clock(baseline_start, days, 0.25, OFFICE_WEEK, OFFICE_HOURS),
        )

    @property
    def epoch(self) -> int:
        """Unix seconds of baseline_start midnight."""
        return (self.baseline_start - date(1970, 1, 1)).days * DAY_SECONDS

    def months_since_join(self, seconds: pl.Series, dept: pl.Series) -> pl.Series:
        """Months between each department's joining and each event (negative before)."""
        join = _take(self.join_day, dept, pl.Float64)
        return (seconds.cast(pl.Float64) / DAY_SECONDS - join) / MONTH_DAYS

    def timestamps(self, seconds: pl.Series) -> pl.Series:
        """Format seconds since baseline_start as 'YYYY-MM-DD HH:MM:SS'."""
        return pl.from_epoch(seconds + self.epoch, time_unit="s").dt.strftime("%Y-%m-%d %H:%M:%S")

    def day(self, offset: int) -> date:
        """Calendar date `offset` days after baseline_start."""
        return self.baseline_start + timedelta(days=offset)


# ---------------------------------------------------------------------------
# master_records
# ---------------------------------------------------------------------------

MASTER_DOMAIN = tuple(DOMAINS.index(c[0]) for c in MASTER_COMBOS)
MASTER_DEPT = tuple(DEPT_INDEX[c[1]] for c in MASTER_COMBOS)
MASTER_SYSTEM = tuple(c[2] for c in MASTER_COMBOS)
MASTER_WEIGHTS = tuple(c[3] for c in MASTER_COMBOS)
# A duplicate only copies a record that can never be a duplicate itself (its draw is above this).
DUP_SOURCE_MIN = 0.08
# Required fields, numbered in this order when one is picked to be broken or left empty.
FIELDS = ("code", "tax_id", "address", "country", "contact_email")
F_CODE, F_TAX_ID, F_ADDRESS, F_COUNTRY, F_EMAIL = range(len(FIELDS))


def _concat(parts: Sequence[pl.Series | str], separator: str = "") -> pl.Series:
    """Concatenate string Series (and literal pieces) row by row."""
    exprs = [pl.lit(p) if isinstance(p, str) else p for p in parts]
    return pl.select(pl.concat_str(exprs, separator=separator)).to_series()


def _master_texts(ctx: _Context, idx: pl.Series, domain: pl.Series) -> pl.DataFrame:
    """Clean name, tax id, address, country and e-mail of the entity behind each index."""
    s = ctx.seed
    core = _pick_uniform(_uniform(idx, s, "m.core"), len(COMPANY_CORES))
    kind = _uniform(idx, s, "m.kind")
    cust_kind = _pick_uniform(kind, len(CUSTOMER_KINDS))
    supp_kind = _pick_uniform(kind, len(SUPPLIER_KINDS))
    city_cn = _pick_uniform(_uniform(idx, s, "m.city"), len(CITIES_CN))
    number = (_bits(idx, s, "m.num") % 1000).cast(pl.String).str.zfill(3)
    mat_base = _pick_uniform(_uniform(idx, s, "m.mat"), len(MATERIAL_BASES))
    mat_spec = _pick_uniform(_uniform(idx, s, "m.spec"), len(MATERIAL_SPECS))
    mat_number = (_bits(idx, s, "m.matnum") % 10_000).cast(pl.String).str.zfill(4)
    core_name = _take(COMPANY_CORES, core)
    customer = _concat(
        [_take(CITIES_CN, city_cn), core_name, _take(CUSTOMER_KINDS, cust_kind), number], " "
    )
    supplier = _concat([core_name, _take(SUPPLIER_KINDS, supp_kind), "Co.", number], " ")
    material = _concat(
        [_take(MATERIAL_BASES, mat_base), _take(MATERIAL_SPECS, mat_spec), mat_number], " "
    )
    name = pl.select(
        pl.when(domain == 0).then(material).when(domain == 1).then(customer).otherwise(supplier)
    ).to_series()
    slug_kind = pl.select(
        pl.when(domain == 1)
        .then(_take(CUSTOMER_SLUGS, cust_kind))
        .when(domain == 2)
        .then(_take(SUPPLIER_SLUGS, supp_kind))
        .otherwise(pl.lit("pharma"))
    ).to_series()
    country = _pick(_uniform(idx, s, "m.country"), COUNTRY_WEIGHTS)
    # Cities and streets are chosen within the country: offsets into the flattened lists.
    city_sizes = [len(c) for c in COUNTRY_CITIES]
    street_sizes = [len(c) for c in COUNTRY_STREETS]
    city_off = [0, *accumulate(city_sizes)][:-1]
    street_off = [0, *accumulate(street_sizes)][:-1]
    city_pos = (
        _uniform(idx, s, "m.addrcity") * _take(city_sizes, country, pl.Float64)
    ).floor().cast(pl.UInt32) + _take(city_off, country, pl.UInt32)
    street_pos = (
        _uniform(idx, s, "m.street") * _take(street_sizes, country, pl.Float64)
    ).floor().cast(pl.UInt32) + _take(street_off, country, pl.UInt32)
    house = (_bits(idx, s, "m.house") % 388 + 1).cast(pl.String)
    address = _concat(
        [
            house,
            " ",
            _take([c for g in COUNTRY_STREETS for c in g], street_pos),
            ", ",
            _take([c for g in COUNTRY_CITIES for c in g], city_pos),
        ]
    )
    # Unified social credit code shape: 91 + region + 'MA' + 8 base-36 characters.
    raw = _bits(idx, s, "m.tax")
    region = _take(TAX_REGIONS, _pick_uniform(_uniform(idx, s, "m.region"), len(TAX_REGIONS)))
    chars = [_take(BASE36, (raw // 36**k) % 36) for k in range(8)]
    tax_id = _concat(["91", region, "MA", *chars])
    given = _take(GIVEN_NAMES, _pick_uniform(_uniform(idx, s, "m.given"), len(GIVEN_NAMES)))
    family = _take(FAMILY_NAMES, _pick_uniform(_uniform(idx, s, "m.family"), len(FAMILY_NAMES)))
    email = _concat(
        [given, ".", family, "@", core_name.str.to_lowercase(), "-", slug_kind, ".",
         _take(COUNTRY_TLDS, country)]
    )
    return pl.DataFrame(
        {
            "name": name,
            "tax_id": tax_id,
            "address": address,
            "country": country,
            "contact_email": email,
        }
    )


def _master_chunk(ctx: _Context, start: int, stop: int) -> pl.DataFrame:
    """Master records start..stop-1 (0-based), ready to insert."""
    s, n = ctx.seed, ctx.records
    idx = pl.int_range(start, stop, dtype=pl.UInt64, eager=True)
    secs = ctx.clock.seconds(idx, n, s, "m.time")
    combo = _pick(_uniform(idx, s, "m.combo"), MASTER_WEIGHTS)

    # Duplicates re-enter an entity created a little earlier by the same department.
    per_day = n / max(ctx.days, 1)
    reach = max(1, round(2 * per_day))
    offset = _pick_uniform(_uniform(idx, s, "m.dupoff"), reach).cast(pl.Int64) + 1
    src = idx.cast(pl.Int64) - offset
    src_idx = src.clip(0, None).cast(pl.UInt64)
    src_combo = _pick(_uniform(src_idx, s, "m.combo"), MASTER_WEIGHTS)
    src_secs = ctx.clock.seconds(src_idx, n, s, "m.time")
    src_dept = _take(MASTER_DEPT, src_combo, pl.UInt32)
    p_dup = _ramp(ctx.months_since_join(secs, src_dept), 0.075, 0.012, 2.5)
    dup = (
        (src >= 0)
        & (_uniform(idx, s, "m.dup") < p_dup)
        & (_uniform(src_idx, s, "m.dup") >= DUP_SOURCE_MIN)
        & (secs - src_secs <= 7 * DAY_SECONDS)
    )
    combo = pl.select(pl.when(dup).then(src_combo).otherwise(combo)).to_series()
    domain = _take(MASTER_DOMAIN, combo, pl.UInt32)
    dept = _take(MASTER_DEPT, combo, pl.UInt32)
    # Texts are a pure function of (index, domain): a duplicate evaluates them at its source.
    text_idx = pl.select(pl.when(dup).then(src_idx).otherwise(idx)).to_series()
    texts = _master_texts(ctx, text_idx, domain)

    # Data-quality problems fade after the owning department joins the programme.
    months = ctx.months_since_join(secs, dept)
    p_invalid = _ramp(months, 0.22, 0.03, 2.5)
    p_missing = _ramp(months, 0.16, 0.02, 2.5)
    invalid = _uniform(idx, s, "m.invalid") < p_invalid
    missing = _uniform(idx, s, "m.missing") < p_missing
    two_missing = _uniform(idx, s, "m.two") < 0.15
    u_field = _uniform(idx, s, "m.badfield")
    variant = _pick_uniform(_uniform(idx, s, "m.variant"), 5)

    digits = (_bits(idx, s, "m.code") % 1_000_000).cast(pl.String).str.zfill(6)
    frame = pl.DataFrame(
        {
            "record_id": (idx + 1).cast(pl.Int64),
            "domain_i": domain,
            "dept_i": dept,
            "combo": combo,
            "dup": dup,
            "secs": secs,
            "invalid": invalid,
            "missing": missing,
            "two_missing": two_missing,
            "u_field": u_field,
            "u_m1": _uniform(idx, s, "m.miss1"),
            "u_m2": _uniform(idx, s, "m.miss2"),
            "variant": variant,
            "dup_style": _pick_uniform(_uniform(idx, s, "m.dupstyle"), 5),
            "digits": digits,
            "country_i": texts["country"],
            "name0": texts["name"],
            "tax0": texts["tax_id"],
            "address0": texts["address"],
            "email0": texts["contact_email"],
        }
    )
    prefix = _label("domain_i", DOMAIN_PREFIX)
    wrong = _label("domain_i", DOMAIN_WRONG_PREFIX)
    # Which field carries the invalid value: materials mostly suffer from non-standard codes.
    is_material = pl.col("domain_i") == 0
    code_share = pl.when(is_material).then(0.55).otherwise(0.30)
    rest = (1.0 - code_share) / 3.0
    bad_field = (
        pl.when(~pl.col("invalid"))
        .then(-1)
        .when(pl.col("u_field") < code_share)
        .then(F_CODE)
        .when(pl.col("u_field") < code_share + rest)
        .then(F_TAX_ID)
        .when(pl.col("u_field") < code_share + 2 * rest)
        .then(F_EMAIL)
        .otherwise(F_COUNTRY)
    )
    frame = frame.with_columns(bad_field.alias("bad"), prefix.alias("prefix"), wrong.alias("wrong"))
    # Missing fields: one (sometimes two) of the five, never the field holding the invalid value;
    # counting on cyclically from the invalid field skips it without rejection sampling.
    a5 = (pl.col("u_m1") * 5).floor().cast(pl.Int64).clip(0, 4)
    a4 = (pl.col("u_m1") * 4).floor().cast(pl.Int64).clip(0, 3)
    b4 = (pl.col("u_m2") * 4).floor().cast(pl.Int64).clip(0, 3)
    b3 = (pl.col("u_m2") * 3).floor().cast(pl.Int64).clip(0, 2)
    has_bad = pl.col("bad") >= 0
    first = pl.when(has_bad).then((pl.col("bad") + 1 + a4) % 5).otherwise(a5)
    second = (
        pl.when(has_bad)
        .then((pl.col("bad") + 1 + (a4 + 1 + b3) % 4) % 5)
        .otherwise((a5 + 1 + b4) % 5)
    )
    frame = frame.with_columns(
        pl.when(pl.col("missing")).then(first).otherwise(-1).alias("miss1"),
        pl.when(pl.col("missing") & pl.col("two_missing"))
        .then(second)
        .otherwise(-1)
        .alias("miss2"),
    )

    def null_if_missing(expr: pl.Expr, field: int) -> pl.Expr:
        """Blank out a value when this field was picked as missing."""
        gone = (pl.col("miss1") == field) | (pl.col("miss2") == field)
        return pl.when(gone).then(pl.lit(None, dtype=pl.String)).otherwise(expr)

    v = pl.col("variant")
    d = pl.col("digits")
    p = pl.col("prefix")
    bad_code = (
        pl.when(v == 0)
        .then(pl.concat_str([p.str.to_lowercase(), pl.lit(" "), d]))
        .when(v == 1)
        .then(pl.concat_str([p.str.slice(0, 1), pl.lit("-"), d.str.slice(0, 5)]))
        .when(v == 2)
        .then(pl.concat_str([d, pl.lit("-"), p]))
        .when(v == 3)
        .then(pl.concat_str([p, d]))
        .otherwise(pl.concat_str([pl.col("wrong"), pl.lit("-"), d]))
    )
    standard_code = pl.concat_str([p, pl.lit("-"), d])
    code = pl.when(pl.col("bad") == F_CODE).then(bad_code).otherwise(standard_code)
    t = pl.col("tax0")
    bad_tax = (
        pl.when(v <= 1)
        .then(t.str.slice(0, 16 + v.cast(pl.Int64)))
        .otherwise(t.str.to_lowercase())
    )
    tax = pl.when(pl.col("bad") == F_TAX_ID).then(bad_tax).otherwise(t)
    e = pl.col("email0")
    bad_email = pl.when(v <= 2).then(e.str.replace("@", ".", literal=True)).otherwise(
        e.str.replace("@", " at ", literal=True)
    )
    email = pl.when(pl.col("bad") == F_EMAIL).then(bad_email).otherwise(e)
    iso = _label("country_i", COUNTRIES)
    long_name = _label("country_i", COUNTRY_NAMES)
    bad_country = pl.when(v <= 2).then(long_name).otherwise(iso.str.to_lowercase())
    country = pl.when(pl.col("bad") == F_COUNTRY).then(bad_country).otherwise(iso)
    # A re-keyed duplicate keeps the name but differs in case or surrounding spaces.
    n0 = pl.col("name0")
    style = pl.col("dup_style")
    dup_name = (
        pl.when(style == 0)
        .then(n0.str.to_lowercase())
        .when(style == 1)
        .then(n0.str.to_uppercase())
        .when(style == 2)
        .then(pl.concat_str([n0, pl.lit(" ")]))
        .when(style == 3)
        .then(pl.concat_str([pl.lit(" "), n0.str.to_lowercase()]))
        .otherwise(pl.concat_str([n0.str.to_uppercase(), pl.lit("  ")]))
    )
    name = pl.when(pl.col("dup")).then(dup_name).otherwise(n0)
    return frame.select(
        pl.col("record_id"),
        _label("domain_i", DOMAINS).alias("domain"),
        _label("dept_i", DEPT_IDS).alias("department"),
        _label("combo", MASTER_SYSTEM).alias("source_system"),
        name.alias("name"),
        null_if_missing(code, F_CODE).alias("code"),
        null_if_missing(tax, F_TAX_ID).alias("tax_id"),
        null_if_missing(pl.col("address0"), F_ADDRESS).alias("address"),
        null_if_missing(country, F_COUNTRY).alias("country"),
        null_if_missing(email, F_EMAIL).alias("contact_email"),
        ctx.timestamps(frame["secs"]).alias("updated_at"),
    )


# ---------------------------------------------------------------------------
# process_runs
# ---------------------------------------------------------------------------

RUN_PROCESS = tuple(c[0] for c in RUN_COMBOS)
RUN_DEPT = tuple(DEPT_INDEX[c[1]] for c in RUN_COMBOS)
RUN_SYSTEM = tuple(c[2] for c in RUN_COMBOS)
RUN_WEIGHTS = tuple(c[3] for c in RUN_COMBOS)


def _automation_share(months: pl.Series) -> pl.Series:
    """Probability that a run is automated: 0.12 before joining, ~0.85 six months after."""
    ramp = 0.12 + 0.73 * (1.0 - (-months.clip(0.0, None) / 2.0).exp())
    return pl.select(pl.when(months < 0).then(pl.lit(0.12)).otherwise(ramp)).to_series()


def _run_chunk(ctx: _Context, start: int, stop: int) -> pl.DataFrame:
    """Process runs start..stop-1 (0-based), ready to insert."""
    s, n = ctx.seed, ctx.runs
    idx = pl.int_range(start, stop, dtype=pl.UInt64, eager=True)
    secs = ctx.clock.seconds(idx, n, s, "r.time")
    combo = _pick(_uniform(idx, s, "r.combo"), RUN_WEIGHTS)
    dept = _take(RUN_DEPT, combo, pl.UInt32)
    standard = _take([PROCESS_STANDARD[p] for p in RUN_PROCESS], combo, pl.Float64)
    automated = _uniform(idx, s, "r.mode") < _automation_share(ctx.months_since_join(secs, dept))
    u_dur = _uniform(idx, s, "r.duration")
    u_steps = _uniform(idx, s, "r.steps")
    u_err = _uniform(idx, s, "r.error")
    error_kind = _pick(_uniform(idx, s, "r.errtype"), ERROR_WEIGHTS)
    frame = pl.DataFrame(
        {
            "run_id": (idx + 1).cast(pl.Int64),
            "combo": combo,
            "secs": secs,
            "auto": automated,
            "standard": standard,
            "u_dur": u_dur,
            "u_steps": u_steps,
            "u_err": u_err,
            "error_kind": error_kind,
        }
    )
    auto = pl.col("auto")
    factor = pl.when(auto).then(0.1 + 0.15 * pl.col("u_dur")).otherwise(0.8 + 0.5 * pl.col("u_dur"))
    steps = pl.when(auto).then((pl.col("u_steps") * 3).floor()).otherwise(
        8 + (pl.col("u_steps") * 5).floor()
    )
    had_error = pl.col("u_err") < pl.when(auto).then(0.015).otherwise(0.08)
    return frame.select(
        pl.col("run_id"),
        _label("combo", RUN_PROCESS).alias("process"),
        _label("combo", [DEPT_IDS[d] for d in RUN_DEPT]).alias("department"),
        _label("combo", RUN_SYSTEM).alias("source_system"),
        ctx.timestamps(frame["secs"]).alias("started_at"),
        pl.when(auto).then(pl.lit("automated")).otherwise(pl.lit("manual")).alias("mode"),
        (pl.col("standard") * factor).round(1).alias("duration_minutes"),
        steps.clip(0, 12).cast(pl.Int64).alias("manual_steps"),
        had_error.cast(pl.Int64).alias("had_error"),
        pl.when(had_error)
        .then(_label("error_kind", ERROR_TYPES))
        .otherwise(pl.lit(None, dtype=pl.String))
        .alias("error_type"),
        pl.col("standard").alias("standard_manual_minutes"),
    )


# ---------------------------------------------------------------------------
# service_requests
# ---------------------------------------------------------------------------

REQUEST_DEPT = tuple(DEPT_INDEX[c[0]] for c in REQUEST_COMBOS)
REQUEST_SYSTEM = tuple(c[1] for c in REQUEST_COMBOS)
REQUEST_WEIGHTS = tuple(c[2] for c in REQUEST_COMBOS)
# Lognormal spread that puts the 90th percentile at about three times the median.
RESOLUTION_SIGMA = math.log(3.0) / 1.2816


def _request_chunk(ctx: _Context, start: int, stop: int) -> pl.DataFrame:
    """Service requests start..stop-1 (0-based), ready to insert."""
    s, n = ctx.seed, ctx.requests
    idx = pl.int_range(start, stop, dtype=pl.UInt64, eager=True)
    secs = ctx.clock.seconds(idx, n, s, "q.time")
    combo = _pick(_uniform(idx, s, "q.combo"), REQUEST_WEIGHTS)
    dept = _take(REQUEST_DEPT, combo, pl.UInt32)
    months = ctx.months_since_join(secs, dept)
    median = pl.select(
        pl.when(months < 0)
        .then(pl.lit(30.0))
        .otherwise(8.0 + 22.0 * (-months.clip(0.0, None) / 1.8).exp())
    ).to_series()
    hours = median * (RESOLUTION_SIGMA * _normal(idx, s, "q.hours")).exp()
    resolved = secs + (hours * 3600).round(0).cast(pl.Int64)
    horizon = ctx.days * DAY_SECONDS
    age_days = (horizon - secs).cast(pl.Float64) / DAY_SECONDS
    # A small stale backlog everywhere, and most open tickets among the last three weeks.
    p_open = pl.select(
        pl.when(age_days < 21).then(0.95 - 0.8 * age_days / 21).otherwise(pl.lit(0.009))
    ).to_series()
    is_open = (_uniform(idx, s, "q.open") < p_open) | (resolved >= horizon)
    # Faster answers earn better scores.
    score = (6.55 - 1.0 * hours.log() + 0.7 * _normal(idx, s, "q.score")).round(0).clip(1, 5)
    answered = _uniform(idx, s, "q.survey") >= 0.10
    category = _pick(_uniform(idx, s, "q.category"), REQUEST_CATEGORY_WEIGHTS)
    frame = pl.DataFrame(
        {
            "request_id": (idx + 1).cast(pl.Int64),
            "combo": combo,
            "category": category,
            "opened": ctx.timestamps(secs),
            "resolved": ctx.timestamps(resolved),
            "open": is_open,
            "score": score.cast(pl.Int64),
            "answered": answered,
        }
    )
    return frame.select(
        pl.col("request_id"),
        _label("combo", [DEPT_IDS[d] for d in REQUEST_DEPT]).alias("department"),
        _label("combo", REQUEST_SYSTEM).alias("system"),
        _label("category", REQUEST_CATEGORIES).alias("category"),
        pl.col("opened").alias("opened_at"),
        pl.when(pl.col("open"))
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("resolved"))
        .alias("resolved_at"),
        pl.when(pl.col("open") | ~pl.col("answered"))
        .then(pl.lit(None, dtype=pl.Int64))
        .otherwise(pl.col("score"))
        .alias("satisfaction"),
    )


# ---------------------------------------------------------------------------
# Small tables (random.Random per table so each is stable on its own)
# ---------------------------------------------------------------------------


def _rng(ctx: _Context, table: str) -> random.Random:
    """Random generator dedicated to one table."""
    return random.Random(f"vantage:{ctx.seed}:{table}")


def _months_between(later: date, earlier: date) -> float:
    """Fractional months from `earlier` to `later`."""
    return (later - earlier).days / MONTH_DAYS


def _join_date(ctx: _Context, dept: str) -> date:
    """Day a department joins the programme."""
    return ctx.day(ctx.join_day[DEPT_INDEX[dept]])


def _departments(ctx: _Context) -> list[tuple[object, ...]]:
    """Rows of the departments table."""
    return [
        (dept, en, zh, phase, _add_months(ctx.programme_start, month).isoformat())
        for dept, en, zh, phase, month in DEPARTMENTS
    ]


def _phases(ctx: _Context) -> list[tuple[object, ...]]:
    """Rows of the phases table."""
    return [
        (
            phase,
            en,
            zh,
            first,
            last,
            _add_months(ctx.programme_start, first).isoformat(),
            (_add_months(ctx.programme_start, last + 1) - timedelta(days=1)).isoformat(),
        )
        for phase, en, zh, first, last in PHASES
    ]


def _milestones(
    ctx: _Context, interfaces: Sequence[tuple[object, ...]]
) -> list[tuple[object, ...]]:
    """Programme milestones with statuses consistent with the end date and the data."""
    rng = _rng(ctx, "milestones")
    last_day = ctx.end - timedelta(days=1)
    phase_of = {d[0]: d[3] for d in DEPARTMENTS}
    last_move: dict[str, date] = {}
    for *_ids, dept, migrated in interfaces:
        if migrated:
            phase = phase_of[str(dept)]
            moved = date.fromisoformat(str(migrated))
            last_move[phase] = max(last_move.get(phase, moved), moved)
    actual_end_of: dict[str, date | None] = {}
    rows: list[tuple[object, ...]] = []
    for plan in MILESTONES:
        mid = plan.milestone_id
        planned_start = _programme_date(ctx.programme_start, plan.start)
        planned_end = _programme_date(ctx.programme_start, plan.stop) - timedelta(days=1)
        dep_ids = plan.depends_on.split(",") if plan.depends_on else []
        dep_ends = [actual_end_of[d] for d in dep_ids]
        start = planned_start + timedelta(days=rng.randint(-3, 7))
        late = rng.random() < 0.25
        finish = planned_end + timedelta(
            days=rng.randint(3, 40) if late else -rng.randint(0, 10)
        )
        hour, minute = rng.randint(8, 18), rng.randint(0, 59)
        actual_start: date | None
        actual_end: date | None
        if any(d is None for d in dep_ends):
            # Work cannot begin until every prerequisite is finished.
            status = "blocked" if planned_start <= last_day else "not_started"
            actual_start = actual_end = None
        else:
            if dep_ends:
                start = max(start, max(d for d in dep_ends if d) + timedelta(days=1))
            finish = max(finish, start + timedelta(days=5))
            if mid in MIGRATION_MILESTONES and MIGRATION_MILESTONES[mid] in last_move:
                finish = max(finish, last_move[MIGRATION_MILESTONES[mid]])
            if start > last_day:
                status, actual_start, actual_end = "not_started", None, None
            elif finish <= last_day and mid not in OVERDUE_MILESTONES:
                status, actual_start, actual_end = "done", start, finish
            else:
                status, actual_start, actual_end = "in_progress", start, None
        actual_end_of[mid] = actual_end
        if status == "done" and actual_end is not None:
            touched = actual_end
        elif status in ("in_progress", "blocked"):
            touched = last_day - timedelta(days=rng.randint(0, 12))
        else:
            touched = ctx.programme_start - timedelta(days=14)
        rows.append(
            (
                mid,
                plan.phase,
                plan.workstream,
                plan.title_en,
                plan.title_zh,
                plan.owner,
                planned_start.isoformat(),
                planned_end.isoformat(),
                actual_start.isoformat() if actual_start else None,
                actual_end.isoformat() if actual_end else None,
                status,
                plan.depends_on,
                plan.kpis,
                f"{touched.isoformat()} {hour:02d}:{minute:02d}:00",
            )
        )
    return rows


def _audit_cycles(ctx: _Context) -> list[tuple[object, ...]]:
    """Audit cycles, about ten started a month, kept when completed before the end."""
    rng = _rng(ctx, "audit_cycles")
    cycles: list[tuple[str, str, date, date, int]] = []
    month = ctx.baseline_start
    while month < ctx.end:
        length = (_add_months(month, 1) - month).days
        for _ in range(rng.randint(8, 12)):
            started = month + timedelta(days=rng.randrange(length))
            dept = rng.choice(DEPT_IDS)
            kind = rng.choices(AUDIT_TYPES, AUDIT_TYPE_WEIGHTS)[0]
            m = _months_between(started, _join_date(ctx, dept))
            if m < 0:
                days = round(21 + rng.uniform(-3.0, 3.0))
                findings = max(0, round(rng.gauss(7.0, 2.5)))
            else:
                days = round(3 + 18 * math.exp(-m / 3) + rng.uniform(-1.5, 1.5))
                findings = max(0, round(rng.gauss(1.0 + 6.0 * math.exp(-m / 4), 1.5)))
            completed = started + timedelta(days=max(2, days))
            if started < ctx.end and completed < ctx.end:
                cycles.append((kind, dept, started, completed, findings))
        month = _add_months(month, 1)
    cycles.sort(key=lambda c: (c[2], c[3], c[1], c[0]))
    return [
        (i + 1, kind, dept, started.isoformat(), completed.isoformat(), findings)
        for i, (kind, dept, started, completed, findings) in enumerate(cycles)
    ]


def _interfaces(ctx: _Context) -> list[tuple[object, ...]]:
    """Interfaces and the day each moved onto the integration platform (None = never)."""
    rng = _rng(ctx, "interfaces")
    phase_of = {d[0]: d[3] for d in DEPARTMENTS}
    by_phase: dict[str, list[int]] = {"pilot": [], "expansion": [], "rollout": []}
    for i, (_src, _tgt, dept) in enumerate(INTERFACES):
        by_phase[phase_of[dept]].append(i)
    # About 15 % are never migrated: legacy links kept in the last areas to join.
    never = set(rng.sample(by_phase["rollout"], 5))
    window = {"pilot": (1, 5), "expansion": (5, 11), "rollout": (11, 17)}
    rows: list[tuple[object, ...]] = []
    for i, (src, tgt, dept) in enumerate(INTERFACES):
        first, stop = window[phase_of[dept]]
        migrated: str | None = None
        if i not in never:
            day = _programme_date(ctx.programme_start, rng.uniform(first, stop))
            last = _add_months(ctx.programme_start, stop) - timedelta(days=1)
            migrated = min(day, last, ctx.end - timedelta(days=1)).isoformat()
        rows.append((f"IF-{i + 1:02d}", src, tgt, dept, migrated))
    return rows


def _api_calls(ctx: _Context, interfaces: Sequence[tuple[object, ...]]) -> list[tuple[object, ...]]:
    """Daily call-log rollup per interface."""
    rng = _rng(ctx, "api_calls")
    profiles = []
    for interface_id, src, tgt, dept, migrated in interfaces:
        before = rng.uniform(120, 180)
        after = rng.uniform(600, 1200)
        moved = date.fromisoformat(str(migrated)) if migrated else None
        profiles.append((interface_id, src, tgt, dept, moved, before, after))
    rows: list[tuple[object, ...]] = []
    for offset in range(ctx.days):
        day = ctx.day(offset)
        # Batch jobs and users are quieter at weekends.
        weekly = 0.45 if day.weekday() >= 5 else 1.0
        for interface_id, src, tgt, dept, moved, before, after in profiles:
            via = moved is not None and day >= moved
            if via and moved is not None:
                # Traffic climbs over the first month on the platform as consumers onboard.
                ramp = min(1.0, ((day - moved).days + 1) / 30)
                level, error_rate = before + (after - before) * ramp, 0.003
            else:
                level, error_rate = before, 0.02
            calls = max(0, round(level * weekly * rng.uniform(0.85, 1.15)))
            errors = round(calls * error_rate * rng.uniform(0.5, 1.5))
            rows.append((day.isoformat(), interface_id, src, tgt, dept, calls, errors, int(via)))
    return rows


def _costs(ctx: _Context) -> list[tuple[object, ...]]:
    """Monthly costs per department and category, falling as departments join."""
    rng = _rng(ctx, "costs")
    rows: list[tuple[object, ...]] = []
    month = ctx.baseline_start
    last_day = ctx.end - timedelta(days=1)
    while month <= last_day:
        for dept in DEPT_IDS:
            manual, rework, audit, spend = COST_BASELINE[dept]
            m = _months_between(month, _join_date(ctx, dept))
            # Benefits build up over roughly a quarter after joining.
            maturity = 0.0 if m < 0 else 1.0 - math.exp(-m / 3)
            amounts = [
                manual * (1 - COST_REDUCTION[0] * maturity),
                rework * (1 - COST_REDUCTION[1] * maturity),
                audit * (1 - COST_REDUCTION[2] * maturity),
            ]
            if spend:
                # Non-unified material codes hide duplicate buying: ~15 % overspend, then ~2 %.
                rate = 0.15 if m < 0 else 0.02 + 0.13 * math.exp(-m / 3)
                amounts.append(spend * rate)
            for category, amount in zip(COST_CATEGORIES, amounts):
                value = round(amount * rng.uniform(0.98, 1.02), 2)
                rows.append((len(rows) + 1, month.isoformat(), dept, category, value))
        month = _add_months(month, 1)
    return rows
