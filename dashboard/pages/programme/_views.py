"""The programme page's data callbacks: thin adapters from the URL's view to the plan and the engine and back."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import dash
import dash_bootstrap_components as dbc
import plotly.graph_objects as go
import polars as pl
from dash import Dash, Input, Output, html

from core import labels
from core.errors import VantageError
from core.i18n import t
from dashboard import context
from dashboard.components import error_block, kpi_tile
from dashboard.pages.programme import _gantt as gantt
from dashboard.pages.programme import _impact as impact
from dashboard.pages.programme import _parts as parts
from dashboard.pages.programme import _plan as pp
from dashboard.pages.programme._ids import ids
from dashboard.pages.programme._state import DEFAULT_WEEKS, PATH, Address, Focus, focus_of
from dashboard.safe import guarded, shown_message
from dashboard.sentences import cli_command
from dashboard.state import ViewState
from programme import milestones as ms
from programme.impact import before_after, phase_scorecard
from programme.plan import Plan, plan_or_issue

PROGRAMME_KPIS = ("milestones_on_time", "schedule_variance_days")
HIDDEN = " d-none"


@dataclass(frozen=True)
class Request:
    """What every callback of the page works from: the scoped engine, the plan, the address and the drill."""

    engine: Any
    plan: Plan
    address: Address
    focus: Focus
    lang: str
    theme: str
    today: date
    path: str

    def milestones(self) -> pl.DataFrame:
        return pp.milestones(self.plan, self.today, self.focus)

    def metric_href(self, key: str, drill: tuple[str, ...] = ()) -> str:
        """A KPI's own page, keeping language and theme (and, for programme KPIs, this page's window and drill)."""
        view = self.address.view.shared()
        if key in PROGRAMME_KPIS:
            start, end = pp.programme_window(self.engine, self.plan, self.today)
            view = ViewState(period="custom", start=start.isoformat(), end=(end - timedelta(days=1)).isoformat(),
                             language=view.language, theme=view.theme, drill=drill)
        return view.href(dash.get_relative_path(f"/metric/{key}"))


def lang_of(data: dict | None) -> str:
    return ViewState.from_data((data or {}).get("view")).lang(context.default_language())


def request(data: dict | None) -> Request:
    """The request of a page render; AccessDenied for roles without the page, VantageError when no plan loads."""
    context.require_page(PATH)
    engine = context.engine()
    data = data or {}
    view = ViewState.from_data(data.get("view"))
    address = Address(view, int(data.get("weeks") or DEFAULT_WEEKS))
    lang = view.lang(context.default_language())
    plan, problem = plan_or_issue(context.plan_engine())
    if plan is None:
        raise VantageError(problem)
    return Request(engine, plan, address, focus_of(plan, view.drill, lang), lang, view.theme_name(), context.today(),
                   dash.get_relative_path(PATH))


# -- the parts ------------------------------------------------------------------------------------------------------
def head(r: Request) -> tuple:
    """Breadcrumbs, the programme window with its CLI line, notes on the drill, KPI tiles and plan counts."""
    context.audit("view", "programme", {"drill": list(r.focus.path), "weeks": r.address.weeks})
    window = pp.programme_window(r.engine, r.plan, r.today)
    filters = pp.kpi_filters(window, r.focus)
    shown = labels.period_label(window[0], window[1], r.lang)
    tiles = [_tile(r, key, filters) for key in PROGRAMME_KPIS if key in r.engine.catalogue]
    cli = ""
    if PROGRAMME_KPIS[0] in r.engine.catalogue:
        custom = ViewState(period="custom", language=r.address.view.language)
        cli = cli_command(r.engine.metric(PROGRAMME_KPIS[0]), custom, filters)
    window_block = [html.Div(t("programme.window", r.lang, period=shown), className="filter-period-label"),
                    html.Div(t("programme.window_hint", r.lang), className="filter-note"),
                    html.Code(cli, className="programme-cli analyst-only", title=t("programme.cli", r.lang))
                    if cli else None]
    notes = dbc.Alert(r.focus.problem[:1].upper() + r.focus.problem[1:] + ".", color="warning",
                      className="view-warning", dismissable=True) if r.focus.problem else None
    crumbs = parts.crumbs(r.plan, r.focus, r.address, r.path, r.lang, r.engine.catalogue.get)
    return crumbs, window_block, notes, tiles, parts.stats(r.milestones(), r.today, r.lang)


def _tile(r: Request, key: str, filters: Any) -> Any:
    metric = r.engine.metric(key)
    href = r.metric_href(key, r.focus.path[:2])

    def compute() -> Any:
        answer = r.engine.headline(key, filters)
        trend = r.engine.trend(key, filters).data
        return kpi_tile(metric, r.lang, r.theme, href, answer=answer,
                        sparkline=list(trend["value"]) if trend.height else [], size="tile")

    return guarded(compute, lambda message: kpi_tile(metric, r.lang, r.theme, href, error=message), r.lang)


def gantt_part(r: Request) -> tuple[go.Figure, str, Any]:
    rows = gantt.rows(r.plan, r.milestones(), r.focus, r.today, r.lang)
    if not rows:
        return go.Figure(), "gantt" + HIDDEN, html.Div(t("programme.gantt_empty", r.lang), className="empty-note")
    return gantt.figure(rows, r.today, r.lang, r.theme), "gantt", t("programme.gantt_hint", r.lang)


def lists(r: Request) -> tuple[Any, Any]:
    frame = r.milestones()
    late = parts.milestone_list(ms.overdue(frame), r.address, r.path, r.lang, r.today,
                                t("programme.none_overdue", r.lang), overdue=True)
    soon = parts.milestone_list(ms.due_soon(frame), r.address, r.path, r.lang, r.today,
                                t("programme.none_due", r.lang), overdue=False)
    return late, soon


def progress(r: Request) -> Any:
    return parts.progress_matrix(r.plan, r.milestones(), r.focus, r.address, r.path, r.lang)


def scorecard(r: Request) -> Any:
    rows = phase_scorecard(r.engine, r.plan, r.today)
    if r.focus.phase is not None:
        rows = [row for row in rows if row.phase_id == r.focus.phase]
    return parts.scorecard(rows, r.plan, lambda k: r.engine.catalogue.get(k), r.metric_href, r.lang)


def milestone(r: Request) -> tuple[Any, Any, Any]:
    """The milestone in view and what it moved (nothing above the milestone level)."""
    if r.focus.milestone is None:
        return None, None, None
    rows = pp.milestones(r.plan, r.today).filter(pl.col("milestone_id") == r.focus.milestone)
    if rows.is_empty():  # not drawable (no dates): its data issue says why
        return error_block(next((i.problem for i in r.plan.issues if i.row == r.focus.milestone), ""), r.lang), \
            None, None
    m = rows.row(0, named=True)
    moved = [_moved(r, key) for key in pp.split(m["kpis"])]
    return (impact.milestone_card(r.plan, m, r.address, r.path, r.lang),
            impact.impact_table(moved, r.focus, r.address, r.path, r.lang, r.metric_href),
            impact.chosen(moved, r.focus, r.address.weeks, r.lang, r.theme, r.metric_href))


def _moved(r: Request, key: str) -> impact.Moved:
    """One linked KPI's before and after; an error stays in its row (an unknown KPI, a KPI outside the scope)."""
    try:
        metric = r.engine.metric(key)
        return impact.Moved(key, metric, before_after(r.engine, r.plan, r.focus.milestone, key, r.today,
                                                      weeks=r.address.weeks))
    except VantageError as exc:
        return impact.Moved(key, None, None, shown_message(exc, r.lang))


def issues(r: Request) -> tuple[Any, Any, str]:
    raid = r.plan.raid
    if raid is None:
        return parts.issues_panel(r.plan.issues, r.lang), None, "programme-raid card-section" + HIDDEN
    if r.focus.milestone is not None and "milestone_id" in raid.columns:
        raid = raid.sort(pl.col("milestone_id") != r.focus.milestone)
    return (parts.issues_panel(r.plan.issues, r.lang), parts.raid_table(raid, r.focus, r.address, r.path, r.plan,
                                                                         r.lang), "programme-raid card-section")


def register_callbacks(app: Dash) -> None:
    """Each part of the page fills itself from the view; a failing part shows its error, the others still render."""
    view = Input(ids.VIEW, "data")

    @app.callback(Output(ids.CRUMBS, "children"), Output(ids.WINDOW, "children"), Output(ids.NOTES, "children"),
                  Output(ids.TILES, "children"), Output(ids.STATS, "children"), view)
    def fill_head(data: dict) -> tuple:
        lang = lang_of(data)
        return guarded(lambda: head(request(data)), lambda m: (None, None, error_block(m, lang), None, None), lang)

    @app.callback(Output(ids.GANTT, "figure"), Output(ids.GANTT_WRAP, "className"), Output(ids.GANTT_NOTE, "children"),
                  view)
    def fill_gantt(data: dict) -> tuple:
        lang = lang_of(data)
        return guarded(lambda: gantt_part(request(data)),
                       lambda m: (go.Figure(), "gantt" + HIDDEN, error_block(m, lang)), lang)

    @app.callback(Output(ids.OVERDUE, "children"), Output(ids.DUE, "children"), view)
    def fill_lists(data: dict) -> tuple:
        lang = lang_of(data)
        return guarded(lambda: lists(request(data)), lambda m: (error_block(m, lang, compact=True), None), lang)

    @app.callback(Output(ids.PROGRESS, "children"), view)
    def fill_progress(data: dict) -> Any:
        lang = lang_of(data)
        return guarded(lambda: progress(request(data)), lambda m: error_block(m, lang), lang)

    @app.callback(Output(ids.SCORECARD, "children"), view)
    def fill_scorecard(data: dict) -> Any:
        lang = lang_of(data)
        return guarded(lambda: scorecard(request(data)), lambda m: error_block(m, lang), lang)

    @app.callback(Output(ids.MILESTONE, "children"), Output(ids.IMPACT, "children"),
                  Output(ids.IMPACT_CHOSEN, "children"), view)
    def fill_milestone(data: dict) -> tuple:
        lang = lang_of(data)
        return guarded(lambda: milestone(request(data)), lambda m: (error_block(m, lang), None, None), lang)

    @app.callback(Output(ids.ISSUES, "children"), Output(ids.RAID, "children"), Output(ids.RAID_WRAP, "className"),
                  view)
    def fill_issues(data: dict) -> tuple:
        lang = lang_of(data)
        return guarded(lambda: issues(request(data)),
                       lambda m: (error_block(m, lang), None, "programme-raid card-section" + HIDDEN), lang)
