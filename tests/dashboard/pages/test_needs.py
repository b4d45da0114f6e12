"""Pages know what they need (dashboard/needs.py): on the demo every page is offered; on data of one's own a page
whose needs are not declared leaves the navigation and, opened by address, says in one sentence what to declare."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import dash
import pytest

from dashboard import needs
from dashboard.app import create_app
from dashboard.shell import nav_links
from dashboard.state import ViewState
from tests.dashboard.pages.test_wall import ids_in, text_of
from tests.metrics.engine.test_values import own_data_runtime

NAVIGATION = ["/", "/programme", "/assessment", "/league", "/feedback"]  # in the pages' order


def page_at(path: str) -> dict[str, Any]:
    return next(p for p in dash.page_registry.values() if p["path"] == path)


def offered() -> list[str]:
    return [link.href.split("?")[0] for link in nav_links("/", ViewState(), "en")]


def test_every_page_works_on_the_demo(runtime) -> None:
    app = create_app(runtime.engine, runtime.config)
    with app.server.test_request_context("/"):
        assert {p["path"]: needs.missing(p) for p in dash.page_registry.values() if needs.missing(p)} == {}
        assert offered() == NAVIGATION
        assert "graph" in str(page_at("/assessment")["layout"]()).lower()  # the page itself, not what it needs


SENTENCES = {  # path: (English, Chinese) the page says when opened by address
    "/programme": (
        ("declare the source that holds its phases, workstreams and milestones tables under [sources.NAME] and name "
         "it with plan_source under [vantage]."), "并在 [vantage] 下用 plan_source 指明它"),
    "/assessment": (
        ("register the metrics it reads, missing here: code_standardization, duplicate_records, data_accuracy, "
         "data_completeness, automation_rate, error_rate (+10)"), "当前缺少：code_standardization"),
    "/feedback": ("register its metrics, missing here: feedback_satisfaction, complaint_share ",
                  "当前缺少：feedback_satisfaction, complaint_share"),
    "/league": ("give at least one KPI a 'department' dimension", "请至少为一个指标声明“department”维度"),
}


@pytest.mark.parametrize("dimensions, shown", [
    (("region",), ["/"]),  # no plan, no maturity metrics, no survey, no department
    (("department", "region"), ["/", "/league"]),  # a department dimension: the league table can rank them
])
def test_a_page_that_cannot_work_leaves_the_navigation(tmp_path: Path, dimensions: tuple[str, ...],
                                                       shown: list[str]) -> None:
    rt = own_data_runtime(tmp_path, dimensions=dimensions)
    app = create_app(rt.engine, rt.config)
    with app.server.test_request_context("/"):
        assert offered() == shown
        for path in set(SENTENCES) - set(shown):
            english, chinese = SENTENCES[path]
            page = page_at(path)["layout"]()
            assert english in text_of(page), path
            assert list(ids_in(page)) == []  # nothing a callback fills: no placeholder waits, no error can show
            assert not [c for c in walk(page) if type(c).__name__ == "Alert"
                        or {"error", "alert"} & set(str(getattr(c, "className", "")).replace("-", " ").split())]
            link = next(c for c in walk(page) if getattr(c, "className", "") == "needs-link")
            assert link.href.startswith("README.md#") and "README" in text_of(link)
            assert chinese in text_of(page_at(path)["layout"](lang="zh")), path
        if "/league" in shown:
            assert "needs-section" not in str(page_at("/league")["layout"]())


def test_what_a_page_needs_is_judged_on_the_whole_catalogue(tmp_path: Path) -> None:
    """A viewer whose scope hides metrics still gets the same page: needs read the app's setup, not the viewer."""
    rt = own_data_runtime(tmp_path)
    app = create_app(rt.engine, rt.config)
    with app.server.test_request_context("/"):
        found = needs.setup()
        assert found.catalogue is rt.engine.catalogue and found.config is rt.config


def walk(component: Any) -> list[Any]:
    """Every component in a tree."""
    if isinstance(component, (list, tuple)):
        return [c for child in component for c in walk(child)]
    if isinstance(component, str) or component is None:
        return []
    return [component, *walk(getattr(component, "children", None))]
