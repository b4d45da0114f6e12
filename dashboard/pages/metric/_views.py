"""The metric page's data callbacks: thin adapters from the URL's view to the engine and back to components."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from dash import Dash, Input, Output, State, ctx, dcc, html, no_update
from dash._no_update import NoUpdate

from core import labels
from core.csvfile import frame_csv
from core.i18n import t
from dashboard import context, rendered
from dashboard.components import error_block, kpi_tile
from dashboard.figures import DefinitionChange, breakdown_figure, trend_figure, trend_window
from dashboard.pages.metric import _drill as drill
from dashboard.pages.metric._ids import ids
from dashboard.pages.metric._parts import EXPORT_ROWS, explain_panel, labelled, restated_note, shown_values
from dashboard.safe import guarded
from dashboard.state import ViewState
from metrics.engine import history
from metrics.engine.answers import Answer, Headline
from metrics.engine.protocol import Questions
from metrics.semantics.model import Grain, Metric
from programme.milestones import milestones_for

T = TypeVar("T")
U = TypeVar("U")
HIDDEN = " d-none"
# An empty chart of the trend's height with nothing drawn: what a chart shows before or instead of its numbers.
NO_FIGURE: dict[str, Any] = {"data": [], "layout": {"height": 420, "xaxis": {"visible": False},
                                                    "yaxis": {"visible": False}, "paper_bgcolor": "rgba(0,0,0,0)",
                                                    "plot_bgcolor": "rgba(0,0,0,0)"}}


@dataclass(frozen=True)
class Request:
    """What every callback of the page works from: the engine, the metric, the view and where it has drilled."""

    engine: Questions
    metric: Metric
    view: ViewState
    lang: str
    theme: str
    scope: drill.Scope


class Whole:
    """Whether a render of the page came out complete (no part failed, no answer a last good one), so it may be
    kept (dashboard/rendered.py)."""

    def __init__(self) -> None:
        self.ok = True

    def saw(self, answer: Answer[T]) -> Answer[T]:
        self.ok = self.ok and not answer.stale_reason
        return answer

    def failed(self, on_error: Callable[[str], U]) -> Callable[[str], U]:
        def shown(message: str) -> U:
            self.ok = False
            return on_error(message)
        return shown


def kept(what: str, key: str | None, data: dict, draw: Callable[[Whole], tuple | Any], seen: Callable[[], Any],
         also: Callable[[], Any] = lambda: None) -> rendered.Drawn:
    """A callback's answer for a metric and view through the app's kept renders: `draw` fills a Whole, `seen`
    gives the KPI views it shows for the audit trail (recorded by the caller, kept render or not)."""
    def drawn() -> rendered.Drawn:
        whole = Whole()
        output = draw(whole)
        shown = tuple(p if isinstance(p, NoUpdate) else rendered.plain(p) for p in output) \
            if isinstance(output, tuple) else rendered.plain(output)
        return rendered.Drawn(shown, seen(), whole.ok)
    return rendered.remember(what, ViewState.from_data(data), [key or ""], drawn, also)


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


def summary(r: Request, answer: Answer[Headline]) -> tuple[Any, str]:
    """The headline as a tile named for the drilled part, and why its status is what it is (the decision's
    sentence)."""
    scope = " / ".join(labels.value_label(d, v, r.lang) for d, v in r.scope.chosen)  # the drill's number, named
    tile = kpi_tile(r.metric, r.lang, r.theme, None, answer=answer, size="summary", scope=scope)
    return tile, answer.data.decision.sentence(r.lang)


def milestone_list(r: Request) -> Any:
    """The plan's milestones linked to this KPI, latest first, as a list beside the chart that marks them."""
    lane = milestones_for(r.engine.milestones(), r.metric.key, r.lang)
    if not lane:
        return None
    latest_first = sorted(lane, key=lambda m: m.on, reverse=True)
    items = [html.Li([html.Span(m.milestone_id, className="milestone-id"), html.Span(m.title),
                      html.Span(m.status, className="milestone-when")]) for m in latest_first]
    return [html.H3(t("metric.milestones", r.lang)), html.Ol(items)]


def trend(r: Request, answer: Answer[Headline], whole: Whole | None = None) -> tuple[dict[str, Any], str, Any]:
    """The trend since the baseline, at the drilled scope, with target, baseline, milestones and projection:
    the figure, the chart's class and a note in its place when there is nothing to draw."""
    engine, metric, filters = r.engine, r.metric, r.scope.filters
    baseline = engine.baseline_period(metric)
    start = trend_window(filters.end, engine.programme_start(), baseline[0] if baseline else None)
    frame = (whole or Whole()).saw(engine.trend(metric.key, filters.with_period(start, filters.end), Grain.MONTH)).data
    if frame.is_empty():
        return NO_FIGURE, "trend-graph" + HIDDEN, html.Div(t("metric.no_data", r.lang), className="empty-note")
    h = answer.data
    figure = trend_figure(metric, list(frame["period"]), list(frame["value"]), r.lang, r.theme,
                          selected=(filters.start, filters.end), baseline=h.baseline, target_date=h.target_date,
                          months_to_target=h.months_to_target, target=h.target,
                          milestones=milestones_for(engine.milestones(), metric.key, r.lang),
                          definition_changes=definition_changes(r))
    return figure, "trend-graph", None


def definition_changes(r: Request) -> list[DefinitionChange]:
    """Where this metric's definition, or that of a metric it is computed from, changed (from the history log)."""
    catalogue = r.engine.catalogue
    found = history.changes(context.config().data_path / history.FILE_NAME, history.lineage(r.metric.key, catalogue))
    return [DefinitionChange(v.recorded_at.date(), t(
        "chart.definition_note", r.lang, date=labels.date_label(v.recorded_at.date(), r.lang),
        metric=catalogue[v.metric].title(r.lang) if v.metric in catalogue else v.metric,
        before=(v.previous or "")[:8], after=v.version[:8])) for v in found]


DRILL_OUTPUTS = ("crumbs", "hint", "figure", "breakdown_class", "table", "error", "records", "records_class",
                 "pager", "picker", "picker_class", "shown")


def drill_panel(r: Request, path: str, whole: Whole | None = None) -> tuple:
    """Breadcrumbs, hint, breakdown (chart and table) or, at the end of the path, the records and their pager;
    the breakdown picker for this level. In the order of DRILL_OUTPUTS."""
    s, lang, whole = r.scope, r.lang, whole or Whole()
    parts: dict[str, Any] = {
        "crumbs": drill.crumbs(r.metric, r.view, s, path, lang), "hint": "", "figure": NO_FIGURE,
        "breakdown_class": "breakdown" + HIDDEN, "table": None, "error": None, "records": None,
        # The picker and pager are drawn only where they show: each one drawn is work for the browser.
        "records_class": "records" + HIDDEN, "pager": no_update,
        "picker": no_update if s.at_records else drill.dimension_picker(s, lang),
        "picker_class": "dimension-picker" + ("" if s.choices and not s.at_records else HIDDEN),
        "shown": {"by": s.dimension, "page": r.view.page}}
    route = " → ".join(labels.column_label(d, lang) for d in r.metric.drill_path)
    if s.at_records:
        page = whole.saw(r.engine.detail(r.metric.key, s.filters, r.view.page - 1, drill.PAGE_SIZE,
                                         r.view.sort or None, r.view.descending)).data
        pages = drill.page_count(page.total)
        fixed = frozenset(d for d, _ in s.filters.where)
        parts.update(records=drill.records_table(page, r.view, lang, fixed), pager=drill.pager(r.view, pages),
                     records_class="records" + (" single-page" if pages == 1 else ""))
    elif s.dimension is None:
        parts["hint"] = t("metric.no_drill", lang)
    else:
        frame = whole.saw(r.engine.breakdown(r.metric.key, s.filters, s.dimension)).data
        if frame.is_empty():
            parts["hint"] = t("metric.no_data", lang)
        else:
            parts.update(
                figure=breakdown_figure(
                    r.metric, s.dimension, list(frame[s.dimension]), list(frame["value"]), list(frame["rows"]), lang,
                    r.theme, s.clickable, [_step(drill.drilled_to(r.view, s, str(v))) for v in frame[s.dimension]]
                    if s.clickable else ()),
                breakdown_class="breakdown" + (" clickable" if s.clickable else ""),
                table=drill.breakdown_table(r.metric, s, frame, r.view, path, lang),
                hint=(t("metric.drill_hint", lang, path=route) if s.clickable else
                      t("metric.drill_other", lang, path=route,
                        next=labels.column_label(s.next_dimension or "", lang)) if s.next_dimension else ""))
    return tuple(parts[name] for name in DRILL_OUTPUTS)


def _step(view: ViewState) -> dict[str, Any]:
    """Where a bar leads: the address and the view it stands for, so a click needs no round trip to know."""
    return {"search": view.query(), "view": view.to_data()}


def drill_failed(message: str, lang: str) -> tuple:
    """The drill panel when its numbers cannot be had: the error where the breakdown would be."""
    parts = dict(zip(DRILL_OUTPUTS, (None, "", NO_FIGURE, "breakdown" + HIDDEN, None, error_block(message, lang),
                                     None, "records" + HIDDEN, drill.pager(ViewState(), 1),
                                     drill.dimension_picker(None, lang), "dimension-picker" + HIDDEN, None)))
    return tuple(parts[name] for name in DRILL_OUTPUTS)


def explain(r: Request, answer: Answer[Headline]) -> Any:
    """How the number is computed; first, when the data behind the recorded baseline changed, both values."""
    panel = explain_panel(r.metric, r.engine.explain(r.metric.key, r.scope.filters), answer, r.view, r.lang)
    restated = answer.data.restated
    if restated is None:
        return panel
    of = r.engine.catalogue.get(restated.metric, r.metric)  # a CHANGE metric's baseline is its base's
    return [restated_note(restated, of.unit, r.lang), panel]


def export(r: Request, what: str) -> dict:
    """The data behind the part of the view asked for, as a CSV download."""
    engine, key, s = r.engine, r.metric.key, r.scope
    stamp = f"{s.filters.start:%Y%m%d}-{s.filters.end:%Y%m%d}"
    if what == ids.EXPORT_TREND:
        baseline = engine.baseline_period(r.metric)
        start = trend_window(s.filters.end, engine.programme_start(), baseline[0] if baseline else None)
        frame = shown_values(engine.trend(key, s.filters.with_period(start, s.filters.end), Grain.MONTH).data,
                             r.metric.unit)
        name = f"vantage-{key}-trend-{stamp}.csv"
    elif what == ids.EXPORT_RECORDS or s.at_records:
        frame = engine.detail(key, s.filters, 0, EXPORT_ROWS, r.view.sort or None, r.view.descending).data.rows
        name = f"vantage-{key}-records-{stamp}.csv"
    else:
        dimension = s.dimension or (r.metric.dimensions[0] if r.metric.dimensions else None)
        if dimension is None:
            return no_update
        frame = labelled(engine.breakdown(key, s.filters, dimension).data, dimension, r.lang, r.metric.unit)
        name = f"vantage-{key}-by-{dimension}-{stamp}.csv"
    context.audit("export", name, s.filters.params())
    return dcc.send_string(frame_csv(frame), name)


def register_callbacks(app: Dash) -> None:
    """Each part of the page fills itself from the view; a failing part shows its error, the others still render.
    A complete answer is kept for its view, viewer's scope and data versions (dashboard/rendered.py): a warm page
    costs lookups."""
    view_inputs = (Input(ids.KEY, "data"), Input(ids.VIEW, "data"))

    # The headline, trend and "how this is computed" come in one answer: each drill step redraws the page once for
    # them instead of three times (the browser's work per answer, not the engine's, is what a step waits for).
    @app.callback(Output(ids.SUMMARY, "children"), Output(ids.PROJECTION, "children"),
                  Output(ids.TREND_GRAPH, "figure"), Output(ids.TREND_GRAPH, "className"),
                  Output(ids.TREND_NOTE, "children"), Output(ids.EXPLAIN, "children"), *view_inputs)
    def fill_numbers(key: str, data: dict) -> tuple:
        lang = lang_of(data)
        viewed: list[tuple[str, Any]] = []  # the KPI's view, once its headline is had (the audit trail's row)

        def numbers(whole: Whole) -> tuple:
            def asked() -> tuple[Request, Answer[Headline]] | str:  # str: why there is no answer (guarded's on_error)
                r = request(key, data)
                return r, whole.saw(r.engine.headline(r.metric.key, r.scope.filters))

            got = guarded(asked, lambda m: m, lang)
            if isinstance(got, str):  # no headline (unknown metric, wrong period, a failed source): each part says
                whole.ok = False
                return error_block(got, lang), "", NO_FIGURE, "trend-graph" + HIDDEN, error_block(got, lang), \
                    error_block(got, lang)
            r, answer = got
            viewed.append((r.metric.key, r.scope.filters.params()))
            head = guarded(lambda: summary(r, answer), whole.failed(lambda m: (error_block(m, lang), "")), lang)
            chart = guarded(lambda: trend(r, answer, whole),
                            whole.failed(lambda m: (NO_FIGURE, "trend-graph" + HIDDEN, error_block(m, lang))), lang)
            return (*head, *chart, guarded(lambda: explain(r, answer), whole.failed(lambda m: error_block(m, lang)),
                                           lang))

        # The trend marks the plan's milestones and the definition changes logged: their versions are in the key.
        log = context.config().data_path / history.FILE_NAME
        drawn = kept(ids.SUMMARY, key, data, numbers, lambda: tuple(viewed),
                     lambda: (rendered.plan_version(), rendered.file_version(log)))
        for shown, params in drawn.seen:  # each page view recorded, kept render or not
            context.audit("view", shown, params)
        return drawn.output

    # The plan's milestones belong to the KPI, not to the drill: drawn once per page.
    @app.callback(Output(ids.MILESTONES, "children"), Input(ids.KEY, "data"), State(ids.VIEW, "data"))
    def fill_milestones(key: str, data: dict) -> Any:
        lang = lang_of(data)
        return guarded(lambda: milestone_list(request(key, data)), lambda m: error_block(m, lang, compact=True), lang)

    @app.callback(Output(ids.CRUMBS, "children"), Output(ids.HINT, "children"), Output(ids.BREAKDOWN, "figure"),
                  Output(ids.BREAKDOWN_WRAP, "className"), Output(ids.BREAKDOWN_TABLE, "children"),
                  Output(ids.BREAKDOWN_ERROR, "children"), Output(ids.RECORDS, "children"),
                  Output(ids.RECORDS_WRAP, "className"), Output(ids.PAGER_SLOT, "children"),
                  Output(ids.DIMENSION_SLOT, "children"), Output(ids.DIMENSION_WRAP, "className"),
                  Output(ids.SHOWN, "data"), *view_inputs, State(context.LOCATION, "pathname"))
    def fill_drill(key: str, data: dict, pathname: str | None) -> tuple:
        lang, path = lang_of(data), pathname or "/"
        return kept(ids.CRUMBS, key, data, lambda whole: guarded(
            lambda: drill_panel(request(key, data), path, whole), whole.failed(lambda m: drill_failed(m, lang)),
            lang), tuple, lambda: path).output  # its links lead from the page's address

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
