"""The filter bar both pages share (period, custom range, department) and the callback that puts it in the URL."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, html, no_update

from core import labels
from core.errors import VantageError
from core.i18n import t
from dashboard import context
from dashboard.safe import guarded
from dashboard.state import ViewState
from metrics.engine.decision import period_name
from metrics.engine.periods import PRESETS

ALL_DEPARTMENTS = "all"  # a select shows an empty value as blank, so "all departments" needs a value of its own


@dataclass(frozen=True)
class FilterIds:
    """The ids of one page's filter bar (each page has its own, so the ids stay unique across pages)."""

    prefix: str

    @property
    def period(self) -> str:
        return f"{self.prefix}-period"

    @property
    def start(self) -> str:
        return f"{self.prefix}-from"

    @property
    def end(self) -> str:
        return f"{self.prefix}-to"

    @property
    def department(self) -> str:
        return f"{self.prefix}-department"


def scope_department() -> str:
    """The department the viewer's scope narrows every number to on the server ('' when they see them all)."""
    found = context.viewer()
    return (found.scope.department or "") if found is not None else ""


def in_scope(view: ViewState) -> ViewState:
    """The view with the viewer's own department filled in when the address names none, so the page says (and
    asks for) the scope the server applies anyway: a department lead's page never reads "All departments"."""
    own = scope_department()
    return replace(view, department=own) if own and not view.department else view


def filter_bar(fid: FilterIds, view: ViewState, lang: str, today: date, note: str = "",
               locked: str | None = None) -> html.Div:
    """Period, dates and department as the URL says; the dates show the preset's range, and editing them
    makes the period custom. `locked`: the department the viewer's scope is narrowed to (None: the request's
    viewer's), shown as the only choice."""
    try:
        start, end = view.period_bounds(today)
        shown = period_name(start, end, lang, to_date=end == today)
        first, last = start.isoformat(), (end - timedelta(days=1)).isoformat()
    except VantageError as exc:
        shown, first, last = exc.message, view.start, view.end
    own = scope_department() if locked is None else locked
    departments = [{"label": t("filter.all_departments", lang), "value": ALL_DEPARTMENTS}] + [
        {"label": labels.value_label("department", d, lang), "value": d} for d in labels.VALUES["department"]]
    if own:
        departments = [{"label": labels.value_label("department", own, lang), "value": own}]
    field = "filter-field"
    return html.Div([
        html.Div([dbc.Label(t("filter.period", lang), html_for=fid.period),
                  dbc.Select(id=fid.period, value=view.period,
                             options=[{"label": t(f"period.{p}", lang), "value": p} for p in PRESETS])],
                 className=field),
        html.Div([dbc.Label(t("filter.from", lang), html_for=fid.start),
                  dbc.Input(id=fid.start, type="date", value=first, max=today.isoformat(), debounce=600)],
                 className=field),
        html.Div([dbc.Label(t("filter.to", lang), html_for=fid.end),
                  dbc.Input(id=fid.end, type="date", value=last, max=today.isoformat(), debounce=600)],
                 className=field),
        html.Div([dbc.Label(t("filter.department", lang), html_for=fid.department),
                  dbc.Select(id=fid.department, value=own or view.department or ALL_DEPARTMENTS,
                             options=departments, disabled=bool(own))], className=field),
        html.Div([html.Div(shown, className="filter-period-label"),
                  html.Div(note, className="filter-note") if note else None], className="filter-summary"),
    ], className="filter-bar", role="search")


def shown_values(view: ViewState, today: date) -> tuple[str, str, str, str]:
    """What the filter bar shows for a view: period, first day, last day, department."""
    start, end = view.period_bounds(today)
    return (view.period, start.isoformat(), (end - timedelta(days=1)).isoformat(),
            view.department or ALL_DEPARTMENTS)


def changed_view(view: ViewState, period: str, start: str, end: str, department: str, today: date) -> ViewState:
    """The view after the user changed filter controls (pure: tested without a browser).

    Compares with what the bar showed rather than trusting which input fired: Dash also fires this callback
    when a new page puts the controls on screen, and that must not navigate anywhere.
    """
    shown = shown_values(view, today)
    department = "" if department in (None, "", ALL_DEPARTMENTS) else department
    if (start or shown[1], end or shown[2]) != shown[1:3]:
        return view.with_filters("custom", start or shown[1], end or shown[2], department)
    if period and period != shown[0]:
        return view.with_filters(period, shown[1], shown[2], department)
    if department != view.department:
        return view.with_filters(view.period, view.start, view.end, department)
    return view


def register_filter_callback(app: Dash, fid: FilterIds, view_store: str) -> None:
    """When a filter changes, write the new view into the URL (a history entry); the page re-renders from it."""

    @app.callback(Output(context.LOCATION, "href", allow_duplicate=True),
                  Input(fid.period, "value"), Input(fid.start, "value"), Input(fid.end, "value"),
                  Input(fid.department, "value"), State(view_store, "data"), State(context.LOCATION, "pathname"),
                  prevent_initial_call=True)
    def apply_filters(period: str, start: str, end: str, department: str, data: dict, pathname: str) -> str:
        view = ViewState.from_data(data)
        new = guarded(lambda: changed_view(view, period, start, end, department, context.today()),
                      lambda _message: view, "en")  # a wrong period is shown by the bar itself
        return no_update if new == view else new.href(pathname or "/")
