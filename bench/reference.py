"""The default KPI suite written again in DuckDB SQL over the same Parquet copy: the benchmark's reference."""
from __future__ import annotations

from datetime import date

import duckdb

BAD = ("((code IS NOT NULL AND NOT (regexp_full_match(code, '[A-Z]{3}-[0-9]{6}') AND substr(code, 1, 4) = "
       "CASE domain WHEN 'material' THEN 'MAT-' WHEN 'customer' THEN 'CUS-' WHEN 'supplier' THEN 'SUP-' END)) "
       "OR (tax_id IS NOT NULL AND NOT regexp_full_match(tax_id, '[0-9A-Z]{18}')) "
       "OR (contact_email IS NOT NULL AND NOT regexp_full_match(contact_email, '[a-z0-9._]+@[a-z0-9-]+\\.[a-z]{2,}'))"
       " OR (country IS NOT NULL AND country NOT IN ('CN','DE','US','JP','SG','FR','GB','CH')))")
HOURS = "(epoch(resolved_at - opened_at) / 3600.0)"

# metric: (table, time column, value SQL, extra WHERE)
SUITE: dict[str, tuple[str, str, str, str]] = {
    "data_accuracy": ("master_records", "updated_at", f"avg(CASE WHEN {BAD} THEN 0 ELSE 1 END)", "TRUE"),
    "data_completeness": ("master_records", "updated_at", "sum((code IS NOT NULL)::INT + (tax_id IS NOT NULL)::INT + "
                          "(address IS NOT NULL)::INT + (country IS NOT NULL)::INT + (contact_email IS NOT NULL)::INT)"
                          " / (5.0 * count(*))", "TRUE"),
    "duplicate_records": ("master_records", "updated_at", "(count(*) - count(DISTINCT (domain, lower(trim(name)), "
                          "coalesce(tax_id, ''))))::DOUBLE / count(*)", "TRUE"),
    "code_standardization": ("master_records", "updated_at",
                             "avg(regexp_full_match(coalesce(code, ''), 'MAT-[0-9]{6}')::INT)", "domain = 'material'"),
    "automation_rate": ("process_runs", "started_at", "avg((mode = 'automated')::INT)", "TRUE"),
    "hours_saved": ("process_runs", "started_at", "sum(CASE WHEN mode = 'automated' THEN greatest(standard_manual_"
                    "minutes - duration_minutes, 0) ELSE 0 END) / 60.0 / count(DISTINCT date_trunc('month', "
                    "started_at))", "TRUE"),
    "error_rate": ("process_runs", "started_at", "avg(had_error)", "TRUE"),
    "audit_cycle_days": ("audit_cycles", "completed_on", "avg(completed_on - started_on)", "TRUE"),
    "resolution_hours_median": ("service_requests", "opened_at", f"median({HOURS})", "resolved_at IS NOT NULL"),
    "resolution_hours_p90": ("service_requests", "opened_at", f"quantile_cont({HOURS}, 0.9)",
                             "resolved_at IS NOT NULL"),
    "satisfaction": ("service_requests", "opened_at", "avg(satisfaction)", "satisfaction IS NOT NULL"),
    "api_calls_per_day": ("api_calls", "day", "sum(calls)::DOUBLE / count(DISTINCT day)", "TRUE"),
    "standard_interface_share": ("api_calls", "day", "count(DISTINCT interface_id) FILTER (via_platform = 1)::DOUBLE"
                                 " / count(DISTINCT interface_id)", "TRUE"),
    "operating_cost_monthly": ("costs", "month", "sum(amount_cny) / count(DISTINCT month)", "TRUE"),
    "milestones_on_time": ("milestones", "planned_end",
                           "avg((status = 'done' AND actual_end <= planned_end)::INT)", "TRUE"),
    "schedule_variance_days": ("milestones", "planned_end", "avg(actual_end - planned_end)", "status = 'done'"),
}
# CHANGE and DERIVED metrics recompute their base, as the engine does.
BASES = {"error_reduction": "error_rate", "labour_value_saved": "hours_saved",
         "cost_savings_annualized": "operating_cost_monthly"}


def run_suite(parts: dict[str, list[str]], period: tuple[date, date], previous: tuple[date, date],
              baseline: tuple[date, date], trend: tuple[date, date]) -> dict[str, float | None]:
    """Each metric's value for the period, the previous period, the baseline and a monthly trend."""
    con = duckdb.connect()
    for table, files in parts.items():
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({files!r})")
    values: dict[str, float | None] = {}
    for key in [*SUITE, *BASES]:
        table, time, value, where = SUITE[BASES.get(key, key)]
        spans = [period, previous, baseline] + ([baseline] if key in BASES and key != "labour_value_saved" else [])
        for lo, hi in spans:
            row = con.execute(f"SELECT {value} FROM {table} WHERE {time} >= ? AND {time} < ? AND {where}",
                              [lo, hi]).fetchone()
            values.setdefault(key, row[0] if row else None)
        con.execute(f"SELECT date_trunc('month', {time}) AS period, {value} FROM {table} WHERE {time} >= ? AND "
                    f"{time} < ? AND {where} GROUP BY 1 ORDER BY 1", list(trend)).fetchall()
    return values
