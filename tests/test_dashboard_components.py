"""dashboard/components.py and dashboard/figures.py: tiles and charts as pure functions of engine answers."""
from __future__ import annotations

import base64
from datetime import date, datetime
from typing import Any

import plotly.graph_objects as go
import pytest
from dash import html

from dashboard.components import delta_line, kpi_tile, status_badge, tile_placeholder, value_text
from dashboard.figures import breakdown_figure, sparkline_svg, trend_figure, trend_window
from metrics.engine.answers import Answer, Headline
from metrics.engine.status import Status
from metrics.semantics import registry
from metrics.semantics.format import format_value
from metrics.semantics.model import Metric
from programme.milestones import Milestone


@pytest.fixture
def catalogue() -> dict[str, Metric]:
    return registry.load_modules(registry.DEFAULT_PACK)


def answer(value: float | None = 0.959, previous: float | None = 0.968, status: Status = Status.ON_TRACK,
           stale_reason: str = "", behind_sla: bool = False) -> Answer:
    headline = Headline("data_accuracy", value, previous, 2663, 0.785, 0.96, date(2026, 11, 30), status, 0.0,
                        date(2026, 10, 1), date(2026, 11, 1))
    return Answer(headline, datetime(2026, 11, 27, 8, 0), datetime(2026, 11, 26, 22, 51), behind_sla, stale_reason)


def texts(component: Any) -> list[str]:
    """Every string inside a component tree, in order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [s for c in component for s in texts(c)]
    children = getattr(component, "children", None)
    return texts(children) if children is not None else []


def find(component: Any, class_name: str) -> list[Any]:
    """Components whose className contains a class."""
    found = []
    if isinstance(component, (list, tuple)):
        for c in component:
            found += find(c, class_name)
        return found
    if class_name in (getattr(component, "className", "") or "").split():
        found.append(component)
    children = getattr(component, "children", None)
    if children is not None and not isinstance(children, str):
        found += find(children, class_name)
    return found


def test_a_tile_shows_value_change_baseline_target_status_and_freshness(catalogue: dict[str, Metric]) -> None:
    metric = catalogue["data_accuracy"]
    tile = kpi_tile(metric, "en", "light", "/metric/data_accuracy", answer=answer(), sparkline=[0.9, 0.95, 0.96])
    words = " ".join(texts(tile))
    assert "".join(texts(find(tile, "kpi-value"))) == format_value(0.959, metric.unit, "en") == "95.9%"
    assert "−0.9 pp" in words and "vs previous period" in words
    assert "78.5% → 95.9%" in words and "Target 96.0% by 30 Nov 2026" in words and "On track" in words
    assert tile.id == "tile-data_accuracy" and getattr(tile, "data-metric") == "data_accuracy"
    assert getattr(tile, "data-state") == "ok" and getattr(tile, "data-status") == "on_track"
    assert find(tile, "kpi-sparkline") and find(tile, "kpi-link")[0].href == "/metric/data_accuracy"


@pytest.mark.parametrize("key, delta, tone, arrow", [
    ("data_accuracy", 0.01, "delta-good", "▲"),  # up is good
    ("data_accuracy", -0.01, "delta-bad", "▼"),
    ("error_rate", 0.01, "delta-bad", "▲"),  # up is bad
    ("error_rate", -0.01, "delta-good", "▼"),
    ("data_accuracy", -0.00001, "delta-flat", "▶"),  # −0.0 pp is no change worth a colour
])
def test_the_change_arrow_is_coloured_by_whether_that_way_is_good(catalogue: dict[str, Metric], key: str,
                                                                  delta: float, tone: str, arrow: str) -> None:
    line = delta_line(catalogue[key], delta, "en")
    assert tone in line.className.split() and texts(line)[0].startswith(arrow)


def test_a_failing_metric_shows_its_error_in_place_of_the_number(catalogue: dict[str, Metric]) -> None:
    message = "no file for table 'uptime' (source broken). To fix this, put uptime.csv there"
    tile = kpi_tile(catalogue["data_accuracy"], "en", "light", "/x", error=message)
    assert getattr(tile, "data-state") == "error" and message in texts(tile)
    assert not find(tile, "kpi-value")  # never a zero


def test_a_last_good_value_is_shown_marked_stale_with_the_reason(catalogue: dict[str, Metric]) -> None:
    tile = kpi_tile(catalogue["data_accuracy"], "en", "light", "/x", answer=answer(stale_reason="database down"))
    words = " ".join(texts(tile))
    assert getattr(tile, "data-state") == "stale" and "95.9%" in words and "Stale" in words
    assert "database down" in words
    behind = kpi_tile(catalogue["data_accuracy"], "en", "light", "/x", answer=answer(behind_sla=True))
    assert getattr(behind, "data-state") == "stale" and "Stale" in " ".join(texts(behind))


def test_a_metric_without_departments_says_it_cannot_be_filtered(catalogue: dict[str, Metric]) -> None:
    tile = kpi_tile(catalogue["milestones_on_time"], "zh", "dark", "/x", not_filterable=True)
    assert getattr(tile, "data-state") == "not-filterable" and "不能按部门筛选" in texts(tile)


def test_tile_sizes_and_the_summary_is_not_a_link(catalogue: dict[str, Metric]) -> None:
    metric = catalogue["hours_saved"]
    hero = kpi_tile(metric, "en", "light", "/x", answer=answer(value=1445.0, previous=1374.0), size="hero")
    summary = kpi_tile(metric, "en", "light", None, answer=answer(value=1445.0, previous=1374.0), size="summary")
    assert hero.id == "hero-hours_saved" and summary.id == "summary-hours_saved"
    assert find(hero, "kpi-link") and not find(summary, "kpi-link")
    assert "".join(texts(find(hero, "kpi-value"))) == "1,445 h"
    placeholder = tile_placeholder(metric, "en", "hero")
    assert "kpi-loading" in placeholder.className and "Hours saved per month" in texts(placeholder)


@pytest.mark.parametrize("status, words", [(Status.ON_TRACK, "正常"), (Status.AT_RISK, "有风险"),
                                           (Status.OFF_TRACK, "偏离目标"), (Status.UNKNOWN, "无状态")])
def test_status_reads_without_colour(status: Status, words: str) -> None:
    badge = status_badge(status, "zh")
    symbol, word = texts(badge)[0].split("\u2009")
    assert word == words and len(symbol) == 1  # a symbol as well as the word
    assert f"status-{status.value}" in badge.className


@pytest.mark.parametrize("shown, number", [("23,297 /day", "23,297"), ("CNY 2.13M", " 2.13M"), ("95.9%", "95.9%"),
                                           ("4.29 / 5", "4.29"), ("no data", None), ("¥201.3万", "¥201.3万")])
def test_value_text_sets_unit_words_apart_without_changing_the_text(shown: str, number: str | None) -> None:
    parts = value_text(shown)
    assert "".join(texts(parts)) == shown
    big = [p for p in parts if isinstance(p, str)]  # the number as text, unit words in spans
    assert big == [number or shown]
    assert all(p.className == "value-unit" for p in parts if isinstance(p, html.Span))


def test_sparkline_is_an_svg_and_nothing_without_two_points() -> None:
    uri = sparkline_svg([0.9, None, 0.95, 0.96], "dark", target=0.96)
    svg = base64.b64decode(uri.split(",", 1)[1]).decode()
    assert uri.startswith("data:image/svg+xml;base64,") and "<polyline" in svg and "stroke-dasharray" in svg
    assert sparkline_svg([0.9], "light") == "" and sparkline_svg([], "light") == ""


def test_trend_has_target_baseline_selected_period_milestones_and_projection(catalogue: dict[str, Metric]) -> None:
    metric = catalogue["data_accuracy"]
    periods = [date(2026, m, 1) for m in range(1, 11)]
    milestones = [Milestone("M02", "Coding standard", date(2026, 3, 8), True, "done 8 Mar 2026"),
                  Milestone("M40", "Far future", date(2030, 1, 1), False, "planned")]
    # go.Figure checks every property of the plain dict the page sends to plotly.js.
    figure = go.Figure(trend_figure(metric, periods, [0.9 + i * 0.005 for i in range(10)], "en", "light",
                                    selected=(date(2026, 10, 1), date(2026, 11, 1)), baseline=0.785,
                                    target_date=date(2026, 11, 30), months_to_target=3.0, milestones=milestones))
    names = [trace.name for trace in figure.data]
    assert names[0] == "Data accuracy" and "Projection" in names and "Milestones" in names
    lane = next(trace for trace in figure.data if trace.name == "Milestones")
    assert list(lane.text) == ["M02"]  # milestones outside the chart's time are left out
    lines = [(s.y0, s.y1) for s in figure.layout.shapes if s.type == "line"]
    assert (0.96, 0.96) in lines and (0.785, 0.785) in lines
    assert figure.layout.yaxis.tickformat == ".0%"
    assert go.Figure(trend_figure(metric, [], [], "zh", "dark")).data == ()


def test_breakdown_bars_grow_from_the_target_only_where_it_applies_to_each_slice(
        catalogue: dict[str, Metric]) -> None:
    accuracy = go.Figure(breakdown_figure(catalogue["data_accuracy"], "department", ["hr", "finance"], [0.84, 0.97],
                                          [25, 296], "en", "light", clickable=True))
    bar = accuracy.data[0]
    assert bar.base == 0.96 and list(bar.y) == ["Human Resources", "Finance"]
    assert [c[0] for c in bar.customdata] == ["hr", "finance"] and list(bar.text) == ["84.0%", "97.0%"]
    low, high = accuracy.layout.xaxis.range
    assert low <= 0.84 and high >= 0.97 and high - low >= 0.04
    hours = go.Figure(breakdown_figure(catalogue["hours_saved"], "department", ["finance"], [300.0], [900], "en",
                                       "dark", False))
    assert hours.data[0].base is None  # a programme-wide total is no yardstick for one department
    assert catalogue["resolution_hours_median"].target_per_slice and not catalogue["hours_saved"].target_per_slice


def test_a_hair_of_difference_does_not_fill_the_axis(catalogue: dict[str, Metric]) -> None:
    figure = go.Figure(breakdown_figure(catalogue["data_accuracy"], "source_system", ["ERP", "FIN"], [0.959, 0.961],
                                        [9, 9], "en", "light", clickable=False))
    low, high = figure.layout.xaxis.range
    assert high - low >= 0.04 and figure.layout.xaxis.tickformat in (".0%", ".1%")


def test_trend_window_reaches_back_to_the_baseline() -> None:
    assert trend_window(date(2026, 11, 1), date(2025, 6, 1), date(2025, 3, 1)) == date(2025, 3, 1)
    assert trend_window(date(2026, 11, 1), None, None) == date(2025, 11, 1)
