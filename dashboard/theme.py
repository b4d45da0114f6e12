"""Colours of charts in the light and dark themes: the Okabe-Ito palette, which colour-blind readers can tell apart.

HTML elements take the same colours from CSS variables in assets/vantage.css; plotly cannot read those,
so the values are repeated here, with the text shades chosen for at least 4.5:1 contrast (WCAG AA).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = {
    "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7", "black": "#000000",
}


@dataclass(frozen=True)
class Palette:
    """The colours one theme draws with."""

    name: str
    text: str
    muted: str
    grid: str
    surface: str
    series: str  # the KPI's own line
    good: str  # meets the target / moves the right way
    bad: str  # misses the target / moves the wrong way
    target: str
    baseline: str
    projection: str
    milestone: str
    band: str  # shading of the selected period

    def colorway(self) -> list[str]:
        return [self.series, OKABE_ITO["orange"], OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"],
                OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"], OKABE_ITO["yellow"]]


LIGHT = Palette(name="light", text="#212529", muted="#5c636a", grid="#dee2e6", surface="#ffffff",
                series=OKABE_ITO["blue"], good="#007A58", bad="#B34F00", target="#007A58", baseline="#5c636a",
                projection="#B34F00", milestone="#A4487A", band="rgba(0, 114, 178, 0.08)")
DARK = Palette(name="dark", text="#dee2e6", muted="#adb5bd", grid="#3b4148", surface="#2b3035",
               series=OKABE_ITO["sky_blue"], good="#33C49A", bad="#FF8C42", target="#33C49A", baseline="#adb5bd",
               projection="#FF8C42", milestone=OKABE_ITO["reddish_purple"], band="rgba(86, 180, 233, 0.12)")

# Status colours are backgrounds under black text (contrast 5.4:1 or more in both themes).
STATUS_FILL = {"on_track": OKABE_ITO["bluish_green"], "at_risk": OKABE_ITO["orange"],
               "off_track": OKABE_ITO["vermillion"], "unknown": "#adb5bd"}

FONT = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", Arial, '
        '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif')


def palette(theme: str) -> Palette:
    return DARK if theme == "dark" else LIGHT


def base_layout(theme: str, **overrides: Any) -> dict[str, Any]:
    """A plotly layout that sits on the page's own background in the given theme."""
    p = palette(theme)
    # Complete on its own: figures sent as plain dicts carry no plotly.py template, so what its default template
    # gave (room for tick labels, no tick marks) is said here.
    axis = dict(gridcolor=p.grid, linecolor=p.grid, zerolinecolor=p.grid, zerolinewidth=2, automargin=True, ticks="",
                tickfont=dict(color=p.muted), title=dict(font=dict(color=p.muted), standoff=15))
    layout: dict[str, Any] = dict(
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", colorway=p.colorway(),
        font=dict(family=FONT, color=p.text, size=14), margin=dict(l=8, r=8, t=8, b=8), autotypenumbers="strict",
        xaxis=dict(axis), yaxis=dict(axis), hoverlabel=dict(align="left", font=dict(family=FONT, size=14)),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="left", x=0, font=dict(color=p.text)),
    )
    layout.update(overrides)
    return layout

# The status as a symbol too, so it reads without colour (tiles, the wall and the emails).
STATUS_SYMBOL = {"on_track": "✓", "at_risk": "!", "off_track": "✕", "unknown": "?"}
