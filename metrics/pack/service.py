"""IT-service pillar: how fast requests are resolved and how satisfied users are."""
from __future__ import annotations

import polars as pl

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Direction, Pillar, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import average, median, percentile

SERVICE_REQUESTS = Dataset(
    "service_requests", source="demo", table="service_requests", time_column="opened_at",
    dimensions=("department", "system", "category"), primary_key=("request_id",),
    detail_columns=("request_id", "department", "system", "category", "opened_at", "resolved_at", "satisfaction"))
OWNER = "IT Service Manager"
HOURS = (pl.col("resolved_at") - pl.col("opened_at")).dt.total_seconds() / 3600
RESOLVED = pl.col("resolved_at").is_not_null()


def declare() -> None:
    register(
        median("resolution_hours_median", SERVICE_REQUESTS, HOURS, Unit.HOURS, good=Direction.DOWN, target=8,
               pillar=Pillar.SERVICE, owner=OWNER,
               title=Text("IT request resolution time (median)", "IT请求解决时长（中位数）"),
               description=Text("Median hours from opening to resolving an IT service request, over resolved "
                                "requests opened in the period.", "期间内提交且已解决的IT服务请求从提交到解决的小时数中位数。"),
               row_filter=RESOLVED, problems=pl.format("{} h", HOURS.round(1)), needs_fixing=HOURS > 24),
        percentile("resolution_hours_p90", SERVICE_REQUESTS, HOURS, 0.9, Unit.HOURS, good=Direction.DOWN, target=24,
                   pillar=Pillar.SERVICE, owner=OWNER,
                   title=Text("IT request resolution time (90th percentile)", "IT请求解决时长（90分位）"),
                   description=Text("Hours within which 90% of resolved IT service requests opened in the period "
                                    "were resolved (linear interpolation).",
                                    "期间内提交且已解决的IT服务请求中90%在此小时数内解决（线性插值）。"),
                   row_filter=RESOLVED, problems=pl.format("{} h", HOURS.round(1)), needs_fixing=HOURS > 24),
        average("satisfaction", SERVICE_REQUESTS, "satisfaction", Unit.SCORE, good=Direction.UP, target=4.2,
                pillar=Pillar.SERVICE, owner=OWNER, title=Text("User satisfaction", "用户满意度"),
                description=Text("Average satisfaction score (1-5) given on resolved IT service requests opened in "
                                 "the period.", "期间内提交的已解决IT服务请求的平均满意度评分（1-5分）。"),
                row_filter=pl.col("satisfaction").is_not_null(), problems=pl.format("score {}", pl.col("satisfaction")),
                needs_fixing=pl.col("satisfaction") <= 2),
    )
