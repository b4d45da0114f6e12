"""dashboard/components.py and dashboard/figures.py: tiles and charts as pure functions of engine answers."""
from __future__ import annotations

import base64
from dataclasses import replace
from datetime import date
from typing import Any

import plotly.graph_objects as go
import pytest
from dash import html

from core.i18n import t
from dashboard.components import delta_line, kpi_tile, status_badge, tile_placeholder, value_text
from dashboard.figures import breakdown_figure, sparkline_svg, trend_figure, trend_window
from metrics.engine.answers import Answer
from metrics.engine.decision import Goal, Origin
from metrics.semantics import registry
from metrics.semantics.format import format_value
from metrics.semantics.model import Metric, TargetScope
from programme.milestones import Milestone
from tests.dashboard.headlines import answered, decided


@pytest.fixture
def catalogue() -> dict[str, Metric]:
    return registry.load_modules(registry.DEFAULT_PACK)


def answer(value: float | None = 0.959, previous: float | None = 0.968, stale_reason: str = "",
           behind_sla: bool = False, monthly: tuple[float, ...] = (0.950, 0.955, 0.959)) -> Answer:
    """Data accuracy in October 2026: 95.9% against 96.0% due 30 Nov 2026, rising half a point a month."""
    metric = registry.load_modules(registry.DEFAULT_PACK)["data_accuracy"]
    return answered(decided(metric, value, previous, baseline=0.785, monthly=monthly), stale_reason, behind_sla)


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
    assert "−0.9 pp" in words and "vs previous period" in words and "Oct 2026" in words  # the period it is for
    # 95.9% is not 96.0%: at +0.45 pp a month from 27 Nov it misses 30 Nov, so at risk, and never "met".
    assert "78.5% → 95.9%" in words and "Target 96.0% by 30 Nov 2026" in words and "At risk" in words
    assert "met" not in words.lower().replace("meets", "")
    assert tile.id == "tile-data_accuracy" and getattr(tile, "data-metric") == "data_accuracy"
    assert getattr(tile, "data-state") == "ok" and getattr(tile, "data-status") == "at_risk"
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


def test_a_department_tile_of_a_sum_never_shows_the_programme_target(catalogue: dict[str, Metric]) -> None:
    hours, finance = catalogue["hours_saved"], (("department", "finance"),)
    none = decided(hours, 394.0, 380.0, rows=603, goal=Goal(None, None, Origin.NOT_FOR_SLICE, finance))
    words = " ".join(texts(kpi_tile(hours, "en", "light", "/x", answer=answered(none))))
    assert "No target for Finance" in words and "1,500 h" not in words and "Off track" not in words
    own = decided(hours, 394.0, 380.0, rows=603, monthly=(380, 385, 394),
                  goal=Goal(423.0, date(2026, 11, 30), Origin.SLICE, finance))
    words = " ".join(texts(kpi_tile(hours, "en", "light", "/x", answer=answered(own))))
    assert "Finance target 423 h by 30 Nov 2026" in words and "1,500 h" not in words


def test_a_last_good_value_is_shown_marked_stale_with_the_reason(catalogue: dict[str, Metric]) -> None:
    tile = kpi_tile(catalogue["data_accuracy"], "en", "light", "/x", answer=answer(stale_reason="database down"))
    words = " ".join(texts(tile))
    assert getattr(tile, "data-state") == "stale" and "95.9%" in words and "Stale" in words
    assert "database down" in words
    behind = kpi_tile(catalogue["data_accuracy"], "en", "light", "/x", answer=answer(behind_sla=True))
    assert getattr(behind, "data-state") == "stale" and "Stale" in " ".join(texts(behind))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_value_being_recomputed_by_a_worker_is_not_called_a_failure(catalogue: dict[str, Metric], lang: str) -> None:
    """With a worker pool, newer data is computed there; meanwhile the tile shows the last value, saying so."""
    last = answer(stale_reason="being refreshed: newer data arrived and a worker is computing it")
    tile = kpi_tile(catalogue["data_accuracy"], lang, "light", "/x", answer=replace(last, refreshing=True))
    words = " ".join(texts(tile))
    assert "95.9%" in words and t("tile.refreshing", lang) in words
    assert t("tile.last_good", lang, reason="").split(":")[0].split("：")[0] not in words


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


@pytest.mark.parametrize("value, rows, monthly, status, words", [
    (0.97, 2663, (0.95, 0.97), "on_track", "正常"), (0.959, 2663, (0.950, 0.955, 0.959), "at_risk", "有风险"),
    (0.90, 2663, (0.93, 0.92, 0.90), "off_track", "偏离目标"), (None, 0, (), "unknown", "无数据可判断"),
    (0.10, 3, (0.5, 0.1), "too_few", "记录太少（3 条）")])
def test_status_reads_without_colour(catalogue: dict[str, Metric], value: float | None, rows: int,
                                     monthly: tuple[float, ...], status: str, words: str) -> None:
    badge = status_badge(decided(catalogue["data_accuracy"], value, rows=rows, monthly=monthly).decision, "zh")
    symbol, word = texts(badge)[0].split("\u2009")
    assert word == words and len(symbol) == 1  # a symbol as well as the word
    assert f"status-{status}" in badge.className and badge.title  # why, on hover


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
    assert catalogue["resolution_hours_median"].target_scope is TargetScope.SAME
    assert catalogue["hours_saved"].target_scope is TargetScope.PER_SLICE


def test_a_hair_of_difference_does_not_fill_the_axis(catalogue: dict[str, Metric]) -> None:
    figure = go.Figure(breakdown_figure(catalogue["data_accuracy"], "source_system", ["ERP", "FIN"], [0.959, 0.961],
                                        [9, 9], "en", "light", clickable=False))
    low, high = figure.layout.xaxis.range
    assert high - low >= 0.04 and figure.layout.xaxis.tickformat in (".0%", ".1%")


def test_trend_window_reaches_back_to_the_baseline() -> None:
    assert trend_window(date(2026, 11, 1), date(2025, 6, 1), date(2025, 3, 1)) == date(2025, 3, 1)
    assert trend_window(date(2026, 11, 1), None, None) == date(2025, 11, 1)
