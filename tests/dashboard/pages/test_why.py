"""The metric page's "Why it moved": the slices of the next drill level with the engine's contributions, each name a
link that drills to it; a sentence, not a table, where a metric is no ratio or the view is at the records."""
from __future__ import annotations

from datetime import date

from dash import html

from dashboard.pages.metric._drill import scope
from dashboard.pages.metric._views import Request
from dashboard.pages.metric._why import SHOWN, why_panel
from dashboard.state import ViewState
from metrics.semantics.format import format_delta

TODAY = date(2026, 11, 27)


def request(runtime, key: str, view: ViewState, lang: str = "en") -> Request:  # noqa: ANN001 - app.Runtime
    metric = runtime.engine.metric(key)
    return Request(runtime.engine, metric, view, lang, "light", scope(runtime.engine, metric, view, TODAY))


def texts(component) -> list[str]:  # noqa: ANN001 - a Dash component tree
    """Every string in a component tree, depth first."""
    if isinstance(component, str):
        return [component]
    children = getattr(component, "children", None)
    if children is None:
        return []
    return [s for child in (children if isinstance(children, list) else [children]) for s in texts(child)]


def rows(panel) -> list[list]:  # noqa: ANN001
    table = panel.children[1]
    return [row.children for row in table.children[1].children]


def test_the_table_shows_the_engines_contributions_largest_first(runtime) -> None:  # noqa: ANN001
    r = request(runtime, "data_accuracy", ViewState())
    panel = why_panel(r, "/metric/data_accuracy")
    moved = runtime.engine.movement("data_accuracy", r.scope.filters, "department").data
    shown = rows(panel)
    assert len(shown) == min(SHOWN, moved.slices.height)
    for cells, row in zip(shown, moved.slices.head(SHOWN).iter_rows(named=True)):
        link = cells[0].children
        assert link.href.endswith(f"drill={row['department']}") or f"drill={row['department']}&" in link.href
        assert cells[1].children == format_delta(row["contribution"], r.metric.unit, "en")
        assert cells[4].children == format_delta(row["rate_effect"], r.metric.unit, "en")
        assert cells[5].children == format_delta(row["mix_effect"], r.metric.unit, "en")
    intro = panel.children[0].children
    assert intro.startswith("Data accuracy moved ") and "from Sep 2026" in intro and "to Oct 2026" in intro


def test_drilled_one_level_the_next_level_explains(runtime) -> None:  # noqa: ANN001
    r = request(runtime, "data_accuracy", ViewState(drill=("finance",)), "zh")
    panel = why_panel(r, "/metric/data_accuracy")
    moved = runtime.engine.movement("data_accuracy", r.scope.filters, "source_system").data
    assert dict(r.scope.filters.where) == {"department": "finance"}
    assert len(rows(panel)) == min(SHOWN, moved.slices.height) and "变化" in panel.children[0].children


def test_no_ratio_or_no_level_left_is_one_sentence(runtime) -> None:  # noqa: ANN001
    assert isinstance(why_panel(request(runtime, "hours_saved", ViewState()), "/metric/hours_saved"), html.P)
    deep = why_panel(request(runtime, "data_accuracy", ViewState(drill=("finance", "ERP", "customer"))), "/m")
    assert isinstance(deep, html.P) and "single records" in texts(deep)[0]
