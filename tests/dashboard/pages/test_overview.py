"""The overview's parts without a browser: a few KPIs of one's own are shown large and alone, a tile says when its
month is the latest with data rather than the one asked for, and an as-of of another year carries its year."""
from __future__ import annotations

import sys
from dataclasses import replace
from datetime import date, datetime
from types import ModuleType
from typing import Any

import dash
import pytest
from dash import html

from dashboard.components import kpi_tile
from metrics.semantics import registry
from metrics.semantics.model import Metric, listed
from tests.dashboard.headlines import answered, decided
from tests.dashboard.test_components import texts


@pytest.fixture
def catalogue() -> dict[str, Metric]:
    return listed(registry.load_modules(registry.DEFAULT_PACK))


@pytest.fixture(scope="module")
def overview() -> ModuleType:
    """The overview page's module, loaded as the app loads its pages."""
    dash.Dash("dashboard", use_pages=True, pages_folder="pages")
    return sys.modules[next(p["module"] for p in dash.page_registry.values() if p["path"] == "/")]


def drawn(metric: Metric, size: str) -> tuple[str, str]:
    return metric.key, size


def test_the_demo_shows_its_results_large_and_every_kpi_by_pillar(overview: ModuleType, catalogue: dict[str, Metric]) -> None:
    assert overview.results(catalogue, drawn) == [(k, "hero") for k in overview.RESULTS]
    grid = overview.pillars(catalogue, "en", drawn)
    assert sum(len(section.children[1].children) for section in grid) == len(catalogue)
    assert overview.strip(catalogue) == {"className": "hero-strip"}


@pytest.mark.parametrize("keys", [
    ("automation_rate",), ("automation_rate", "satisfaction", "audit_cycle_days"),
])
def test_a_few_kpis_and_no_result_are_shown_large_and_alone(overview: ModuleType, catalogue: dict[str, Metric],
                                                             keys: tuple[str, ...]) -> None:
    few = {k: catalogue[k] for k in keys}
    assert overview.results(few, drawn) == [(k, "hero") for k in keys]
    assert overview.pillars(few, "en", drawn) == []  # no grid standing nearly empty
    assert overview.strip(few) == {"className": "hero-strip only", "style": {"--heroes": len(keys)}}


def test_four_kpis_or_a_result_keep_the_grid(overview: ModuleType, catalogue: dict[str, Metric]) -> None:
    four = {k: catalogue[k] for k in ("automation_rate", "satisfaction", "audit_cycle_days", "error_rate")}
    assert overview.results(four, drawn) == [] and len(overview.pillars(four, "en", drawn)) == 3
    with_result = {k: catalogue[k] for k in ("data_accuracy", "automation_rate")}
    assert overview.results(with_result, drawn) == [("data_accuracy", "hero")]
    assert len(overview.pillars(with_result, "en", drawn)) == 2


def facts(tile: html.Div, cls: str) -> list[str]:
    """The texts of the elements of a class inside a tile."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
            return
        if cls in str(getattr(node, "className", "")).split():
            found.append(" ".join(texts(node.children)))
        children = getattr(node, "children", None)
        if children is not None and not isinstance(children, str):
            walk(children)

    walk(tile)
    return found


@pytest.mark.parametrize("lang, expected", [("en", "Aug 2026 — latest month with data"),
                                            ("zh", "2026年8月（有数据的最近一个月）")])
def test_a_tile_says_its_month_is_the_latest_with_data(catalogue: dict[str, Metric], lang: str,
                                                       expected: str) -> None:
    metric = catalogue["automation_rate"]
    august = decided(metric, 0.7, 0.68, period=(date(2026, 8, 1), date(2026, 9, 1)))
    tile = kpi_tile(metric, lang, "light", "/x", answer=answered(replace(august, latest_with_data=True)))
    assert facts(tile, "kpi-period") == [expected]
    asked = kpi_tile(metric, lang, "light", "/x", answer=answered(august))
    assert facts(asked, "kpi-period") == ["Aug 2026" if lang == "en" else "2026年8月"]


@pytest.mark.parametrize("as_of, short", [
    (datetime(2026, 11, 26, 22, 51), "26 Nov 22:51"),  # this year: the day is enough on a small tile
    (datetime(2009, 12, 1, 0, 0), "1 Dec 2009 00:00"),  # another year: it says which
])
def test_an_as_of_of_another_year_carries_its_year(catalogue: dict[str, Metric], as_of: datetime, short: str) -> None:
    metric = catalogue["automation_rate"]
    answer = replace(answered(decided(metric, 0.7, 0.68)), data_as_of=as_of)  # computed on 27 Nov 2026
    assert facts(kpi_tile(metric, "en", "light", "/x", answer=answer), "kpi-asof") == [short]
    assert facts(kpi_tile(metric, "en", "light", "/x", answer=answer, size="hero"), "kpi-asof") == [
        f"Data as of {as_of.day} {as_of:%b %Y %H:%M}"]
