"""Pieces of the programme page as pure functions of the plan and engine answers: crumbs, counts, lists, tables."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable, Sequence

import dash_bootstrap_components as dbc
import polars as pl
from dash import dcc, html

from core import labels
from core.i18n import t
from dashboard.pages.programme import _plan as pp
from dashboard.pages.programme._state import Address, Focus
from metrics.semantics.format import format_value
from metrics.semantics.model import Metric, Unit
from programme import milestones as ms
from programme.impact import ScoreRow
from programme.plan import DataIssue, Plan

VERDICT_SYMBOL = {"met": "✓", "missed": "✕", "in_progress": "…", "no_data": "?", "error": "!"}
OUTCOME_SYMBOL = {"on_time": "✓", "done": "✓", "late": "!", "overdue": "!", "blocked": "✕", "in_progress": "▶",
                  "not_started": "○"}


def crumbs(plan: Plan, focus: Focus, address: Address, path: str, lang: str,
           metric_of: Callable[[str], Metric | None]) -> html.Nav:
    """Whole programme › phase › workstream › milestone › KPI; every step but the last links back up."""
    names = [t("programme.root", lang)]
    dims = [""]
    if focus.phase:
        names.append(pp.phase_name(plan, focus.phase, lang))
        dims.append(t("programme.phase", lang))
    if focus.workstream:
        names.append(pp.workstream_name(plan, focus.workstream, lang))
        dims.append(t("programme.workstream", lang))
    if focus.milestone:
        names.append(focus.milestone)
        dims.append(t("programme.milestone", lang))
    if focus.kpi:
        metric = metric_of(focus.kpi)
        names.append(metric.title(lang) if metric else focus.kpi)
        dims.append(t("word.kpi", lang))
    items = []
    for depth, (name, dim) in enumerate(zip(names, dims)):
        label = [html.Span(dim, className="crumb-dim"), " "] if dim else []
        label.append(html.Span(name, className="crumb-value"))
        last = depth == len(names) - 1
        body = html.Span(label) if last else dcc.Link(label, href=address.drilled(*focus.path[:depth]).href(path))
        items.append(html.Li(body, className="breadcrumb-item" + (" active" if last else ""),
                             **{"data-level": str(depth), **({"aria-current": "page"} if last else {})}))
    return html.Nav(html.Ol(items, className="breadcrumb mb-0"), className="drill-crumbs",
                    **{"aria-label": "breadcrumb"})


def stat(label: str, value: str, note: str, tone: str = "") -> html.Div:
    return html.Div([html.Div(label, className="stat-label"), html.Div(value, className="stat-value"),
                     html.Div(note, className="stat-note")], className="programme-stat" + (f" tone-{tone}" if tone
                                                                                             else ""))


def stats(frame: pl.DataFrame, today: date, lang: str) -> list[html.Div]:
    """Done, overdue, due soon and still open, of the milestones in view."""
    c = ms.totals(frame)
    late, soon = c["overdue"], c["due_soon"]
    return [
        stat(t("programme.stat_done", lang), f"{c['done']}", t("programme.stat_done_of", lang, total=c["total"],
                                                                on_time=c["on_time"])),
        stat(t("outcome.overdue", lang), f"{late}", t("programme.stat_overdue_note", lang),
             "bad" if late else "good"),
        stat(t("milestone.due_soon", lang), f"{soon}", t("programme.stat_due_note", lang, date=labels.date_label(
            today + timedelta(days=ms.DUE_DAYS), lang))),
        stat(t("programme.stat_open", lang), f"{c['open']}", t(
            "programme.stat_open_note", lang, in_progress=c["in_progress"], blocked=c["blocked"],
            not_started=c["not_started"]), "warn" if c["blocked"] else ""),
    ]


def outcome_badge(outcome: str, lang: str) -> html.Span:
    return html.Span([html.Span(OUTCOME_SYMBOL.get(outcome, "?"), **{"aria-hidden": "true"}), " ",
                      t(f"outcome.{outcome}", lang)], className=f"outcome-badge outcome-{outcome}")


def milestone_list(frame: pl.DataFrame, address: Address, path: str, lang: str, today: date, empty: str,
                   overdue: bool) -> html.Div:
    """Milestones as rows that drill on click: id, title, owner, when due and by how much it is late."""
    if frame.is_empty():
        return html.Div(empty, className="empty-note")
    items = []
    for m in frame.iter_rows(named=True):
        due = labels.date_label(m["planned_end"], lang)
        when = (t("programme.days_overdue", lang, days=m["slip_days"]) + " · " + t("programme.due_on", lang, date=due)
                if overdue else t("programme.due_in", lang, date=due, days=(m["planned_end"] - today).days))
        href = address.drilled(m["phase_id"], m["workstream_id"], m["milestone_id"]).href(path)
        items.append(html.Li(dcc.Link([
            html.Span(m["milestone_id"], className="milestone-id"),
            html.Span(pp.title(m, lang), className="milestone-title"),
            html.Span([when, " · ", str(m["owner"] or "—")], className="milestone-when" + (" late" if overdue else "")),
            outcome_badge(str(m["outcome"]), lang),
        ], href=href, className="milestone-row"), **{"data-milestone": m["milestone_id"]}))
    return html.Ol(items, className="milestone-rows")


def progress_matrix(plan: Plan, frame: pl.DataFrame, focus: Focus, address: Address, path: str,
                    lang: str) -> html.Div:
    """Workstreams down, phases across: done of all, on time and slip in each cell; each cell drills."""
    if frame.is_empty():
        return html.Div(t("programme.gantt_empty", lang), className="empty-note")
    phases = [p for p in pp.phase_order(plan) if p in set(frame["phase_id"].to_list())]
    streams = [w for w in pp.workstream_order(plan) if w in set(frame["workstream_id"].to_list())]
    cells = {(r["workstream_id"], r["phase_id"]): r for r in ms.counts(frame, ["workstream_id", "phase_id"])
             .iter_rows(named=True)}
    by_stream = {r["workstream_id"]: r for r in ms.counts(frame, ["workstream_id"]).iter_rows(named=True)}
    by_phase = {r["phase_id"]: r for r in ms.counts(frame, ["phase_id"]).iter_rows(named=True)}
    whole = ms.totals(frame)
    head = [html.Th(t("programme.workstream", lang), scope="col")]
    for p in phases:
        head.append(html.Th(dcc.Link(pp.phase_name(plan, p, lang), href=address.drilled(p).href(path)),
                            scope="col", className="num"))
    across, down = len(phases) > 1, len(streams) > 1  # a total of one column or row would only repeat it
    if across:
        head.append(html.Th(t("programme.total", lang), scope="col", className="num"))
    body = []
    for w in streams:
        row = [html.Th(pp.workstream_name(plan, w, lang), scope="row")]
        for p in phases:
            c = cells.get((w, p))
            row.append(_cell(c, lang, address.drilled(p, w).href(path) if c else None,
                             selected=(p, w) == (focus.phase, focus.workstream)))
        if across:
            row.append(_cell(by_stream[w], lang, None, total=True))
        body.append(html.Tr(row, **{"data-workstream": w}))
    if down:
        foot = [html.Th(t("programme.total", lang), scope="row")]
        foot += [_cell(by_phase[p], lang, address.drilled(p).href(path), total=True) for p in phases]
        if across:
            foot.append(_cell(whole, lang, None, total=True))
        body.append(html.Tr(foot, className="matrix-total"))
    return dbc.Table([html.Thead(html.Tr(head)), html.Tbody(body)], size="sm", className="progress-matrix mb-0")


def _cell(c: dict[str, Any] | None, lang: str, href: str | None, total: bool = False,
          selected: bool = False) -> html.Td:
    if c is None:
        return html.Td("—", className="num matrix-empty")
    share = c["done"] / c["total"] if c["total"] else 0.0
    facts = [t("programme.cell_on_time", lang, on_time=c["on_time"])]
    if c["slip"] is not None:
        facts.append(t("programme.slip_days", lang, days=f"{c['slip']:+.1f}"))
    top = html.Div([html.Span(f"{c['done']}/{c['total']}", className="cell-count"),
                    html.Span(f"{share:.0%}", className="cell-share")], className="cell-top")
    content = [top, html.Div(html.Div(className="cell-fill", style={"width": f"{share:.0%}"}), className="cell-bar"),
               html.Div(" · ".join(facts), className="cell-facts")]
    if c["overdue"]:
        content.append(html.Div(t("programme.cell_overdue", lang, count=c["overdue"]), className="cell-overdue"))
    inner = dcc.Link(content, href=href, className="cell-link") if href else html.Div(content)
    return html.Td(inner, className="num matrix-cell" + (" total" if total else "") + (" selected" if selected else ""))


def scorecard(rows: Sequence[ScoreRow], plan: Plan, metric_of: Callable[[str], Metric | None],
              metric_href: Callable[[str], str], lang: str) -> Any:
    """Each phase's KPI targets, the value reached, the month judged on and the verdict (words and a symbol)."""
    if not rows:
        return html.Div(t("programme.scorecard_none", lang), className="empty-note")
    head = html.Tr([html.Th(t("word.kpi", lang), scope="col"),
                    html.Th(t("chart.target", lang), scope="col", className="num"),
                    html.Th(t("programme.reached", lang), scope="col", className="num"),
                    html.Th(t("programme.judged", lang), scope="col"),
                    html.Th(t("programme.verdict", lang), scope="col")])
    body, last_phase = [], None
    for r in rows:
        if r.phase_id != last_phase:  # a heading row per phase keeps the KPI column wide
            body.append(html.Tr(html.Th(pp.phase_name(plan, r.phase_id, lang), colSpan=5, scope="colgroup"),
                                className="phase-row"))
            last_phase = r.phase_id
        metric = metric_of(r.metric)
        unit = metric.unit if metric else Unit.COUNT
        name = dcc.Link(metric.title(lang), href=metric_href(r.metric)) if metric else r.metric
        # A phase still running reads like a milestone in progress: one word for both.
        word = t("outcome.in_progress" if r.verdict == "in_progress" else f"verdict.{r.verdict}", lang)
        verdict = html.Span([html.Span(VERDICT_SYMBOL.get(r.verdict, "?"), **{"aria-hidden": "true"}), " ",
                             word], className=f"verdict verdict-{r.verdict}",
                            title=r.error or None)
        body.append(html.Tr([
            html.Td(name), html.Td(format_value(r.target, unit, lang), className="num"),
            html.Td(format_value(r.value, unit, lang) if r.verdict != "error" else "—", className="num"),
            html.Td(labels.month_label(r.month, lang), className="month"), html.Td(verdict),
        ], **{"data-phase": r.phase_id, "data-metric": r.metric, "data-verdict": r.verdict}))
    return dbc.Table([html.Thead(head), html.Tbody(body)], size="sm", className="scorecard-table mb-0")


def issues_panel(issues: Sequence[DataIssue], lang: str) -> Any:
    """Plan rows that could not be used, each with what is wrong and how to fix it; a quiet line when none."""
    if not issues:
        return html.Div([html.Span("✓ ", **{"aria-hidden": "true"}), t("programme.issues_none", lang)],
                        className="issues-none")
    head = html.Tr([html.Th(t(f"programme.issue_{c}", lang), scope="col") for c in ("table", "row", "problem", "fix")])
    body = [html.Tr([html.Td(i.table), html.Td(html.Code(i.row)), html.Td(i.problem, className="problem"),
                     html.Td(i.fix)], **{"data-row": i.row}) for i in issues]
    return html.Div([html.P(t("programme.issues_count", lang, count=len(issues)), className="issues-count"),
                     dbc.Table([html.Thead(head), html.Tbody(body)], size="sm", className="issues-table mb-0")])


def raid_table(raid: pl.DataFrame, focus: Focus, address: Address, path: str, plan: Plan, lang: str) -> Any:
    """The RAID log's entries (risks, assumptions, issues, dependencies), those of the milestone in view first."""
    if raid.is_empty():
        return html.Div(t("programme.raid_none", lang), className="empty-note")
    columns = ("raid_id", "kind", "title", "owner", "status", "raised_on", "due_on", "milestone_id")
    head = html.Tr([html.Th(t("explain.kind", lang) if c == "kind" else
                            t("programme.raid_title", lang) if c == "title" else
                            t("programme.raid_raised", lang) if c == "raised_on" else
                            t("programme.raid_due", lang) if c == "due_on" else labels.column_label(c, lang),
                            scope="col") for c in columns])
    body = []
    for r in raid.iter_rows(named=True):
        m = plan.milestone(str(r.get("milestone_id") or "")) if r.get("milestone_id") else None
        link = dcc.Link(r["milestone_id"], href=address.drilled(m["phase_id"], m["workstream_id"], m["milestone_id"])
                        .href(path)) if m else (r.get("milestone_id") or "—")
        cells = [html.Td(str(r.get(c) if r.get(c) is not None else "—")) for c in columns[:-1]]
        body.append(html.Tr([*cells, html.Td(link)],
                            className="selected" if focus.milestone and r.get("milestone_id") == focus.milestone
                            else ""))
    return dbc.Table([html.Thead(head), html.Tbody(body)], size="sm", className="raid-table mb-0")
