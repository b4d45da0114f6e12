"""Integration tables: point-to-point interfaces, their migration dates, and the daily api_calls."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from demo.calendar import _add_months, _programme_date
from demo.context import _Context, _rng
from demo.reference import DEPARTMENTS

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
