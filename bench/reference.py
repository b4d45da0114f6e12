"""The default KPI suite written again in DuckDB SQL over the same Parquet copy: the benchmark's reference.

One query per table, on every core. A single scan of the table reads only the rows of the monthly trend and of the
spans that are not one of its months (the baseline), puts each row in its bucket (its month, or that span) and
computes every metric of the table for every bucket in one grouped aggregation: a row filter of a metric is a CASE
inside its aggregate, so no metric needs a scan of its own. The period and the previous period, when they are
calendar months of the trend, are read off the trend's rows. CHANGE and DERIVED metrics are computed from their
base's values, as the engine does.
"""
from __future__ import annotations

import math
import os
from datetime import date

import duckdb

from metrics.pack.process_efficiency import HOURLY_COST_CNY

BAD = ("((code IS NOT NULL AND NOT (regexp_full_match(code, '[A-Z]{3}-[0-9]{6}') AND substr(code, 1, 4) = "
       "CASE domain WHEN 'material' THEN 'MAT-' WHEN 'customer' THEN 'CUS-' WHEN 'supplier' THEN 'SUP-' END)) "
       "OR (tax_id IS NOT NULL AND NOT regexp_full_match(tax_id, '[0-9A-Z]{18}')) "
       "OR (contact_email IS NOT NULL AND NOT regexp_full_match(contact_email, '[a-z0-9._]+@[a-z0-9-]+\\.[a-z]{2,}'))"
       " OR (country IS NOT NULL AND country NOT IN ('CN','DE','US','JP','SG','FR','GB','CH')))")
HOURS = "(epoch(resolved_at - opened_at) / 3600.0)"  # NULL while unresolved: the aggregates skip those rows
TIME = {"master_records": "updated_at", "process_runs": "started_at", "audit_cycles": "completed_on",
        "service_requests": "opened_at", "api_calls": "day", "costs": "month", "milestones": "planned_end"}

# metric: (table, its value over the rows of one bucket); a metric's own row filter is a CASE without ELSE
SUITE: dict[str, tuple[str, str]] = {
    "data_accuracy": ("master_records", f"avg(CASE WHEN {BAD} THEN 0 ELSE 1 END)"),
    "data_completeness": ("master_records", ("sum((code IS NOT NULL)::INT + (tax_id IS NOT NULL)::INT + (address IS NOT "
                          "NULL)::INT + (country IS NOT NULL)::INT + (contact_email IS NOT NULL)::INT) / "
                          "(5.0 * count(*))")),
    "duplicate_records": ("master_records", ("(count(*) - count(DISTINCT (domain, lower(trim(name)), "
                          "coalesce(tax_id, ''))))::DOUBLE / count(*)")),
    "code_standardization": ("master_records", ("avg(CASE WHEN domain = 'material' THEN "
                             "regexp_full_match(coalesce(code, ''), 'MAT-[0-9]{6}')::INT END)")),
    "automation_rate": ("process_runs", "avg((mode = 'automated')::INT)"),
    "hours_saved": ("process_runs", ("sum(CASE WHEN mode = 'automated' THEN greatest(standard_manual_minutes - "
                    "duration_minutes, 0) ELSE 0 END) / 60.0 / count(DISTINCT date_trunc('month', started_at))")),
    "error_rate": ("process_runs", "avg(had_error)"),
    "audit_cycle_days": ("audit_cycles", "avg(completed_on - started_on)"),
    "resolution_hours_median": ("service_requests", f"median({HOURS})"),
    "resolution_hours_p90": ("service_requests", f"quantile_cont({HOURS}, 0.9)"),
    "satisfaction": ("service_requests", "avg(satisfaction)"),
    "api_calls_per_day": ("api_calls", "sum(calls)::DOUBLE / count(DISTINCT day)"),
    "standard_interface_share": ("api_calls", ("count(DISTINCT interface_id) FILTER (via_platform = 1)::DOUBLE"
                                 " / count(DISTINCT interface_id)")),
    "operating_cost_monthly": ("costs", "sum(amount_cny) / count(DISTINCT month)"),
    "milestones_on_time": ("milestones", "avg((status = 'done' AND actual_end <= planned_end)::INT)"),
    "schedule_variance_days": ("milestones", "avg(CASE WHEN status = 'done' THEN actual_end - planned_end END)"),
}
# CHANGE metrics: (base, how the change is measured from the base's baseline, scale)
CHANGES = {"error_reduction": ("error_rate", "relative", 1.0),
           "cost_savings_annualized": ("operating_cost_monthly", "absolute", 12.0)}
DERIVED = {"labour_value_saved": ("hours_saved", HOURLY_COST_CNY)}  # base × factor
BASES = {key: spec[0] for key, spec in {**CHANGES, **DERIVED}.items()}
SPANS = ("period", "previous", "baseline")

Span = tuple[date, date]
Values = dict[str, float | None]  # a metric's value at "period", "previous", "baseline" and each trend month (ISO)


def run_suite(parts: dict[str, list[str]], period: Span, previous: Span, baseline: Span,
              trend: Span) -> dict[str, Values]:
    """Each metric's value for the period, the previous period, the baseline and each month of the trend."""
    con = duckdb.connect()
    con.execute(f"SET threads TO {os.cpu_count() or 1}")
    spans = {"period": period, "previous": previous, "baseline": baseline}
    months = _months(*trend)
    own = {name: span for name, span in spans.items() if span not in months.values()}  # a bucket of its own
    alone = {name: span for name, span in own.items()
             if _overlaps(span, trend) or any(_overlaps(span, other) for o, other in own.items() if o != name)}
    buckets = {name: span for name, span in own.items() if name not in alone}
    base: dict[str, Values] = {key: {} for key in SUITE}
    for table in TIME:
        keys = [key for key, (t, _) in SUITE.items() if t == table]
        for bucket, row in _scan(con, parts[table], table, keys, buckets, trend):
            for key, value in zip(keys, row):
                base[key][bucket] = value
        for name, span in alone.items():  # a span overlapping another is scanned on its own (not in the benchmark)
            row = _scan(con, parts[table], table, keys, {name: span}, (span[0], span[0]))
            for key, value in zip(keys, row[0][1] if row else [None] * len(keys)):
                base[key][name] = value
    for values in base.values():
        for name, span in spans.items():
            month = next((m for m, s in months.items() if s == span), None)
            values[name] = values.get(month if month else name)
    out = dict(base)
    for key, (of, change, scale) in CHANGES.items():
        then = base[of]["baseline"]
        out[key] = {at: _change(change, now, then, scale) for at, now in base[of].items()}
        out[key]["baseline"] = 0.0  # a change is measured from its baseline
    for key, (of, factor) in DERIVED.items():
        out[key] = {at: None if v is None else v * factor for at, v in base[of].items()}
    return out


def _scan(con: duckdb.DuckDBPyConnection, files: list[str], table: str, keys: list[str], buckets: dict[str, Span],
          trend: Span) -> list[tuple[str, list[float | None]]]:
    """(bucket, the metrics' values) for each bucket with rows: each month of the trend (ISO date) and each span."""
    time, params = TIME[table], {"trend_lo": trend[0], "trend_hi": trend[1]}
    cases, where = [], [f"({time} >= $trend_lo AND {time} < $trend_hi)"]
    for i, (lo, hi) in enumerate(buckets.values()):
        params |= {f"lo{i}": lo, f"hi{i}": hi}
        cases.append(f"WHEN {time} >= $lo{i} AND {time} < $hi{i} THEN {-i - 1}")
        where.append(f"({time} >= $lo{i} AND {time} < $hi{i})")
    bucket = f"CASE {' '.join(cases)} ELSE year({time}) * 100 + month({time}) END" if cases else \
        f"year({time}) * 100 + month({time})"
    values = ", ".join(f"({SUITE[key][1]})::DOUBLE" for key in keys)
    rows = con.execute(f"SELECT {bucket} AS bucket, {values} FROM read_parquet({files!r}) "
                       f"WHERE {' OR '.join(where)} GROUP BY bucket", params).fetchall()
    names = list(buckets)
    out = []
    for bucket_id, *row in rows:
        name = names[-bucket_id - 1] if bucket_id < 0 else date(bucket_id // 100, bucket_id % 100, 1).isoformat()
        out.append((name, [v if v is not None and math.isfinite(v) else None for v in row]))
    return out


def _change(change: str, now: float | None, then: float | None, scale: float) -> float | None:
    if now is None or then is None:
        return None
    if change == "relative":
        return 1 - now / then if then != 0 else None
    return (then - now) * scale


def _months(lo: date, hi: date) -> dict[str, Span]:
    """The calendar months of [lo, hi) (lo and hi month starts), by ISO date of their first day."""
    out, day = {}, lo
    while day < hi:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        out[day.isoformat()] = (day, following)
        day = following
    return out


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]
