"""The programme plan as data: phases, workstreams, milestones, scope and targets, checked row by row.

The plan is read through a connector like any other source (tables phases, workstreams, milestones, phase_scope,
phase_targets and, optionally, raid_log). Bad rows never stop the plan from showing: each becomes a data issue.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import polars as pl

from connectors.base import Connector, Where
from core.errors import SourceError, VantageError
from metrics.engine.questions import Engine

TABLES: Mapping[str, tuple[str, ...]] = {
    "phases": ("phase_id", "name_en", "name_zh", "planned_start", "planned_end"),
    "workstreams": ("workstream_id", "name_en", "name_zh", "lead"),
    "milestones": ("milestone_id", "phase_id", "workstream_id", "title_en", "title_zh", "owner", "planned_start",
                   "planned_end", "actual_start", "actual_end", "status", "depends_on", "kpis"),
    "phase_scope": ("phase_id", "department_id"),
    "phase_targets": ("phase_id", "metric", "target"),
}
OPTIONAL = {"raid_log": ("raid_id", "kind", "title", "owner", "status", "raised_on", "due_on", "milestone_id")}
STATUSES = ("done", "in_progress", "not_started", "blocked")


@dataclass(frozen=True)
class DataIssue:
    """A plan row that cannot be used as it is: which row, what is wrong, how to fix it."""

    table: str
    row: str
    problem: str
    fix: str


@dataclass
class Plan:
    """The plan's tables as polars frames, plus the issues found in them."""

    phases: pl.DataFrame
    workstreams: pl.DataFrame
    milestones: pl.DataFrame
    scope: pl.DataFrame
    targets: pl.DataFrame
    raid: pl.DataFrame | None = None
    issues: list[DataIssue] = field(default_factory=list)

    def joining(self, phase_id: str) -> list[str]:
        """Departments that enter the programme in this phase (its scope)."""
        return sorted(self.scope.filter(pl.col("phase_id") == phase_id)["department_id"].unique().to_list())

    def not_yet_in(self, phase_id: str) -> list[str]:
        """Departments that enter only in later phases: the control group for this phase's changes."""
        order = self.phases["phase_id"].to_list()
        later = order[order.index(phase_id) + 1:] if phase_id in order else []
        return sorted(self.scope.filter(pl.col("phase_id").is_in(later))["department_id"].unique().to_list())

    def milestone(self, milestone_id: str) -> dict[str, Any] | None:
        rows = self.milestones.filter(pl.col("milestone_id") == milestone_id)
        return rows.row(0, named=True) if rows.height else None


def load_plan(connector: Connector, metric_keys: set[str]) -> Plan:
    """Read and check the plan; SourceError only when a required table cannot be read at all."""
    frames = {name: connector.scan(name, list(cols), Where()).collect() for name, cols in TABLES.items()}
    raid = None
    try:
        raid = connector.scan("raid_log", list(OPTIONAL["raid_log"]), Where()).collect()
    except (SourceError, pl.exceptions.PolarsError):
        raid = None  # a plan without a RAID log is a complete plan
    plan = Plan(frames["phases"].sort("planned_start"), frames["workstreams"], frames["milestones"],
                frames["phase_scope"], frames["phase_targets"], raid)
    plan.issues = check_plan(plan, metric_keys)
    return plan


def check_plan(plan: Plan, metric_keys: set[str]) -> list[DataIssue]:
    """Every problem in the plan's rows, each naming the row."""
    issues: list[DataIssue] = []
    phases, streams = set(plan.phases["phase_id"]), set(plan.workstreams["workstream_id"])
    ids = set(plan.milestones["milestone_id"])
    for m in plan.milestones.iter_rows(named=True):
        mid = str(m["milestone_id"])
        add = lambda problem, fix: issues.append(DataIssue("milestones", mid, problem, fix))  # noqa: E731
        if m["planned_start"] is None or m["planned_end"] is None:
            add("has no planned start or end date", "enter both planned dates")
        elif m["planned_end"] < m["planned_start"]:
            add(f"planned end {m['planned_end']} is before its start {m['planned_start']}", "correct the dates")
        if m["actual_start"] and m["actual_end"] and m["actual_end"] < m["actual_start"]:
            add(f"actual end {m['actual_end']} is before its start {m['actual_start']}", "correct the dates")
        if m["workstream_id"] not in streams:
            add(f"unknown workstream '{m['workstream_id']}'", f"use one of: {', '.join(sorted(streams))}")
        if m["phase_id"] not in phases:
            add(f"unknown phase '{m['phase_id']}'", f"use one of: {', '.join(sorted(phases))}")
        if m["status"] not in STATUSES:
            add(f"unknown status '{m['status']}'", f"use one of: {', '.join(STATUSES)}")
        if m["status"] == "done" and m["actual_end"] is None:
            add("is done but has no actual end date", "enter the date it was finished")
        for dep in predecessors(m["depends_on"]):
            if dep not in ids:
                add(f"depends on unknown milestone '{dep}'", "correct depends_on")
        for key in predecessors(m["kpis"]):
            if key not in metric_keys:
                add(f"links unknown KPI '{key}'", "use metric keys from `python app.py metrics`")
    for cycle in _cycles(plan.milestones):
        issues.append(DataIssue("milestones", cycle[0], "dependency loop: " + " → ".join(cycle + [cycle[0]]),
                                "remove one of the dependencies in the loop"))
    for t in plan.targets.iter_rows(named=True):
        if t["metric"] not in metric_keys:
            issues.append(DataIssue("phase_targets", f"{t['phase_id']}/{t['metric']}", f"unknown KPI '{t['metric']}'",
                                    "use metric keys from `python app.py metrics`"))
    return issues


def usable_milestones(plan: Plan) -> pl.DataFrame:
    """Milestones that can be drawn (both planned dates, end not before start)."""
    bad = {i.row for i in plan.issues if i.table == "milestones" and ("planned" in i.problem)}
    return plan.milestones.filter(~pl.col("milestone_id").is_in(list(bad)))


def predecessors(depends_on: str | None) -> list[str]:
    """The milestone ids a `depends_on` cell names (comma-separated)."""
    return [part.strip() for part in (depends_on or "").split(",") if part.strip()]


def _cycles(milestones: pl.DataFrame) -> list[list[str]]:
    """Each dependency loop once, as the list of milestones around it."""
    graph = {str(r["milestone_id"]): predecessors(r["depends_on"]) for r in milestones.iter_rows(named=True)}
    seen: set[frozenset[str]] = set()
    found: list[list[str]] = []

    def walk(node: str, path: list[str]) -> None:
        for dep in graph.get(node, []):
            if dep in path:
                loop = path[path.index(dep):]
                if frozenset(loop) not in seen:
                    seen.add(frozenset(loop))
                    found.append(loop)
            elif dep in graph and len(path) < len(graph):
                walk(dep, path + [dep])
    for start in sorted(graph):
        walk(start, [start])
    return found


def plan_or_issue(engine: Engine) -> tuple[Plan | None, str]:
    """The plan of the engine's plan source, or why it cannot be read (for a page alert).

    The unscoped engine: the plan's tables are read through its connectors, which a scoped engine does not reach.
    """
    connector = engine.connectors.get(engine.config.plan_source)
    if connector is None:
        return None, f"no plan source '{engine.config.plan_source}' is declared"
    try:
        return load_plan(connector, set(engine.catalogue)), ""
    except VantageError as exc:
        return None, exc.message
