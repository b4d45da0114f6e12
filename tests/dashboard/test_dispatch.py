"""Callback requests are checked before Dash dispatches them (HTTP 400 with a short reason, never a 500), dates in the
address are bounded, and answers carry the cache and transport headers."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from dashboard.state import ViewState
from tests.dashboard.secured import call, overview_call, secured_app, serve, sign_in

METRIC_PARTS = (("metric-summary", "children"), ("metric-projection", "children"), ("metric-trend-graph", "figure"),
                ("metric-trend-graph", "className"), ("metric-trend-note", "children"), ("metric-explain", "children"))


@pytest.fixture(scope="module")
def secured(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    dash_app, rt = secured_app(tmp_path_factory.mktemp("dispatch"), data_dir)
    client = dash_app.server.test_client()
    sign_in(client, "erin")
    yield dash_app.server, client


def metric_call(view: Any, key: Any = "data_accuracy") -> dict[str, Any]:
    return {"output": ".." + "...".join(f"{i}.{p}" for i, p in METRIC_PARTS) + "..",
            "outputs": [{"id": i, "property": p} for i, p in METRIC_PARTS],
            "inputs": [{"id": "metric-key", "property": "data", "value": key},
                       {"id": "metric-view", "property": "data", "value": view}],
            "changedPropIds": ["metric-view.data"], "state": []}


def router_call(pathname: Any, search: Any = "") -> dict[str, Any]:
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"]}


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


BAD = {
    "an array": [overview_call()],
    "a string": "overview-results.children",
    "null": None,
    "a number": 42,
    "no output": without(overview_call(), "output"),
    "no inputs": without(overview_call(), "inputs"),
    "no outputs": without(overview_call(), "outputs"),
    "output not a string": {**overview_call(), "output": ["overview-results.children"]},
    "an unknown output": {**overview_call(), "output": "overview-secret.children"},
    "outputs not the output's": {**overview_call(), "outputs": [{"id": "wall-a", "property": "children"}] * 2},
    "an input the callback lacks": {**overview_call(), "inputs": [{"id": "metric-key", "property": "data",
                                                                   "value": "x"}] * 2},
    "inputs a dict": {**overview_call(), "inputs": {"id": "overview-view", "property": "data", "value": {}}},
    "changedPropIds a string": {**overview_call(), "changedPropIds": "overview-view.data"},
    "a view that is a string": overview_call("month"),
    "a view with a numeric period": overview_call({"period": 3}),
    "a view with a dict drill": overview_call({"drill": {"a": 1}}),
    "a page number past the limit": metric_call({"page": 10**12}),
    "n_intervals as text": {**overview_call(), "inputs": [
        {"id": "overview-view", "property": "data", "value": {}},
        {"id": "overview-refresh", "property": "n_intervals", "value": "1; DROP TABLE users"}]},
    "a pathname that is a list": router_call(["/"]),
    "deep nesting": overview_call(json.loads("[" * 200 + "]" * 200)),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_callback_body_gets_400_with_a_short_reason(secured: Any, case: str) -> None:
    _, client = secured
    answer = call(client, BAD[case])
    assert answer.status_code == 400, (case, answer.get_data(as_text=True)[:300])
    reason = answer.get_json()["error"]
    assert 0 < len(reason) < 120 and "Traceback" not in reason and "/work" not in reason and "/tmp" not in reason


def test_bodies_that_are_not_json_deep_or_large(secured: Any) -> None:
    server, client = secured
    deep = client.post("/_dash-update-component", data="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert deep.status_code == 400
    text = client.post("/_dash-update-component", data="output=x", content_type="application/x-www-form-urlencoded")
    assert text.status_code == 400
    broken = client.post("/_dash-update-component", data='{"output": ', content_type="application/json")
    assert broken.status_code == 400 and broken.get_json()["error"]
    assert server.config["MAX_CONTENT_LENGTH"] == 1_048_576
    huge = {**overview_call(), "padding": "x" * 2_000_000}
    assert call(client, huge).status_code == 413


def test_a_good_body_is_dispatched(secured: Any) -> None:
    _, client = secured
    answer = call(client, metric_call(ViewState().to_data()))
    assert answer.status_code == 200 and "metric-summary" in answer.get_json()["response"]
    assert answer.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("start, end", [("2026-01-01", "9999-12-31"), ("1066-10-14", "2026-01-01"),
                                        ("0001-01-01", "2026-01-01")])
def test_a_custom_period_beyond_the_years_is_a_clear_message(secured: Any, start: str, end: str) -> None:
    _, client = secured
    view = ViewState(period="custom", start=start, end=end).to_data()
    for body in (metric_call(view), overview_call(view)):
        answer = call(client, body)
        assert answer.status_code == 200 and "outside the years 1900-2100" in answer.get_data(as_text=True)
    search = f"?period=custom&from={start}&to={end}"
    for path in ("/", "/metric/data_accuracy", "/league", "/feedback", "/assessment", "/programme"):
        page = call(client, router_call(path, search))
        assert page.status_code == 200, path
    assert "outside the years 1900-2100" in call(client, router_call("/", search)).get_data(as_text=True)
    assert ViewState.from_query({"period": "custom", "from": start, "to": end})[0].period == "month"


def test_headers_and_static_files(secured: Any, data_dir: Path, tmp_path: Path) -> None:
    server, client = secured
    with serve(server) as base:
        page = requests.get(base + "/login")
        assert page.headers["Server"] == "Vantage" and "Strict-Transport-Security" not in page.headers
        missing = requests.get(base + "/_dash-component-suites/dash/no-such-file.js")
        assert missing.status_code == 404 and "Traceback" not in missing.text
        assert requests.get(base + "/_dash-component-suites/nothing/x.js").status_code == 404
    https_app, _ = secured_app(tmp_path, data_dir, public_url="https://kpi.example.com")
    answer = https_app.server.test_client().get("/login")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Secure" in answer.headers["Set-Cookie"]
