"""A milestone and what it moved: its facts, and each linked KPI before and after, in scope against control; an
unfinished milestone shows its outcome instead (it has no after-period yet)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Callable, Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from core import labels
from core.i18n import t
from dashboard.figures import good_direction
from dashboard.pages.programme import _plan as pp
from dashboard.pages.programme._parts import outcome_badge
from dashboard.pages.programme._state import Address, Focus
from dashboard.theme import base_layout, palette
from metrics.semantics.format import format_delta, format_value
from metrics.semantics.model import Metric, Unit
from programme.impact import Impact, Unfinished, Window
from programme.plan import Plan


@dataclass(frozen=True)
class Moved:
    """One KPI a milestone names: its metric and impact (or the milestone's outcome when it is unfinished), or why
    it cannot be shown."""

    key: str
    metric: Metric | None
    impact: Impact | Unfinished | None
    error: str = ""


def milestone_card(plan: Plan, m: dict[str, Any], address: Address, path: str, lang: str) -> html.Div:
    """Who, when (planned and actual), how late, and what it waits for."""
    outcome, slip = str(m["outcome"]), m["slip_days"]
    span = lambda a, b: t("programme.span", lang, start=labels.date_label(a, lang),  # noqa: E731
                          end=labels.date_label(b, lang)) if a or b else "—"
    deps = []
    for dep in pp.split(m["depends_on"]):
        d = plan.milestone(dep)
        deps.append(dcc.Link(dep, href=address.drilled(d["phase_id"], d["workstream_id"], dep).href(path))
                    if d else html.Span(dep))
        deps.append(" ")
    if outcome == "late":
        slip_text = t("programme.days_late", lang, days=slip)
    elif outcome == "on_time" and slip:
        slip_text = t("programme.days_early", lang, days=-slip)
    elif slip:
        slip_text = t("programme.days_overdue", lang, days=slip)
    else:
        slip_text = t("programme.on_plan", lang) if outcome == "on_time" else "—"
    lead = pp.workstream_lead(plan, m["workstream_id"])
    facts = [
        ("programme.phase", pp.phase_name(plan, m["phase_id"], lang)),
        ("programme.workstream", pp.workstream_name(plan, m["workstream_id"], lang)),
        ("programme.lead", lead or "—"),
        ("metric.owner", m["owner"] or "—"),
        ("programme.planned", span(m["planned_start"], m["planned_end"])),
        ("programme.actual", span(m["actual_start"], m["actual_end"]) if m["actual_end"] else
         t("programme.open_since", lang, start=labels.date_label(m["actual_start"], lang)) if m["actual_start"]
         else "—"),
        ("programme.slip", slip_text),
        ("programme.depends_on", deps or t("explain.none", lang)),
    ]
    items: list[Any] = []
    for key, value in facts:
        items += [html.Dt(t(key, lang)), html.Dd(value)]
    return html.Div([
        html.Div([html.Span(m["milestone_id"], className="milestone-id"),
                  html.H3(pp.title(m, lang), className="milestone-heading"), outcome_badge(outcome, lang)],
                 className="milestone-head"),
        html.Dl(items, className="milestone-facts"),
    ], className="milestone-card", **{"data-milestone": m["milestone_id"]})


def tone(metric: Metric, change: float | None, shown: str) -> str:
    """' delta-good' / ' delta-bad' for a change, '' when there is none or it is too small to show (−0.0 pp)."""
    if change is None or not any(c in "123456789" for c in shown):
        return ""
    return " delta-good" if good_direction(metric, change) else " delta-bad"


def _window(w: Window | None, metric: Metric, lang: str, role: str) -> list[html.Td]:
    """Before, after and change of one group, as three cells (the change coloured by whether it is good news)."""
    if w is None:
        return [html.Td("—", className="num", **{"data-role": f"{role}-before"}),
                html.Td("—", className="num", **{"data-role": f"{role}-after"}),
                html.Td("—", className="num", **{"data-role": f"{role}-change"})]
    shown = format_delta(w.change, metric.unit, lang) or "—"
    return [html.Td(format_value(w.before, metric.unit, lang), className="num", **{"data-role": f"{role}-before"}),
            html.Td(format_value(w.after, metric.unit, lang), className="num", **{"data-role": f"{role}-after"}),
            html.Td(shown, className="num change" + tone(metric, w.change, shown), **{"data-role": f"{role}-change"})]


def impact_table(moved: Sequence[Moved], focus: Focus, address: Address, path: str, lang: str,
                 metric_href: Callable[[str], str]) -> Any:
    """A row per linked KPI: all departments, in scope and control before → after, and the net-of-control change."""
    if not moved:
        return html.Div(t("programme.no_kpis", lang), className="empty-note")
    groups = ("filter.all_departments", "programme.group_scope", "programme.group_control")
    top = [html.Th("", scope="col")] + [html.Th(t(k, lang), colSpan=3, scope="colgroup", className="group")
                                        for k in groups] + [html.Th("", scope="col"), html.Th("", scope="col")]
    words = [t("programme.before", lang), t("programme.after", lang), t("word.change", lang)]
    sub = ([html.Th(t("word.kpi", lang), scope="col")] +
           [html.Th(w, scope="col", className="num") for _ in groups for w in words] +
           [html.Th(t("programme.net", lang), scope="col", className="num", title=t("programme.net_note", lang)),
            html.Th("", scope="col")])
    body = []
    for item in moved:
        target = address.drilled(focus.phase or "", focus.workstream or "", focus.milestone or "", item.key)
        name = item.metric.title(lang) if item.metric else item.key
        cells: list[Any] = [html.Th(dcc.Link(name, href=target.href(path), className="kpi-drill"), scope="row")]
        if item.impact is None or item.metric is None:
            cells.append(html.Td(t("programme.unavailable", lang, message=item.error), colSpan=10,
                                 className="impact-error"))
        elif isinstance(item.impact, Unfinished):
            cells += [html.Td(unfinished_text(item.impact, lang), colSpan=10, className="impact-unfinished",
                              **{"data-role": "unfinished"}), _open_kpi(metric_href(item.key), lang)]
        else:
            im, metric = item.impact, item.metric
            for window, role in ((im.overall, "all"), (im.in_scope, "scope"), (im.control, "control")):
                cells += _window(window, metric, lang, role)
            net = format_delta(im.net_of_control, metric.unit, lang) or "—"
            cells.append(html.Td(html.Strong(net), className="num net" + tone(metric, im.net_of_control, net),
                                 **{"data-role": "net"}))
            cells.append(_open_kpi(metric_href(item.key), lang))
        body.append(html.Tr(cells, className="selected" if item.key == focus.kpi else "",
                            **{"data-metric": item.key}))
    return dbc.Table([html.Thead([html.Tr(top, className="group-row"), html.Tr(sub)]), html.Tbody(body)],
                     size="sm", hover=True, className="impact-table mb-0")


def _open_kpi(href: str, lang: str) -> html.Td:
    return html.Td(dcc.Link([html.I(className="bi bi-box-arrow-up-right", **{"aria-hidden": "true"}),
                             html.Span(t("programme.open_kpi", lang), className="visually-hidden")],
                            href=href, title=t("programme.open_kpi", lang), className="open-kpi"))


def unfinished_text(u: Unfinished, lang: str) -> str:
    """What an unfinished milestone shows instead of a before and after: its outcome, and why there is no after."""
    if u.outcome == "done":  # done, but the plan does not say when: there is no day to measure around
        return t("programme.done_undated", lang)
    return t("programme.not_finished", lang, outcome=t(f"outcome.{u.outcome}", lang))


def windows_line(im: Impact, weeks: int, lang: str) -> str:
    """The two windows in words, and a note when the weeks after are not all there yet."""
    last = lambda d: d - timedelta(days=1)  # noqa: E731 - windows are half-open
    before = t("programme.span", lang, start=labels.date_label(im.before[0], lang),
               end=labels.date_label(last(im.before[1]), lang))
    text = t("programme.windows", lang, before=before, after=(
        t("programme.span", lang, start=labels.date_label(im.after[0], lang),
          end=labels.date_label(last(im.after[1]), lang)) if im.after[1] > im.after[0] else "—"))
    days = (im.after[1] - im.after[0]).days
    if days <= 0:
        text += " · " + t("programme.after_none", lang)
    elif days < weeks * 7:
        text += " · " + t("programme.after_short", lang, days=days)
    return text


def groups_line(im: Impact, metric: Metric, lang: str) -> list[html.Div]:
    """Which departments are in scope and which form the control group (or why there is none)."""
    if "department" not in metric.dimensions:
        return [html.Div(t("programme.no_departments", lang))]
    names = lambda ds: ", ".join(labels.value_label("department", d, lang) for d in ds)  # noqa: E731
    out = [html.Div(t("programme.group_scope_long", lang, departments=names(im.in_scope_departments)))]
    out.append(html.Div(t("programme.group_control_long", lang, departments=names(im.control_departments))
                        if im.control_departments else t("programme.no_control", lang)))
    return out


def impact_figure(im: Impact, metric: Metric, lang: str, theme: str) -> go.Figure:
    """Before (hollow) → after (filled) for all departments, in scope and control: the gap between the arrows
    of in scope and control is the net-of-control change."""
    p = palette(theme)
    rows = [(t("filter.all_departments", lang), im.overall), (t("programme.group_scope", lang), im.in_scope),
            (t("programme.group_control", lang), im.control)]
    rows = [(name, w) for name, w in rows if w is not None]
    fig = go.Figure(layout=base_layout(theme, height=70 + 48 * len(rows), showlegend=True,
                                       margin=dict(l=8, r=24, t=36, b=8), hovermode="closest"))
    for name, w in rows:
        good = good_direction(metric, w.change) if w.change is not None else None
        colour = p.muted if good is None else p.good if good else p.bad
        if w.before is not None and w.after is not None:
            fig.add_annotation(x=w.after, y=name, ax=w.before, ay=name, xref="x", yref="y", axref="x", ayref="y",
                               showarrow=True, arrowhead=2, arrowsize=1.2, arrowwidth=2.5, arrowcolor=colour, text="")
    fmt = lambda v: format_value(v, metric.unit, lang)  # noqa: E731
    for label, attr, symbol in ((t("programme.before", lang), "before", "circle-open"),
                                (t("programme.after", lang), "after", "circle")):
        pts = [(name, getattr(w, attr)) for name, w in rows if getattr(w, attr) is not None]
        fig.add_trace(go.Scatter(
            x=[v for _, v in pts], y=[n for n, _ in pts], mode="markers+text", name=label,
            text=[fmt(v) for _, v in pts], textposition="top center", textfont=dict(color=p.text, size=12),
            marker=dict(symbol=symbol, size=13, color=p.series, line=dict(width=2.5, color=p.series)),
            hovertemplate=f"%{{y}} · {label}: %{{text}}<extra></extra>", cliponaxis=False))
    values = [v for _, w in rows for v in (w.before, w.after) if v is not None]
    if values:
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.25 or abs(hi) * 0.05 or 1.0
        fig.update_xaxes(range=[lo - pad, hi + pad], tickformat=".1%" if metric.unit is Unit.PERCENT else "")
    fig.update_yaxes(autorange="reversed", showgrid=False, automargin=True, tickfont=dict(size=13, color=p.text))
    return fig


def chosen(moved: Sequence[Moved], focus: Focus, weeks: int, lang: str, theme: str,
           metric_href: Callable[[str], str]) -> Any:
    """The KPI the drill reached: its arrows, the windows and groups in words, and the way to its own page."""
    item = next((m for m in moved if m.key == focus.kpi), None)
    if item is None or item.impact is None or item.metric is None:
        return html.P(t("programme.choose_kpi", lang), className="drill-hint") if item is None else None
    if isinstance(item.impact, Unfinished):
        return html.Div([html.H3(item.metric.title(lang), className="impact-kpi-title"),
                         html.P(unfinished_text(item.impact, lang), className="impact-facts impact-unfinished"),
                         dcc.Link([t("programme.open_kpi", lang), " ",
                                   html.I(className="bi bi-arrow-right", **{"aria-hidden": "true"})],
                                  href=metric_href(item.metric.key),
                                  className="btn btn-sm btn-outline-primary mt-2 open-kpi-page")],
                        className="impact-chosen", **{"data-metric": item.metric.key})
    im, metric = item.impact, item.metric
    net = format_delta(im.net_of_control, metric.unit, lang) or "—"
    return html.Div([
        html.Div([html.H3(metric.title(lang), className="impact-kpi-title"),
                  html.Div([html.Span(t("programme.net", lang), className="fact-label"), " ",
                            html.Strong(net, className="impact-net" + tone(metric, im.net_of_control, net))],
                           className="impact-net-line"),
                  html.Div(t("programme.finished_on", lang, date=labels.date_label(im.on, lang)),
                           className="impact-facts"),
                  html.Div(windows_line(im, weeks, lang), className="impact-facts"),
                  html.Div(groups_line(im, metric, lang), className="impact-facts"),
                  dcc.Link([t("programme.open_kpi", lang), " ",
                            html.I(className="bi bi-arrow-right", **{"aria-hidden": "true"})],
                           href=metric_href(metric.key),
                           className="btn btn-sm btn-outline-primary mt-2 open-kpi-page")],
                 className="impact-words"),
        dcc.Graph(figure=impact_figure(im, metric, lang, theme), className="impact-graph",
                  config={"displaylogo": False, "displayModeBar": False}),
    ], className="impact-chosen", **{"data-metric": metric.key})
