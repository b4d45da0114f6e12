"""Fuzz the HTTP surface of a real running app (login on): a generated corpus of malformed and hostile callback bodies
for every registered callback, and hostile URL parameters on every page, posted with a signed-in session and without
one. No answer may be an HTTP 5xx, and no body may hold a traceback, the code's folder or the data folder's path.

The corpus is built by code from a fixed seed, so a failure names a case that can be replayed.
"""
from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlencode

import pytest
import requests

from dashboard.dispatch import CALLBACKS_KEY
from dashboard.state import ViewState, parse_search
from tests.conftest import ROOT
from tests.dashboard.secured import PASSWORD, form_token, secured_app, serve

SEED = 15
TEXTS = ["", " ", "'; DROP TABLE users; --", "\" OR \"1\"=\"1", "a\r\nSet-Cookie: evil=1", "\r\n\r\n", "\x00",
         "ü中文🙂\u202e", "../../../etc/passwd", "%0d%0a", "<script>alert(1)</script>", "{{7*7}}", "x" * 5000,
         "９", "NaN", "-1", "0", "1e309", "None", "null", "[]", "{}", "/metric/../admin"]
VALUES: list[Any] = [*TEXTS[:8], "x" * 100_000, None, 0, -1, 2**63, 1.5, True, [], {}, ["a", 1, None],
                     {"a": {"b": [1, {"c": "d"}]}}, json.loads("[" * 50 + "]" * 50), {"period": "custom"},
                     {"view": "x"}, {"page": -5, "drill": "x"}, {"start": "9999-12-31", "end": "0001-01-01"}]
PARAMETERS = ("lang", "theme", "period", "from", "to", "dept", "by", "drill", "page", "sort", "desc", "weeks")
SPECIAL_QUERIES = [
    {"period": "custom", "from": "2026-01-01", "to": "9999-12-31"}, {"period": "custom", "from": "0001-01-01",
                                                                     "to": "2026-01-01"},
    {"period": "custom", "from": "2026-02-30", "to": "2026-03-01"}, {"period": "custom", "from": "2026-05-01",
                                                                     "to": "2026-01-01"},
    {"page": "0"}, {"page": "-1"}, {"page": "9" * 40}, {"page": "1e5"}, {"drill": ["finance"] * 40},
    {"dept": "finance", "drill": ["'; --", "x" * 300]}, {"by": "password"}, {"by": "department", "sort": "value; --"},
    {"weeks": "0"}, {"weeks": "9" * 30}, {"lang": "zh", "theme": "dark", "period": "ytd"},
]
PAGES = ["/", "/programme", "/assessment", "/league", "/feedback", "/metric/data_accuracy", "/metric/hours_saved",
         "/metric/'; DROP TABLE--", "/metric/" + "x" * 3000, "/wall/lobby", "/wall/nope", "/404", "/no/such/page"]
MAX_SECONDS = 90


@pytest.fixture(scope="module")
def running(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Path]]:
    """The app behind its login, served by werkzeug on 127.0.0.1; its data folder."""
    work = tmp_path_factory.mktemp("fuzz")
    dash_app, _ = secured_app(work, data_dir)  # the demo's config declares the playlist "lobby"
    with serve(dash_app.server) as base:
        yield base, dash_app.server, work


# -- the corpus ------------------------------------------------------------------------------------------------------
def _outputs(output: str) -> list[dict[str, Any]]:
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    return [{"id": p.rpartition(".")[0], "property": p.rpartition(".")[2]} for p in parts]


def _item(declared: dict[str, str], value: Any = None, with_value: bool = True) -> Any:
    """A body item for a declared dependency: a pattern-matching ALL is a list, MATCH an item with a filled id."""
    component, prop = declared["id"], declared["property"]
    if component.startswith("{"):
        pattern = json.loads(component)
        if any(v in (["ALL"], ["ALLSMALLER"]) for v in pattern.values()):
            return []
        component = {k: ("x" if isinstance(v, list) else v) for k, v in pattern.items()}
    item = {"id": component, "property": prop}
    return {**item, "value": value} if with_value else item


def well_formed(output: str, spec: dict[str, Any], values: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body Dash's renderer would post for this callback, with values for its inputs (None unless given)."""
    values = values or {}
    outs = [_item(o, with_value=False) for o in _outputs(output)]

    def slot(d: dict[str, str]) -> Any:
        return _item(d, values.get(f"{d['id']}.{d['property']}"))

    return {"output": output, "outputs": outs if output.startswith("..") else outs[0],
            "inputs": [slot(d) for d in spec.get("inputs", [])], "state": [slot(d) for d in spec.get("state", [])],
            "changedPropIds": [f"{d['id']}.{d['property']}" for d in spec.get("inputs", [])[:1]]}


def malformed(output: str, spec: dict[str, Any], rnd: random.Random) -> list[Any]:
    """Bodies for this callback with a broken shape."""
    body = well_formed(output, spec)
    cases: list[Any] = [[body], json.dumps(body), {k: v for k, v in body.items() if k != "inputs"},
                        {**body, "outputs": {"id": "wall-data", "property": "data"}},
                        {**body, "output": "wall-" + output.strip(".")}, {**body, "inputs": body["inputs"][:-1] or None},
                        {**body, "changedPropIds": {"a": 1}}, {**body, "state": "x"}]
    return cases + [{**body, "output": rnd.choice(TEXTS)}]


def hostile_values(output: str, spec: dict[str, Any], rnd: random.Random, per_slot: int) -> list[dict[str, Any]]:
    """Well-formed bodies for this callback whose input and state values are hostile, one slot at a time."""
    slots = [f"{d['id']}.{d['property']}" for d in [*spec.get("inputs", []), *spec.get("state", [])]]
    return [well_formed(output, spec, {slot: value}) for slot in slots for value in rnd.sample(VALUES, per_slot)]


def callback_corpus(callbacks: dict[str, Any], rnd: random.Random) -> list[Any]:
    cases: list[Any] = [[], "x", None, 7, True, json.loads("[" * 60 + "]" * 60), {"output": None},
                        {"output": "x" * 100_000}, {"output": "..a.b...c.d..", "outputs": [], "inputs": []}]
    for output, spec in sorted(callbacks.items()):
        cases += malformed(output, spec, rnd) + hostile_values(output, spec, rnd, per_slot=3)
    return cases


def url_corpus(rnd: random.Random) -> list[str]:
    """Addresses: every page with hostile values of every URL parameter, and some hostile combinations."""
    queries: list[dict[str, Any]] = [{name: value} for name in PARAMETERS for value in rnd.sample(TEXTS, 3)]
    queries += SPECIAL_QUERIES
    addresses = []
    for n, query in enumerate(queries):
        addresses.append(PAGES[n % len(PAGES)] + "?" + urlencode(query, doseq=True))
    return addresses


def view_bodies(address: str, callbacks: dict[str, Any]) -> list[dict[str, Any]]:
    """The page's own callbacks as its layout would ask them for this address (its view store, its location)."""
    path, _, search = address.partition("?")
    view = ViewState.from_query(parse_search(search))[0].to_data()
    stem = path.strip("/").split("/")[0] or "overview"
    values = {f"{stem}-view.data": {"view": view, "weeks": 6} if stem == "programme" else view,
              "_pages_location.pathname": path, "_pages_location.search": "?" + search,
              "metric-key.data": path.split("/")[-1] if stem == "metric" else None, "wall-ask.data": "load"}
    return [well_formed(output, spec, values) for output, spec in sorted(callbacks.items())
            if any(d["id"] in (f"{stem}-view", "_pages_location") for d in spec["inputs"])]


# -- the run ---------------------------------------------------------------------------------------------------------
def signed_in(base: str) -> requests.Session:
    browser = requests.Session()
    token = form_token(browser.get(base + "/login").text)
    answer = browser.post(base + "/login", data={"csrf": token, "user": "erin", "password": PASSWORD},
                          allow_redirects=False)
    assert answer.status_code == 302
    return browser


def test_no_hostile_request_gets_a_server_error_or_leaks_a_path(running: tuple[str, Any, Path]) -> None:
    base, server, work = running
    rnd = random.Random(SEED)
    callbacks = dict(server.config[CALLBACKS_KEY])
    bodies = callback_corpus(callbacks, rnd)
    addresses = url_corpus(rnd)
    page_calls = [body for address in addresses for body in view_bodies(address, callbacks)]
    raw = ["[" * 5000 + "]" * 5000, '{"output": ', "\xff\xfe", json.dumps({"output": "x", "pad": "y" * 2_000_000})]
    forbidden = ("Traceback", str(ROOT) + "/", "/work/", str(work))
    problems: list[str] = []
    began, count = time.perf_counter(), 0
    for browser in (signed_in(base), requests.Session()):
        def check(answer: requests.Response, case: str) -> None:
            nonlocal count
            count += 1
            if answer.status_code >= 500 or any(f in answer.text for f in forbidden):
                problems.append(f"{answer.status_code} for {case[:300]}: {answer.text[:300]}")

        for body in bodies + page_calls:
            check(browser.post(base + "/_dash-update-component", json=body, timeout=60), json.dumps(body))
        for text in raw:
            check(browser.post(base + "/_dash-update-component", data=text.encode("utf-8", "surrogateescape"),
                               headers={"Content-Type": "application/json"}, timeout=60), text[:100])
        for address in addresses + PAGES:
            check(browser.get(base + address, timeout=60, allow_redirects=False), address)
        for path in ("/_dash-component-suites/dash/x.js", "/_dash-component-suites/nothing/x.js", "/login?next=%0d%0a",
                     "/logout?lang=%0d%0a", "/assets/../app.py", "/_dash-layout", "/_dash-dependencies"):
            check(browser.get(base + path, timeout=60, allow_redirects=False), path)
    took = time.perf_counter() - began
    print(f"fuzz: {count} requests ({len(bodies)} callback bodies, {len(addresses)} addresses, "
          f"{len(page_calls)} page callbacks, each signed in and anonymous) in {took:.1f} s")
    assert count >= 1000 and not problems, f"{len(problems)} of {count}:\n" + "\n".join(problems[:20])
    assert took < MAX_SECONDS
