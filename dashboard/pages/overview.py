"""Overview: the programme's three results, then a tile per KPI grouped by pillar; a tile opens its metric page.

A catalogue of a few KPIs and none of the programme's results (a first dashboard of one's own data) shows every KPI
large, in the results strip, rather than a grid of pillars that would stand nearly empty."""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, timedelta
from typing import Any, Callable, Mapping, NamedTuple

import dash
from dash import Dash, Input, Output, dcc, html

from core.i18n import t
from dashboard import context, rendered
from dashboard.components import kpi_tile, tile_placeholder, warning_block
from dashboard.filters import FilterIds, filter_bar, in_scope, register_filter_callback
from dashboard.pages._summary import summary_drawn
from dashboard.safe import guarded
from dashboard.state import ViewState
from metrics.engine.answers import Answer, Headline
from metrics.engine.periods import Filters, add_months
from metrics.engine.protocol import Questions
from metrics.semantics.model import Metric, Pillar, listed

dash.register_page(__name__, path="/", name="Overview", title="Vantage", order=0, nav=True, label_key="nav.overview")

RESULTS = ("data_accuracy", "hours_saved", "error_reduction")  # what leadership asked the programme to deliver
FEW = 3  # at most this many KPIs, none of them a result: each is shown large, none in a pillar grid
SPARK_MONTHS = 12
TILE_WORKERS = 4  # KPIs asked side by side when their answers are not cached
REFRESH_MS = 5 * 60 * 1000  # a screen left open asks again; the engine answers from cache until the data changes


class ids:
    VIEW = "overview-view"
    FILTERS = FilterIds("overview")
    RESULTS = "overview-results"  # the results strip's tiles
    PILLARS = "overview-pillars"  # a section of tiles per pillar
    REFRESH = "overview-refresh"
    SUMMARY = "overview-summary"  # the opening sentence: counts of on track, reached, needing attention


Draw = Callable[[Metric, str], Any]  # a metric and a tile size ("hero" | "tile") to what stands in its place


def layout(**query: Any) -> html.Div:
    """The page skeleton for the URL's view: filters, then every tile as a placeholder that a callback fills."""
    view, problems = ViewState.from_query(query)
    view = in_scope(view)  # a department lead's view says it is their department's
    lang = view.lang(context.default_language())
    catalogue: Mapping[str, Metric] = listed(context.engine().catalogue)
    placeholder: Draw = lambda metric, size: tile_placeholder(metric, lang, size)  # noqa: E731
    return html.Div([
        dcc.Store(id=ids.VIEW, data=view.to_data()),
        dcc.Interval(id=ids.REFRESH, interval=REFRESH_MS),
        html.H1(t("overview.title", lang), className="visually-hidden"),
        warning_block(problems, lang),
        filter_bar(ids.FILTERS, view, lang, context.today()),
        html.Div(id=ids.SUMMARY, className="overview-summary-slot"),
        html.Section([html.H2(t("overview.results", lang), className="visually-hidden"),
                      html.Div(results(catalogue, placeholder), id=ids.RESULTS, **strip(catalogue))],
                     className="results", **{"aria-label": t("overview.results", lang)}),
        html.H2(t("overview.kpis", lang), className="visually-hidden"),
        html.Div(pillars(catalogue, lang, placeholder), id=ids.PILLARS, className="pillars"),
    ], className="page-overview", lang="zh-CN" if lang == "zh" else "en")


def only_large(catalogue: Mapping[str, Metric]) -> bool:
    """Whether every KPI is shown large and alone: a few KPIs, none of them one of the programme's results."""
    return len(catalogue) <= FEW and not any(k in catalogue for k in RESULTS)


def strip(catalogue: Mapping[str, Metric]) -> dict[str, Any]:
    """The results strip's class, and how many columns it needs when it holds every KPI."""
    if not only_large(catalogue):
        return {"className": "hero-strip"}
    return {"className": "hero-strip only", "style": {"--heroes": max(len(catalogue), 1)}}


def results(catalogue: Mapping[str, Metric], draw: Draw) -> list[Any]:
    """The programme's three results, large; every KPI, when there are only a few and none is a result."""
    keys = list(catalogue) if only_large(catalogue) else [k for k in RESULTS if k in catalogue]
    return [draw(catalogue[k], "hero") for k in keys]


def pillars(catalogue: Mapping[str, Metric], lang: str, draw: Draw) -> list[html.Section]:
    """A section per programme pillar with a tile per KPI in it (none when every KPI is shown large)."""
    if only_large(catalogue):
        return []
    sections = []
    for pillar in Pillar:
        members = [m for m in catalogue.values() if m.pillar is pillar]
        if members:
            sections.append(html.Section([
                html.H3(t(f"pillar.{pillar.value}", lang), className="pillar-title"),
                html.Div([draw(m, "tile") for m in members], className="tile-grid"),
            ], className="pillar", style={"--tiles": len(members)}, **{"data-pillar": pillar.value}))
    return sections


class Numbers(NamedTuple):  # not a dataclass: Dash pages loads this module outside sys.modules
    """What a tile shows of one KPI: the filters it was asked with, its headline and its monthly sparkline (empty,
    and `trend_failed`, when its trend could not be had)."""

    filters: Filters
    answer: Answer[Headline]
    sparkline: list[float | None]
    trend_failed: bool = False


def ask(engine: Questions, metric: Metric, view: ViewState, today: date) -> Numbers:
    """The engine's answers behind one tile (no request context needed: safe to run beside the others); the
    sparkline ends with the period the headline is for (the latest month with data, when the asked one had none)."""
    filters = view.filters(today, metric.dimensions, engine.config.scope_dimension)
    answer = engine.headline(metric.key, filters)
    shown = filters.with_period(answer.data.start, answer.data.end)
    sparkline = _spark(engine, metric.key, shown)
    return Numbers(filters, answer, sparkline or [], sparkline is None)


class Tally:
    """What drawing a view's tiles saw: the filters of each KPI shown (its view in the audit trail) and whether
    every tile came out whole (no error, no last good answer, no missing sparkline), so the drawing may be kept."""

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}
        self.whole = True


def tile_for(metric: Metric, view: ViewState, size: str, asked: Future | None, tally: Tally, noted: bool = True
             ) -> Any:
    """The tile of one KPI for a view, from its numbers as asked (None: not filterable by the view's
    department), or the error in its place; whether it came out whole goes in the tally, and when `noted`, the
    filters its numbers were asked with (its view in the audit trail)."""
    lang = view.lang(context.default_language())
    theme = view.theme_name()
    href = view.shared().href(dash.get_relative_path(f"/metric/{metric.key}"))
    if asked is None:
        return kpi_tile(metric, lang, theme, href, not_filterable=True, size=size)

    def compute() -> Any:
        numbers: Numbers = asked.result()
        if noted:
            tally.seen.setdefault(metric.key, numbers.filters.params())
        tally.whole = tally.whole and not (numbers.trend_failed or numbers.answer.stale_reason)
        return kpi_tile(metric, lang, theme, href, answer=numbers.answer, sparkline=numbers.sparkline, size=size)

    def failed(message: str) -> Any:
        tally.whole = False
        return kpi_tile(metric, lang, theme, href, error=message, size=size)

    return guarded(compute, failed, lang)


def _spark(engine: Questions, key: str, filters: Filters) -> list[float | None] | None:
    """Monthly values of the year up to the period's end; None when the trend fails (the tile goes without)."""
    last_month = (filters.end - timedelta(days=1)).replace(day=1)
    window = filters.with_period(add_months(last_month, 1 - SPARK_MONTHS), add_months(last_month, 1))
    try:
        frame = engine.trend(key, window).data
    except Exception:  # noqa: BLE001 - the headline already shows any error; the sparkline is decoration
        return None
    return list(frame["value"]) if frame.height else []


def register_callbacks(app: Dash) -> None:
    register_filter_callback(app, ids.FILTERS, ids.VIEW)

    # The opening sentence asks the same headlines as the tiles: answered from the cache the tiles fill, so it costs
    # lookups, and a kept sentence costs one; a KPI that fails is left out of the counts (its tile says why).
    @app.callback(Output(ids.SUMMARY, "children"), Input(ids.VIEW, "data"), Input(ids.REFRESH, "n_intervals"))
    def fill_summary(data: dict, _tick: int | None) -> Any:
        view = ViewState.from_data(data)
        engine, today = context.engine(), context.today()
        metrics = [m for m in listed(engine.catalogue).values() if filterable(m, view)]
        return rendered.remember(ids.SUMMARY, view, [m.key for m in metrics],
                                 lambda: summary_drawn(engine, metrics, view, today)).output

    # One answer fills every tile, as two outputs: the browser's work per output is what the page waits for
    # (measured on the 1M-record demo: 24 outputs took 0.64 s to draw, the engine answered in 0.05 s). Each tile
    # is still guarded on its own: one failing KPI shows its error in its tile and the others render. A whole
    # drawing is kept for its view and data versions (dashboard/rendered.py): a warm answer costs a lookup.
    @app.callback(Output(ids.RESULTS, "children"), Output(ids.PILLARS, "children"),
                  Input(ids.VIEW, "data"), Input(ids.REFRESH, "n_intervals"))
    def fill_tiles(data: dict, tick: int | None) -> tuple[list, list]:
        view = ViewState.from_data(data)
        engine, today = context.engine(), context.today()  # the viewer's scope, taken here in the request
        catalogue: Mapping[str, Metric] = listed(engine.catalogue)
        shown = [m for m in catalogue.values() if filterable(m, view)]
        drawn = rendered.remember(ids.RESULTS, view, [m.key for m in shown],
                                  lambda: draw_tiles(engine, catalogue, shown, view, today))
        if not tick:  # each KPI's view is recorded once per page view, not per timed refresh, kept drawing or not
            for key, params in drawn.seen:
                context.audit("view", key, params)
        results_strip, pillar_sections = drawn.output
        return results_strip, pillar_sections


def filterable(metric: Metric, view: ViewState) -> bool:
    """Whether a KPI can be asked for the view's department (one not broken down by it shows a note instead)."""
    return not (view.department and context.scope_dimension() not in metric.dimensions)


def draw_tiles(engine: Questions, catalogue: Mapping[str, Metric], shown: list[Metric], view: ViewState,
               today: date) -> rendered.Drawn:
    """Every tile of the overview for a view, as the answer leaves: the results strip, then the pillars."""
    lang = view.lang(context.default_language())
    # The engine's work runs outside Python's lock (polars), so KPIs asked side by side use every core when
    # their answers are not cached yet (a cached answer costs the same either way). Each KPI is asked once,
    # for its grid tile and its results-strip tile alike; the workers touch no request state.
    with ThreadPoolExecutor(max_workers=TILE_WORKERS) as pool:
        asked = {m.key: pool.submit(ask, engine, m, view, today) for m in shown}
    tally = Tally()

    def draw(metric: Metric, size: str) -> Any:
        # Noted once per KPI: in the grid, or in the strip when that is the only place it shows.
        noted = size == "tile" or only_large(catalogue)

        def failed(message: str) -> Any:
            tally.whole = False
            return html.Div(message, className="error-block", role="alert")

        return guarded(lambda: tile_for(metric, view, size, asked.get(metric.key), tally, noted), failed, lang)

    drawing = rendered.plain([results(catalogue, draw), pillars(catalogue, lang, draw)])
    return rendered.Drawn(drawing, tuple(tally.seen.items()), tally.whole)
