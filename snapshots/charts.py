"""Email charts: the dashboard's own trend figure (light theme) drawn to PNG by kaleido, and checked before use.

One browser draws a whole batch. A picture that does not decode, has the wrong size or is blank is refused, so
an email never carries a broken or empty chart: the caller says in words that the chart could not be drawn.
"""
from __future__ import annotations

import io
import logging
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import plotly.graph_objects as go
import polars as pl
from PIL import Image

from dashboard.figures import trend_figure
from dashboard.theme import palette
from programme.milestones import milestones_for
from snapshots.numbers import ChartData

# Layout pixels narrower than the 600 px column, so the dashboard's 14 px labels stay legible when a phone shrinks
# the picture to about 330 px; drawn at 2.4x, which stays sharp at 600 px on high-density screens.
WIDTH, HEIGHT, SCALE = 500, 300, 2.4
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MIN_BYTES = 4_000  # a drawn chart at this size is 60-100 kB; a blank one compresses to about 4 kB or less
MIN_INK = 0.005  # at least this share of pixels differs from the background
RENDER_TIMEOUT = 60.0  # seconds for one picture


@dataclass(frozen=True)
class Picture:
    """A drawn chart (PNG bytes) or the reason there is none."""

    png: bytes | None
    problem: str = ""


def email_figure(chart: ChartData, plan: pl.DataFrame, lang: str) -> go.Figure:
    """The metric page's trend for this chart, on white (transparent PNGs turn unreadable in dark mail clients)."""
    h = chart.headline
    figure = go.Figure(trend_figure(
        chart.metric, chart.periods, chart.values, lang, "light", selected=(chart.filters.start, chart.filters.end),
        baseline=h.baseline if h else None, target_date=h.target_date if h else None,
        months_to_target=h.months_to_target if h else None, target=h.target if h else None,
        milestones=milestones_for(plan, chart.metric.key, lang)))
    surface = palette("light").surface
    # No plotly.py template: the dashboard sends the same dict to plotly.js without one, so the two pictures agree.
    figure.update_layout(template="none", paper_bgcolor=surface, plot_bgcolor=surface,
                         margin=dict(l=12, r=16, t=12, b=12))
    return figure


def render(figures: Sequence[go.Figure]) -> tuple[list[Picture], float]:
    """Draw figures to PNG in one browser; each result checked. Also returns the seconds the batch took."""
    if not figures:
        return [], 0.0
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="vantage-charts-") as folder:
        paths = [Path(folder) / f"chart-{n}.png" for n in range(len(figures))]
        specs = [dict(fig=f.to_dict(), path=p, opts=dict(format="png", width=WIDTH, height=HEIGHT, scale=SCALE))
                 for f, p in zip(figures, paths)]
        try:
            import kaleido

            # The browser driver logs recoverable protocol noise (tracebacks it then ignores) on stderr; the
            # failures that matter come back from the call and are reported per chart.
            logging.getLogger("choreographer").setLevel(logging.CRITICAL)
            errors = kaleido.write_fig_from_object_sync(
                specs, kopts=dict(mathjax=False, timeout=RENDER_TIMEOUT))
            failure = "; ".join(str(e).splitlines()[0] for e in errors or () if str(e)) or "kaleido gave no image"
        except Exception as exc:  # noqa: BLE001 - no browser, a crash: each chart says so; the email still goes
            failed = Picture(None, f"the chart renderer failed: {type(exc).__name__}: {exc}")
            return [failed] * len(figures), time.perf_counter() - began
        pictures = []
        for path in paths:
            data = path.read_bytes() if path.exists() else None
            problem = png_problem(data, round(WIDTH * SCALE), round(HEIGHT * SCALE)) if data else failure
            pictures.append(Picture(None if problem else data, problem))
    return pictures, time.perf_counter() - began


def png_problem(data: bytes, width: int, height: int) -> str:
    """Why these bytes are not a usable chart picture of the given size; '' when they are."""
    if not data.startswith(PNG_SIGNATURE):
        return "the picture is not a PNG"
    if len(data) < MIN_BYTES:
        return f"the picture is blank (only {len(data)} bytes)"
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Exception as exc:  # noqa: BLE001 - Pillow raises several types for corrupt data
        return f"the picture does not decode: {exc}"
    if image.size != (width, height):
        return f"the picture is {image.size[0]}x{image.size[1]} pixels, not {width}x{height}"
    grey = image.convert("L")
    histogram = grey.histogram()
    background = max(range(256), key=histogram.__getitem__)
    ink = 1 - histogram[background] / (width * height)
    if ink < MIN_INK:
        return "the picture is blank"
    return ""

