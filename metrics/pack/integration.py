"""System-integration pillar: API traffic and interfaces on the standard platform."""
from __future__ import annotations

import polars as pl

from metrics.semantics.model import Direction, Metric, MetricKind, Per, Pillar, Shared, TargetScope, Text, Unit
from metrics.semantics.registry import register

ON_PLATFORM = pl.col("via_platform") == 1
COMMON = Shared(
    source="demo", table="api_calls", time_column="day", pillar=Pillar.INTEGRATION, owner="Enterprise Architect",
    dimensions=("department", "source_system", "target_system", "interface_id"),
    drill_path=("department", "source_system", "interface_id"),
    detail_columns=("day", "interface_id", "source_system", "target_system", "department", "calls", "errors",
                    "via_platform"))


def declare() -> None:
    register(
        Metric(
            key="api_calls_per_day", kind=MetricKind.SIMPLE, unit=Unit.PER_DAY, good=Direction.UP, target=25_000,
            target_scope=TargetScope.PER_SLICE,  # a sum: each department's own target ([[targets]] in the config)
            title=Text("API calls per day", "日均API调用量"),
            description=Text("Calls between systems through their interfaces in the period, divided by its calendar "
                             "days (up to the latest day with data).",
                             "期间内系统间接口调用次数，除以期间的自然日数（截至数据的最新日期）。"),
            value=pl.col("calls").sum(), per=Per.DAY,
            problems=pl.when(ON_PLATFORM).then(pl.lit("")).otherwise(pl.lit("point-to-point, not on the platform")),
            needs_fixing=~ON_PLATFORM, **COMMON),
        Metric(
            key="standard_interface_share", kind=MetricKind.SIMPLE, unit=Unit.PERCENT, good=Direction.UP, target=0.85,
            title=Text("Interfaces on the standard platform", "标准平台接口占比"),
            description=Text("Share of the interfaces called in the period whose calls went through the standard "
                             "integration platform.", "期间内被调用的接口中通过标准集成平台调用的比例。"),
            value=pl.col("interface_id").filter(ON_PLATFORM).n_unique() / pl.col("interface_id").n_unique(),
            problems=pl.when(ON_PLATFORM).then(pl.lit("")).otherwise(pl.lit("point-to-point, not on the platform")),
            needs_fixing=~ON_PLATFORM, **COMMON),
    )
