"""Pieces of the improvement-loop page: complaint charts, the quarterly review preset and the definition history."""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from core import labels
from core.i18n import t
from dashboard.filters import FilterIds
from dashboard.pages.feedback._words import theme_label
from dashboard.state import ViewState
from dashboard.theme import OKABE_ITO, base_layout, palette
from metrics.engine.history import Version
from metrics.pack.feedback import THEMES, ThemeCounts
from metrics.semantics.model import Metric

TILES = ("feedback_satisfaction", "complaint_share")
HISTORY_SHOWN = 12
# One colour per theme, the same in both charts (Okabe-Ito, so colour-blind readers can tell them apart).
THEME_COLOURS = dict(zip((theme for theme, _ in THEMES), (OKABE_ITO["vermillion"], OKABE_ITO["blue"],
                                                          OKABE_ITO["orange"], OKABE_ITO["reddish_purple"],
                                                          OKABE_ITO["bluish_green"])))


class ids:
    VIEW = "feedback-view"
    FILTERS = FilterIds("feedback")
    TILE = "feedback-tile"  # pattern id {"type": TILE, "key": metric key}
    THEMES = "feedback-themes"
    THEMES_NOTE = "feedback-themes-note"
    SHIFT = "feedback-shift"
    HISTORY = "feedback-history"


def themes_figure(counts: ThemeCounts, lang: str, theme: str) -> go.Figure:
    """Complaint themes in the period, most frequent at the top, each bar its count and share of complaints."""
    p = palette(theme)
    frame = counts.overall
    names = [theme_label(x, lang) for x in frame["theme"]]
    shares = [t("feedback.of_complaints", lang, share=f"{s:.0%}") for s in frame["share"]]
    fig = go.Figure(go.Bar(
        x=list(frame["complaints"]), y=names, orientation="h",
        text=[f"{c} · {s}" for c, s in zip(frame["complaints"], shares)], textposition="outside", cliponaxis=False, textfont=dict(color=p.text),
        marker=dict(color=[THEME_COLOURS.get(x, p.series) for x in frame["theme"]]),
        hovertemplate="%{y}: <b>%{x}</b><extra></extra>"))
    fig.update_layout(base_layout(theme, height=300, margin=dict(l=8, r=180, t=8, b=8), bargap=0.35))
    fig.update_yaxes(autorange="reversed", automargin=True, showgrid=False, tickfont=dict(size=14, color=p.text))
    fig.update_xaxes(showgrid=True, rangemode="tozero")
    return fig


def shift_figure(counts: ThemeCounts, lang: str, theme: str) -> go.Figure:
    """Each theme's share of the quarter's responses, quarter by quarter: how complaints move as the programme
    lands (a month's hundred-odd answers are too few to read a trend from)."""
    p = palette(theme)
    fig = go.Figure(layout=base_layout(theme, height=300, margin=dict(l=8, r=8, t=30, b=8), hovermode="x unified"))
    frame = counts.by_period
    for name, _ in THEMES:
        part = frame.filter(frame["theme"] == name)
        if part.is_empty():
            continue
        fig.add_trace(go.Scatter(x=list(part["period"]), y=list(part["share"]), mode="lines+markers",
                                 name=theme_label(name, lang), line=dict(color=THEME_COLOURS.get(name), width=3),
                                 marker=dict(size=8), xperiod="M3", xperiodalignment="middle",
                                 hovertemplate="%{y:.0%}"))
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_xaxes(dtick="M3", tickformat="Q%q %Y" if lang != "zh" else "%Y年第%q季度", ticklabelmode="period")
    fig.update_layout(legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0,
                                  font=dict(color=p.text)))
    return fig


def review_links(view: ViewState, lang: str) -> html.Div:
    """The quarterly data review as a preset: the views it walks through, each for the last complete quarter."""
    quarter = ViewState(period="quarter", language=view.language, theme=view.theme)
    steps = [
        ("feedback.review_league", quarter.href(dash.get_relative_path("/league"))),
        ("assessment.title", ViewState(language=view.language, theme=view.theme).href(
            dash.get_relative_path("/assessment"))),
        ("feedback.review_feedback", quarter.href(dash.get_relative_path("/feedback"))),
        ("feedback.review_records", quarter.href(dash.get_relative_path("/metric/complaint_share"))),
    ]
    return html.Div([
        html.H2(t("feedback.review", lang), className="section-title"),
        html.Ol([html.Li(dcc.Link(t(key, lang), href=href)) for key, href in steps], className="review-list",
                id="feedback-review"),
        html.P(t("feedback.review_note", lang), className="review-note"),
    ])


def history_table(found: Sequence[Version], first: Version | None, tracked: int,
                  catalogue: Mapping[str, Metric], lang: str) -> Any:
    """The latest metric definition changes, newest first; or since when nothing has changed."""
    if not found:
        when = labels.date_label(first.recorded_at.date(), lang) if first else "—"
        return html.P(t("feedback.history_none", lang, date=when, count=tracked), className="empty-note")
    head = html.Tr([html.Th(t(k, lang), scope="col") for k in (
        "feedback.history_metric", "feedback.history_when", "feedback.history_versions")])
    rows = []
    for v in list(reversed(found))[:HISTORY_SHOWN]:
        metric = catalogue.get(v.metric)
        name = dcc.Link(metric.title(lang), href=dash.get_relative_path(f"/metric/{v.metric}")) if metric else v.metric
        rows.append(html.Tr([html.Td(name), html.Td(labels.time_label(v.recorded_at, lang)),
                             html.Td([html.Code((v.previous or "")[:8]), " → ", html.Code(v.version[:8])])],
                            **{"data-metric": v.metric}))
    return dbc.Table([html.Thead(head), html.Tbody(rows)], size="sm", className="history-table mb-0")
