"""Pieces of the metric page built from engine answers: projection, milestones, the explain panel, CSV exports."""
from __future__ import annotations

import shlex
from datetime import date, timedelta
from typing import Any

import polars as pl
from dash import html

from dashboard import labels
from dashboard.figures import DAYS_PER_MONTH, Milestone
from dashboard.i18n import t
from dashboard.state import ViewState
from metrics.format import format_value
from metrics.model import Metric
from metrics.periods import Filters

EXPORT_ROWS = 100_000  # the most records one CSV export carries
BOM = "\ufeff"  # lets spreadsheet programs read UTF-8 (Chinese names) correctly


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


def explain_panel(metric: Metric, explained: dict, answer: Any, view: ViewState, lang: str) -> html.Dl:
    """How the number is computed: definition, source, formula, filters, rows and freshness."""
    h = answer.data
    filters = ", ".join(f"{labels.column_label(d, lang)} = {labels.value_label(d, v, lang)}"
                        for d, v in explained["filters"]["where"]) or t("explain.none", lang)
    baseline = explained.get("baseline_period")
    rows = [
        ("explain.kind", explained["kind"]),
        ("explain.source", f"{explained['source']}.{explained['table']}"),
        ("explain.time_column", explained["time_column"]),
        ("explain.formula", html.Code(explained["formula"], className="formula")),
        ("explain.row_filter",
         html.Code(explained["row_filter"]) if explained["row_filter"] else t("explain.none", lang)),
        ("explain.period", labels.period_label(h.start, h.end, lang)),
        ("explain.filters", filters),
        ("explain.baseline_period", labels.period_label(baseline[0], baseline[1], lang) if baseline else "—"),
        ("explain.rows", f"{h.rows:,}"),
        ("explain.as_of", labels.time_label(answer.data_as_of, lang)),
        ("explain.computed_at", labels.time_label(answer.computed_at, lang)),
        ("explain.definition", f"{explained['definition']} ({explained['module']})"),
        ("explain.cli", html.Code(cli_command(metric, view, _filters_of(explained)), className="cli")),
    ]
    items: list[Any] = []
    for key, value in rows:
        items += [html.Dt(t(key, lang)), html.Dd(value)]
    return html.Dl(items, className="explain-list")


def _filters_of(explained: dict) -> Filters:
    f = explained["filters"]
    return Filters(date.fromisoformat(f["start"]), date.fromisoformat(f["end"]), tuple(tuple(w) for w in f["where"]))


def summary_value(metric: Metric, headline: Any, lang: str) -> str:
    return format_value(headline.value, metric.unit, lang)


def csv_text(frame: pl.DataFrame) -> str:
    """A frame as CSV that spreadsheet programs open with the right encoding."""
    return BOM + frame.write_csv()


def labelled(frame: pl.DataFrame, dimension: str, lang: str) -> pl.DataFrame:
    """A breakdown with the human name of each value beside its id."""
    names = [labels.value_label(dimension, v, lang) for v in frame[dimension]]
    return frame.with_columns(pl.Series(f"{dimension}_name", names)).select(
        [dimension, f"{dimension}_name", "value", "rows"])
