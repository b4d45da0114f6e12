"""Programme maturity: the radar of now against programme start and the target, each dimension's path over time,
and the rules and KPIs behind any score."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import dash
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from core.i18n import t
from dashboard import context
from dashboard.components import error_block, warning_block
from dashboard.figures import blank
from dashboard.filters import ALL_DEPARTMENTS, register_department_options
from dashboard.needs import Missing, Setup, listing, unmet, unmet_page, unregistered
from dashboard.pages.assessment._figures import PATH_HEIGHT, RADAR_HEIGHT, path_figure, radar_figure
from dashboard.pages.assessment._parts import department_bar, drill_view, ids, rules_panel, scorecard, selected
from dashboard.safe import guarded
from dashboard.state import ViewState
from metrics.engine.periods import add_months, month_start
from metrics.pack.maturity import QUESTIONNAIRE
from programme.assessment import assessments, monthly_levels
from programme.maturity import DIMENSIONS

PATH = "/assessment"


def page_title(**_: Any) -> str:
    try:
        return f"{t('assessment.title', context.default_language())} · Vantage"
    except RuntimeError:  # outside a request (Dash asks at start-up)
        return "Programme maturity · Vantage"


def needs(found: Setup) -> Missing | None:
    """The metrics the maturity rules read, and the questionnaire, registered."""
    absent = unregistered(found.catalogue, (*(k for d in DIMENSIONS for k in d.metrics()), QUESTIONNAIRE))
    if not absent:
        return None
    return Missing("assessment.needs", "Programme assessment and the improvement loop",
                   "programme-assessment-and-the-improvement-loop", {"metrics": listing(absent)})


dash.register_page(__name__, path=PATH, name="Maturity", title=page_title, order=5, nav=True,
                   label_key="nav.assessment", needs=needs)


def layout(**query: Any) -> html.Div:
    """The page skeleton for the URL's view; the charts, the scorecard and the rules are filled by one callback."""
    view, problems = ViewState.from_query(query)
    lang = view.lang(context.default_language())
    if (gap := unmet(needs)) is not None:
        return unmet_page(gap, t("assessment.title", lang), lang, "page-assessment")
    theme = view.theme_name()
    graph = {"displayModeBar": False}
    return html.Div([
        dcc.Store(id=ids.VIEW, data=view.to_data()),
        html.Div([
            html.Div([html.H1(t("assessment.title", lang), className="page-title"),
                      html.P(t("assessment.method", lang), className="page-lead")], className="page-head-text"),
            department_bar(view, lang),
        ], className="page-head"),
        warning_block(problems, lang),
        html.Div(id=ids.NOTE),
        html.Div([
            html.Section([html.H2(t("assessment.radar", lang), className="section-title"),
                          dcc.Graph(id=ids.RADAR, figure=blank(theme, RADAR_HEIGHT), config=graph,
                                    className="radar-graph")],
                         className="card-section radar-section"),
            html.Section([html.H2(t("assessment.scorecard", lang), className="section-title"),
                          html.Div(id=ids.SCORECARD, className="scorecard-slot")],
                         className="card-section scorecard-section"),
            html.Section(html.Div(id=ids.DRILL, className="drill-slot"), className="card-section rules-section"),
        ], className="assessment-grid"),
        html.Section([html.Div([html.H2(t("assessment.path", lang), className="section-title"),
                                html.Span(t("assessment.path_note", lang), className="section-note")],
                               className="section-head"),
                      dcc.Graph(id=ids.PATH, figure=blank(theme, PATH_HEIGHT), config=graph, className="path-graph")],
                     className="card-section path-section"),
    ], className="page-assessment", lang="zh-CN" if lang == "zh" else "en")


def render(data: dict, pathname: str) -> tuple:
    """Radar, path, scorecard and rules for the view: numbers through the engine, in the viewer's scope."""
    engine = context.engine()
    view = ViewState.from_data(data)
    lang, theme = view.lang(context.default_language()), view.theme_name()
    today = context.today()
    where = ((context.scope_dimension(), view.department),) if view.department else ()
    found = assessments(engine, today, where)
    start = add_months(month_start(found[0].assessed_on), -3) if found else add_months(month_start(today), -18)
    monthly = monthly_levels(engine, start, month_start(today), where)
    context.audit("view", "maturity", {"where": list(where)})  # once the numbers are in hand: a refusal is no view
    chosen = selected(found, view)
    relative = dash.get_relative_path
    panel = rules_panel(chosen, engine.catalogue, view, lang, relative)
    own = view.department or getattr(context.viewer(), "department", None)  # a lead's engine is narrowed to theirs
    note = html.P(t("assessment.department_note", lang), className="view-note-text") if own else None
    stale = [a.stale for a in found if a.stale]
    if stale:
        note = [note, error_block("; ".join(dict.fromkeys(stale)), lang, compact=True)]
    return (radar_figure(found, lang, theme), path_figure(found, monthly, lang, theme, today),
            scorecard(found, chosen, view, pathname, lang), panel, note)


def register_callbacks(app: Dash) -> None:
    register_department_options(app, ids.DEPARTMENT, ids.DEPARTMENT_FIELD, ids.VIEW)

    @app.callback(Output(ids.RADAR, "figure"), Output(ids.PATH, "figure"), Output(ids.SCORECARD, "children"),
                  Output(ids.DRILL, "children"), Output(ids.NOTE, "children"),
                  Input(ids.VIEW, "data"), State(context.LOCATION, "pathname"))
    def fill(data: dict, pathname: str | None) -> tuple:
        view = ViewState.from_data(data)
        lang = view.lang(context.default_language())
        return guarded(lambda: render(data, pathname or PATH),
                       lambda m: (no_update, no_update, None, None, error_block(m, lang)), lang)

    @app.callback(Output(context.LOCATION, "href", allow_duplicate=True),
                  Input(ids.RADAR, "clickData"), Input(ids.PATH, "clickData"), Input(ids.DEPARTMENT, "value"),
                  State(ids.VIEW, "data"), State(context.LOCATION, "pathname"), prevent_initial_call=True)
    def navigate(radar: dict | None, path: dict | None, department: str | None, data: dict,
                 pathname: str | None) -> Any:
        """A click on a score (radar or path) opens its rules; a department choice, its maturity: both in the URL."""
        click = radar if ctx.triggered_id == ids.RADAR else path if ctx.triggered_id == ids.PATH else None
        new = next_view(ViewState.from_data(data), click, department)
        return no_update if new == ViewState.from_data(data) else new.href(pathname or PATH)


def next_view(view: ViewState, click: dict | None, department: str | None) -> ViewState:
    """The view after a click on a chart's score or a department choice (the same view when nothing changed)."""
    wanted = "" if department in (None, "", ALL_DEPARTMENTS) else department
    if wanted != view.department:
        return replace(view, department=wanted, drill=())
    points = (click or {}).get("points") or []
    data = points[0].get("customdata") if points else None
    if isinstance(data, list) and len(data) >= 2:
        return drill_view(view, str(data[0]), str(data[1]))
    return view
