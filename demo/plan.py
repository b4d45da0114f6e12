"""The programme plan: phases, owners, workstreams, phase targets and milestones."""

from __future__ import annotations

from dataclasses import dataclass

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
          "audit_cycle_days,access_reviews_on_time"),
    _Plan("M10", "pilot", "security", 2.0, 3.5, "M09", AUDIT_MANAGER,
          "Audit evidence collection automated (pilot)",
          "审计证据采集自动化（试点）",
          "audit_cycle_days,open_findings_age_days"),
    _Plan("M11", "pilot", "people", 0.5, 2.5, "M01", HR_DIRECTOR,
          "Data steward training completed (pilot)",
          "数据管理员培训完成（试点）",
          "key_staff_trained,process_owners_trained,data_accuracy,data_completeness"),
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
          "audit_cycle_days,logging_coverage,privileged_accounts_reviewed"),
    _Plan("M22", "expansion", "security", 5.0, 8.0, "M09", AUDIT_MANAGER,
          "GDPR records of processing completed",
          "GDPR 处理活动记录完成",
          "audit_cycle_days,open_audit_findings"),
    _Plan("M23", "expansion", "people", 4.0, 6.0, "M11", HR_DIRECTOR,
          "Data steward training completed (expansion)",
          "数据管理员培训完成（推广）",
          "key_staff_trained,process_owners_trained,data_accuracy,data_completeness"),
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
          "audit_cycle_days,logging_coverage,open_findings_age_days"),
    _Plan("M30", "rollout", "security", 13.0, 18.0, "M22", AUDIT_MANAGER,
          "SOX-style financial controls automated",
          "类 SOX 财务控制自动化",
          "audit_cycle_days,error_rate,access_reviews_on_time"),
    _Plan("M31", "rollout", "people", 10.0, 12.5, "M23", HR_DIRECTOR,
          "Data steward training completed (rollout)",
          "数据管理员培训完成（全面推行）",
          "key_staff_trained,process_owners_trained,data_accuracy,data_completeness"),
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
