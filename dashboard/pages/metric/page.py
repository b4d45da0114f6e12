"""Metric page: a KPI's trend toward its target, its breakdown and drill down to the records, and how it is computed."""
from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, dcc, html, no_update

from core.errors import UsageError, VantageError
from core.i18n import t
from dashboard import context
from dashboard.components import error_block, warning_block
from dashboard.filters import filter_bar, in_scope, register_filter_callback
from dashboard.pages.metric import _checkins as checkins
from dashboard.pages.metric import _drill as drill
from dashboard.pages.metric import _views as views
from dashboard.pages.metric import _why as why
from dashboard.pages.metric._ids import ids
from dashboard.safe import guarded, shown_message
from dashboard.state import ViewState, from_search


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
    view = in_scope(view)  # a department lead's view says it is their department's
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
    if metric is not None and view.department and context.scope_dimension() not in metric.dimensions:
        notes.append(dbc.Alert(t("metric.not_filterable", lang, title=title), color="info", className="view-note"))
    scope = None
    if metric is not None:
        try:
            scope = drill.scope(engine, metric, view, context.today())
        except VantageError as exc:
            notes.append(error_block(shown_message(exc, lang), lang))
            blocked = True
    overview = view.shared().href(dash.get_relative_path("/"))
    pillar = t(f"pillar.{metric.pillar.value}", lang) if metric else ""
    return html.Div([
        dcc.Store(id=ids.VIEW, data=view.to_data()),
        dcc.Store(id=ids.KEY, data=key),
        # The page's own steps change the address and the view without the page being built again (metric.js).
        dcc.Store(id=ids.ADDRESS), dcc.Store(id=ids.GO), dcc.Store(id=ids.SHOWN), dcc.Store(id=ids.STEP),
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
        html.Div(_body(view, lang, key, scope), className="metric-body" + (" d-none" if blocked else "")),
        dcc.Download(id=ids.DOWNLOAD),
        dcc.Store(id=ids.PNG_SINK),
    ], className="page-metric", lang="zh-CN" if lang == "zh" else "en", **{"data-metric": key or ""})


def _body(view: ViewState, lang: str, key: str | None, scope: drill.Scope | None) -> list:
    return [
        html.Div([
            html.Div([html.Div(id=ids.SUMMARY, className="summary-slot"),
                      html.P(id=ids.PROJECTION, className="projection"),
                      html.Div(id=ids.MILESTONES, className="milestone-list")], className="metric-side"),
            html.Section([html.H2(t("metric.trend", lang), className="section-title"),
                          dcc.Loading(html.Div([
                              # One chart for the page's life: a drill step redraws it in place (plotly.react).
                              dcc.Graph(id=ids.TREND_GRAPH, figure=views.NO_FIGURE,
                                        config=views.graph_config(key, "trend"), className="trend-graph"),
                              html.Div(id=ids.TREND_NOTE)], id=ids.TREND, className="trend-slot"), delay_show=400)],
                         className="card-section trend-section"),
        ], className="metric-top"),
        html.Section([
            html.Div([html.H2(t("metric.breakdown", lang), className="section-title"),
                      html.Div(id=ids.CRUMBS)], className="drill-head"),
            html.Div([html.Span(t("metric.breakdown_by", lang), className="fact-label me-2"),
                      html.Div(drill.dimension_picker(scope, lang), id=ids.DIMENSION_SLOT)],
                     id=ids.DIMENSION_WRAP,
                     className="dimension-picker" + ("" if scope and scope.choices else " d-none")),
            html.P(id=ids.HINT, className="drill-hint"),
            html.Div(id=ids.BREAKDOWN_ERROR),
            html.Div([dcc.Graph(id=ids.BREAKDOWN, config=views.graph_config(key, "breakdown"),
                                className="breakdown-graph"),
                      html.Div(id=ids.BREAKDOWN_TABLE)], id=ids.BREAKDOWN_WRAP),
            html.Div([html.Div(id=ids.RECORDS), html.Div(drill.pager(view, max(1, view.page)), id=ids.PAGER_SLOT)],
                     id=ids.RECORDS_WRAP, className="records d-none"),
        ], className="card-section drill-section"),
        html.Section([html.H2(t("why.title", lang), className="section-title"), html.Div(id=ids.WHY)],
                     className="card-section why-section"),
        checkins.section(context.engine().catalogue.get(key or ""), lang, context.today(),
                         scope.filters.end if scope else None),
        html.Details([html.Summary(t("explain.title", lang)), html.Div(id=ids.EXPLAIN)],
                     className="card-section explain", open=False),
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
    why.register_callbacks(app)
    checkins.register_callbacks(app)

    # A click on a bar goes one level down in the browser: the bar carries the address it leads to and the view
    # that address stands for, so the page asks for the next level's numbers at once.
    app.clientside_callback(
        """function(click) {
            const point = click && click.points && click.points[0];
            return window.dash_clientside.vantage_metric.go(point && point.customdata && point.customdata[3]);
        }""",
        Output(ids.VIEW, "data", allow_duplicate=True), Input(ids.BREAKDOWN, "clickData"), prevent_initial_call=True)
    app.clientside_callback(ClientsideFunction("vantage_metric", "go"), Output(ids.VIEW, "data", allow_duplicate=True),
                            Input(ids.GO, "data"), prevent_initial_call=True)

    # The picker, pager and sort buttons are drawn again with each view, and Dash runs callbacks for controls it
    # draws: only a value that differs from what was drawn (or a click) is a user's step.
    app.clientside_callback(
        """function(by, page, sorts, shown) {
            const clicked = (window.dash_clientside.callback_context.triggered || [])
                .find(t => t.prop_id.indexOf('"__SORT__"') >= 0 && t.value);
            const step = clicked ? {sort: JSON.parse(clicked.prop_id.split(".n_clicks")[0]).column}
                : by && shown && by !== shown.by ? {by: by}
                : page && shown && page !== shown.page ? {page: page} : null;
            return step ? Object.assign(step, {at: Date.now()}) : window.dash_clientside.no_update;
        }""".replace("__SORT__", drill.SORT),
        Output(ids.STEP, "data"), Input(ids.DIMENSION, "value"), Input(ids.PAGER, "active_page"),
        Input({"type": drill.SORT, "column": ALL}, "n_clicks"), State(ids.SHOWN, "data"), prevent_initial_call=True)

    @app.callback(Output(ids.GO, "data"), Input(ids.STEP, "data"), State(ids.KEY, "data"), State(ids.VIEW, "data"),
                  prevent_initial_call=True)
    def navigate(step: dict | None, key: str, data: dict) -> Any:
        """Each breakdown choice, page and sort becomes an address, so the back button steps back through it
        and a copied link opens it; only the parts of the page that depend on it are redrawn."""
        view = ViewState.from_data(data)
        new = guarded(lambda: drill.next_view(context.engine(), key, view, step or {}, context.today()),
                      lambda _message: view,
                      "en")  # the page already shows why it cannot go anywhere (unknown metric, wrong period)
        return no_update if new == view else {"search": new.query(), "view": new.to_data()}

    @app.callback(Output(ids.VIEW, "data", allow_duplicate=True), Input(ids.ADDRESS, "data"), State(ids.KEY, "data"),
                  State(ids.VIEW, "data"), prevent_initial_call=True)
    def follow_address(address: str | None, key: str | None, data: dict) -> Any:
        """The view of the address after the back or forward button or a link within the page changed it.

        Dash pages builds the page again only when the address differs from the one it last built; every other
        change lands here, so the page always shows what its address says.
        """
        path, _, search = (address or "").partition("?")
        if not key or dash.strip_relative_path(path) != f"metric/{key}":
            return no_update  # leaving the page: the next page is on its way
        view = in_scope(from_search(search))
        return no_update if view == ViewState.from_data(data) else view.to_data()
