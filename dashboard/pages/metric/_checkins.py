"""The metric page's check-ins: what the KPI's owner said, newest first, and the form they say it with.

The form is shown to those who may write (the owners the config's [owners] names for the metric, and
administrators); the callback asks again, whoever posts: a refusal is a `denied` row, a check-in written a `checkin`
row of the audit trail, written before the check-in is stored.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dash import Dash, Input, Output, State, dcc, html, no_update

from core import labels
from core.errors import AccessDenied
from core.i18n import register, t
from dashboard import context
from dashboard.components import error_block
from dashboard.pages.metric._ids import ids
from dashboard.pages.metric._views import lang_of
from dashboard.safe import guarded
from metrics.engine.periods import add_months, month_start
from metrics.semantics.model import Metric
from programme.checkins import NOTE_LIMIT, STATUSES, CheckIn, CheckinStore, checked, may_write, month_of, refusal

MONTHS = 12  # the months the form offers, this one and the eleven before

register({
    "checkin.title": ("Owner check-ins", "负责人进展说明"),
    "checkin.none": ("No check-in yet: the owner has not written one.", "暂无进展说明：负责人尚未填写。"),
    "checkin.write": ("Write a check-in", "填写进展说明"),
    "checkin.period": ("For the month", "所属月份"),
    "checkin.status": ("Your status", "您的判断"),
    "checkin.status_none": ("No status, a note only", "不评状态，仅备注"),
    "checkin.note": ("Note (up to {limit} characters)", "说明（不超过 {limit} 字）"),
    "checkin.submit": ("Save check-in", "保存"),
    "checkin.saved": ("Saved for {period}.", "已保存 {period} 的进展说明。"),
    "checkin.anonymous": ("no one is signed in", "未登录"),
})


def section(metric: Metric | None, lang: str, today: date, period_end: date | None) -> html.Section:
    """The timeline's slot and, for a viewer who may write, the form (its month: the view's, else last month)."""
    shown = month_of((period_end or month_start(today)) - timedelta(days=1))
    months = [add_months(month_start(today), -n) for n in range(MONTHS)]
    options = [{"label": labels.month_label(m, lang), "value": month_of(m)} for m in months]
    if shown not in {o["value"] for o in options}:
        options.append({"label": shown, "value": shown})
    statuses = [{"label": t("checkin.status_none", lang) if s == "empty" else t(f"checkin.status.{s}", lang),
                 "value": s} for s in STATUSES]
    form = html.Div([
        html.H3(t("checkin.write", lang), className="checkin-form-title"),
        html.Label([t("checkin.period", lang), dcc.Dropdown(options, shown, id=ids.CHECKIN_PERIOD, clearable=False)]),
        html.Label([t("checkin.status", lang), dcc.Dropdown(statuses, "empty", id=ids.CHECKIN_STATUS,
                                                             clearable=False)]),
        html.Label([t("checkin.note", lang, limit=NOTE_LIMIT),
                    dcc.Textarea(id=ids.CHECKIN_NOTE, maxLength=NOTE_LIMIT, className="form-control", rows=3)],
                   className="checkin-note"),
        html.Button(t("checkin.submit", lang), id=ids.CHECKIN_SUBMIT, n_clicks=0, className="btn btn-primary btn-sm"),
        html.Div(id=ids.CHECKIN_MESSAGE, role="status"),
    ], id=ids.CHECKIN_FORM, className="checkin-form" + ("" if metric and _may_write(metric) else " d-none"))
    return html.Section([html.H2(t("checkin.title", lang), className="section-title"),
                         html.Div(id=ids.CHECKINS, className="checkin-timeline"), form,
                         dcc.Store(id=ids.CHECKIN_SAVED)], className="card-section checkin-section")


def timeline(key: str, lang: str) -> Any:
    """Every check-in of the metric, newest first: month, the owner's status, the note, who and when."""
    found = CheckinStore.in_folder(context.config().data_path).timeline(key)
    if not found:
        return html.P(t("checkin.none", lang), className="checkin-none")
    return html.Ol([_item(c, lang) for c in found], className="checkin-list")


def _item(c: CheckIn, lang: str) -> html.Li:
    month = labels.month_label(date(int(c.period[:4]), int(c.period[5:]), 1), lang)
    badge = None if c.status == "empty" else html.Span(t(f"checkin.status.{c.status}", lang),
                                                       className=f"status-badge status-{c.status}")
    return html.Li([html.Span(month, className="checkin-period"), badge, html.Span(c.note, className="checkin-text"),
                    html.Span(f"{c.author}, {c.written_at[:16].replace('T', ' ')} UTC", className="checkin-by")],
                   className=f"checkin checkin-{c.status}", **{"data-period": c.period})


def write(key: str, period: str, status: str | None, note: str) -> CheckIn:
    """Write the viewer's check-in, audited; AccessDenied (a `denied` row) when they may not write this metric's."""
    metric = context.engine().metric(key)
    person = context.viewer()
    filters = {"period": period, "status": status or "empty"}
    if person is None or not _may_write(metric):
        from dashboard.guard import ANONYMOUS

        signed_in = person is not None and person is not ANONYMOUS
        why, fix = (refusal(person.name, person.role.value, metric.owner) if signed_in and person is not None
                    else (t("checkin.anonymous", "en"), "sign in as the metric's owner or an administrator"))
        refused = AccessDenied(f"you may not write check-ins of {key}: {why}", f"/metric/{key}", fix)
        context.denied(refused, key, filters)
        raise refused
    key, period, status, note = checked(key, period, status or "empty", note)
    found = context.recorder()
    if found is not None:  # the row first: a check-in is never stored without it
        found.trail.record(found.user, "checkin", key, {"period": period, "status": status}, found.address)
    return CheckinStore.in_folder(context.config().data_path).add(key, period, status, note, person.name)


def _may_write(metric: Metric) -> bool:
    """A signed-in owner or administrator: with the login off (everyone is "anonymous") there is no author to
    record, so no one writes from the page (the CLI's `checkin add --as USER` names one)."""
    from dashboard.guard import ANONYMOUS

    person = context.viewer()
    return (person is not None and person is not ANONYMOUS
            and may_write(context.config().owners, metric.owner, person.name, person.role.value))


def register_callbacks(app: Dash) -> None:
    @app.callback(Output(ids.CHECKINS, "children"), Input(ids.KEY, "data"), Input(ids.CHECKIN_SAVED, "data"),
                  State(ids.VIEW, "data"))
    def fill_checkins(key: str, _saved: Any, data: dict) -> Any:
        lang = lang_of(data)
        return guarded(lambda: timeline(key, lang), lambda m: error_block(m, lang), lang)

    @app.callback(Output(ids.CHECKIN_MESSAGE, "children"), Output(ids.CHECKIN_SAVED, "data"),
                  Output(ids.CHECKIN_NOTE, "value"), Input(ids.CHECKIN_SUBMIT, "n_clicks"), State(ids.KEY, "data"),
                  State(ids.CHECKIN_PERIOD, "value"), State(ids.CHECKIN_STATUS, "value"),
                  State(ids.CHECKIN_NOTE, "value"), State(ids.VIEW, "data"), prevent_initial_call=True)
    def save_checkin(_clicks: int, key: str, period: str | None, status: str | None, note: str | None,
                     data: dict) -> tuple[Any, Any, Any]:
        lang = lang_of(data)

        def saved() -> tuple[Any, Any, Any]:
            written = write(key, period or "", status, note or "")
            month = labels.month_label(date(int(written.period[:4]), int(written.period[5:]), 1), lang)
            return (html.Div(t("checkin.saved", lang, period=month), className="checkin-saved"),
                    written.written_at + written.period, "")

        return guarded(saved, lambda m: (error_block(m, lang, compact=True), no_update, no_update), lang)
