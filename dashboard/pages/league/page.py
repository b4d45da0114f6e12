"""Department league table: every department's KPIs side by side, ranked, with the change since the previous period;
sortable on the server, exportable as CSV; a department lead's own row is highlighted."""
from __future__ import annotations

import json
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from core.csvfile import frame_csv
from core.i18n import t
from dashboard import context
from dashboard.components import error_block, warning_block
from dashboard.filters import filter_bar, register_filter_callback
from dashboard.needs import Missing, Setup, unmet, unmet_page
from dashboard.pages.league._parts import SORT, ids, league_frame, league_table, legend, sorted_view
from dashboard.safe import guarded
from dashboard.state import ViewState
from metrics.engine.periods import Filters
from metrics.semantics.model import listed
from programme.league import DEPARTMENT, League, league

PATH = "/league"


def page_title(**_: Any) -> str:
    try:
        return f"{t('league.title', context.default_language())} · Vantage"
    except RuntimeError:  # outside a request (Dash asks at start-up)
        return "Department league table · Vantage"


def needs(found: Setup) -> Missing | None:
    """A listed KPI broken down by department: the table's columns."""
    if any(DEPARTMENT in m.dimensions for m in listed(found.catalogue).values()):
        return None
    return Missing("league.needs", "Programme assessment and the improvement loop",
                   "programme-assessment-and-the-improvement-loop", {"dimension": DEPARTMENT})


dash.register_page(__name__, path=PATH, name="League table", title=page_title, order=6, nav=True,
                   label_key="nav.league", needs=needs)


def layout(**query: Any) -> html.Div:
    """The page skeleton for the URL's view; the table is filled by a callback."""
    view, problems = ViewState.from_query(query)
    lang = view.lang(context.default_language())
    if (gap := unmet(needs)) is not None:
        return unmet_page(gap, t("league.title", lang), lang, "page-league")
    return html.Div([
        dcc.Store(id=ids.VIEW, data=view.to_data()),
        html.Div([
            html.Div([html.H1(t("league.title", lang), className="page-title"),
                      html.P(t("league.method", lang), className="page-lead")], className="page-head-text"),
            html.Div(dbc.Button([html.I(className="bi bi-download me-2", **{"aria-hidden": "true"}),
                                 t("league.export", lang)], id=ids.EXPORT, color="secondary", size="sm"),
                     className="page-actions"),
        ], className="page-head"),
        warning_block(problems, lang),
        filter_bar(ids.FILTERS, view, lang, context.today(), note=t("league.dept_note", lang)),
        html.Div(id=ids.NOTE),
        html.Section([dcc.Loading(html.Div(id=ids.TABLE, className="league-slot"), delay_show=400), legend(lang)],
                     className="card-section league-section"),
        dcc.Download(id=ids.DOWNLOAD),
    ], className="page-league", lang="zh-CN" if lang == "zh" else "en")


def league_for(view: ViewState) -> League:
    """The league over the view's period for every department the viewer may see (the engine enforces it)."""
    filters = Filters(*view.period_bounds(context.today()))
    return league(context.engine(), filters)


def highlighted(view: ViewState) -> str | None:
    """The row to highlight: the viewer's own department, else the one the filter chose."""
    viewer = context.viewer()
    return getattr(viewer, "department", None) or view.department or None


def render(data: dict, pathname: str) -> tuple:
    view = ViewState.from_data(data)
    lang = view.lang(context.default_language())
    table = league_for(view)
    context.audit("view", "league", table.filters.params())
    notes = [] if table.ranks_shown else [html.P(t("league.scoped", lang), className="view-note-text")]
    if table.stale:
        notes.append(error_block(table.stale, lang, compact=True))
    return league_table(table, context.engine().catalogue, view, highlighted(view), lang), notes


def register_callbacks(app: Dash) -> None:
    register_filter_callback(app, ids.FILTERS, ids.VIEW)

    @app.callback(Output(ids.TABLE, "children"), Output(ids.NOTE, "children"), Input(ids.VIEW, "data"),
                  State(context.LOCATION, "pathname"))
    def fill(data: dict, pathname: str | None) -> tuple:
        lang = ViewState.from_data(data).lang(context.default_language())
        return guarded(lambda: render(data, pathname or PATH), lambda m: (None, error_block(m, lang)), lang)

    @app.callback(Output(context.LOCATION, "href", allow_duplicate=True),
                  Input({"type": SORT, "column": ALL}, "n_clicks"), State(ids.VIEW, "data"),
                  State(context.LOCATION, "pathname"), prevent_initial_call=True)
    def sort(_clicks: list, data: dict, pathname: str | None) -> Any:
        """A heading pressed sorts on the server; the sort lives in the URL like every other choice."""
        pressed = next((f["prop_id"] for f in ctx.triggered if SORT in f["prop_id"] and f["value"]), None)
        if pressed is None:
            return no_update  # the headings appearing on screen is no press
        column = json.loads(pressed.rsplit(".", 1)[0])["column"]
        return sorted_view(ViewState.from_data(data), column).href(pathname or PATH)

    @app.callback(Output(ids.DOWNLOAD, "data"), Output(ids.NOTE, "children", allow_duplicate=True),
                  Input(ids.EXPORT, "n_clicks"), State(ids.VIEW, "data"), prevent_initial_call=True)
    def export(clicks: int | None, data: dict) -> tuple:
        view = ViewState.from_data(data)
        lang = view.lang(context.default_language())
        if not clicks:
            return no_update, no_update

        def send() -> tuple:
            table = league_for(view)
            name = f"vantage-league-{table.filters.start:%Y%m%d}-{table.filters.end:%Y%m%d}.csv"
            context.audit("export", name, table.filters.params())
            return dcc.send_string(frame_csv(league_frame(table, lang)), name), no_update

        return guarded(send, lambda m: (no_update, error_block(m, lang, compact=True)), lang)
