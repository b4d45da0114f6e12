"""The filter bar the pages share (period, custom range, department) and the callback that puts it in the URL.

The department is a value of the config's `scope_dimension`; the choices are the values the data holds (the
engine's distinct values, named by the config's [labels]), so nothing here knows any department by name. A layout
reads no data: it offers "all" and the department in the address, and a callback fills in the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html, no_update

from core import labels
from core.errors import VantageError
from core.i18n import t
from dashboard import context
from dashboard.safe import guarded
from dashboard.state import ViewState
from metrics.engine.decision import period_name
from metrics.engine.periods import PRESETS
from metrics.semantics.model import listed

# One way to write a day per language, the way core.labels.date_label writes it ("1 Oct 2026", "2026年10月1日").
DATE_FORMATS = {"en": "D MMM YYYY", "zh": "YYYY年M月D日"}
MONTH_FORMATS = {"en": "MMMM YYYY", "zh": "YYYY年M月"}
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

    @property
    def department_field(self) -> str:
        return f"{self.prefix}-department-field"


def scope_department() -> str:
    """The department the viewer's scope narrows every number to on the server ('' when they see them all)."""
    found = context.viewer()
    return (found.scope.department or "") if found is not None else ""


def offers_departments() -> bool:
    """Whether a listed metric is broken down by the scope dimension (else there is no department filter); reads
    the catalogue, not the data, so a layout may ask."""
    dimension = context.scope_dimension()
    return any(dimension in m.dimensions for m in listed(context.engine().catalogue).values())


def first_department_options(lang: str, chosen: str = "") -> list[dict[str, str]]:
    """What a layout offers before the data is read: the lead's own department, else all and the chosen one."""
    own, dimension = scope_department(), context.scope_dimension()
    if own:
        return [{"label": labels.value_label(dimension, own, lang), "value": own}]
    return [{"label": t("filter.all_departments", lang), "value": ALL_DEPARTMENTS}] + (
        [{"label": labels.value_label(dimension, chosen, lang), "value": chosen}] if chosen else [])


def department_options(lang: str, chosen: str = "") -> list[dict[str, str]]:
    """The department choices: all, then each value of the scope dimension in the data, sorted by name; none when no
    listed metric is broken down by it. A department lead gets only their own. `chosen` (from the address) stays
    a choice even when the data no longer holds it, so the select shows what the page shows."""
    own = scope_department()
    if own:
        return [{"label": labels.value_label(context.scope_dimension(), own, lang), "value": own}]
    dimension = context.scope_dimension()
    try:
        found = set(context.engine().values(dimension))
    except VantageError:  # a source that cannot be read: its tiles say so; the filter keeps "all" and the choice
        found = {"", chosen}
    if not found:
        return []
    named = sorted(({"label": labels.value_label(dimension, v, lang), "value": v} for v in (found | {chosen}) - {""}),
                   key=lambda o: (o["label"].casefold(), o["value"]))
    return [{"label": t("filter.all_departments", lang), "value": ALL_DEPARTMENTS}, *named]


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
    departments = ([{"label": labels.value_label(context.scope_dimension(), own, lang), "value": own}] if own
                   else first_department_options(lang, view.department))
    field = "filter-field"
    return html.Div([
        html.Div([dbc.Label(t("filter.period", lang), html_for=fid.period),
                  dbc.Select(id=fid.period, value=view.period,
                             options=[{"label": t(f"period.{p}", lang), "value": p} for p in PRESETS])],
                 className=field),
        html.Div([dbc.Label(t("filter.from", lang), html_for=fid.start), date_picker(fid.start, first, today, lang)],
                 className=field),
        html.Div([dbc.Label(t("filter.to", lang), html_for=fid.end), date_picker(fid.end, last, today, lang)],
                 className=field),
        html.Div([dbc.Label(t("filter.department", lang), html_for=fid.department),
                  dbc.Select(id=fid.department, value=own or view.department or ALL_DEPARTMENTS,
                             options=departments, disabled=bool(own))], className=field,
                 id=fid.department_field, hidden=not offers_departments()),  # kept (the callbacks read it)
        html.Div([html.Div(shown, className="filter-period-label"),
                  html.Div(note, className="filter-note") if note else None], className="filter-summary"),
    ], className="filter-bar", role="search")


def date_picker(component_id: str, day: str, today: date, lang: str) -> dcc.DatePickerSingle:
    """A day in the viewer's language, as every date of the dashboard is written (core.labels.date_label): not
    the browser's own format (a US browser would show 10/01/2026 beside "1 Oct 2026")."""
    return dcc.DatePickerSingle(id=component_id, date=day or None, max_date_allowed=today.isoformat(),
                                display_format=DATE_FORMATS.get(lang, DATE_FORMATS["en"]),
                                month_format=MONTH_FORMATS.get(lang, MONTH_FORMATS["en"]), first_day_of_week=1,
                                clearable=False, className="filter-date")


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


def register_department_options(app: Dash, select: str, field: str, view_store: str) -> None:
    """Fill a department select with the data's departments once its page is on screen; hide its field (`field`)
    when there are none to offer."""

    @app.callback(Output(select, "options"), Output(field, "hidden"), Input(view_store, "data"))
    def fill_departments(data: dict) -> tuple[list[dict[str, str]], bool]:
        view = ViewState.from_data(data)
        found = department_options(view.lang(context.default_language()), view.department)
        return found, not found


def register_filter_callback(app: Dash, fid: FilterIds, view_store: str) -> None:
    """When a filter changes, write the new view into the URL (a history entry); the page re-renders from it.
    The department select gets its choices from the data (`register_department_options`)."""
    register_department_options(app, fid.department, fid.department_field, view_store)

    @app.callback(Output(context.LOCATION, "href", allow_duplicate=True),
                  Input(fid.period, "value"), Input(fid.start, "date"), Input(fid.end, "date"),
                  Input(fid.department, "value"), State(view_store, "data"), State(context.LOCATION, "pathname"),
                  prevent_initial_call=True)
    def apply_filters(period: str, start: str, end: str, department: str, data: dict, pathname: str) -> str:
        view = ViewState.from_data(data)
        new = guarded(lambda: changed_view(view, period, start, end, department, context.today()),
                      lambda _message: view, "en")  # a wrong period is shown by the bar itself
        return no_update if new == view else new.href(pathname or "/")
