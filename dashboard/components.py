"""Reusable widgets as pure functions of what the engine answered: KPI tiles, status badges, error blocks."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from core import labels
from core.i18n import t
from dashboard.figures import good_direction, sparkline_svg
from dashboard.safe import source_reason
from dashboard.theme import STATUS_SYMBOL
from metrics.engine.decision import Decision
from metrics.semantics.format import format_delta, format_value
from metrics.semantics.model import Metric

# Tiles are drawn as few components as their layout needs: the browser's cost of a page grows with the number of
# components on it (measured on the overview: 24 tiles of 24 components took 0.64 s to draw), so symbols and
# icons ride in text and CSS rather than in components of their own.


def status_badge(decision: Decision, lang: str) -> html.Span:
    """The decision's status as words and a symbol on its colour, so it reads without colour too; its sentence (why)
    on hover."""
    name = decision.status.value
    return html.Span(f"{STATUS_SYMBOL.get(name, '?')}\u2009{decision.label(lang)}", title=decision.sentence(lang),
                     className=f"status-badge status-{name}", **{"data-status": name})


def delta_line(metric: Metric, delta: float | None, lang: str) -> html.Div:
    """Change against the previous period: ▲/▼ coloured by whether that way is good for this metric."""
    if delta is None:
        return html.Div(t("tile.no_previous", lang), className="kpi-delta delta-none")
    shown = format_delta(delta, metric.unit, lang)
    if not any(c in "123456789" for c in shown):
        delta = 0.0  # a change too small to show (−0.0 pp) is no change, not bad news
    good = good_direction(metric, delta)
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "▶"
    tone = "delta-flat" if good is None else "delta-good" if good else "delta-bad"
    return html.Div([f"{arrow} {shown}", html.Span(t("tile.vs_previous", lang), className="delta-label")],
                    className=f"kpi-delta {tone}", **{"data-tone": tone})


def stale_marker(reason: str, lang: str) -> html.Span:
    tip = reason or t("tile.stale_sla", lang)
    return html.Span(t("tile.stale", lang), className="stale-badge", title=tip)  # an hourglass before it (CSS)


def error_block(message: str, lang: str, compact: bool = False) -> html.Div:
    """A VantageError's message where the number would be: what failed, where, and how to fix it."""
    return html.Div([
        html.Div([html.I(className="bi bi-exclamation-octagon me-2", **{"aria-hidden": "true"}),
                  t("tile.error" if compact else "error.title", lang)], className="error-title"),
        html.Div(message, className="error-message"),
    ], className="error-block" + (" compact" if compact else ""), role="alert")


def warning_block(messages: Sequence[str], lang: str) -> dbc.Alert | None:
    """Notes about parts of the URL that were wrong and ignored."""
    if not messages:
        return None
    return dbc.Alert([html.Div(t("filter.bad", lang, problem=m)) for m in messages], color="warning",
                     className="view-warning", dismissable=True)


def value_text(shown: str) -> list[Any]:
    """A formatted value with its unit words set smaller than the number ('23,297 /day', 'CNY 2.13M'): the number
    as text, each run of unit words before or after it in a span."""
    if not any(c.isdigit() for c in shown):
        return [shown]
    before: list[str] = []
    number = ""
    after: list[str] = []
    for word in shown.split(" "):
        if not number and any(c.isdigit() for c in word) and not word.startswith("/"):
            number = word
        else:
            (after if number else before).append(word)
    parts: list[Any] = []
    if before:
        parts.append(html.Span(" ".join(before), className="value-unit"))
    parts.append((" " if before else "") + number)
    if after:
        parts.append(html.Span(" " + " ".join(after), className="value-unit"))
    return parts


def kpi_tile(metric: Metric, lang: str, theme: str, href: str | None, *, answer: Any = None,
             sparkline: Sequence[float | None] = (), error: str | None = None, not_filterable: bool = False,
             size: str = "tile", scope: str = "") -> html.Div:
    """One KPI: value, change, baseline → now, target, status, sparkline, freshness; or why it cannot be shown.

    `answer` is the engine's Answer[Headline]; `error` a VantageError message when there is no answer.
    size: "tile" (overview grid), "hero" (the results strip) or "summary" (a metric page's head, not a link).
    `scope` names the part of the programme the number is for when it is not all of it ("Legal / Contracts").
    """
    hero = size != "tile"
    key = metric.key
    title: Any = [metric.title(lang), html.Div(scope, className="kpi-scope")] if scope else metric.title(lang)
    head: list[Any] = [html.Div(title, className="kpi-title")]
    fresh_end: list[Any] = []
    status = "none"
    body: list[Any]
    if not_filterable:
        body = [html.Div(t("tile.not_filterable", lang), className="kpi-note"),
                html.Div(t("tile.not_filterable_hint", lang), className="kpi-facts")]
        state = "not-filterable"
    elif answer is None:
        body = [error_block(error or t("error.internal", lang), lang, compact=True)]
        state = "error"
    else:
        h = answer.data
        status = h.status.value
        # Grid tiles are narrow: the badge goes to the footer so the title keeps the width; the status colour
        # still edges the tile for a glance from across the room.
        (head if hero else fresh_end).append(status_badge(h.decision, lang))
        picture = sparkline_svg(sparkline, theme, h.target, *((280, 64) if hero else (150, 44)))
        value_row = [html.Div(value_text(format_value(h.value, metric.unit, lang)), className="kpi-value")]
        if picture:
            value_row.append(html.Img(src=picture, className="kpi-sparkline", alt=t("tile.trend", lang)))
        period = h.decision.period(lang)
        if h.latest_with_data:  # the month asked for had no rows: the engine answered for the latest that has
            period = t("tile.latest_with_data", lang, period=period)
        facts = [html.Div(period, className="kpi-period"), delta_line(metric, h.delta, lang),
                 _baseline_fact(metric, h, lang), html.Div(h.decision.target_text(lang), className="kpi-target")]
        fresh: Any = _as_of(answer.data_as_of, lang, short=size == "tile", today=answer.computed_at.date())
        if answer.stale:
            # A source's failure: in full for admins only. Newer data being computed is no failure.
            reason = t("tile.refreshing", lang) if answer.refreshing else source_reason(answer.stale_reason, lang)
            fresh = html.Div([fresh, stale_marker(reason, lang)], className="kpi-asof-group")
        body = [html.Div(value_row, className="kpi-value-row"), html.Div(facts, className="kpi-facts"),
                *_owner_line(key, h.decision, lang), html.Div([fresh, *fresh_end], className="kpi-freshness")]
        if answer.stale_reason:
            body.append(html.Div(t("tile.refreshing", lang) if answer.refreshing else t(
                "tile.last_good", lang, reason=source_reason(answer.stale_reason, lang)), className="kpi-last-good"))
        state = "stale" if answer.stale else "ok"
    # A grid tile's head is its title alone; a link is the tile's body itself.
    parts = [head[0] if len(head) == 1 and not hero else html.Div(head, className="kpi-head"), *body]
    if href is None:
        content: Any = html.Div(parts, className="kpi-body")
    else:
        content = dcc.Link(parts, href=href, className="kpi-link kpi-body",
                           title=t("overview.open", lang, title=metric.title(lang)))
    return html.Div(content, id=f"{size}-{key}", className=f"kpi-tile {size} tile-{state} edge-{status}",
                    **{"data-metric": key, "data-state": state, "data-status": status})


def _owner_line(key: str, decision: Decision, lang: str) -> list[html.Div]:
    """The owner's current check-in for the tile's month, in a line ("Owner: at risk: SAP cut-over…"), the whole
    note on hover; nothing without one. Read from the check-ins beside the data of the app serving the request."""
    import flask

    from dashboard import context
    from programme.checkins import current_in, month_of

    if not flask.has_app_context() or context.CONFIG_KEY not in flask.current_app.config:
        return []
    found = current_in(context.config().data_path, key, month_of(decision.end - timedelta(days=1)))
    if found is None:
        return []
    return [html.Div(t("checkin.owner_says", lang, line=found.short(lang)),
                     className=f"kpi-checkin small text-truncate checkin-{found.status}",
                     title=f"{found.line(lang)} ({found.author}, {found.written_at[:10]})",
                     **{"data-checkin": found.status})]


def tile_placeholder(metric: Metric, lang: str, size: str = "tile") -> html.Div:
    """What a tile shows until its numbers arrive: its title and a quiet shimmer, never a blank box."""
    return html.Div([html.Div(html.Div(metric.title(lang), className="kpi-title"), className="kpi-head"),
                     html.Div(className="kpi-shimmer"),
                     html.Span(t("tile.loading", lang), className="visually-hidden")],
                    className=f"kpi-tile {size} kpi-loading", **{"data-metric": metric.key})


def _as_of(moment: Any, lang: str, short: bool, today: date) -> html.Span:
    """When the data was last updated; grid tiles say it briefly (the year only when it is not this year's) and
    keep the full sentence as a tooltip."""
    if moment is None:
        return html.Span(t("tile.as_of_unknown", lang), className="kpi-asof")
    full = t("tile.as_of", lang, time=labels.time_label(moment, lang))
    if not short:
        return html.Span(full, className="kpi-asof")
    return html.Span(labels.time_label(moment, lang, with_year=False, today=today), className="kpi-asof with-clock",
                     title=full)


def _baseline_fact(metric: Metric, h: Any, lang: str) -> html.Div:
    if h.baseline is None:
        return html.Div()
    return html.Div([html.Span(t("tile.baseline", lang), className="fact-label"),
                     f" {format_value(h.baseline, metric.unit, lang)} → {format_value(h.value, metric.unit, lang)}"],
                    className="kpi-baseline")

