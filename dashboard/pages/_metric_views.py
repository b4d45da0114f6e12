"""The metric page's data callbacks: thin adapters from the URL's view to the engine and back to components."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import context, labels
from dashboard.components import error_block, kpi_tile
from dashboard.figures import DefinitionChange, breakdown_figure, trend_figure, trend_window
from dashboard.i18n import t
from dashboard.pages import _drill as drill
from dashboard.pages._metric_ids import ids
from dashboard.pages._metric_parts import (EXPORT_ROWS, csv_text, explain_panel, labelled, milestones_for,
                                           projection_text)
from dashboard.safe import guarded
from dashboard.state import ViewState
from metrics import history
from metrics.model import Grain, Metric

HIDDEN = " d-none"


@dataclass(frozen=True)
class Request:
    """What every callback of the page works from: the engine, the metric, the view and where it has drilled."""

    engine: Any
    metric: Metric
    view: ViewState
    lang: str
    theme: str
    scope: drill.Scope


def request(key: str | None, data: dict) -> Request:
    """The request of a page render; CatalogueError for an unknown metric, UsageError for a wrong period."""
    engine = context.engine()
    view = ViewState.from_data(data)
    metric = engine.metric(key or "")
    return Request(engine, metric, view, view.lang(context.default_language()), view.theme_name(),
                   drill.scope(engine, metric, view, context.today()))


def lang_of(data: dict) -> str:
    return ViewState.from_data(data).lang(context.default_language())


def graph_config(key: str | None, what: str) -> dict:
    """Plotly's own toolbar: PNG download named after the view, no logo, no selection tools."""
    return {"displaylogo": False,
            # No "share to cloud" button: figures stay on this server.
            "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "sendChartToCloud"],
            "toImageButtonOptions": {"format": "png", "filename": f"vantage-{key}-{what}", "scale": 2}}


def summary(r: Request) -> tuple[Any, str]:
    answer = r.engine.headline(r.metric.key, r.scope.filters)
    context.audit("view", r.metric.key, r.scope.filters.params())
    tile = kpi_tile(r.metric, r.lang, r.theme, None, answer=answer, size="summary")
    return tile, projection_text(r.metric, answer.data, r.lang)


def milestone_list(r: Request) -> Any:
    """The plan's milestones linked to this KPI, latest first, as a list beside the chart that marks them."""
    lane = milestones_for(r.engine.milestones(), r.metric.key, r.lang)
    if not lane:
        return None
    latest_first = sorted(lane, key=lambda m: m.on, reverse=True)
    items = [html.Li([html.Span(m.milestone_id, className="milestone-id"), html.Span(m.title),
                      html.Span(m.status, className="milestone-when")]) for m in latest_first]
    return [html.H3(t("metric.milestones", r.lang)), html.Ol(items)]


def trend(r: Request) -> Any:
    """The trend since the baseline, at the drilled scope, with target, baseline, milestones and projection."""
    engine, metric, filters = r.engine, r.metric, r.scope.filters
    answer = engine.headline(metric.key, filters)
    baseline = engine.baseline_period(metric)
    start = trend_window(filters.end, engine.programme_start(), baseline[0] if baseline else None)
    frame = engine.trend(metric.key, filters.with_period(start, filters.end), Grain.MONTH).data
    if frame.is_empty():
        return html.Div(t("metric.no_data", r.lang), className="empty-note")
    h = answer.data
    figure = trend_figure(metric, list(frame["period"]), list(frame["value"]), r.lang, r.theme,
                          selected=(filters.start, filters.end), baseline=h.baseline, target_date=h.target_date,
                          months_to_target=h.months_to_target,
                          milestones=milestones_for(engine.milestones(), metric.key, r.lang),
                          definition_changes=definition_changes(r))
    return dcc.Graph(id="metric-trend-graph", figure=figure, config=graph_config(metric.key, "trend"),
                     className="trend-graph")


def definition_changes(r: Request) -> list[DefinitionChange]:
    """Where this metric's definition, or that of a metric it is computed from, changed (from the history log)."""
    catalogue = r.engine.catalogue
    found = history.changes(context.config().data_path / history.FILE_NAME, history.lineage(r.metric.key, catalogue))
    return [DefinitionChange(v.recorded_at.date(), t(
        "chart.definition_note", r.lang, date=labels.date_label(v.recorded_at.date(), r.lang),
        metric=catalogue[v.metric].title(r.lang) if v.metric in catalogue else v.metric,
        before=(v.previous or "")[:8], after=v.version[:8])) for v in found]


def drill_panel(r: Request, path: str) -> tuple:
    """Breadcrumbs, hint, breakdown (chart and table) or, at the end of the path, the records; the pager's size."""
    s, lang = r.scope, r.lang
    crumbs = drill.crumbs(r.metric, r.view, s, path, lang)
    route = " → ".join(labels.column_label(d, lang) for d in r.metric.drill_path)
    hidden = (go.Figure(), "breakdown" + HIDDEN, None)
    if s.at_records:
        page = r.engine.detail(r.metric.key, s.filters, r.view.page - 1, drill.PAGE_SIZE, r.view.sort or None,
                               r.view.descending).data
        pages = drill.page_count(page.total)
        fixed = frozenset(d for d, _ in s.filters.where)
        return (crumbs, "", *hidden, None, drill.records_table(page, r.view, lang, fixed),
                "records" + (" single-page" if pages == 1 else ""), pages)
    if s.dimension is None:
        return crumbs, t("metric.no_drill", lang), *hidden, None, None, "records" + HIDDEN, 1
    frame = r.engine.breakdown(r.metric.key, s.filters, s.dimension).data
    if frame.is_empty():
        return crumbs, t("metric.no_data", lang), *hidden, None, None, "records" + HIDDEN, 1
    figure = breakdown_figure(r.metric, s.dimension, list(frame[s.dimension]), list(frame["value"]),
                              list(frame["rows"]), lang, r.theme, s.clickable)
    hint = (t("metric.drill_hint", lang, path=route) if s.clickable else
            t("metric.drill_other", lang, path=route, next=labels.column_label(s.next_dimension or "", lang))
            if s.next_dimension else "")
    table = drill.breakdown_table(r.metric, s, frame, r.view, path, lang)
    return (crumbs, hint, figure, "breakdown" + (" clickable" if s.clickable else ""), table, None, None,
            "records" + HIDDEN, 1)


def explain(r: Request) -> Any:
    answer = r.engine.headline(r.metric.key, r.scope.filters)
    return explain_panel(r.metric, r.engine.explain(r.metric.key, r.scope.filters), answer, r.view, r.lang)


def export(r: Request, what: str) -> dict:
    """The data behind the part of the view asked for, as a CSV download."""
    engine, key, s = r.engine, r.metric.key, r.scope
    stamp = f"{s.filters.start:%Y%m%d}-{s.filters.end:%Y%m%d}"
    if what == ids.EXPORT_TREND:
        baseline = engine.baseline_period(r.metric)
        start = trend_window(s.filters.end, engine.programme_start(), baseline[0] if baseline else None)
        frame = engine.trend(key, s.filters.with_period(start, s.filters.end), Grain.MONTH).data
        name = f"vantage-{key}-trend-{stamp}.csv"
    elif what == ids.EXPORT_RECORDS or s.at_records:
        frame = engine.detail(key, s.filters, 0, EXPORT_ROWS, r.view.sort or None, r.view.descending).data.rows
        name = f"vantage-{key}-records-{stamp}.csv"
    else:
        dimension = s.dimension or (r.metric.dimensions[0] if r.metric.dimensions else None)
        if dimension is None:
            return no_update
        frame = labelled(engine.breakdown(key, s.filters, dimension).data, dimension, r.lang)
        name = f"vantage-{key}-by-{dimension}-{stamp}.csv"
    context.audit("export", name, s.filters.params())
    return dcc.send_string(csv_text(frame), name)


def register_callbacks(app: Dash) -> None:
    """Each part of the page fills itself from the view; a failing part shows its error, the others still render."""
    view_inputs = (Input(ids.KEY, "data"), Input(ids.VIEW, "data"))

    @app.callback(Output(ids.SUMMARY, "children"), Output(ids.PROJECTION, "children"), *view_inputs)
    def fill_summary(key: str, data: dict) -> tuple:
        lang = lang_of(data)
        return guarded(lambda: summary(request(key, data)), lambda m: (error_block(m, lang), ""), lang)

    @app.callback(Output(ids.MILESTONES, "children"), *view_inputs)
    def fill_milestones(key: str, data: dict) -> Any:
        lang = lang_of(data)
        return guarded(lambda: milestone_list(request(key, data)), lambda m: error_block(m, lang, compact=True), lang)

    @app.callback(Output(ids.TREND, "children"), *view_inputs)
    def fill_trend(key: str, data: dict) -> Any:
        lang = lang_of(data)
        return guarded(lambda: trend(request(key, data)), lambda m: error_block(m, lang), lang)

    @app.callback(Output(ids.CRUMBS, "children"), Output(ids.HINT, "children"), Output(ids.BREAKDOWN, "figure"),
                  Output(ids.BREAKDOWN_WRAP, "className"), Output(ids.BREAKDOWN_TABLE, "children"),
                  Output(ids.BREAKDOWN_ERROR, "children"), Output(ids.RECORDS, "children"),
                  Output(ids.RECORDS_WRAP, "className"), Output(ids.PAGER, "max_value"),
                  *view_inputs, State(context.LOCATION, "pathname"))
    def fill_drill(key: str, data: dict, pathname: str | None) -> tuple:
        lang = lang_of(data)
        failed = lambda m: (None, "", go.Figure(), "breakdown" + HIDDEN, None, error_block(m, lang),  # noqa: E731
                            None, "records" + HIDDEN, 1)
        return guarded(lambda: drill_panel(request(key, data), pathname or "/"), failed, lang)

    @app.callback(Output(ids.EXPLAIN, "children"), *view_inputs)
    def fill_explain(key: str, data: dict) -> Any:
        lang = lang_of(data)
        return guarded(lambda: explain(request(key, data)), lambda m: error_block(m, lang), lang)

    @app.callback(Output(ids.DOWNLOAD, "data"), Output(ids.EXPORT_ERROR, "children"),
                  Input(ids.EXPORT_TREND, "n_clicks"), Input(ids.EXPORT_BREAKDOWN, "n_clicks"),
                  Input(ids.EXPORT_RECORDS, "n_clicks"), State(ids.KEY, "data"), State(ids.VIEW, "data"),
                  prevent_initial_call=True)
    def download(_trend: int | None, _breakdown: int | None, _records: int | None, key: str, data: dict) -> tuple:
        lang = lang_of(data)
        if not any(f["value"] for f in ctx.triggered):
            return no_update, no_update  # the menu appearing on screen is no click
        what = str(ctx.triggered_id)
        return guarded(lambda: (export(request(key, data), what), None),
                       lambda m: (no_update, error_block(m, lang, compact=True)), lang)

    # PNG of the trend through plotly.js itself, so the picture is exactly the chart on screen.
    app.clientside_callback(
        """function(n, key) {
            const graph = document.querySelector("#metric-trend .js-plotly-plot");
            if (n && graph && window.Plotly) {
                window.Plotly.downloadImage(graph, {format: "png", scale: 2, filename: "vantage-" + key + "-trend"});
            }
            return n || 0;
        }""",
        Output(ids.PNG_SINK, "data"), Input(ids.EXPORT_PNG, "n_clicks"), State(ids.KEY, "data"),
        prevent_initial_call=True)
