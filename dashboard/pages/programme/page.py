"""Programme page for the PMO: phases, workstreams and milestones on a Gantt, progress, slippage, the phase
scorecard and plan data issues; drill from a phase down to a milestone and the KPIs it moved."""
from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, ctx, dcc, html, no_update

from core.i18n import t
from dashboard import context
from dashboard.components import warning_block
from dashboard.needs import Missing, Setup, refused_page, unmet, unmet_page
from dashboard.pages.programme import _gantt as gantt
from dashboard.pages.programme import _views as views
from dashboard.pages.programme._ids import ids
from dashboard.pages.programme._state import DEFAULT_WEEKS, PATH, WEEKS, Address, address_of
from dashboard.safe import guarded
from dashboard.state import ViewState


def page_title(**_: Any) -> str:
    """The browser tab's title, in the configured language."""
    try:
        return f"{t('nav.programme', context.default_language())} · Vantage"
    except RuntimeError:  # outside a request (Dash asks at start-up)
        return "Programme · Vantage"


def needs(found: Setup) -> Missing | None:
    """The plan: a declared source, named by plan_source, that holds its tables."""
    source = found.config.plan_source
    if source and source in found.config.sources:
        return None
    return Missing("programme.needs", "Configuration", "configuration")


dash.register_page(__name__, path=PATH, name="Programme", title=page_title, order=1, nav=True,
                   label_key="nav.programme", needs=needs)


def layout(**query: Any) -> html.Div:
    """The page skeleton for the URL's view; every part is filled by a callback from the plan and the engine."""
    address, problems = address_of(query)
    view = address.view
    lang = view.lang(context.default_language())
    if (gap := unmet(needs)) is not None:
        return unmet_page(gap, t("nav.programme", lang), lang, "page-programme")
    if (refused := refused_page(PATH, t("nav.programme", lang), lang, "page-programme")) is not None:
        return refused
    at_milestone = len(view.drill) >= 3
    section = lambda title, *body, cls="": html.Section(  # noqa: E731
        [html.H2(title, className="section-title"), *body], className="card-section " + cls)
    weeks = dbc.RadioItems(id=ids.WEEKS, value=address.weeks, className="btn-group", inputClassName="btn-check",
                           labelClassName="btn btn-outline-secondary btn-sm", labelCheckedClassName="active",
                           options=[{"label": t("programme.weeks_option", lang, weeks=w), "value": w} for w in WEEKS])
    return html.Div([
        dcc.Store(id=ids.VIEW, data={"view": view.to_data(), "weeks": address.weeks}),
        html.Div([
            html.Div([html.H1(t("nav.programme", lang), className="programme-title"),
                      html.Div(id=ids.CRUMBS, className="programme-crumbs")], className="programme-heading"),
            html.Div(id=ids.WINDOW, className="programme-window filter-summary"),
        ], className="programme-header"),
        warning_block(problems, lang),
        html.Div(id=ids.NOTES),
        html.Div([html.Div(id=ids.TILES, className="programme-tiles"),
                  html.Div(id=ids.STATS, className="programme-stats")], className="programme-summary"),
        html.Div([
            html.Div([
                section(t("programme.gantt", lang),
                        html.P(id=ids.GANTT_NOTE, className="drill-hint"),
                        dcc.Loading(html.Div(dcc.Graph(id=ids.GANTT, config=_graph_config(), className="gantt-graph"),
                                             id=ids.GANTT_WRAP, className="gantt" + views.HIDDEN), delay_show=400),
                        cls="gantt-section"),
                html.Div([
                    section(t("programme.milestone", lang), html.Div(id=ids.MILESTONE), cls="milestone-section"),
                    section(t("programme.impact", lang),
                            html.Div([html.P(t("programme.impact_hint", lang, weeks=address.weeks),
                                             className="drill-hint"),
                                      html.Div([html.Span(t("programme.weeks", lang), className="fact-label me-2"),
                                                weeks], className="weeks-picker")], className="impact-head"),
                            html.Div(id=ids.IMPACT_CHOSEN), html.Div(id=ids.IMPACT, className="table-responsive"),
                            cls="impact-section"),
                ], className="programme-milestone" + ("" if at_milestone else views.HIDDEN)),
            ], className="programme-main"),
            html.Aside([
                section(t("outcome.overdue", lang), html.Div(id=ids.OVERDUE), cls="list-section overdue"),
                section(t("milestone.due_soon", lang), html.Div(id=ids.DUE), cls="list-section due"),
                section(t("programme.scorecard", lang), html.P(t("programme.scorecard_hint", lang),
                                                               className="drill-hint"),
                        html.Div(id=ids.SCORECARD, className="table-responsive"), cls="scorecard-section"),
            ], className="programme-side"),
        ], className="programme-grid"),
        html.Div([
            section(t("programme.progress", lang), html.P(t("programme.progress_hint", lang), className="drill-hint"),
                    html.Div(id=ids.PROGRESS, className="table-responsive"), cls="progress-section"),
            html.Div([
                section(t("programme.issues", lang), html.Div(id=ids.ISSUES), cls="issues-section"),
                html.Section([html.H2(t("programme.raid", lang), className="section-title"),
                              html.Div(id=ids.RAID, className="table-responsive")],
                             id=ids.RAID_WRAP, className="programme-raid card-section" + views.HIDDEN),
            ]),
        ], className="programme-lower"),
    ], className="page-programme", lang="zh-CN" if lang == "zh" else "en",
        **{"data-depth": str(len(view.drill))})


def _graph_config() -> dict:
    return {"displaylogo": False, "modeBarButtonsToRemove": [
        "select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "sendChartToCloud", "zoom2d", "pan2d",
        "zoomIn2d", "zoomOut2d", "resetScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": "vantage-programme-gantt", "scale": 2}}


def register_callbacks(app: Dash) -> None:
    views.register_callbacks(app)

    @app.callback(Output(context.LOCATION, "href", allow_duplicate=True),
                  Input(ids.GANTT, "clickData"), Input(ids.GANTT, "clickAnnotationData"), Input(ids.WEEKS, "value"),
                  State(ids.VIEW, "data"), prevent_initial_call=True)
    def navigate(click: dict | None, annotation: dict | None, weeks: int | None, data: dict) -> Any:
        """A click on the Gantt drills and a weeks choice re-measures, each as a URL (so back steps back)."""
        lang = views.lang_of(data)

        def target() -> Any:
            context.require_page(PATH)
            address = Address(ViewState.from_data(data.get("view")), int(data.get("weeks") or DEFAULT_WEEKS))
            trigger = next((f["prop_id"] for f in ctx.triggered if f["value"]), "")
            if trigger.startswith(ids.WEEKS):
                new = Address(address.view, int(weeks)) if weeks and int(weeks) != address.weeks else address
            else:
                path = gantt.drill_of(click, annotation, trigger)
                new = address.drilled(*path) if path else address
            return no_update if new == address else new.href(dash.get_relative_path(PATH))

        return guarded(target, lambda _message: no_update, lang)
