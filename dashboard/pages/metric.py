"""Metric page: a KPI's trend toward its target, its breakdown and drill down to the records, and how it is computed."""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from config.errors import UsageError, VantageError
from dashboard import context, labels
from dashboard.components import error_block, warning_block
from dashboard.i18n import t
from dashboard.pages import _drill as drill
from dashboard.pages import _metric_views as views
from dashboard.pages._filters import filter_bar, register_filter_callback
from dashboard.pages._metric_ids import ids
from dashboard.safe import guarded
from dashboard.state import ViewState



def page_title(key: str | None = None) -> str:
    """The browser tab's title: the KPI's name, so a row of tabs (or a wall screen) says what each shows."""
    try:
        metric = context.engine().catalogue.get(key or "")
        return f"{metric.title(context.default_language())} · Vantage" if metric else "Vantage"
    except RuntimeError:  # outside a request (Dash asks at start-up)
        return "Vantage"


dash.register_page(__name__, path_template="/metric/<key>", name="Metric", title=page_title, nav=False)


def layout(key: str | None = None, **query: Any) -> html.Div:
    """The page skeleton for a metric and the URL's view; every part is filled by a callback."""
    view, problems = ViewState.from_query(query)
    lang = view.lang(context.default_language())
    engine = context.engine()
    metric = engine.catalogue.get(key or "")
    title = metric.title(lang) if metric else t("metric.unknown", lang)
    notes: list[Any] = [warning_block(problems, lang)]
    blocked = False  # an unknown metric or a wrong period: say so once, instead of in every part of the page
    if metric is None and key is not None:
        unknown = UsageError(f"unknown metric '{key}'", f"address /metric/{key}",
                             f"open a KPI from the overview, or use one of: {', '.join(engine.catalogue)}")
        notes.append(error_block(unknown.message, lang))
        blocked = True
    if metric is not None and view.department and "department" not in metric.dimensions:
        notes.append(dbc.Alert(t("metric.not_filterable", lang, title=title), color="info", className="view-note"))
    dimension, choices = None, ()
    if metric is not None:
        try:
            s = drill.scope(engine, metric, view, context.today())
            dimension, choices = s.dimension, s.choices
        except VantageError as exc:
            notes.append(error_block(exc.message, lang))
            blocked = True
    overview = view.shared().href(dash.get_relative_path("/"))
    pillar = t(f"pillar.{metric.pillar.value}", lang) if metric else ""
    return html.Div([
        dcc.Store(id=ids.VIEW, data=view.to_data()),
        dcc.Store(id=ids.KEY, data=key),
        html.Nav(html.Ol([html.Li(dcc.Link(t("nav.overview", lang), href=overview), className="breadcrumb-item"),
                          html.Li(pillar, className="breadcrumb-item"),
                          html.Li(title, className="breadcrumb-item active", **{"aria-current": "page"})],
                         className="breadcrumb"), **{"aria-label": "breadcrumb"}, className="page-crumbs"),
        html.Div([
            html.Div([html.H1(title, className="metric-title"),
                      html.P(metric.description(lang) if metric else "", className="metric-description"),
                      html.Div([html.Span(t("metric.owner", lang), className="fact-label"), " ",
                                metric.owner if metric else ""], className="metric-owner")], className="metric-head"),
            _export_menu(lang),
        ], className="metric-header"),
        *notes,
        filter_bar(ids.FILTERS, view, lang, context.today()),
        html.Div(_body(view, lang, key, dimension, choices), className="metric-body" + (" d-none" if blocked else "")),
        dcc.Download(id=ids.DOWNLOAD),
        dcc.Store(id=ids.PNG_SINK),
    ], className="page-metric", lang="zh-CN" if lang == "zh" else "en", **{"data-metric": key or ""})


def _body(view: ViewState, lang: str, key: str | None, dimension: str | None, choices: tuple[str, ...]) -> list:
    return [
        html.Div([
            html.Div([html.Div(id=ids.SUMMARY, className="summary-slot"),
                      html.P(id=ids.PROJECTION, className="projection"),
                      html.Div(id=ids.MILESTONES, className="milestone-list")], className="metric-side"),
            html.Section([html.H2(t("metric.trend", lang), className="section-title"),
                          dcc.Loading(html.Div(id=ids.TREND, className="trend-slot"), delay_show=400)],
                         className="card-section trend-section"),
        ], className="metric-top"),
        html.Section([
            html.Div([html.H2(t("metric.breakdown", lang), className="section-title"),
                      html.Div(id=ids.CRUMBS)], className="drill-head"),
            html.Div([html.Span(t("metric.breakdown_by", lang), className="fact-label me-2"),
                      dbc.RadioItems(id=ids.DIMENSION, value=dimension, className="btn-group",
                                     inputClassName="btn-check", labelClassName="btn btn-outline-secondary btn-sm",
                                     labelCheckedClassName="active",
                                     options=[{"label": labels.column_label(d, lang), "value": d} for d in choices])],
                     id=ids.DIMENSION_WRAP, className="dimension-picker" + ("" if choices else " d-none")),
            html.P(id=ids.HINT, className="drill-hint"),
            html.Div(id=ids.BREAKDOWN_ERROR),
            html.Div([dcc.Graph(id=ids.BREAKDOWN, config=views.graph_config(key, "breakdown"),
                                className="breakdown-graph"),
                      html.Div(id=ids.BREAKDOWN_TABLE)], id=ids.BREAKDOWN_WRAP),
            html.Div([html.Div(id=ids.RECORDS),
                      dbc.Pagination(id=ids.PAGER, max_value=1, active_page=view.page, fully_expanded=False,
                                     first_last=True, previous_next=True, className="records-pager mt-2")],
                     id=ids.RECORDS_WRAP, className="records d-none"),
        ], className="card-section drill-section"),
        html.Details([html.Summary(t("explain.title", lang)), html.Div(id=ids.EXPLAIN)],
                     className="card-section explain", open=True),
    ]


def _export_menu(lang: str) -> html.Div:
    menu = dbc.DropdownMenu([
        dbc.DropdownMenuItem(t("metric.export_trend", lang), id=ids.EXPORT_TREND),
        dbc.DropdownMenuItem(t("metric.export_breakdown", lang), id=ids.EXPORT_BREAKDOWN),
        dbc.DropdownMenuItem(t("metric.export_records", lang), id=ids.EXPORT_RECORDS),
        dbc.DropdownMenuItem(divider=True),
        dbc.DropdownMenuItem(t("metric.export_png_trend", lang), id=ids.EXPORT_PNG),
        dbc.DropdownMenuItem(t("metric.export_png", lang), header=True, className="export-hint"),
    ], label=t("metric.export", lang), color="secondary", align_end=True, size="sm", className="export-menu")
    return html.Div([menu, html.Div(id=ids.EXPORT_ERROR)], className="metric-actions")


def register_callbacks(app: Dash) -> None:
    register_filter_callback(app, ids.FILTERS, ids.VIEW)
    views.register_callbacks(app)

    @app.callback(Output(context.LOCATION, "href", allow_duplicate=True),
                  Input(ids.BREAKDOWN, "clickData"), Input(ids.DIMENSION, "value"), Input(ids.PAGER, "active_page"),
                  Input({"type": drill.SORT, "column": ALL}, "n_clicks"),
                  State(ids.KEY, "data"), State(ids.VIEW, "data"), State(context.LOCATION, "pathname"),
                  prevent_initial_call=True)
    def navigate(click: dict | None, dimension: str | None, active_page: int | None, _sorts: list,
                 key: str, data: dict, pathname: str) -> Any:
        """Each drill step, breakdown choice, page and sort becomes a URL, so the back button steps back through it."""
        view = ViewState.from_data(data)
        sorted_by = next((f["prop_id"] for f in ctx.triggered if drill.SORT in f["prop_id"] and f["value"]), None)
        column = json.loads(sorted_by.rsplit(".", 1)[0])["column"] if sorted_by else None
        new = guarded(lambda: next_view(key, view, click, dimension, active_page, column), lambda _message: view,
                      "en")  # the page already shows why it cannot go anywhere (unknown metric, wrong period)
        return no_update if new == view else new.href(pathname)


def next_view(key: str, view: ViewState, click: dict | None, dimension: str | None, active_page: int | None,
              sort_column: str | None) -> ViewState:
    """The view a user's action on the metric page leads to (the same view when nothing was done).

    Dash also runs the callback when a page first puts these controls on screen, so each value is compared
    with what the page showed instead of trusting which input fired.
    """
    engine = context.engine()
    metric = engine.metric(key)
    s = drill.scope(engine, metric, view, context.today())
    if sort_column:
        descending = not view.descending if view.sort == sort_column else False
        return replace(view, sort=sort_column, descending=descending, page=1)
    points = (click or {}).get("points") or []
    if points and s.clickable:
        return drill.drilled_to(view, s, str(points[0]["customdata"][0]))
    if dimension and dimension != s.dimension:
        return replace(view, by=dimension, page=1)
    if active_page and int(active_page) != view.page and s.at_records:
        return replace(view, page=int(active_page))
    return view
