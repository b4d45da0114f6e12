"""The improvement loop: what users say in the monthly feedback survey, and the complaint themes behind it.

A comment's theme is found by declared patterns (polars string expressions, first match wins); a comment that
matches none is not a complaint. The record table of both metrics shows each response's theme. The metrics sit in
the process pillar: the complaints they count (approvals, re-keying, report errors) are the users' verdict on the
re-engineered processes, and they are read beside the process numbers.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from metrics.engine.periods import Filters
from metrics.engine.protocol import Questions
from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Direction, Grain, Pillar, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import average, share

COMMENT = pl.col("comment").fill_null("")
# (theme, pattern) in the order they are tried; the wording people use for each complaint.
THEMES: tuple[tuple[str, str], ...] = (
    ("slow approvals", r"(?i)approv|sign-?off"),
    ("duplicate data entry", r"(?i)twice|duplicate|re-?key|re-?enter"),
    ("report errors", r"(?i)report|figures|totals"),
    ("access requests", r"(?i)access|permission|locked out|password"),
    ("training", r"(?i)training|trained|how to use|tutorial"),
)
THEME = pl.coalesce([pl.when(COMMENT.str.contains(pattern)).then(pl.lit(theme)) for theme, pattern in THEMES])
COMPLAINT = THEME.is_not_null()
THEMES_SHOWN = 10_000  # the most complaints one theme count reads (a month of a large company's survey)
FEEDBACK_RESPONSES = Dataset(
    "feedback_responses", source="demo", table="feedback_responses", time_column="responded_on",
    dimensions=("department", "system"), primary_key=("response_id",),
    detail_columns=("response_id", "responded_on", "department", "system", "satisfaction", "comment"))


def declare() -> None:
    register(
        average("feedback_satisfaction", FEEDBACK_RESPONSES, "satisfaction", Unit.SCORE, good=Direction.UP,
                target=4.0, pillar=Pillar.PROCESS, owner="PMO Lead",
                title=Text("Feedback survey satisfaction", "反馈调查满意度"),
                description=Text("Average satisfaction score (1-5) of the responses to the monthly user-feedback "
                                 "survey in the period.", "期间内每月用户反馈调查答卷的平均满意度评分（1-5分）。"),
                row_filter=pl.col("satisfaction").is_not_null(),
                problems=pl.concat_str([pl.format("score {}", pl.col("satisfaction")), THEME], separator=", ",
                                       ignore_nulls=True),
                needs_fixing=pl.col("satisfaction") <= 2),
        share("complaint_share", FEEDBACK_RESPONSES, COMPLAINT, good=Direction.DOWN, target=0.3,
              min_sample=10,  # survey responses, as for the satisfaction score (SCORE's default)
              pillar=Pillar.PROCESS, owner="PMO Lead",
              title=Text("Survey responses with a complaint", "含投诉的调查答卷"),
              description=Text("Share of the monthly feedback-survey responses in the period whose comment names a "
                               "known complaint: slow approvals, duplicate data entry, report errors, access requests "
                               "or training.",
                               "期间内每月反馈调查答卷中，意见提及已知投诉主题（审批慢、重复录入、报表错误、权限申请、培训）的比例。"),
              problems=THEME.fill_null("")),
    )


@dataclass(frozen=True)
class ThemeCounts:
    """How often each complaint theme came up, overall and per month, over the complaints read."""

    overall: pl.DataFrame  # theme, complaints, share (of all complaints); most frequent first
    by_period: pl.DataFrame  # period, theme, complaints, share (of that period's responses)
    complaints: int
    responses: int
    truncated: bool  # more complaints than THEMES_SHOWN: the counts cover the newest ones read


def theme_counts(engine: Questions, filters: Filters, grain: Grain = Grain.MONTH) -> ThemeCounts:
    """The most frequent complaint themes in the period, overall and per month (or quarter), through the engine
    (so the viewer's scope applies)."""
    complaints = engine.detail("complaint_share", filters, 0, THEMES_SHOWN, "responded_on", True, True).data
    totals = engine.trend("complaint_share", filters, grain).data
    rows = complaints.rows.select(pl.col("problem").alias("theme"),
                                  pl.col("responded_on").dt.truncate(grain.every).alias("period"))
    overall = (rows.group_by("theme").agg(pl.len().alias("complaints"))
               .with_columns(share=pl.col("complaints") / max(rows.height, 1))
               .sort(["complaints", "theme"], descending=[True, False]))
    per_period = rows.group_by(["period", "theme"]).agg(pl.len().alias("complaints"))
    responses = totals.select("period", pl.col("rows").alias("responses"))
    by_period = (per_period.join(responses, on="period", how="left")
                 .with_columns(share=pl.col("complaints") / pl.col("responses"))
                 .select(["period", "theme", "complaints", "share"]).sort(["period", "theme"]))
    return ThemeCounts(overall, by_period, complaints.total, int(totals["rows"].sum() or 0),
                       complaints.total > THEMES_SHOWN)
