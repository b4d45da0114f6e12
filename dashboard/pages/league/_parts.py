"""The league page's table as a pure function of the league: sorted on the server, highlighted, exportable."""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Mapping

import polars as pl
from dash import html

from core import labels
from core.i18n import t
from dashboard.filters import FilterIds
from dashboard.pages.league import _words as _league_words  # noqa: F401 - registers the page's strings
from dashboard.state import ViewState
from metrics.semantics.format import format_delta, format_value
from metrics.semantics.model import Metric, Unit
from programme.league import League, Row

SORT = "league-sort"  # pattern id {"type": SORT, "column": name} of the table's column headings
FIXED = ("rank", "department", "score", "change")


class ids:
    VIEW = "league-view"
    FILTERS = FilterIds("league")
    TABLE = "league-table"
    NOTE = "league-note"
    EXPORT = "league-export"
    DOWNLOAD = "league-download"


def sort_key(column: str, catalogue: Mapping[str, Metric], lang: str) -> Callable[[Row], Any]:
    """How rows order by a column; a row without a value sorts last either way (see sorted_rows)."""
    if column == "department":
        return lambda r: labels.value_label("department", r.department, lang)
    if column == "score":
        return lambda r: r.score
    if column == "change":
        return lambda r: r.rank_change
    if column in catalogue:
        return lambda r: r.cells[column].value if column in r.cells else None
    return lambda r: r.rank


def sorted_rows(league: League, view: ViewState, catalogue: Mapping[str, Metric], lang: str) -> list[Row]:
    """The rows as the view sorts them (rank by default); missing values last whichever the direction."""
    column = view.sort if view.sort in (*FIXED, *league.metrics) else "rank"
    key = sort_key(column, catalogue, lang)
    present = [r for r in league.rows if key(r) is not None]
    missing = [r for r in league.rows if key(r) is None]
    return sorted(present, key=key, reverse=view.descending) + missing


def _breakable(text: str) -> str:
    """Long words with a soft hyphen before a common ending, so narrow KPI headings wrap instead of overlapping."""
    words = []
    for word in text.split(" "):
        if len(word) > 12 and "-" not in word and word.isascii():
            cut = next((word.rfind(end) for end in ("ization", "ation", "ment") if word.rfind(end) > 3), len(word) // 2)
            word = word[:cut] + "\u00ad" + word[cut:]
        words.append(word)
    return " ".join(words)


def _heading(column: str, text: str, view: ViewState, lang: str, css: str = "") -> html.Th:
    arrow = ("▼" if view.descending else "▲") if view.sort == column or (column == "rank" and not view.sort) else ""
    state = ("descending" if view.descending else "ascending") if arrow else "none"
    return html.Th(html.Button([_breakable(text), html.Span(arrow, className="sort-arrow")],
                               id={"type": SORT, "column": column},
                               className="sort-button", title=t("league.sort", lang, column=text)),
                   scope="col", className=css, **{"aria-sort": state})


def _cell(metric: Metric, row: Row, ranked: bool, period: str, lang: str) -> html.Td:
    cell = row.cells.get(metric.key)
    if cell is None or cell.value is None:
        return html.Td("—", className="kpi-cell st-unknown" + ("" if ranked else " unranked"),
                       title=f"{metric.title(lang)} · {t('metric.no_data', lang)}",
                       **{"data-metric": metric.key, "data-status": "unknown"})
    shown = format_value(cell.value, metric.unit, lang)
    tip = [metric.title(lang)]
    if cell.previous is not None:
        tip.append(t("league.previous", lang, period=period, value=format_value(cell.previous, metric.unit, lang))
                   + f" ({format_delta(cell.delta, metric.unit, lang)})")
    if ranked and cell.decision is not None:  # the department's own decision: its status words and why
        tip += [cell.decision.label(lang), cell.decision.sentence(lang)]
    return html.Td(shown, className=f"kpi-cell st-{cell.status.value}" + ("" if ranked else " unranked"),
                   title=" · ".join(tip), **{"data-metric": metric.key, "data-status": cell.status.value})


def _change(row: Row, period: str, lang: str) -> html.Td:
    change = row.rank_change
    if change is None:
        return html.Td("—", className="change rank-same")
    text, tone = (f"▲ {change}", "rank-up") if change > 0 else (f"▼ {-change}", "rank-down") if change < 0 else (
        "=", "rank-same")
    return html.Td(text, className=f"change {tone}", title=t("league.rank_was", lang, rank=row.previous_rank,
                                                           period=period), **{"data-change": str(change)})


def league_table(league: League, catalogue: Mapping[str, Metric], view: ViewState, highlight: str | None,
                 lang: str) -> html.Div:
    """Departments down, KPIs across (ranked ones first), each cell coloured by its status; headings sort."""
    if not league.rows:
        return html.Div(t("league.empty", lang), className="empty-note")
    ranked = set(league.ranked)
    unranked = [k for k in league.metrics if k not in ranked]
    period = labels.period_label(league.previous.start, league.previous.end, lang)
    group = html.Tr([html.Th("", colSpan=len(FIXED)),
                     html.Th(t("league.ranked", lang), colSpan=len(league.ranked), className="ranked"),
                     html.Th(t("league.unranked", lang), colSpan=len(unranked), className="unranked first-unranked")
                     if unranked else None], className="group")
    head = html.Tr([_heading("rank", t("league.rank", lang), view, lang, "rank-col"),
                    _heading("department", t("filter.department", lang), view, lang),
                    _heading("score", t("league.score", lang), view, lang),
                    _heading("change", t("word.change", lang), view, lang)]
                   + [_heading(k, catalogue[k].title(lang), view, lang,
                               "kpi-col" + (" first-unranked" if unranked and k == unranked[0] else ""))
                      for k in league.metrics])
    body = []
    for row in sorted_rows(league, view, catalogue, lang):
        score = row.score
        cells = [html.Td(str(row.rank) if row.rank is not None else "—", className="rank"),
                 html.Td(labels.value_label("department", row.department, lang), className="dept"),
                 html.Td([html.Span(format_value(score, Unit.PERCENT, lang) if score is not None else "—",
                                    className="score-value"),
                          html.Span(t("league.score_of", lang, on=row.on_target, judged=row.judged),
                                    className="score-of")], className="score"),
                 _change(row, period, lang)]
        for k in league.metrics:
            td = _cell(catalogue[k], row, k in ranked, period, lang)
            if unranked and k == unranked[0]:
                td.className = f"{td.className} first-unranked"
            cells.append(td)
        body.append(html.Tr(cells, className="highlight" if row.department == highlight else "",
                            **{"data-department": row.department, "data-rank": str(row.rank or "")}))
    return html.Div(html.Table([html.Thead([group, head]), html.Tbody(body)], className="league-table"),
                    className="league-wrap")


def legend(lang: str) -> html.Div:
    words = t("league.legend", lang)
    swatches = [html.Span(className=f"legend-swatch st-{s}") for s in ("on_track", "at_risk", "off_track", "too_few")]
    return html.Div([html.Span(swatches), html.Span(words)],
                    className="league-legend")


def league_frame(league: League, lang: str) -> pl.DataFrame:
    """The table as exported: one row per department, ranks and scores first, then each KPI's value."""
    records = []
    for r in league.rows:
        record: dict[str, Any] = {
            "rank": r.rank, "department": r.department,
            "department_name": labels.value_label("department", r.department, lang), "on_target": r.on_target,
            "judged": r.judged, "score": r.score, "previous_rank": r.previous_rank, "rank_change": r.rank_change}
        record.update({k: r.cells[k].value for k in league.metrics})
        records.append(record)
    schema = {"rank": pl.Int64, "department": pl.String, "department_name": pl.String, "on_target": pl.Int64,
              "judged": pl.Int64, "score": pl.Float64, "previous_rank": pl.Int64, "rank_change": pl.Int64,
              **{k: pl.Float64 for k in league.metrics}}
    return pl.DataFrame(records, schema=schema)


def sorted_view(view: ViewState, column: str) -> ViewState:
    """The view after a heading is pressed: sort by it, or flip the direction when it already sorts."""
    current = view.sort or "rank"
    descending = not view.descending if current == column else False
    return replace(view, sort="" if column == "rank" and not descending else column, descending=descending)
