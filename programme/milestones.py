"""Milestones as the plan states them, read for the KPIs they moved: when each finished (or is due) and what it is."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from core import labels
from core.i18n import t


@dataclass(frozen=True)
class Milestone:
    """A programme milestone as drawn on a trend: when it finished (or is due), and what it is."""

    milestone_id: str
    title: str
    on: date
    done: bool
    status: str


def milestones_for(frame: pl.DataFrame, key: str, lang: str) -> list[Milestone]:
    """The plan's milestones that name this KPI, dated by when they finished (or are due)."""
    if frame.is_empty() or "kpis" not in frame.columns:
        return []
    out = []
    for row in frame.iter_rows(named=True):
        if key not in [k.strip() for k in str(row.get("kpis") or "").split(",")]:
            continue
        done = row.get("status") == "done" and row.get("actual_end") is not None
        on = row["actual_end"] if done else row.get("planned_end")
        if on is None:
            continue
        when = t("milestone.actual" if done else "milestone.planned", lang, date=labels.date_label(on, lang))
        if not done:
            when = t("milestone." + str(row.get("status")), lang) + " · " + when
        title = row.get("title_zh" if lang == "zh" else "title_en") or row.get("title_en") or ""
        out.append(Milestone(str(row["milestone_id"]), str(title), on, done, when))
    return out
