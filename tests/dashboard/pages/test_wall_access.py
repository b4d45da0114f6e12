"""A wall screen's device link, with login on, as crafted HTTP requests: the token opens its own playlist and its
wall callbacks, nothing else (no other page, no other playlist, no overview or metric callback), and a revoked
token stops working at the next request."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any, Iterator

import flask
import pytest

import app as vantage
from access.tokens import TokenStore
from config.settings import Config, load_config
from dashboard.app import create_app
from dashboard.pages.wall._ids import card
from metrics.engine.periods import Filters, resolve_period
from metrics.semantics import registry
from metrics.semantics.format import format_value
from tests.conftest import ROOT, TODAY
from tests.dashboard.secured import sign_in

PLAYLISTS = """
[playlists.lobby]
title = "Lobby results"
seconds = 2
slides = [
    { page = "overview", period = "month" },
    { page = "metric", metric = "data_accuracy", period = "month" },
    { page = "programme" },
]

[playlists.hall]
title = "Hall service desk"
slides = [{ page = "metric", metric = "satisfaction" }]
"""


def wall_config(folder: Path, data_dir: Path, playlists: str = PLAYLISTS, login: bool = True) -> Config:
    """A config of the demo's sources (reading the session's demo database) and these playlists, with its own
    data folder for users, tokens, audit and cache; login on unless asked otherwise."""
    kept, keep = [], False
    for line in (ROOT / "config" / "demo.toml").read_text().splitlines():
        if line.startswith("["):
            keep = line.startswith("[sources.")
        if keep:
            kept.append(line.replace("{data_dir}", str(data_dir)))
    vantage_section = '[vantage]\nplan_source = "demo"\n' + ("" if login else "login_required = false\n")
    path = folder / "vantage.toml"
    path.write_text(vantage_section + "\n" + "\n".join(kept) + "\n" + textwrap.dedent(playlists))
    (folder / "data").mkdir(exist_ok=True)
    return load_config(str(path), {"data_dir": str(folder / "data"), "today": TODAY}, environ={})


@pytest.fixture(scope="module")
def secured(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[flask.Flask, Any]]:
    """The app behind a login, with its runtime (for the engine's own numbers)."""
    registry.reset()
    rt = vantage.wire(wall_config(tmp_path_factory.mktemp("wall-access"), data_dir))
    yield create_app(rt.engine, rt.config).server, rt


def tokens(server: flask.Flask) -> TokenStore:
    return server.config["VANTAGE_TOKENS"]


def wall_ask(pathname: str = "/wall/lobby", reason: str = "refresh") -> dict[str, Any]:
    """The request wall.js makes for numbers."""
    return {"output": "wall-data.data", "outputs": {"id": "wall-data", "property": "data"},
            "inputs": [{"id": "wall-ask", "property": "data", "value": reason}], "changedPropIds": ["wall-ask.data"],
            "state": [{"id": "_pages_location", "property": "pathname", "value": pathname}]}


def router(pathname: str) -> dict[str, Any]:
    """The request Dash's page router makes to render an address."""
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"]}


OVERVIEW_TILE = {
    "output": "..overview-results.children...overview-pillars.children..",
    "outputs": [{"id": "overview-results", "property": "children"}, {"id": "overview-pillars", "property": "children"}],
    "inputs": [{"id": "overview-view", "property": "data", "value": {}},
               {"id": "overview-refresh", "property": "n_intervals", "value": 1}],
    "state": [], "changedPropIds": []}
METRIC_SUMMARY = {"output": "metric-summary.children", "outputs": {"id": "metric-summary", "property": "children"},
                  "inputs": [{"id": "metric-view", "property": "data", "value": {}}], "changedPropIds": []}
# A forged request that names a wall output beside an overview one: every output must be the wall's.
MIXED = {**OVERVIEW_TILE, "outputs": [{"id": "wall-data", "property": "data"}, *OVERVIEW_TILE["outputs"]]}
# Forged requests whose other fields say "wall" while the output Dash dispatches on is the overview's, and one that
# renames the overview's outputs to wall-* ids (an output string no callback has).
DISGUISED = {**OVERVIEW_TILE, "outputs": [{"id": "wall-a", "property": "children"},
                                          {"id": "wall-b", "property": "children"}]}
RENAMED = {**OVERVIEW_TILE, "output": "..wall-results.children...wall-pillars.children..",
           "outputs": [{"id": "wall-results", "property": "children"}, {"id": "wall-pillars", "property": "children"}]}


def post(client: Any, body: dict[str, Any]) -> Any:
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json")


def accuracy(rt: Any) -> str:
    """Data accuracy of last month as the dashboard shows it."""
    value = rt.engine.headline("data_accuracy", Filters(*resolve_period("month", rt.config.today()))).data.value
    return format_value(value, rt.engine.metric("data_accuracy").unit, "en")


def test_a_token_opens_its_playlist_and_its_wall_callbacks_answer(secured: tuple) -> None:
    server, rt = secured
    token = tokens(server).create("lobby-tv", "lobby")
    client = server.test_client()
    # The token is exchanged for a device session, and the address loses it (no token in the address bar or in
    # later access-log lines); the rest of the address is kept.
    exchanged = client.get(f"/wall/lobby?token={token}&lang=zh")
    assert exchanged.status_code == 302 and exchanged.headers["Location"] == "/wall/lobby?lang=zh"
    assert token not in exchanged.headers["Location"] and token not in exchanged.headers["Set-Cookie"]
    assert "HttpOnly" in exchanged.headers["Set-Cookie"]
    page = client.get("/wall/lobby")  # the session carries the screen from now on
    assert page.status_code == 200 and "_dash-config" in page.get_data(as_text=True)
    for path in ("/_dash-layout", "/_dash-dependencies", "/_reload-hash", "/assets/wall.js"):
        assert client.get(path).status_code == 200, path
    answer = post(client, wall_ask(reason="load"))
    assert answer.status_code == 200
    props = answer.get_json()["response"]["wall-data"]["data"]["props"]
    assert props[card(1, "data_accuracy", "value")]["children"] == accuracy(rt)
    assert server.config["VANTAGE_AUDIT"].entries(user="device:lobby-tv")[-1]["what"] == "wall:lobby"
    rendered = post(client, router("/wall/lobby"))
    assert rendered.status_code == 200 and "wall-slide-2" in rendered.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/metric/data_accuracy", "/wall/hall", "/wall/hall/", "/programme"])
def test_a_token_opens_no_other_page(secured: tuple, path: str) -> None:
    server, _ = secured
    client = server.test_client()
    client.get(f"/wall/lobby?token={tokens(server).create(f'screen-{abs(hash(path))}', 'lobby')}")
    response = client.get(path)
    assert response.status_code in (403, 404), path
    assert "wall-slide" not in response.get_data(as_text=True)


def test_a_token_calls_no_overview_or_metric_callback_and_leaks_no_number(secured: tuple) -> None:
    server, rt = secured
    client = server.test_client()
    client.get(f"/wall/lobby?token={tokens(server).create('corridor', 'lobby')}")
    for body in (OVERVIEW_TILE, METRIC_SUMMARY, MIXED, DISGUISED, RENAMED):
        response = post(client, body)
        text = response.get_data(as_text=True)
        # 403: a real callback that is not the wall's; 400: a body that does not match any callback of the app
        assert response.status_code in (400, 403), body["outputs"]
        assert accuracy(rt) not in text and not any(c.isdigit() for c in text)
    assert post(client, OVERVIEW_TILE).status_code == 403 and post(client, DISGUISED).status_code == 400


def test_a_token_cannot_reach_another_playlist_by_naming_it(secured: tuple) -> None:
    server, _ = secured
    client = server.test_client()
    client.get(f"/wall/lobby?token={tokens(server).create('atrium', 'lobby')}")
    assert client.get("/wall/hall").status_code == 403
    # The numbers follow the token's playlist, whatever address the browser claims to be at.
    props = post(client, wall_ask("/wall/hall")).get_json()["response"]["wall-data"]["data"]["props"]
    assert card(1, "data_accuracy", "value") in props and card(0, "satisfaction", "value") not in props
    # And the page router, asked for the other playlist, renders a refusal rather than its slides.
    text = post(client, router("/wall/hall")).get_data(as_text=True)
    assert "opens the playlist" in text and "Hall service desk" not in text and "wall-slide-0" not in text


def test_a_revoked_token_is_refused_at_the_next_request(secured: tuple) -> None:
    server, rt = secured
    store = tokens(server)
    token = store.create("boardroom", "lobby")
    client = server.test_client()
    assert client.get(f"/wall/lobby?token={token}", follow_redirects=True).status_code == 200
    assert post(client, wall_ask()).status_code == 200
    store.revoke("boardroom")
    refused = post(client, wall_ask())
    assert refused.status_code in (401, 403) and accuracy(rt) not in refused.get_data(as_text=True)
    assert client.get("/wall/lobby").status_code == 302  # to the login page
    again = server.test_client().get(f"/wall/lobby?token={token}")
    assert again.status_code == 302 and again.headers["Location"] == "/wall/lobby"  # the token leaves the address
    assert server.config["VANTAGE_AUDIT"].entries()[-1]["action"] == "denied"
    assert "/login" in server.test_client().get("/wall/lobby").headers["Location"]


def test_without_a_token_or_a_login_the_wall_is_closed(secured: tuple) -> None:
    server, _ = secured
    client = server.test_client()
    assert client.get("/wall/lobby").status_code == 302
    assert client.get("/wall/lobby?token=not-a-token").status_code == 302
    assert post(client, wall_ask()).status_code == 401


def test_a_person_may_open_any_playlist(secured: tuple) -> None:
    server, _ = secured
    server.config["VANTAGE_USERS"].add("erin", "a long enough password", "executive")
    client = server.test_client()
    assert sign_in(client, "erin", "a long enough password").status_code == 302
    assert client.get("/wall/hall").status_code == 200
    props = post(client, wall_ask("/wall/hall")).get_json()["response"]["wall-data"]["data"]["props"]
    assert props[card(0, "satisfaction", "value")]["children"]
