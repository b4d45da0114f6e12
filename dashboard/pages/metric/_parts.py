"""Pieces of the metric page built from engine answers: projection, milestones, the explain panel, CSV exports."""
from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl
from dash import html

from core import labels
from core.i18n import t
from dashboard.sentences import cli_command
from dashboard.state import ViewState
from metrics.engine.answers import Answer, Explanation, Headline
from metrics.engine.baselines import Restatement
from metrics.engine.periods import Filters
from metrics.semantics.format import PRECISION, format_value
from metrics.semantics.model import Metric, Unit

EXPORT_ROWS = 100_000  # the most records one CSV export carries
# The rows of "how this is computed" that are code or commands: shown only with "analyst details" on.
ANALYST_ROWS = ("explain.kind", "explain.source", "explain.time_column", "explain.formula", "explain.row_filter",
                "explain.definition", "explain.cli", "explain.sql")


def explain_panel(metric: Metric, explained: Explanation, answer: Answer[Headline], view: ViewState,
                  lang: str) -> html.Dl:
    """How the number is computed: definition, source, formula, filters, rows and freshness."""
    h = answer.data
    filters = ", ".join(f"{labels.column_label(d, lang)} = {labels.value_label(d, v, lang)}"
                        for d, v in explained["filters"]["where"]) or t("explain.none", lang)
    baseline = explained.get("baseline_period")
    rows: list[tuple[str, str | html.Code | html.Pre]] = [
        ("explain.measures", metric.description(lang)),
        ("explain.kind", explained["kind"]),
        ("explain.source", f"{explained['source']}.{explained['table']}"),
        ("explain.time_column", explained["time_column"]),
        ("explain.formula", html.Code(explained["formula"], className="formula")),
        ("explain.row_filter",
         html.Code(explained["row_filter"]) if explained["row_filter"] else t("explain.none", lang)),
        ("filter.period", labels.period_label(h.start, h.end, lang)),
        ("explain.filters", filters),
        ("explain.baseline_period", labels.period_label(baseline[0], baseline[1], lang) if baseline else "—"),
        ("explain.rows", f"{h.rows:,}"),
        ("explain.as_of", labels.time_label(answer.data_as_of, lang)),
        ("explain.computed_at", labels.time_label(answer.computed_at, lang)),
        ("explain.definition", f"{explained['definition']} ({explained['module']})"),
        ("explain.cli", html.Code(cli_command(metric, view, _filters_of(explained)), className="cli")),
    ]
    if explained["sql"]:  # computed in the database (mirror = false): the SELECT it runs
        rows.append(("explain.sql", html.Pre(html.Code(explained["sql"]), className="sql")))
    items: list[Any] = []
    for key, value in rows:
        hidden = " analyst-only" if key in ANALYST_ROWS else ""  # code and commands: behind "analyst details"
        items += [html.Dt(t(key, lang), className=hidden.strip()), html.Dd(value, className=hidden.strip())]
    return html.Dl(items, className="explain-list")


def restated_note(restated: Restatement, unit: Unit, lang: str) -> html.P:
    """"Baseline restated: was X, the data now gives Y": the data behind the recorded baseline has changed."""
    was, now = format_value(restated.recorded, unit, lang), format_value(restated.now, unit, lang)
    return html.P([html.Strong(t("baseline.restated", lang, was=was, now=now)), " · ",
                   t("baseline.kept", lang, date=labels.date_label(restated.recorded_at.date(), lang))],
                  className="baseline-restated", role="status")


def _filters_of(explained: Explanation) -> Filters:
    f = explained["filters"]
    return Filters(date.fromisoformat(f["start"]), date.fromisoformat(f["end"]), tuple(tuple(w) for w in f["where"]))


def labelled(frame: pl.DataFrame, dimension: str, lang: str, unit: Unit | None = None) -> pl.DataFrame:
    """A breakdown with the human name of each value beside its id; with a unit, its value rounded as shown and the
    raw value beside it (value_raw)."""
    names = [labels.value_label(dimension, v, lang) for v in frame[dimension]]
    out = frame.with_columns(pl.Series(f"{dimension}_name", names)).select(
        [dimension, f"{dimension}_name", "value", "rows"])
    return out if unit is None else shown_values(out, unit)


def shown_values(frame: pl.DataFrame, unit: Unit) -> pl.DataFrame:
    """An export's value column rounded to the precision the dashboard shows it with; the raw value last."""
    return frame.with_columns(pl.col("value").round(PRECISION[unit]), value_raw=pl.col("value"))
