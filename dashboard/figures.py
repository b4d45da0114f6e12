"""Charts as pure functions of engine answers: a tile's sparkline, a KPI's trend and its breakdown."""
from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, timedelta
from types import EllipsisType
from typing import Any, Sequence

import plotly.graph_objects as go

from core import labels
from core.i18n import register, t
from dashboard.theme import base_layout, palette
from metrics.engine.periods import add_months
from metrics.engine.status import meets
from metrics.semantics.format import format_value
from metrics.semantics.model import Direction, Metric, TargetScope, Unit
from programme.milestones import Milestone

TICKS = {Unit.PERCENT: ".0%", Unit.HOURS: ",.0f", Unit.DAYS: ".1f", Unit.CNY: "~s", Unit.COUNT: ",.0f",
         Unit.PER_DAY: ",.0f", Unit.SCORE: ".1f"}
DAYS_PER_MONTH = 30.44
LANE_LEVELS = 3  # rows of milestone labels above the trend
LANE_MIN_PX = 560  # the narrowest the trend's plot area is drawn
LABEL_PX_PER_CHAR = 8  # a milestone label's width per character at 12 px (ids are short, upper case and digits)


register({
    "chart.definition_changed": ("Definition changed", "定义已变更"),
    "chart.definition_note": ("{metric}: definition changed on {date} ({before} → {after}). Numbers reported before "
                              "then were computed by the previous definition.",
                              "{metric}：定义于 {date} 变更（{before} → {after}）。此前报告的数字按旧定义计算。"),
})


@dataclass(frozen=True)
class DefinitionChange:
    """A metric definition change to mark on a trend: when, and what a reader should know about it."""

    on: date
    note: str


def sparkline_svg(values: Sequence[float | None], theme: str, target: float | None = None,
                  width: int = 160, height: int = 40) -> str:
    """A tiny line chart as an SVG data URI (no chart library in each tile); '' when there is nothing to draw."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    p = palette(theme)
    ys = [v for _, v in points] + ([target] if target is not None else [])
    low, high = min(ys), max(ys)
    span = (high - low) or abs(high) or 1.0
    pad = 4

    def xy(i: float, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * i / max(len(values) - 1, 1)
        y = height - pad - (height - 2 * pad) * (v - low) / span
        return round(x, 1), round(y, 1)

    line = " ".join(f"{x},{y}" for x, y in (xy(i, v) for i, v in points))
    last_x, last_y = xy(*points[-1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">']
    if target is not None:
        _, ty = xy(0, target)
        parts.append(f'<line x1="{pad}" y1="{ty}" x2="{width - pad}" y2="{ty}" stroke="{p.target}" '
                     f'stroke-width="1.5" stroke-dasharray="4 3"/>')
    parts.append(f'<polyline points="{line}" fill="none" stroke="{p.series}" stroke-width="2.5" '
                 f'stroke-linejoin="round" stroke-linecap="round"/>')
    parts.append(f'<circle cx="{last_x}" cy="{last_y}" r="3.5" fill="{p.series}"/></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode("".join(parts).encode()).decode()


def trend_figure(metric: Metric, periods: Sequence[date], values: Sequence[float | None], lang: str, theme: str, *,
                 selected: tuple[date, date] | None = None, baseline: float | None = None,
                 target_date: date | None = None, months_to_target: float | None = None,
                 milestones: Sequence[Milestone] = (),
                 definition_changes: Sequence[DefinitionChange] = (),
                 target: float | None | EllipsisType = ...) -> dict[str, Any]:
    """The monthly trend with target, baseline, the selected period, milestones, the projection to target and
    where the metric's definition changed.

    Figures are plain plotly.js dicts: plotly's Python objects check every property on the way in, which cost
    tens of milliseconds per chart on each drill step; `go.Figure(fig)` checks one in the tests.
    """
    p = palette(theme)
    goal = metric.target if target is ... else target  # the target of what is shown: a slice's own, or none
    # The top margin holds plotly's toolbar, clear of the milestone lane.
    layout = base_layout(theme, height=420, hovermode="closest", showlegend=False, margin=dict(l=8, r=8, t=34, b=8))
    fig: dict[str, Any] = {"data": [], "layout": layout}
    if not periods:
        return fig
    fig["data"].append(dict(
        type="scatter", x=list(periods), y=list(values),
        customdata=[format_value(v, metric.unit, lang) for v in values],
        name=metric.title(lang), mode="lines+markers", line=dict(color=p.series, width=3), marker=dict(size=7),
        xperiod="M1", xperiodalignment="middle", hovertemplate="%{x|%Y-%m}: <b>%{customdata}</b><extra></extra>"))
    first, last = periods[0], periods[-1]
    ends = [d for d in (target_date, selected[1] if selected else None, last) if d is not None]
    reach = _projection(fig, goal, last, values, selected, months_to_target, lang, p)
    if reach is not None:
        ends.append(reach)
    changes = [c for c in definition_changes if c.on >= first]
    ends += [c.on for c in changes]
    lane = [m for m in milestones if first <= m.on <= max(ends)]
    top = 0.82 if lane else 1.0  # the plot's top; above it, a lane for the milestones
    shapes: list[dict[str, Any]] = layout.setdefault("shapes", [])
    notes: list[dict[str, Any]] = layout.setdefault("annotations", [])
    if selected:
        shapes.append(dict(type="rect", x0=selected[0], x1=selected[1], y0=0, y1=top, xref="x", yref="paper",
                           fillcolor=p.band, line=dict(width=0), layer="below"))
    # The target's and the baseline's labels sit on the side of their line away from the other line.
    above = goal is None or baseline is None or goal >= baseline
    if goal is not None:
        label = f"{t('chart.target', lang)} {format_value(goal, metric.unit, lang)}"
        _hline(layout, goal, dict(color=p.target, width=2, dash="dash"),
               dict(text=label, font=dict(color=p.target), yanchor="bottom" if above else "top"))
    if baseline is not None:
        _hline(layout, baseline, dict(color=p.baseline, width=1.5, dash="dot"),
               dict(text=f"{t('tile.baseline', lang)} {format_value(baseline, metric.unit, lang)}",
                    font=dict(color=p.muted), yanchor="top" if above else "bottom"))
    if target_date is not None:
        shapes.append(dict(type="line", x0=target_date, x1=target_date, y0=0, y1=top, xref="x", yref="paper",
                           line=dict(color=p.target, width=1.5, dash="dashdot")))
        # Beside its line, not on it, on the page's background so no other line runs through the words.
        notes.append(dict(x=target_date, y=0, xref="x", yref="paper", yanchor="bottom", xanchor="right", xshift=-4,
                          showarrow=False, text=t("chart.target_date", lang), font=dict(color=p.target, size=12),
                          bgcolor=p.surface, borderpad=1))
    if lane:
        _milestone_lane(fig, lane, top, (first - timedelta(days=10), max(ends) + timedelta(days=20)), lang, p)
    if changes:
        _definition_changes(fig, changes, top, [v for v in (*values, goal, baseline) if v is not None],
                            lang, p)
    layout["xaxis"].update(range=[first - timedelta(days=10), max(ends) + timedelta(days=20)],
                           tickformat="%Y年%-m月" if lang == "zh" else "%b %Y")
    shown = [v for v in (*values, goal, baseline) if v is not None]
    span = (max(shown) - min(shown)) if shown else 1.0
    layout["yaxis"].update(domain=[0, top], tickformat=_tick_format(metric.unit, span),
                           rangemode="tozero" if metric.unit is Unit.COUNT else "normal")
    return fig


def _hline(layout: dict[str, Any], y: float, line: dict[str, Any], note: dict[str, Any]) -> None:
    """A line across the whole plot at y, labelled at its left end."""
    layout["shapes"].append(dict(type="line", xref="x domain", x0=0, x1=1, yref="y", y0=y, y1=y, line=line))
    layout["annotations"].append(dict(xref="x domain", x=0, xanchor="left", yref="y", y=y, showarrow=False, **note))


def _projection(fig: dict[str, Any], target: float | None, last: date, values: Sequence[float | None],
                selected: tuple[date, date] | None, months: float | None, lang: str, p: Any) -> date | None:
    """A dashed line from the latest value to where the trend meets the target; the day it does, if within 3 years."""
    latest = next((v for v in reversed(values) if v is not None), None)
    if target is None or not months or not 0 < months <= 36 or selected is None or latest is None:
        return None
    reach = selected[1] + timedelta(days=round(months * DAYS_PER_MONTH))
    fig["data"].append(dict(
        type="scatter", x=[last + timedelta(days=15), reach], y=[latest, target], mode="lines",
        name=t("chart.projection", lang), line=dict(color=p.projection, width=2, dash="dash"),
        hovertemplate=f"{t('chart.projection', lang)}: %{{x|%Y-%m-%d}}<extra></extra>"))
    return reach


def _milestone_lane(fig: dict[str, Any], lane: Sequence[Milestone], top: float, span: tuple[date, date], lang: str,
                    p: Any) -> None:
    """Milestones in a strip above the chart (diamond filled when done), each with a line down through the trend.

    Labels are staggered over LANE_LEVELS rows; a label with no room on any row is left off (its diamond stays
    and its hover names it), so no two labels ever overlap.
    """
    fig["layout"]["yaxis2"] = dict(domain=[top + 0.03, 1], range=[-0.5, LANE_LEVELS - 0.5], visible=False,
                                   fixedrange=True)
    levels, texts = _lane_levels(lane, span)
    fig["data"].append(dict(
        type="scatter", x=[m.on for m in lane], y=levels, yaxis="y2", mode="markers+text",
        text=texts, textposition="middle right", textfont=dict(color=p.milestone, size=12),
        name=t("chart.milestones", lang),
        marker=dict(symbol=["diamond" if m.done else "diamond-open" for m in lane], size=11, color=p.milestone),
        customdata=[[m.milestone_id, m.title, m.status] for m in lane], cliponaxis=False,
        hovertemplate="<b>%{customdata[0]}</b> %{customdata[1]}<br>%{customdata[2]}<extra></extra>"))
    for m in lane:
        fig["layout"]["shapes"].append(dict(type="line", x0=m.on, x1=m.on, y0=0, y1=top + 0.03, xref="x",
                                            yref="paper", layer="below",
                                            line=dict(color=p.milestone, width=1, dash="solid" if m.done else "dot")))


def _lane_levels(lane: Sequence[Milestone], span: tuple[date, date]) -> tuple[list[int], list[str]]:
    """Each milestone's row in the lane and its label ('' when no row has room for it).

    A diamond takes 6 px either side of its day, its label starts 8 px right of the day and takes
    LABEL_PX_PER_CHAR a character, measured on the narrowest plot the page draws (LANE_MIN_PX wide), so what fits
    there fits on any wider screen. A milestone goes on the lowest row with room for its diamond and label; failing
    that, without a label, on a row with room for its diamond; failing that, on a row where its diamond covers no
    label (diamonds may stack: the hover lists each), or else on the row where it covers the fewest labels, which
    are then left off. Every diamond stays; no label overlaps another label or a diamond."""
    px = max((span[1] - span[0]).days, 1) / LANE_MIN_PX  # days per pixel
    diamonds: list[list[tuple[date, date]]] = [[] for _ in range(LANE_LEVELS)]
    words: list[dict[int, tuple[date, date]]] = [{} for _ in range(LANE_LEVELS)]  # milestone → its label's span

    def hits(taken: Any, box: tuple[date, date]) -> list[Any]:
        return [k for k, (a, b) in (taken.items() if isinstance(taken, dict) else enumerate(taken))
                if not (box[1] < a or b < box[0])]

    levels, texts = [0] * len(lane), [""] * len(lane)
    for i in sorted(range(len(lane)), key=lambda i: lane[i].on):
        m = lane[i]
        diamond = (m.on - timedelta(days=6 * px), m.on + timedelta(days=6 * px))
        label = (m.on + timedelta(days=6 * px),
                 m.on + timedelta(days=(8 + LABEL_PX_PER_CHAR * len(m.milestone_id)) * px))
        rows = range(LANE_LEVELS)
        free = [n for n in rows if not hits(diamonds[n], (diamond[0], label[1]))
                and not hits(words[n], (diamond[0], label[1]))]
        if free:
            levels[i], texts[i] = free[0], m.milestone_id
            words[free[0]][i] = label
        else:
            level = min(rows, key=lambda n: (len(hits(words[n], diamond)), len(hits(diamonds[n], diamond)), n))
            for j in hits(words[level], diamond):
                texts[j] = ""
                del words[level][j]
            levels[i] = level
        diamonds[levels[i]].append(diamond)
    return levels, texts


def _definition_changes(fig: dict[str, Any], changes: Sequence[DefinitionChange], top: float,
                        shown: Sequence[float], lang: str, p: Any) -> None:
    """A labelled vertical line where the definition changed, so a rule change does not pass for an improvement.

    Changes within a month of each other share one label; each keeps its line and its note on hover.
    """
    label = t("chart.definition_changed", lang)
    labelled: list[date] = []
    for change in sorted(changes, key=lambda c: c.on):
        fig["layout"]["shapes"].append(dict(type="line", x0=change.on, x1=change.on, y0=0, y1=top, xref="x",
                                            yref="paper", line=dict(color=p.bad, width=2, dash="longdash")))
        if not labelled or (change.on - labelled[-1]).days > 31:
            labelled.append(change.on)
            fig["layout"]["annotations"].append(dict(
                x=change.on, y=top, xref="x", yref="paper", xanchor="right", yanchor="top", showarrow=False,
                text=label, font=dict(color=p.bad, size=12), bgcolor=p.surface, borderpad=2))
    fig["data"].append(dict(
        type="scatter", x=[c.on for c in changes], y=[max(shown) if shown else 0] * len(changes), mode="markers",
        name=label, marker=dict(symbol="x-thin-open", size=12, color=p.bad, line=dict(width=2)),
        customdata=[c.note for c in changes], meta="definition-changed",
        hovertemplate="%{customdata}<extra></extra>"))


def breakdown_figure(metric: Metric, dimension: str, ids: Sequence[Any], values: Sequence[float | None],
                     rows: Sequence[int], lang: str, theme: str, clickable: bool,
                     leads_to: Sequence[Any] = ()) -> dict[str, Any]:
    """Horizontal bars, worst first at the top; ids (and, for a drill, where each bar leads) ride in customdata.

    When the same target applies to each slice, bars grow from the target line, so the gap to it is what you see.
    """
    p = palette(theme)
    names = [labels.value_label(dimension, i, lang) for i in ids]
    fmt = [format_value(v, metric.unit, lang) for v in values]
    against = metric.target if metric.target_scope is TargetScope.SAME else None
    if against is None:
        colours, base, x = [p.series] * len(values), None, [v or 0 for v in values]
    else:
        colours = [p.muted if v is None else p.good if meets(v, against, metric.good) else p.bad for v in values]
        base, x = against, [(v - against) if v is not None else 0 for v in values]
    row_word = t("chart.rows", lang)
    # Bars from zero carry their value past their end. Bars from the target end on either side of it, where a value
    # outside a bar can run into the names or the axis' far end: their values stand in a column on the right.
    bar = dict(type="bar", x=x, y=names, orientation="h", marker=dict(color=colours),
               customdata=[[str(i), f, r, *leads_to[n:n + 1]] for n, (i, f, r) in enumerate(zip(ids, fmt, rows))],
               text=fmt, textposition="outside" if against is None else "none",
               cliponaxis=False, textfont=dict(color=p.text),
               hovertemplate=f"%{{y}}: <b>%{{customdata[1]}}</b> · {row_word} %{{customdata[2]:,}}<extra></extra>")
    if base is not None:
        bar["base"] = base
    layout = base_layout(theme, height=max(240, 44 * len(ids) + 76), bargap=0.35, margin=dict(l=8, r=80, t=34, b=8))
    layout["yaxis"].update(autorange="reversed", automargin=True, tickfont=dict(size=14, color=p.text), showgrid=False)
    layout["xaxis"].update(tickformat=TICKS.get(metric.unit, ""), showgrid=True, zeroline=False)
    if against is not None:
        layout["shapes"] = [dict(type="line", xref="x", x0=against, x1=against, yref="y domain", y0=0, y1=1,
                                 line=dict(color=p.target, width=2, dash="dash"))]
        layout["annotations"] = [dict(
            text=f"{t('chart.target', lang)} {format_value(against, metric.unit, lang)}", font=dict(color=p.target),
            xref="x", x=against, xanchor="left", yref="y domain", y=1, yanchor="bottom", showarrow=False)] + [
            dict(text=f, xref="paper", x=1, xanchor="left", xshift=10, yref="y", y=name, showarrow=False,
                 font=dict(color=p.text, size=13)) for name, f in zip(names, fmt)]
        low, high = _around(against, [v for v in values if v is not None], metric.unit)
        layout["xaxis"].update(range=[low, high], tickformat=_tick_format(metric.unit, high - low))
    if clickable:
        layout["clickmode"] = "event"
    return {"data": [bar], "layout": layout}


def _around(target: float, values: Sequence[float], unit: Unit) -> tuple[float, float]:
    """An axis centred on the target, wide enough for every value but never so narrow that a hair's difference
    looks like a chasm (at least ±2 percentage points, or ±5% of the target)."""
    spread = max((abs(v - target) for v in values), default=0.0)
    floor = 0.02 if unit is Unit.PERCENT else (abs(target) * 0.05 or 1.0)
    half = max(spread * 1.25, floor)
    low, high = target - half, target + half
    if unit is Unit.PERCENT:
        low, high = max(low, 0.0), min(high, 1.0)
    return low, high


def _tick_format(unit: Unit, span: float) -> str:
    """Percent ticks with as many decimals as the span needs to tell them apart."""
    if unit is not Unit.PERCENT:
        return TICKS.get(unit, "")
    return ".0%" if span >= 0.05 else ".1%" if span >= 0.005 else ".2%"


def trend_window(end: date, programme_start: date | None, baseline_start: date | None) -> date:
    """Where a trend starts: the baseline period when known, and at least 12 months before the period end."""
    year_before = add_months(end.replace(day=1), -12)
    starts = [d for d in (baseline_start, programme_start) if d is not None]
    return min([year_before, *starts])


def good_direction(metric: Metric, delta: float) -> bool | None:
    """Whether a change is good news for this metric (None for no change)."""
    if delta == 0:
        return None
    return (delta > 0) == (metric.good is Direction.UP)


def blank(theme: str, height: int) -> go.Figure:
    """What a chart slot shows until its numbers arrive: the page's background, no axes."""
    return go.Figure(layout=base_layout(theme, height=height, xaxis=dict(visible=False), yaxis=dict(visible=False)))
