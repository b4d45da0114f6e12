"""The programme's Gantt as a pure function of the plan: phases → workstreams → milestones, planned against actual.

Rows are numbered top down; names sit in the left margin as annotations (indented by level, clickable) and the
drill path of each row rides in the bars' customdata, so a click on a bar or a name drills. A milestone declared
dependent on another (`depends_on`) gets an arrow from the end of its predecessor's bar to the start of its own,
in the slippage colour when the predecessor finished (or is still open) after the dependant was planned to start.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Any, Sequence

import plotly.graph_objects as go
import polars as pl

from core import labels
from core.i18n import t
from dashboard.pages.programme import _plan as pp
from dashboard.pages.programme._state import Focus
from dashboard.theme import OKABE_ITO, base_layout, palette
from programme import milestones as ms
from programme.plan import Plan, predecessors

ROW_PX = 20
LABEL_PX = 390  # the left margin that holds the row names
NOTE_SHARE = 0.3  # room right of the latest bar with a slip note, as a share of the time before it: a note of
# ~95 px ("42 d overdue") fits on the narrowest Gantt drawn (~410 px wide), since 0.3 / 1.3 of it is ~95 px
TITLE_CHARS = 42
DAY_MS = 86_400_000
ELBOW_DAYS = 4  # a dependency's connector turns this many days before the dependant's start
SEP = "|"  # joins a row's drill path in customdata and annotation names


@dataclass(frozen=True)
class Row:
    """One line of the Gantt: a phase (level 0), a workstream in a phase (1) or a milestone (2)."""

    level: int
    label: str
    drill: tuple[str, ...]
    planned: tuple[date, date] | None
    actual: tuple[date, date] | None
    outcome: str
    note: str
    hover: str
    milestone_id: str = ""
    selected: bool = False
    depends_on: tuple[str, ...] = ()  # the milestones this one waits for (ids, escaped like milestone_id)


def rows(plan: Plan, frame: pl.DataFrame, focus: Focus, today: date, lang: str) -> list[Row]:
    """The Gantt's rows for the focus: each phase, its workstreams and their milestones (frame from pp.milestones)."""
    out: list[Row] = []
    for phase in pp.phase_order(plan):
        in_phase = frame.filter(pl.col("phase_id") == phase)
        if in_phase.is_empty():
            continue
        known = plan.phases.filter(pl.col("phase_id") == phase)
        planned = (known["planned_start"][0], known["planned_end"][0]) if known.height else None
        out.append(_summary(0, escape(pp.phase_name(plan, phase, lang)), (phase,), in_phase, planned, today, lang))
        for stream in pp.workstream_order(plan):
            in_stream = in_phase.filter(pl.col("workstream_id") == stream)
            if in_stream.is_empty():
                continue
            out.append(_summary(1, escape(pp.workstream_name(plan, stream, lang)), (phase, stream), in_stream, None,
                                today, lang))
            for m in in_stream.sort(["planned_start", "milestone_id"]).iter_rows(named=True):
                out.append(_milestone(m, today, lang, selected=m["milestone_id"] == focus.milestone))
    return out


def _span(a: date | None, b: date | None, lang: str) -> str:
    return t("programme.span", lang, start=labels.date_label(a, lang), end=labels.date_label(b, lang))


def _slip_note(outcome: str, slip: int | None, lang: str) -> str:
    if outcome == "late" and slip:
        return t("programme.days_late", lang, days=slip)
    if outcome in ("overdue", "blocked") and slip:
        return t("programme.days_overdue", lang, days=slip)
    return ""


def _milestone(m: dict[str, Any], today: date, lang: str, selected: bool) -> Row:
    outcome, slip = str(m["outcome"]), m["slip_days"]
    start = m["actual_start"] or (m["planned_start"] if outcome in ("overdue", "blocked") else None)
    if m["actual_end"] is not None:
        actual = (m["actual_start"] or m["actual_end"], m["actual_end"])
    elif start is not None and outcome != "not_started":
        actual = (start, max(start, today))
    else:
        actual = None
    if outcome == "blocked":
        actual = (m["planned_start"], m["planned_end"])  # drawn hatched over the plan: this span cannot move
    title = pp.title(m, lang)
    short = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"
    note = _slip_note(outcome, slip, lang)
    if m["actual_end"]:
        worked = _span(m["actual_start"], m["actual_end"], lang)
    else:
        worked = t("programme.open_since", lang, start=labels.date_label(m["actual_start"], lang)) \
            if m["actual_start"] else "—"
    # Plan rows are data: escaped, since plotly reads HTML tags in hover text and labels.
    facts = [f"<b>{escape(str(m['milestone_id']))}</b> {escape(title)}",
             f"{t('programme.planned', lang)}: {_span(m['planned_start'], m['planned_end'], lang)}",
             f"{t('programme.actual', lang)}: {worked}",
             t(f"outcome.{outcome}", lang) + (f" · {note}" if note else ""),
             f"{t('metric.owner', lang)}: {escape(str(m['owner'] or '—'))}"]
    return Row(2, escape(short), (m["phase_id"], m["workstream_id"], m["milestone_id"]),
               (m["planned_start"], m["planned_end"]), actual, outcome, note, "<br>".join(facts),
               escape(str(m["milestone_id"])), selected,
               tuple(escape(d) for d in predecessors(m.get("depends_on"))))


def _summary(level: int, name: str, drill: tuple[str, ...], frame: pl.DataFrame,
             planned: tuple[date, date] | None, today: date, lang: str) -> Row:
    """A phase or workstream: its planned span, the span worked so far and the worst news below it."""
    planned = planned or (frame["planned_start"].min(), frame["planned_end"].max())
    started = frame["actual_start"].drop_nulls()
    all_done = bool((frame["status"] == "done").all()) and frame["actual_end"].null_count() == 0
    actual = None
    if started.len():
        actual = (started.min(), frame["actual_end"].max() if all_done else max(today, started.min()))
    if all_done:
        slip = (actual[1] - planned[1]).days if actual else 0
        outcome = "late" if slip > 0 else "on_time"
    else:
        # A phase or workstream is overdue only when its own planned end has passed; late milestones inside it
        # show on their own rows.
        outcome = "overdue" if planned[1] < today else "in_progress" if actual else "not_started"
        slip = None
    counts = ms.totals(frame)
    note = t("programme.days_late", lang, days=slip) if slip and slip > 0 else ""
    hover = "<br>".join([f"<b>{name}</b>",
                         f"{t('programme.planned', lang)}: {_span(planned[0], planned[1], lang)}",
                         f"{t('programme.actual', lang)}: " + (_span(actual[0], actual[1], lang) if actual else "—"),
                         f"{t('outcome.done', lang)}: {counts['done']}/{counts['total']} · "
                         + t("programme.cell_on_time", lang, on_time=counts["on_time"])
                         + (" · " + t("programme.cell_overdue", lang, count=counts["overdue"]) if counts["overdue"]
                            else "")])
    return Row(level, name, drill, planned, actual, outcome, note, hover)


def drill_of(click: dict | None, annotation: dict | None, triggered: str) -> tuple[str, ...] | None:
    """The drill path a click on a bar or a row name asks for (None: the click was not on a row)."""
    if triggered.endswith("clickAnnotationData"):
        name = ((annotation or {}).get("annotation") or {}).get("name")
        return tuple(name.split(SEP)) if name else None
    points = (click or {}).get("points") or []
    data = points[0].get("customdata") if points else None
    return tuple(str(data[0]).split(SEP)) if data else None


# -- the figure ---------------------------------------------------------------------------------------------------
def colours(theme: str) -> dict[str, str]:
    """Okabe-Ito colours by outcome; slippage (late, overdue) in vermillion, blocked in orange."""
    dark = theme == "dark"
    return {"planned": "#4b535c" if dark else "#cfd4da", "on_time": OKABE_ITO["bluish_green"],
            "done": OKABE_ITO["bluish_green"], "late": OKABE_ITO["vermillion"], "overdue": OKABE_ITO["vermillion"],
            "in_progress": OKABE_ITO["sky_blue"] if dark else OKABE_ITO["blue"], "blocked": OKABE_ITO["orange"],
            "not_started": OKABE_ITO["sky_blue"]}


PATTERNS = {"overdue": "/", "blocked": "x"}


def figure(gantt: Sequence[Row], today: date, lang: str, theme: str) -> go.Figure:
    """Planned bars (grey, wide) under actual bars (coloured by outcome), a today line and notes on slippage."""
    p, fill = palette(theme), colours(theme)
    n = len(gantt)
    fig = go.Figure(layout=base_layout(
        theme, height=n * ROW_PX + 100, barmode="overlay", showlegend=True, hovermode="closest", clickmode="event",
        margin=dict(l=LABEL_PX, r=16, t=66, b=30),
        legend=dict(orientation="h", yanchor="top", y=1, yref="container", xanchor="left", x=0, xref="container",
                    font=dict(color=p.text, size=13), traceorder="normal"),
        hoverlabel=dict(align="left")))
    ys = list(range(n))
    key = [SEP.join(r.drill) for r in gantt]
    planned = [i for i, r in enumerate(gantt) if r.planned]
    fig.add_trace(go.Bar(
        name=t("programme.planned", lang), orientation="h", y=[ys[i] for i in planned],
        base=[gantt[i].planned[0].isoformat() for i in planned],
        x=[_ms(*gantt[i].planned) for i in planned], width=[0.74 if gantt[i].level == 2 else 0.5 for i in planned],
        marker=dict(color=fill["planned"], line=dict(width=0)),
        customdata=[[key[i], gantt[i].hover] for i in planned], hovertemplate="%{customdata[1]}<extra></extra>"))
    for outcome in ms.OUTCOMES:
        shown = [i for i, r in enumerate(gantt) if r.actual and r.outcome == outcome]
        if not shown:
            continue
        fig.add_trace(go.Bar(
            name=t(f"outcome.{outcome}", lang), orientation="h", y=[ys[i] for i in shown],
            base=[gantt[i].actual[0].isoformat() for i in shown], x=[_ms(*gantt[i].actual) for i in shown],
            width=[0.36 if gantt[i].level == 2 else 0.24 for i in shown],
            marker=dict(color=fill[outcome], line=dict(width=0),
                        pattern=dict(shape=PATTERNS.get(outcome, ""), fgcolor=p.surface, size=6, solidity=0.3)),
            customdata=[[key[i], gantt[i].hover] for i in shown], hovertemplate="%{customdata[1]}<extra></extra>"))
    noted = [i for i, r in enumerate(gantt) if r.note]
    if noted:
        ends = [max(d for d in (*(gantt[i].planned or ()), *(gantt[i].actual or ()))) for i in noted]
        fig.add_trace(go.Scatter(
            x=[e + timedelta(days=4) for e in ends], y=[ys[i] for i in noted], mode="text", showlegend=False,
            text=[gantt[i].note for i in noted], textposition="middle right", cliponaxis=False,
            textfont=dict(color=p.bad, size=12), customdata=[[key[i], gantt[i].hover] for i in noted],
            hovertemplate="%{customdata[1]}<extra></extra>"))
    _decorate(fig, gantt, key, today, lang, theme)
    return fig


def dependency_arrows(gantt: Sequence[Row], lang: str, theme: str
                      ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A connector per dependency whose both milestones are rows, as Gantt charts draw them: from the predecessor's
    end (actual, else planned; an open one ends today at the earliest) along its row, down (or up) just before the
    dependant's planned start, into it, with an arrowhead there. In the slippage colour, and drawn over the bars,
    when the predecessor ends after that start (it held the dependant up); else thin and grey, under the bars.
    Returns the connectors (shapes) and the arrowheads (annotations, which say which depends on which on hover)."""
    p = palette(theme)
    row_of = {r.milestone_id: i for i, r in enumerate(gantt) if r.level == 2}
    lines: list[dict[str, Any]] = []
    heads: list[dict[str, Any]] = []
    for i, r in enumerate(gantt):
        for before in r.depends_on:
            j = row_of.get(before)
            first = gantt[j] if j is not None else None
            ends = (first.actual or first.planned or (None, None))[1] if first is not None else None
            if j is None or ends is None or r.planned is None:
                continue  # the predecessor is outside the focus
            held = ends > r.planned[0]
            colour = colours(theme)["late"] if held else p.muted
            x0, x1 = _epoch_ms(ends + timedelta(days=1)), _epoch_ms(r.planned[0])
            elbow = x1 - ELBOW_DAYS * DAY_MS
            lines.append(dict(type="path", xref="x", yref="y", path=f"M {x0},{j} H {elbow} V {i} H {x1}",
                              line=dict(color=colour, width=1.4 if held else 1), opacity=0.9 if held else 0.55,
                              layer="above" if held else "below"))
            heads.append(dict(x=r.planned[0].isoformat(), y=i, xref="x", yref="y", ax=-10, ay=0, axref="pixel",
                              ayref="pixel", text="", showarrow=True, arrowhead=2, arrowsize=1.1, arrowwidth=1.4,
                              arrowcolor=colour, standoff=0,
                              hovertext=t("programme.depends", lang, after=r.milestone_id, before=before)))
    return lines, heads


def _epoch_ms(day: date) -> int:
    """A day as plotly's date axes take it in a shape's path: milliseconds since 1970-01-01."""
    return (day - date(1970, 1, 1)).days * DAY_MS


def _ms(start: date, end: date) -> int:
    """A bar's length in milliseconds; the end day counts (a one-day milestone is one day long)."""
    return ((end - start).days + 1) * DAY_MS


def _decorate(fig: go.Figure, gantt: Sequence[Row], key: list[str], today: date, lang: str, theme: str) -> None:
    """Row names, phase bands, the selected row, the today line and the date axis (set at once: plotly validates
    every add_shape call separately, which costs a second on a full plan)."""
    p = palette(theme)
    accent = OKABE_ITO["sky_blue"] if theme == "dark" else OKABE_ITO["blue"]
    band = "rgba(255,255,255,0.04)" if theme == "dark" else "rgba(16,24,40,0.035)"
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for i, r in enumerate(gantt):
        if r.level == 0:
            shapes.append(dict(type="rect", xref="paper", x0=0, x1=1, y0=i - 0.5, y1=i + 0.5, fillcolor=band,
                               line_width=0, layer="below"))
        if r.selected:
            shapes.append(dict(type="rect", xref="paper", x0=0, x1=1, y0=i - 0.5, y1=i + 0.5, layer="below",
                               fillcolor="rgba(86,180,233,0.18)", line=dict(color=accent, width=1)))
        text = (f"<b>{r.label}</b>" if r.level < 2 else
                f"<span style='color:{accent}'><b>{r.milestone_id}</b></span>  {r.label}")
        notes.append(dict(x=0, xref="paper", y=i, yref="y", xanchor="left", xshift=-LABEL_PX + 10 + 18 * r.level,
                          text=text, showarrow=False, align="left", captureevents=True, name=key[i],
                          font=dict(size=13 if r.level < 2 else 12.5, color=p.text), hovertext=r.hover))
    connectors, heads = dependency_arrows(gantt, lang, theme)
    shapes += connectors
    notes += heads
    days = [d for r in gantt for d in (*(r.planned or ()), *(r.actual or ()))]
    if days:
        first, last = min(days), max(days)
        span = max((last - first).days, 30)
        lo, hi = first - timedelta(days=max(4, span // 60)), last + timedelta(days=max(18, span // 12))
        noted = [max(d for d in (*(r.planned or ()), *(r.actual or ()))) for r in gantt if r.note]
        if noted:  # the slip notes stand right of their bars, inside the chart
            hi = max(hi, max(noted) + timedelta(days=round((max(noted) - lo).days * NOTE_SHARE)))
        if lo <= today <= hi:
            shapes.append(dict(type="line", x0=today, x1=today, xref="x", y0=0, y1=1, yref="paper",
                               line=dict(color=p.text, width=1.5, dash="dash")))
            notes.append(dict(x=today, xref="x", y=0, yref="paper", yanchor="top", showarrow=False,
                              text=f"{t('programme.today', lang)} {labels.date_label(today, lang, with_year=False)}",
                              font=dict(color=p.text, size=12), bgcolor=p.surface))
        # plotly spaces the ticks for the width the chart gets (no two labels overlap on a narrow screen); the
        # label names the day, month or year by the step it chose, so no label repeats its neighbour's.
        zh = lang == "zh"
        stops = [dict(dtickrange=[None, "M1"], value="%-m月%-d日" if zh else "%-d %b"),
                 dict(dtickrange=["M1", "M12"], value="%Y年%-m月" if zh else "%b %Y"),
                 dict(dtickrange=["M12", None], value="%Y年" if zh else "%Y")]
        fig.update_xaxes(type="date", range=[lo, hi], side="top", showgrid=True, gridcolor=p.grid, ticks="",
                         tickformatstops=stops, fixedrange=True)
    fig.update_layout(shapes=shapes, annotations=notes)
    fig.update_yaxes(range=[len(gantt) - 0.5, -0.5], visible=False, fixedrange=True)
