"""dashboard/state.py: the view a URL asks for, and the URL a view is written as."""
from __future__ import annotations

from datetime import date

import pytest

from core.errors import UsageError
from dashboard.state import ViewState, from_search, parse_search
from metrics.engine.periods import Filters

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize("query, expected, problems", [
    ({}, ViewState(), []),
    ({"period": "quarter", "dept": "finance"}, ViewState(period="quarter", department="finance"), []),
    ({"period": "custom", "from": "2026-04-01", "to": "2026-06-30"},
     ViewState(period="custom", start="2026-04-01", end="2026-06-30"), []),
    ({"period": "custom", "from": "2026-04-01"}, ViewState(), []),  # a custom range needs both ends
    ({"from": "2026-04-01", "to": "2026-06-30"}, ViewState(), []),  # dates belong to a custom period only
    ({"period": "fortnight"}, ViewState(), ["unknown period 'fortnight'"]),
    ({"period": "custom", "from": "April", "to": "2026-06-30"}, ViewState(),
     ["'April' is not a date (write from=YYYY-MM-DD)"]),
    ({"drill": ["finance", "ERP"], "by": "domain", "page": "3", "sort": "code", "desc": "1"},
     ViewState(drill=("finance", "ERP"), by="domain", page=3, sort="code", descending=True), []),
    ({"drill": "finance"}, ViewState(drill=("finance",)), []),
    ({"page": "0"}, ViewState(), ["page '0' is not a page number"]),
    ({"lang": "zh", "theme": "dark"}, ViewState(language="zh", theme="dark"), []),
    ({"lang": "fr", "theme": "pink"}, ViewState(), []),  # unknown choices fall back to the defaults
])
def test_from_query(query: dict, expected: ViewState, problems: list[str]) -> None:
    assert ViewState.from_query(query) == (expected, problems)


@pytest.mark.parametrize("state, query", [
    (ViewState(), ""),
    (ViewState(period="ytd", department="sales"), "?period=ytd&dept=sales"),
    (ViewState(period="custom", start="2026-01-01", end="2026-03-31", language="zh"),
     "?period=custom&from=2026-01-01&to=2026-03-31&lang=zh"),
    (ViewState(drill=("procurement", "ERP"), page=2, sort="code", descending=True, theme="dark"),
     "?drill=procurement&drill=ERP&page=2&sort=code&desc=1&theme=dark"),
    (ViewState(drill=("R&D lab",)), "?drill=R%26D+lab"),
])
def test_query_leaves_defaults_out_and_reads_back(state: ViewState, query: str) -> None:
    assert state.query() == query
    assert from_search(query) == state
    assert ViewState.from_data(state.to_data()) == state


def test_parse_search_gives_lists_for_repeated_parameters() -> None:
    assert parse_search("?drill=a&drill=b&dept=it") == {"drill": ["a", "b"], "dept": "it"}
    assert parse_search("") == {} and parse_search(None) == {}


def test_new_filters_start_the_drill_and_the_records_over() -> None:
    drilled = ViewState(drill=("finance",), page=4, language="zh", theme="dark")
    assert drilled.with_filters("quarter", "2026-01-01", "", "it") == ViewState(
        period="quarter", department="it", language="zh", theme="dark")


def test_shared_keeps_only_what_carries_between_pages() -> None:
    view = ViewState(period="ytd", department="hr", language="zh", theme="dark", by="domain", drill=("hr",), page=2)
    assert view.shared() == ViewState(period="ytd", department="hr", language="zh", theme="dark")


def test_filters_apply_the_department_only_where_it_is_a_dimension() -> None:
    view = ViewState(department="finance")
    assert view.filters(TODAY, ("department", "domain"), "department") == Filters(
        date(2026, 10, 1), date(2026, 11, 1), (("department", "finance"),))
    assert view.filters(TODAY, ("phase_id",), "department").where == ()
    assert view.filters(TODAY, ("department", "region"), "region").where == (("region", "finance"),)


def test_custom_period_ends_inclusive_and_a_backwards_range_is_a_usage_error() -> None:
    assert ViewState(period="custom", start="2026-04-01", end="2026-06-30").period_bounds(TODAY) == (
        date(2026, 4, 1), date(2026, 7, 1))
    with pytest.raises(UsageError) as caught:
        ViewState(period="custom", start="2026-06-01", end="2026-04-30").period_bounds(TODAY)
    assert "before it starts" in caught.value.message and "To fix this" in caught.value.message


def test_language_and_theme_defaults() -> None:
    assert ViewState().lang("zh") == "zh" and ViewState(language="en").lang("zh") == "en"
    assert ViewState().lang("fr") == "en"
    assert ViewState().theme_name() == "light" and ViewState(theme="dark").theme_name() == "dark"
