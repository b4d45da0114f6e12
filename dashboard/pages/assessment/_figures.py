"""The assessment page's charts, as pure functions of the assessments: the radar and each dimension's path."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.i18n import t
from dashboard.pages.assessment._words import assessment_label
from dashboard.theme import OKABE_ITO, base_layout, palette
from programme.assessment import Assessment
from programme.maturity import DIMENSIONS, HIGHEST, Dimension

LEVELS = list(range(1, HIGHEST + 1))
RADAR_HEIGHT, PATH_HEIGHT = 460, 230


def _wrapped(name: str) -> str:
    """A long dimension name on two lines, so the radar's labels stay inside the chart."""
    words = name.split(" ")
    if len(name) <= 10 or len(words) < 2:
        return name
    # The break that makes the longer line shortest; a line never starts with "&".
    half = min((k for k in range(1, len(words)) if words[k] != "&"),
               key=lambda k: max(len(" ".join(words[:k])), len(" ".join(words[k:]))), default=len(words) // 2)
    return " ".join(words[:half]) + "<br>" + " ".join(words[half:])


def radar_figure(found: Sequence[Assessment], lang: str, theme: str,
                 dimensions: Sequence[Dimension] = DIMENSIONS) -> go.Figure:
    """Every assessment's scores on one radar, the latest bold and filled, with the target dashed around them.

    Each point carries (assessment id, dimension) for the click that opens the rules behind it.
    """
    p = palette(theme)
    names = [_wrapped(d.title(lang)) for d in dimensions]
    closed = names + names[:1]  # a radar's line returns to where it started
    fig = go.Figure(layout=base_layout(theme, height=RADAR_HEIGHT, margin=dict(l=84, r=84, t=50, b=20), showlegend=True,
                                       legend=dict(orientation="h", yanchor="top", y=-0.04, xanchor="center", x=0.5,
                                                   font=dict(color=p.text))))
    targets = [d.target for d in dimensions]
    fig.add_trace(go.Scatterpolar(r=targets + targets[:1], theta=closed, mode="lines",
                                  name=t("chart.target", lang), line=dict(color=p.target, width=2, dash="dash"),
                                  hoverinfo="skip"))
    styles = _styles(len(found), p)
    for n, (a, style) in enumerate(zip(found, styles)):
        scores = [a.score(d.key).score for d in dimensions]
        latest = n == len(found) - 1
        fig.add_trace(go.Scatterpolar(
            r=scores + scores[:1], theta=closed, mode="lines+markers", name=assessment_label(a.assessment_id, lang),
            line=dict(color=style, width=4 if latest else 2, dash="solid" if latest or n else "dot"),
            marker=dict(size=11 if latest else 8, color=style), fill="toself" if latest else "none",
            fillcolor=p.band if latest else None,
            customdata=[[a.assessment_id, d.key] for d in dimensions] + [[a.assessment_id, dimensions[0].key]],
            hovertemplate="%{theta}: <b>%{r}</b><extra>" + assessment_label(a.assessment_id, lang) + "</extra>"))
    fig.update_layout(polar=dict(
        bgcolor="rgba(0,0,0,0)",
        radialaxis=dict(range=[0, HIGHEST], tickvals=LEVELS, gridcolor=p.grid, linecolor=p.grid, angle=120,
                        tickangle=120, tickfont=dict(color=p.muted, size=11)),
        angularaxis=dict(gridcolor=p.grid, linecolor=p.grid, tickfont=dict(color=p.text, size=14), rotation=90,
                         direction="clockwise")),
        clickmode="event")
    return fig


def _styles(count: int, p: object) -> list[str]:
    """The latest assessment in the theme's series colour, the first muted, those between in orange."""
    if count == 0:
        return []
    between = [OKABE_ITO["orange"]] * max(count - 2, 0)
    return ([p.baseline] + between + [p.series])[-count:] if count > 1 else [p.series]  # type: ignore[attr-defined]


def path_figure(found: Sequence[Assessment], monthly: dict[str, list[tuple[date, int | None]]], lang: str,
                theme: str, until: date | None = None, dimensions: Sequence[Dimension] = DIMENSIONS) -> go.Figure:
    """Small multiples, one per dimension: the monthly rule level as a step line, the assessment scores as dots
    and the target as a dashed line."""
    p = palette(theme)
    fig = make_subplots(rows=1, cols=len(dimensions), shared_yaxes=True, horizontal_spacing=0.02,
                        subplot_titles=[d.title(lang) for d in dimensions])
    fig.update_layout(base_layout(theme, height=PATH_HEIGHT, showlegend=False, margin=dict(l=8, r=8, t=34, b=8),
                                  hovermode="closest"))
    months = [m for m, _ in next(iter(monthly.values()), [])]
    for col, dim in enumerate(dimensions, start=1):
        steps = monthly.get(dim.key, [])
        fig.add_trace(go.Scatter(
            x=[m for m, _ in steps], y=[lv for _, lv in steps], mode="lines",
            line=dict(color=p.muted, width=1.5, shape="hv"), name=t("assessment.path", lang), hovertemplate="%{x|%Y-%m}: %{y}<extra></extra>"), row=1, col=col)
        fig.add_trace(go.Scatter(
            x=[a.assessed_on for a in found], y=[a.score(dim.key).score for a in found], mode="lines+markers+text",
            line=dict(color=p.series, width=2.5), marker=dict(size=10, color=p.series),
            text=[str(a.score(dim.key).score or "") for a in found], textposition="top center",
            textfont=dict(color=p.text, size=12), cliponaxis=False,
            customdata=[[a.assessment_id, dim.key, assessment_label(a.assessment_id, lang)] for a in found],
            hovertemplate="%{customdata[2]}: <b>%{y}</b><extra></extra>"), row=1, col=col)
        fig.add_hline(y=dim.target, line=dict(color=p.target, width=1.5, dash="dash"), row=1, col=col)
    ends = [d for d in (until, months[-1] + timedelta(days=31) if months else None) if d is not None]
    span = [months[0] - timedelta(days=15), max(ends) + timedelta(days=15)] if months and ends else None
    fig.update_xaxes(range=span, tickformat="%y年%-m月" if lang == "zh" else "%b %y", nticks=4, showgrid=False,
                     tickfont=dict(color=p.muted, size=11), linecolor=p.grid)
    fig.update_yaxes(range=[0.5, HIGHEST + 0.7], tickvals=LEVELS, gridcolor=p.grid, tickfont=dict(color=p.muted),
                     zeroline=False)
    fig.update_annotations(font=dict(color=p.text, size=13))
    return fig
