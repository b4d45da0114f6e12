"""Every chart's words stay legible in a real Chromium: at a laptop's and a desktop's width, no two pieces of text in
the same chart (tick labels, value labels, annotations, milestone names, legend entries) overlap, and none runs
past the chart's edge."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from dash.testing.composite import DashComposite

# One server and browser per module: the same fixtures and helpers as the overview's tests.
from tests.browser.test_overview import demo_runtime, duo, open_view, settle  # noqa: F401

# Each page and how many charts it draws at least (the overview's and the league's sparklines are images, without
# text; should either page draw a chart one day, it is measured too).
PAGES = {"/": 0, "/metric/data_accuracy": 2, "/metric/error_rate?dept=finance": 2, "/metric/hours_saved": 2,
         "/programme": 1, "/league": 0, "/assessment": 1, "/feedback": 1}
SCREENS = ((1366, 768), (1920, 1080))
SLACK = 1.0  # pixels two boxes may share (anti-aliasing, sub-pixel rounding)
# Every chart's visible, non-empty text boxes (the toolbar left out), in page coordinates.
TEXTS = """
return [...document.querySelectorAll('.js-plotly-plot')].filter(plot => plot.offsetParent !== null).map(plot => {
  const boxes = [];
  plot.querySelectorAll('svg text').forEach(el => {
    if (el.closest('.modebar') || !el.textContent.trim()) return;
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') return;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    boxes.push({text: el.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom});
  });
  const owner = plot.closest('[id]'), edge = plot.getBoundingClientRect();
  return {chart: owner ? owner.id : '', boxes: boxes,
          frame: {left: edge.left, right: edge.right, top: edge.top, bottom: edge.bottom}};
});
"""


def collisions(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes share more than SLACK pixels both across and down."""
    out = []
    for n, a in enumerate(boxes):
        for b in boxes[n + 1:]:
            across = min(a["right"], b["right"]) - max(a["left"], b["left"])
            down = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if across > SLACK and down > SLACK:
                out.append((a["text"], b["text"]))
    return out


def cut_off(boxes: list[dict[str, Any]], frame: dict[str, float]) -> list[str]:
    """Texts that run past the chart's edge (the browser cuts them)."""
    return [b["text"] for b in boxes if b["left"] < frame["left"] - SLACK or b["right"] > frame["right"] + SLACK
            or b["top"] < frame["top"] - SLACK or b["bottom"] > frame["bottom"] + SLACK]


def shoot(duo: DashComposite, chart: str, path: Path) -> None:
    """A screenshot of one chart (by the id of the element holding it)."""
    element = duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]);"
        "el.scrollIntoView({block: 'center', behavior: 'instant'}); return el;", chart)
    time.sleep(0.2)
    element.screenshot(str(path))


@pytest.mark.parametrize("width,height", SCREENS)
@pytest.mark.parametrize("page", list(PAGES))
def test_no_two_texts_of_a_chart_overlap(duo: DashComposite, page: str, width: int, height: int,
                                          tmp_path: Path) -> None:
    metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
    duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        open_view(duo, page)
        time.sleep(0.5)  # charts re-lay themselves out to the emulated width
        settle(duo)
        charts = duo.driver.execute_script(TEXTS)
        assert len(charts) >= PAGES[page], f"{page}: {len(charts)} charts drawn, expected {PAGES[page]} at least"
        assert all(c["boxes"] for c in charts), f"{page}: a chart without a single word (axis labels missing)"
        found = {c["chart"]: [f"{a!r} over {b!r}" for a, b in collisions(c["boxes"])]
                 + [f"{a!r} cut off at the edge" for a in cut_off(c["boxes"], c["frame"])] for c in charts}
        found = {chart: faults for chart, faults in found.items() if faults}
        folder = Path(os.environ.get("VANTAGE_LABEL_SHOTS", tmp_path))
        for chart in found:
            name = page.strip("/").replace("/", "-").replace("?", "-").replace("=", "-") or "overview"
            shoot(duo, chart, folder / f"labels-{name}-{chart}-{width}.png")
        assert not found, f"{page} at {width}×{height}: " + "; ".join(
            f"{chart}: " + ", ".join(faults) for chart, faults in found.items())
    finally:
        duo.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
