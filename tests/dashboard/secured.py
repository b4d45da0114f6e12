"""A Vantage app behind its login, for the HTTP tests: its own data folder (users, sessions, audit) over a copy of the
session's demo database, and helpers that sign in as a browser does (the form, its token, the cookie)."""
from __future__ import annotations

import json
import re
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import dash
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

import app as vantage
from access.users import UserStore
from config.settings import load_config
from dashboard.app import create_app
from dashboard.serving import QuietRequestHandler
from metrics.semantics import registry
from tests.conftest import ROOT, TODAY

PASSWORD = "correct horse battery"
# Who signs in: one of each kind the tests need.
PEOPLE = (("erin", "executive", None), ("ada", "admin", None), ("lee", "department_lead", "finance"),
          ("pat", "pmo", None))


def secured_app(work: Path, data_dir: Path, ttl_seconds: float = 300, extra: str = "", **settings: Any
                ) -> tuple[dash.Dash, vantage.Runtime]:
    """The demo's sources with the login on (asked for changes every `ttl_seconds`), its data in `work`, the PEOPLE
    as users, `extra` TOML (playlists, say) after the demo's; `settings` override the config's."""
    shutil.copy(data_dir / "demo.sqlite", work / "demo.sqlite")
    text = (ROOT / "config" / "demo.toml").read_text().replace("login_required = false", "")
    (work / "vantage.toml").write_text(text.replace("cache_ttl_seconds = 300", f"cache_ttl_seconds = {ttl_seconds}")
                                       + extra)
    registry.reset()
    config = load_config(str(work / "vantage.toml"), {"data_dir": str(work), "today": TODAY, **settings}, environ={})
    users = UserStore(work / "users.sqlite")
    for name, role, department in PEOPLE:
        if name not in {u[0] for u in users.list()}:
            users.add(name, PASSWORD, role, department)
    rt = vantage.wire(config)
    return create_app(rt.engine, rt.config), rt


def form_token(page: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found, page[:300]
    return found.group(1)


def sign_in(client: Any, user: str, password: str = PASSWORD, address: str = "127.0.0.1",
            next_page: str = "/") -> TestResponse:
    """Post the login form as a browser at `address` does (a Flask test client)."""
    environ = {"REMOTE_ADDR": address}
    token = form_token(client.get("/login", environ_base=environ).get_data(as_text=True))
    return client.post("/login", data={"csrf": token, "user": user, "password": password, "next": next_page},
                       environ_base=environ)


def sign_out(client: Any) -> TestResponse:
    """Open the logout page and post its form."""
    token = form_token(client.get("/logout").get_data(as_text=True))
    return client.post("/logout", data={"csrf": token})


@contextmanager
def serve(server: Any) -> Iterator[str]:
    """A real werkzeug server on 127.0.0.1 (answering `Server: Vantage`) for this Flask app; yields its address."""
    httpd = make_server("127.0.0.1", 0, server, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()


def overview_call(view: dict | None = None) -> dict[str, Any]:
    """The body Dash's renderer posts for the overview's tiles."""
    return {"output": "..overview-results.children...overview-pillars.children..",
            "outputs": [{"id": "overview-results", "property": "children"},
                        {"id": "overview-pillars", "property": "children"}],
            "inputs": [{"id": "overview-view", "property": "data", "value": view or {}},
                       {"id": "overview-refresh", "property": "n_intervals", "value": None}],
            "changedPropIds": ["overview-view.data"], "state": []}


def call(client: Any, body: Any, **kwargs: Any) -> TestResponse:
    """POST a callback body (any JSON value) as Dash's renderer does."""
    return client.post("/_dash-update-component", data=json.dumps(body), content_type="application/json", **kwargs)


def summary_call(key: str, view: dict[str, Any]) -> dict[str, Any]:
    """The body Dash's renderer posts for a metric page's numbers (summary, projection, trend, explanation)."""
    parts = (("metric-summary", "children"), ("metric-projection", "children"), ("metric-trend-graph", "figure"),
             ("metric-trend-graph", "className"), ("metric-trend-note", "children"), ("metric-explain", "children"))
    return {"output": ".." + "...".join(f"{i}.{p}" for i, p in parts) + "..",
            "outputs": [{"id": i, "property": p} for i, p in parts],
            "inputs": [{"id": "metric-key", "property": "data", "value": key},
                       {"id": "metric-view", "property": "data", "value": view}],
            "changedPropIds": ["metric-view.data"], "state": []}


def props_of(body: str, class_name: str) -> list[dict[str, Any]]:
    """The props of every component of a class in a callback's answer (its JSON), in order."""
    found: list[dict[str, Any]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            props = node["props"] if isinstance(node.get("props"), dict) else {}
            if props.get("className") == class_name:
                found.append(props)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(body))
    return found

