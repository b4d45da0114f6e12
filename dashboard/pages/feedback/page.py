"""The improvement loop: the monthly user-feedback survey, its most frequent complaints and how they shift, the
quarterly review preset, and the history of metric definition changes."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import dash
from dash import MATCH, Dash, Input, Output, State, dcc, html, no_update

from core import labels
from core.i18n import t
from dashboard import context
from dashboard.components import error_block, kpi_tile, tile_placeholder, warning_block
from dashboard.figures import blank, trend_window
from dashboard.filters import filter_bar, register_filter_callback
from dashboard.needs import Missing, Setup, listing, unmet, unmet_page, unregistered
from dashboard.pages.feedback._parts import TILES, history_table, ids, review_links, shift_figure, themes_figure
from dashboard.safe import guarded
from dashboard.state import ViewState
from metrics.engine import history
from metrics.engine.periods import add_months
from metrics.pack.feedback import THEMES_SHOWN, theme_counts
from metrics.semantics.model import Grain

PATH = "/feedback"
SPARK_MONTHS = 12


def page_title(**_: Any) -> str:
    try:
        return f"{t('feedback.title', context.default_language())} · Vantage"
    except RuntimeError:  # outside a request (Dash asks at start-up)
        return "Improvement loop · Vantage"


def needs(found: Setup) -> Missing | None:
    """The survey's metrics, registered."""
    absent = unregistered(found.catalogue, TILES)
    if not absent:
        return None
    return Missing("feedback.needs", "Programme assessment and the improvement loop",
                   "programme-assessment-and-the-improvement-loop", {"metrics": listing(absent)})


dash.register_page(__name__, path=PATH, name="Improvement loop", title=page_title, order=7, nav=True,
                   label_key="nav.feedback", needs=needs)


def layout(**query: Any) -> html.Div:
    """The page skeleton for the URL's view; tiles, charts and the history are filled by callbacks."""
    view, problems = ViewState.from_query(query)
    lang = view.lang(context.default_language())
    if (gap := unmet(needs)) is not None:
        return unmet_page(gap, t("feedback.title", lang), lang, "page-feedback")
    theme = view.theme_name()
    catalogue = context.engine().catalogue
    graph = {"displayModeBar": False}
    tiles = [html.Div(tile_placeholder(catalogue[k], lang), id={"type": ids.TILE, "key": k}, className="tile-slot")
             for k in TILES if k in catalogue]
    return html.Div([
        dcc.Store(id=ids.VIEW, data=view.to_data()),
        html.Div(html.Div([html.H1(t("feedback.title", lang), className="page-title"),
                           html.P(t("feedback.method", lang), className="page-lead")], className="page-head-text"),
                 className="page-head"),
        warning_block(problems, lang),
        filter_bar(ids.FILTERS, view, lang, context.today()),
        html.Div([*tiles, html.Section(review_links(view, lang), className="card-section review-section")],
                 className="feedback-grid"),
        html.Div([
            html.Section([html.Div([html.H2(t("feedback.themes", lang), className="section-title"),
                                    html.Span(id=ids.THEMES_NOTE, className="section-note")], className="section-head"),
                          dcc.Graph(id=ids.THEMES, figure=blank(theme, 300), config=graph)],
                         className="card-section"),
            html.Section([html.Div([html.H2(t("feedback.shift", lang), className="section-title"),
                                    html.Span(t("feedback.shift_note", lang), className="section-note")],
                                   className="section-head"),
                          dcc.Graph(id=ids.SHIFT, figure=blank(theme, 300), config=graph)],
                         className="card-section"),
        ], className="feedback-charts"),
        html.Section([html.Div([html.H2(t("feedback.history", lang), className="section-title"),
                                html.Span(t("feedback.history_note", lang), className="section-note")],
                               className="section-head"),
                      html.Div(id=ids.HISTORY)], className="card-section history-section"),
    ], className="page-feedback", lang="zh-CN" if lang == "zh" else "en")


def tile(key: str, view: ViewState) -> Any:
    """A survey KPI's tile: headline, monthly sparkline and freshness, linking to its metric page."""
    engine = context.engine()
    lang, theme = view.lang(context.default_language()), view.theme_name()
    metric = engine.metric(key)
    filters = view.filters(context.today(), metric.dimensions, engine.config.scope_dimension)
    last = (filters.end - timedelta(days=1)).replace(day=1)
    spark = engine.trend(key, filters.with_period(add_months(last, 1 - SPARK_MONTHS), add_months(last, 1))).data
    answer = engine.headline(key, filters)
    context.audit("view", key, filters.params())  # once the numbers are in hand: a refused question is no view
    return kpi_tile(metric, lang, theme, view.shared().href(dash.get_relative_path(f"/metric/{key}")),
                    answer=answer, sparkline=list(spark["value"]) if spark.height else [])


def charts(view: ViewState) -> tuple:
    """The complaint themes of the period and, since the baseline, how their shares moved month by month."""
    engine = context.engine()
    lang, theme = view.lang(context.default_language()), view.theme_name()
    metric = engine.metric("complaint_share")
    filters = view.filters(context.today(), metric.dimensions, engine.config.scope_dimension)
    counts = theme_counts(engine, filters)
    baseline = engine.baseline_period(metric)
    start = trend_window(filters.end, engine.programme_start(), baseline[0] if baseline else None)
    since = theme_counts(engine, filters.with_period(start, filters.end), Grain.QUARTER)
    period = labels.period_label(filters.start, filters.end, lang)
    note = t("feedback.themes_note", lang, complaints=f"{counts.complaints:,}", responses=f"{counts.responses:,}",
             period=period)
    if counts.truncated:
        note += " " + t("feedback.truncated", lang, shown=f"{THEMES_SHOWN:,}")
    themes = themes_figure(counts, lang, theme) if counts.complaints else blank(theme, 300)
    if not counts.complaints:
        note = t("feedback.no_complaints", lang)
    return themes, note, shift_figure(since, lang, theme)


def definition_history(view: ViewState) -> Any:
    lang = view.lang(context.default_language())
    catalogue = context.engine().catalogue
    found = history.versions(context.config().data_path / history.FILE_NAME, catalogue)
    first = found[0] if found else None
    return history_table([v for v in found if v.is_change], first, len(catalogue), catalogue, lang)


def register_callbacks(app: Dash) -> None:
    register_filter_callback(app, ids.FILTERS, ids.VIEW)

    @app.callback(Output({"type": ids.TILE, "key": MATCH}, "children"), Input({"type": ids.TILE, "key": MATCH}, "id"),
                  State(ids.VIEW, "data"))
    def fill_tile(slot: dict, data: dict) -> Any:
        view = ViewState.from_data(data)
        lang = view.lang(context.default_language())
        metric = context.engine().catalogue.get(slot["key"])
        return guarded(lambda: tile(slot["key"], view),
                       lambda m: kpi_tile(metric, lang, view.theme_name(), None, error=m) if metric else
                       error_block(m, lang), lang)

    @app.callback(Output(ids.THEMES, "figure"), Output(ids.THEMES_NOTE, "children"), Output(ids.SHIFT, "figure"),
                  Input(ids.VIEW, "data"))
    def fill_charts(data: dict) -> tuple:
        view = ViewState.from_data(data)
        lang = view.lang(context.default_language())
        return guarded(lambda: charts(view), lambda m: (no_update, error_block(m, lang, compact=True), no_update),
                       lang)

    @app.callback(Output(ids.HISTORY, "children"), Input(ids.VIEW, "data"))
    def fill_history(data: dict) -> Any:
        view = ViewState.from_data(data)
        lang = view.lang(context.default_language())
        return guarded(lambda: definition_history(view), lambda m: error_block(m, lang), lang)
