"""Tests of the Vantage demo database, checked with plain SQL against the built file."""

from __future__ import annotations

import hashlib
import sqlite3
import statistics
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from demo import DemoInfo, build_demo, default_demo_path

END = date(2026, 11, 27)
RECORDS = 20_000

EXPECTED_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "departments": [
        ("department_id", "TEXT"), ("name_en", "TEXT"), ("name_zh", "TEXT"),
        ("joins_phase", "TEXT"), ("joins_on", "DATE"),
    ],
    "systems": [("system_id", "TEXT"), ("name_en", "TEXT"), ("name_zh", "TEXT")],
    "master_records": [
        ("record_id", "INTEGER"), ("domain", "TEXT"), ("department", "TEXT"),
        ("source_system", "TEXT"), ("name", "TEXT"), ("code", "TEXT"), ("tax_id", "TEXT"),
        ("address", "TEXT"), ("country", "TEXT"), ("contact_email", "TEXT"),
        ("updated_at", "TIMESTAMP"),
    ],
    "process_types": [
        ("process", "TEXT"), ("name_en", "TEXT"), ("name_zh", "TEXT"),
        ("standard_manual_minutes", "REAL"),
    ],
    "process_runs": [
        ("run_id", "INTEGER"), ("process", "TEXT"), ("department", "TEXT"),
        ("source_system", "TEXT"), ("started_at", "TIMESTAMP"), ("mode", "TEXT"),
        ("duration_minutes", "REAL"), ("manual_steps", "INTEGER"), ("had_error", "INTEGER"),
        ("error_type", "TEXT"), ("standard_manual_minutes", "REAL"),
    ],
    "audit_cycles": [
        ("cycle_id", "INTEGER"), ("audit_type", "TEXT"), ("department", "TEXT"),
        ("started_on", "DATE"), ("completed_on", "DATE"), ("findings", "INTEGER"),
    ],
    "service_requests": [
        ("request_id", "INTEGER"), ("department", "TEXT"), ("system", "TEXT"),
        ("category", "TEXT"), ("opened_at", "TIMESTAMP"), ("resolved_at", "TIMESTAMP"),
        ("satisfaction", "INTEGER"),
    ],
    "interfaces": [
        ("interface_id", "TEXT"), ("source_system", "TEXT"), ("target_system", "TEXT"),
        ("department", "TEXT"), ("migrated_on", "DATE"),
    ],
    "api_calls": [
        ("day", "DATE"), ("interface_id", "TEXT"), ("source_system", "TEXT"),
        ("target_system", "TEXT"), ("department", "TEXT"), ("calls", "INTEGER"),
        ("errors", "INTEGER"), ("via_platform", "INTEGER"),
    ],
    "costs": [
        ("cost_id", "INTEGER"), ("month", "DATE"), ("department", "TEXT"),
        ("category", "TEXT"), ("amount_cny", "REAL"),
    ],
    "phases": [
        ("phase_id", "TEXT"), ("name_en", "TEXT"), ("name_zh", "TEXT"),
        ("start_month", "INTEGER"), ("end_month", "INTEGER"), ("planned_start", "DATE"),
        ("planned_end", "DATE"),
    ],
    "workstreams": [
        ("workstream_id", "TEXT"), ("name_en", "TEXT"), ("name_zh", "TEXT"), ("lead", "TEXT"),
    ],
    "milestones": [
        ("milestone_id", "TEXT"), ("phase_id", "TEXT"), ("workstream_id", "TEXT"),
        ("title_en", "TEXT"), ("title_zh", "TEXT"), ("owner", "TEXT"),
        ("planned_start", "DATE"), ("planned_end", "DATE"), ("actual_start", "DATE"),
        ("actual_end", "DATE"), ("status", "TEXT"), ("depends_on", "TEXT"), ("kpis", "TEXT"),
        ("updated_at", "TIMESTAMP"),
    ],
    "phase_scope": [("phase_id", "TEXT"), ("department_id", "TEXT")],
    "phase_targets": [("phase_id", "TEXT"), ("metric", "TEXT"), ("target", "REAL")],
    "assessment_answers": [
        ("answer_id", "INTEGER"), ("assessment_id", "TEXT"), ("assessed_on", "DATE"),
        ("department", "TEXT"), ("dimension", "TEXT"), ("question", "TEXT"), ("score", "INTEGER"),
    ],
    "feedback_responses": [
        ("response_id", "INTEGER"), ("responded_on", "DATE"), ("department", "TEXT"),
        ("system", "TEXT"), ("satisfaction", "INTEGER"), ("comment", "TEXT"),
    ],
    "key_staff": [
        ("month", "DATE"), ("as_of", "DATE"), ("staff_id", "TEXT"), ("name", "TEXT"), ("department", "TEXT"),
        ("role", "TEXT"), ("phase_id", "TEXT"), ("due_on", "DATE"), ("trained_on", "DATE"),
    ],
    "platform_usage": [
        ("week_start", "DATE"), ("account_id", "TEXT"), ("department", "TEXT"), ("sessions", "INTEGER"),
    ],
    "access_reviews": [
        ("review_id", "INTEGER"), ("campaign", "TEXT"), ("system", "TEXT"), ("department", "TEXT"),
        ("reviewer", "TEXT"), ("due_on", "DATE"), ("completed_on", "DATE"), ("accounts", "INTEGER"),
        ("revoked", "INTEGER"),
    ],
    "privileged_accounts": [
        ("month", "DATE"), ("as_of", "DATE"), ("account_id", "TEXT"), ("system", "TEXT"), ("department", "TEXT"),
        ("account_type", "TEXT"), ("holder", "TEXT"), ("last_reviewed_on", "DATE"),
    ],
    "logging_scans": [
        ("scanned_on", "DATE"), ("asset_id", "TEXT"), ("system", "TEXT"), ("department", "TEXT"),
        ("asset_type", "TEXT"), ("logging_on", "INTEGER"),
    ],
    "audit_findings": [
        ("finding_id", "INTEGER"), ("cycle_id", "INTEGER"), ("audit_type", "TEXT"), ("department", "TEXT"),
        ("severity", "TEXT"), ("title", "TEXT"), ("raised_on", "DATE"), ("due_on", "DATE"), ("closed_on", "DATE"),
    ],
    "open_findings": [
        ("month", "DATE"), ("as_of", "DATE"), ("finding_id", "INTEGER"), ("cycle_id", "INTEGER"),
        ("audit_type", "TEXT"), ("department", "TEXT"), ("severity", "TEXT"), ("title", "TEXT"),
        ("raised_on", "DATE"), ("due_on", "DATE"),
    ],
}

FRESHNESS = {
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

METRIC_KEYS = {
    "data_accuracy", "data_completeness", "duplicate_records", "code_standardization",
    "automation_rate", "hours_saved", "error_rate", "error_reduction", "audit_cycle_days",
    "resolution_hours_median", "resolution_hours_p90", "satisfaction", "api_calls_per_day",
    "standard_interface_share", "cost_savings_annualized", "key_staff_trained", "process_owners_trained",
    "access_reviews_on_time", "privileged_accounts_reviewed", "logging_coverage", "open_audit_findings",
    "open_findings_age_days",
}

# A record is accurate when none of its non-null values breaks a format rule.
ACCURATE = """(
    (code IS NULL OR (
        code GLOB '[A-Z][A-Z][A-Z]-[0-9][0-9][0-9][0-9][0-9][0-9]'
        AND substr(code, 1, 3) = CASE domain
            WHEN 'material' THEN 'MAT' WHEN 'customer' THEN 'CUS' WHEN 'supplier' THEN 'SUP' END))
    AND (tax_id IS NULL OR (length(tax_id) = 18 AND tax_id NOT GLOB '*[^0-9A-Z]*'))
    AND (contact_email IS NULL OR (
        contact_email GLOB '?*@?*.[a-z][a-z]*'
        AND contact_email NOT GLOB '*[^a-z0-9._@-]*'
        AND contact_email NOT LIKE '%@%@%'))
    AND (country IS NULL OR country IN ('CN', 'DE', 'US', 'JP', 'SG', 'FR', 'GB', 'CH'))
)"""
COMPLETENESS = """1.0 - (
    sum(code IS NULL) + sum(tax_id IS NULL) + sum(address IS NULL)
    + sum(country IS NULL) + sum(contact_email IS NULL)
) / (5.0 * count(*))"""
BASELINE = "updated_at >= '2025-03-01' AND updated_at < '2025-06-01'"
LAST_FULL_MONTH = "updated_at >= '2026-10-01' AND updated_at < '2026-11-01'"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoInfo, list[tuple[str, int, int]]]:
    """Build one demo database for the whole module, recording progress calls."""
    calls: list[tuple[str, int, int]] = []
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    info = build_demo(
        path, records=RECORDS, seed=7, end=END, progress=lambda t, d, n: calls.append((t, d, n))
    )
    return info, calls


@pytest.fixture(scope="module")
def info(built: tuple[DemoInfo, list[tuple[str, int, int]]]) -> DemoInfo:
    """Description of the shared demo database."""
    return built[0]


@pytest.fixture()
def con(info: DemoInfo) -> Iterator[sqlite3.Connection]:
    """Read-only connection to the shared demo database."""
    connection = sqlite3.connect(f"file:{info.path}?mode=ro", uri=True)
    yield connection
    connection.close()


def scalar(con: sqlite3.Connection, sql: str) -> object:
    """First column of the first row of a query."""
    return con.execute(sql).fetchone()[0]


def table_digests(path: Path) -> dict[str, str]:
    """SHA-256 of every table's rows in a fixed order."""
    connection = sqlite3.connect(path)
    try:
        digests = {}
        for table, columns in EXPECTED_COLUMNS.items():
            order = ", ".join(str(i + 1) for i in range(len(columns)))
            digest = hashlib.sha256()
            for row in connection.execute(f"SELECT * FROM {table} ORDER BY {order}"):
                digest.update(repr(row).encode())
            digests[table] = digest.hexdigest()
        return digests
    finally:
        connection.close()


def test_info_dates(info: DemoInfo) -> None:
    """The programme calendar is anchored 17 months before the end month."""
    assert info.programme_start == date(2025, 6, 1)
    assert info.baseline_start == date(2025, 3, 1)
    assert info.baseline_end == date(2025, 6, 1)
    assert info.end == END
    assert info.path.name == "demo.sqlite"


def test_default_path() -> None:
    """The default demo file lives in the data directory."""
    assert default_demo_path(Path("/srv/vantage")) == Path("/srv/vantage/demo.sqlite")


def test_schema(con: sqlite3.Connection) -> None:
    """Every table exists with exactly the declared columns and types."""
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(EXPECTED_COLUMNS)
    for table, expected in EXPECTED_COLUMNS.items():
        got = [(r[1], r[2]) for r in con.execute(f"PRAGMA table_info({table})")]
        assert got == expected, table


def test_freshness_indexes(con: sqlite3.Connection) -> None:
    """Each freshness column is indexed."""
    for table, column in FRESHNESS.items():
        indexed = set()
        for index in con.execute(f"PRAGMA index_list({table})"):
            indexed |= {r[2] for r in con.execute(f"PRAGMA index_info('{index[1]}')")}
        assert column in indexed, table


def test_row_counts(con: sqlite3.Connection, info: DemoInfo) -> None:
    """Row counts match what the build reports and the requested sizes."""
    assert set(info.rows) == set(EXPECTED_COLUMNS)
    for table in EXPECTED_COLUMNS:
        assert scalar(con, f"SELECT count(*) FROM {table}") == info.rows[table], table
    assert info.rows["master_records"] == RECORDS
    assert info.rows["process_runs"] == round(0.8 * RECORDS)
    assert info.rows["service_requests"] == round(0.16 * RECORDS)
    assert info.rows["departments"] == 8
    assert info.rows["systems"] == 7
    assert info.rows["interfaces"] == 36
    assert 25 <= info.rows["milestones"] <= 40
    days = (END - date(2025, 3, 1)).days
    assert info.rows["api_calls"] == 36 * days


def test_progress_reported(built: tuple[DemoInfo, list[tuple[str, int, int]]]) -> None:
    """Progress reaches the total for every table."""
    info, calls = built
    finished = {t for t, done, total in calls if done == total}
    assert finished == set(EXPECTED_COLUMNS)
    for table, done, total in calls:
        assert 0 <= done <= total == info.rows[table]


def test_no_leftovers(info: DemoInfo) -> None:
    """Only the finished database remains in its directory."""
    assert [p.name for p in info.path.parent.iterdir()] == ["demo.sqlite"]


def test_deterministic(info: DemoInfo, tmp_path: Path) -> None:
    """The same inputs give a byte-identical file; another seed does not give the same contents."""
    again = build_demo(tmp_path / "again.sqlite", records=RECORDS, seed=7, end=END)
    assert again.rows == info.rows
    assert table_digests(again.path) == table_digests(info.path)
    assert again.path.read_bytes() == info.path.read_bytes()
    other = build_demo(tmp_path / "other.sqlite", records=RECORDS, seed=8, end=END)
    assert table_digests(other.path)["master_records"] != table_digests(info.path)["master_records"]


def test_covered_period(con: sqlite3.Connection) -> None:
    """Operational records run from the baseline start to the day before the end."""
    checks = {
        "master_records": "updated_at",
        "process_runs": "started_at",
        "service_requests": "opened_at",
        "api_calls": "day",
        "audit_cycles": "completed_on",
    }
    for table, column in checks.items():
        low, high = con.execute(f"SELECT min({column}), max({column}) FROM {table}").fetchone()
        assert low >= "2025-03-01", table
        assert high < "2026-11-27", table
    assert scalar(con, "SELECT min(started_on) FROM audit_cycles") >= "2025-03-01"
    assert scalar(con, "SELECT max(resolved_at) FROM service_requests") < "2026-11-27"


def test_timestamp_formats(con: sqlite3.Connection) -> None:
    """Dates and timestamps are stored as ISO text."""
    ts = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9]'"
    day = "'[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'"
    for table, column, pattern in [
        ("master_records", "updated_at", ts),
        ("process_runs", "started_at", ts),
        ("service_requests", "opened_at", ts),
        ("milestones", "updated_at", ts),
        ("audit_cycles", "completed_on", day),
        ("api_calls", "day", day),
        ("costs", "month", day),
        ("departments", "joins_on", day),
    ]:
        bad = scalar(con, f"SELECT count(*) FROM {table} WHERE {column} NOT GLOB {pattern}")
        assert bad == 0, (table, column)
    assert scalar(con, "SELECT count(*) FROM costs WHERE month NOT LIKE '%-01'") == 0


def test_ordering(con: sqlite3.Connection) -> None:
    """Master records and runs are in time order of their ids."""
    for table, key, column in [
        ("master_records", "record_id", "updated_at"),
        ("process_runs", "run_id", "started_at"),
        ("service_requests", "request_id", "opened_at"),
    ]:
        backwards = scalar(
            con,
            f"SELECT count(*) FROM {table} a JOIN {table} b ON b.{key} = a.{key} + 1 "
            f"WHERE b.{column} < a.{column}",
        )
        assert backwards == 0, table


def test_reference_tables(con: sqlite3.Connection) -> None:
    """Departments, systems, phases and process standards are as specified."""
    joins = dict(con.execute("SELECT department_id, joins_on FROM departments"))
    assert joins == {
        "procurement": "2025-06-01", "finance": "2025-06-01",
        "sales": "2025-10-01", "supply_chain": "2025-10-01", "rnd_lab": "2025-10-01",
        "production": "2026-04-01", "hr": "2026-04-01", "it": "2026-04-01",
    }
    systems = {r[0] for r in con.execute("SELECT system_id FROM systems")}
    assert systems == {"ERP", "CRM", "HRM", "LIMS", "TRACE", "SUPPLIER_PORTAL", "FIN"}
    standards = dict(con.execute("SELECT process, standard_manual_minutes FROM process_types"))
    assert standards == {
        "invoice_processing": 45, "purchase_order": 30, "month_end_report": 240,
        "supplier_onboarding": 90, "customer_onboarding": 60,
    }
    phases = con.execute(
        "SELECT phase_id, start_month, end_month, planned_start, planned_end FROM phases "
        "ORDER BY start_month"
    ).fetchall()
    assert phases == [
        ("pilot", 0, 3, "2025-06-01", "2025-09-30"),
        ("expansion", 4, 9, "2025-10-01", "2026-03-31"),
        ("rollout", 10, 18, "2026-04-01", "2026-12-31"),
    ]
    scope = set(con.execute("SELECT phase_id, department_id FROM phase_scope"))
    assert scope == set(con.execute("SELECT joins_phase, department_id FROM departments"))
    per_phase = dict(con.execute("SELECT phase_id, count(*) FROM phase_targets GROUP BY 1"))
    assert set(per_phase) == {"pilot", "expansion", "rollout"}
    assert all(3 <= n <= 5 for n in per_phase.values())
    assert {r[0] for r in con.execute("SELECT metric FROM phase_targets")} <= METRIC_KEYS
    runs_standard = scalar(
        con,
        "SELECT count(*) FROM process_runs r JOIN process_types t USING (process) "
        "WHERE r.standard_manual_minutes != t.standard_manual_minutes",
    )
    assert runs_standard == 0


def test_master_values(con: sqlite3.Connection) -> None:
    """Domains, owners and the shape of values are plausible."""
    share = dict(
        con.execute(
            "SELECT domain, count(*) * 1.0 / (SELECT count(*) FROM master_records) "
            "FROM master_records GROUP BY domain"
        )
    )
    assert set(share) == {"material", "customer", "supplier"}
    assert 0.40 <= share["material"] <= 0.50
    assert scalar(con, "SELECT count(*) FROM master_records WHERE name IS NULL") == 0
    owners = set(con.execute("SELECT DISTINCT department FROM master_records"))
    assert {r[0] for r in owners} == {
        "procurement", "finance", "sales", "supply_chain", "rnd_lab", "production", "hr", "it",
    }
    assert scalar(
        con,
        "SELECT count(*) FROM master_records WHERE domain = 'customer' "
        "AND department NOT IN ('sales', 'finance')",
    ) == 0
    # Broken values come in the documented forms.
    assert scalar(con, "SELECT count(*) FROM master_records WHERE code LIKE 'mat %'") > 0
    assert scalar(con, "SELECT count(*) FROM master_records WHERE code GLOB '[0-9]*-MAT'") > 0
    assert scalar(con, "SELECT count(*) FROM master_records WHERE country IN ('China', 'cn')") > 0
    assert scalar(
        con, "SELECT count(*) FROM master_records WHERE contact_email NOT LIKE '%@%'"
    ) > 0


def accuracy(con: sqlite3.Connection, where: str) -> float:
    """Share of accurate records in a slice."""
    return float(scalar(con, f"SELECT avg({ACCURATE}) FROM master_records WHERE {where}"))


def completeness(con: sqlite3.Connection, where: str) -> float:
    """Share of filled required fields in a slice."""
    return float(scalar(con, f"SELECT {COMPLETENESS} FROM master_records WHERE {where}"))


def test_accuracy_improves(con: sqlite3.Connection) -> None:
    """Accuracy is about 78 % in the baseline and about 96-97 % in the last full month."""
    assert 0.74 <= accuracy(con, BASELINE) <= 0.82
    assert 0.94 <= accuracy(con, LAST_FULL_MONTH) <= 0.99


def test_completeness_rises(con: sqlite3.Connection) -> None:
    """Completeness climbs from about 96 % to over 99 %."""
    start = completeness(con, BASELINE)
    last = completeness(con, LAST_FULL_MONTH)
    assert 0.94 <= start <= 0.98
    assert last > 0.99
    assert last > start


def test_duplicates_fall(con: sqlite3.Connection) -> None:
    """Re-keyed duplicates (same name up to case/spaces and tax id) become rarer."""
    dup = """EXISTS (SELECT 1 FROM master_records b
        WHERE b.record_id < a.record_id AND b.domain = a.domain AND b.department = a.department
        AND b.updated_at >= datetime(a.updated_at, '-7 days') AND b.updated_at <= a.updated_at
        AND lower(trim(b.name)) = lower(trim(a.name)) AND b.tax_id = a.tax_id)"""
    base = scalar(con, f"SELECT avg({dup}) FROM master_records a WHERE {BASELINE}")
    last = scalar(con, f"SELECT avg({dup}) FROM master_records a WHERE {LAST_FULL_MONTH}")
    assert 0.03 <= base <= 0.09
    assert last <= 0.02


def test_audit_cycles_shorten(con: sqlite3.Connection) -> None:
    """Audit cycles take about three weeks before the programme and days at the end."""
    def days(where: str) -> list[float]:
        sql = (
            "SELECT julianday(completed_on) - julianday(started_on) "
            f"FROM audit_cycles WHERE {where}"
        )
        return [r[0] for r in con.execute(sql)]

    baseline = days("started_on < '2025-06-01'")
    recent = days("completed_on >= '2026-08-27'")
    assert len(baseline) >= 15 and len(recent) >= 15
    assert 18 <= statistics.median(baseline) <= 24
    assert statistics.median(recent) <= 5
    assert min(days("1 = 1")) >= 2


def test_automation_rises(con: sqlite3.Connection) -> None:
    """Automation share grows from about 12 % to well over 60 %."""
    share = "SELECT avg(mode = 'automated') FROM process_runs WHERE "
    assert scalar(con, share + "started_at < '2025-06-01'") < 0.2
    assert scalar(con, share + "started_at >= '2026-10-01' AND started_at < '2026-11-01'") > 0.6
    assert scalar(
        con, "SELECT count(*) FROM process_runs WHERE (had_error = 0) != (error_type IS NULL)"
    ) == 0
    ratio = con.execute(
        "SELECT mode, min(duration_minutes / standard_manual_minutes), "
        "max(duration_minutes / standard_manual_minutes) FROM process_runs GROUP BY mode"
    ).fetchall()
    bounds = {mode: (low, high) for mode, low, high in ratio}
    assert 0.09 <= bounds["automated"][0] and bounds["automated"][1] <= 0.26
    assert 0.79 <= bounds["manual"][0] and bounds["manual"][1] <= 1.31


def test_service_requests(con: sqlite3.Connection) -> None:
    """Resolution gets faster, unresolved tickets are few and recent, scores rise."""
    def hours(where: str) -> list[float]:
        sql = (
            "SELECT (julianday(resolved_at) - julianday(opened_at)) * 24 FROM service_requests "
            f"WHERE resolved_at IS NOT NULL AND {where}"
        )
        return sorted(r[0] for r in con.execute(sql))

    before = hours("opened_at < '2025-06-01'")
    after = hours("opened_at >= '2026-10-01' AND opened_at < '2026-11-01'")
    assert 22 <= statistics.median(before) <= 40
    assert statistics.median(after) <= 12
    assert statistics.median(after) < statistics.median(before)
    unresolved = scalar(con, "SELECT avg(resolved_at IS NULL) FROM service_requests")
    assert 0.015 <= unresolved <= 0.05
    recent = scalar(
        con,
        "SELECT avg(opened_at >= '2026-11-06') FROM service_requests WHERE resolved_at IS NULL",
    )
    assert recent > 0.5
    score = "SELECT avg(satisfaction) FROM service_requests WHERE "
    assert 2.7 <= scalar(con, score + "opened_at < '2025-06-01'") <= 3.5
    assert scalar(con, score + "opened_at >= '2026-09-01'") >= 4.0
    assert scalar(
        con,
        "SELECT count(*) FROM service_requests "
        "WHERE resolved_at IS NULL AND satisfaction IS NOT NULL",
    ) == 0


def test_integration(con: sqlite3.Connection) -> None:
    """Interfaces move onto the platform by phase; calls rise and errors fall after moving."""
    never = scalar(con, "SELECT count(*) FROM interfaces WHERE migrated_on IS NULL")
    assert 3 <= never <= 8
    mismatched = scalar(
        con,
        "SELECT count(*) FROM api_calls c JOIN interfaces i USING (interface_id) "
        "WHERE c.via_platform != (i.migrated_on IS NOT NULL AND c.day >= i.migrated_on)",
    )
    assert mismatched == 0
    rates = dict(
        con.execute(
            "SELECT via_platform, sum(errors) * 1.0 / sum(calls) FROM api_calls GROUP BY 1"
        )
    )
    assert 0.015 <= rates[0] <= 0.025
    assert rates[1] <= 0.005
    windows = {"pilot": ("2025-07-01", "2025-10-31"), "expansion": ("2025-11-01", "2026-04-30"),
               "rollout": ("2026-05-01", "2026-10-31")}
    rows = con.execute(
        "SELECT d.joins_phase, i.migrated_on FROM interfaces i "
        "JOIN departments d ON d.department_id = i.department WHERE i.migrated_on IS NOT NULL"
    )
    for phase, migrated in rows:
        low, high = windows[phase]
        assert low <= migrated <= high, (phase, migrated)


def test_cost_savings(con: sqlite3.Connection) -> None:
    """Monthly costs start near CNY 1.2M and end about CNY 170k lower."""
    baseline = scalar(
        con,
        "SELECT avg(total) FROM (SELECT sum(amount_cny) AS total FROM costs "
        "WHERE month < '2025-06-01' GROUP BY month)",
    )
    last = scalar(
        con, "SELECT sum(amount_cny) FROM costs WHERE month = (SELECT max(month) FROM costs)"
    )
    assert 1_100_000 <= baseline <= 1_300_000
    assert 120_000 <= baseline - last <= 230_000
    overspend = {r[0] for r in con.execute(
        "SELECT DISTINCT department FROM costs WHERE category = 'procurement_overspend'"
    )}
    assert overspend == {"procurement", "supply_chain"}


def test_milestones_consistent(con: sqlite3.Connection) -> None:
    """Milestone dates, statuses and dependencies are coherent with the end date."""
    rows = con.execute(
        "SELECT milestone_id, planned_start, planned_end, actual_start, actual_end, status, "
        "depends_on, kpis, updated_at FROM milestones"
    ).fetchall()
    ids = {r[0] for r in rows}
    graph: dict[str, list[str]] = {}
    for mid, p_start, p_end, a_start, a_end, status, deps, kpis, updated in rows:
        assert p_end >= p_start, mid
        assert status in {"done", "in_progress", "not_started", "blocked"}, mid
        if a_start and a_end:
            assert a_end >= a_start, mid
        if status == "done":
            assert a_start and a_end and a_end < END.isoformat(), mid
        else:
            assert a_end is None, mid
        if status in ("not_started", "blocked"):
            assert a_start is None, mid
        if status == "in_progress":
            assert a_start is not None and a_start < END.isoformat(), mid
        assert updated < END.isoformat(), mid
        assert kpis and set(kpis.split(",")) <= METRIC_KEYS, mid
        graph[mid] = deps.split(",") if deps else []
        assert set(graph[mid]) <= ids, mid
    # No dependency cycles: repeatedly remove milestones whose prerequisites are gone.
    remaining = dict(graph)
    while remaining:
        free = [m for m, deps in remaining.items() if not set(deps) & set(remaining)]
        assert free, f"dependency cycle among {sorted(remaining)}"
        for m in free:
            del remaining[m]
    statuses = [r[5] for r in rows]
    assert statuses.count("done") >= 15
    overdue = scalar(
        con,
        "SELECT count(*) FROM milestones "
        "WHERE status = 'in_progress' AND planned_end < '2026-11-27'",
    )
    assert overdue >= 2
    late = scalar(con, "SELECT avg(actual_end > planned_end) FROM milestones WHERE status = 'done'")
    assert 0.1 <= late <= 0.45
    # Work on a department's data cannot finish before that department has joined.
    assert scalar(
        con,
        "SELECT count(*) FROM milestones m JOIN phases p USING (phase_id) "
        "WHERE m.actual_start < date(p.planned_start, '-1 month')",
    ) == 0
