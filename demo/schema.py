"""Schema of the demo database: tables, columns and the freshness column of each table."""

from __future__ import annotations

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
    ("assessment_answers", "answer_id INTEGER PRIMARY KEY, assessment_id TEXT, assessed_on DATE, "
     "department TEXT, dimension TEXT, question TEXT, score INTEGER"),
    ("feedback_responses", "response_id INTEGER PRIMARY KEY, responded_on DATE, department TEXT, "
     "system TEXT, satisfaction INTEGER, comment TEXT"),
    ("key_staff", "month DATE, as_of DATE, staff_id TEXT, name TEXT, department TEXT, role TEXT, "
     "phase_id TEXT, due_on DATE, trained_on DATE, PRIMARY KEY (month, staff_id)"),
    ("platform_usage", "week_start DATE, account_id TEXT, department TEXT, sessions INTEGER, "
     "PRIMARY KEY (week_start, account_id)"),
    ("access_reviews", "review_id INTEGER PRIMARY KEY, campaign TEXT, system TEXT, department TEXT, "
     "reviewer TEXT, due_on DATE, completed_on DATE, accounts INTEGER, revoked INTEGER"),
    ("privileged_accounts", "month DATE, as_of DATE, account_id TEXT, system TEXT, department TEXT, "
     "account_type TEXT, holder TEXT, last_reviewed_on DATE, PRIMARY KEY (month, account_id)"),
    ("logging_scans", "scanned_on DATE, asset_id TEXT, system TEXT, department TEXT, asset_type TEXT, "
     "logging_on INTEGER, PRIMARY KEY (scanned_on, asset_id)"),
    ("audit_findings", "finding_id INTEGER PRIMARY KEY, cycle_id INTEGER, audit_type TEXT, department TEXT, "
     "severity TEXT, title TEXT, raised_on DATE, due_on DATE, closed_on DATE"),
    ("open_findings", "month DATE, as_of DATE, finding_id INTEGER, cycle_id INTEGER, audit_type TEXT, "
     "department TEXT, severity TEXT, title TEXT, raised_on DATE, due_on DATE, PRIMARY KEY (month, finding_id)"),
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
    "assessment_answers": "assessed_on",
    "feedback_responses": "responded_on",
    "key_staff": "as_of",
    "platform_usage": "week_start",
    "access_reviews": "due_on",
    "privileged_accounts": "as_of",
    "logging_scans": "scanned_on",
    "audit_findings": "raised_on",
    "open_findings": "as_of",
}
