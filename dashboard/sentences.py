"""Sentences the metric page, the programme page and the wall share: when a KPI reaches its target, and the
command that prints the same number."""
from __future__ import annotations

import shlex
from datetime import timedelta
from typing import Any

from core import labels
from core.i18n import t
from dashboard.figures import DAYS_PER_MONTH
from dashboard.state import ViewState
from metrics.engine.periods import Filters
from metrics.semantics.model import Metric


def projection_text(metric: Metric, headline: Any, lang: str) -> str:
    """When the trend reaches the target, in words, against the target date."""
    if metric.target is None:
        return t("projection.no_target", lang)
    eta = headline.months_to_target
    if eta is None:
        return t("projection.never", lang)
    if eta <= 0:
        return t("projection.met", lang)
    when = headline.end + timedelta(days=round(eta * DAYS_PER_MONTH))
    text = t("projection.eta", lang, months=f"{eta:.1f}", when=labels.month_label(when, lang))
    if headline.target_date is not None:
        key = "projection.late" if when > headline.target_date else "projection.in_time"
        text += ("" if lang == "zh" else " ") + t(key, lang, date=labels.date_label(headline.target_date, lang))
    return text


def cli_command(metric: Metric, view: ViewState, filters: Filters) -> str:
    """The command that prints the same number, so anyone can check the screen against the CLI."""
    args = ["python", "app.py", "query", metric.key]
    if view.period == "custom":
        args += ["--from", filters.start.isoformat(), "--to", (filters.end - timedelta(days=1)).isoformat()]
    elif view.period != "month":
        args += ["--period", view.period]
    for dim, value in filters.where:
        args += ["--where", f"{dim}={value}"]
    if view.language:
        args[2:2] = ["--language", view.language]
    return " ".join(shlex.quote(a) for a in args)
