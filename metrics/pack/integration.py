"""System-integration pillar: API traffic and interfaces on the standard platform."""
from __future__ import annotations

import polars as pl

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Direction, Per, Pillar, TargetScope, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import measure, problem_unless, total

API_CALLS = Dataset(
    "api_calls", source="demo", table="api_calls", time_column="day",
    dimensions=("department", "source_system", "target_system", "interface_id"),
    drill_path=("department", "source_system", "interface_id"), primary_key=("day", "interface_id", "department"),
    detail_columns=("day", "interface_id", "source_system", "target_system", "department", "calls", "errors",
                    "via_platform"))
OWNER = "Enterprise Architect"
ON_PLATFORM = pl.col("via_platform") == 1
POINT_TO_POINT = problem_unless(ON_PLATFORM, "point-to-point, not on the platform")


def declare() -> None:
    register(
        total("api_calls_per_day", API_CALLS, "calls", Unit.PER_DAY, per=Per.DAY, good=Direction.UP, target=25_000,
              target_scope=TargetScope.PER_SLICE,  # a sum: each department's own target ([[targets]] in the config)
              pillar=Pillar.INTEGRATION, owner=OWNER, title=Text("API calls per day", "日均API调用量"),
              description=Text("Calls between systems through their interfaces in the period, divided by its "
                               "calendar days (up to the latest day with data).",
                               "期间内系统间接口调用次数，除以期间的自然日数（截至数据的最新日期）。"),
              problems=POINT_TO_POINT, needs_fixing=~ON_PLATFORM),
        measure("standard_interface_share", API_CALLS,
                pl.col("interface_id").filter(ON_PLATFORM).n_unique() / pl.col("interface_id").n_unique(),
                Unit.PERCENT, good=Direction.UP, target=0.85, pillar=Pillar.INTEGRATION, owner=OWNER,
                title=Text("Interfaces on the standard platform", "标准平台接口占比"),
                description=Text("Share of the interfaces called in the period whose calls went through the "
                                 "standard integration platform.", "期间内被调用的接口中通过标准集成平台调用的比例。"),
                problems=POINT_TO_POINT, needs_fixing=~ON_PLATFORM),
    )
