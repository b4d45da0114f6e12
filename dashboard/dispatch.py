"""Check every callback request before Dash dispatches it; a bad one gets HTTP 400 with a short reason.

Dash trusts the body of `POST /_dash-update-component`: an array, a missing key, an output no callback has, or values
of the wrong type raise deep inside it (HTTP 500). Here the body is read once, before Dash sees it:

- JSON (`Content-Type: application/json`), an object, nested at most MAX_DEPTH levels, no larger than
  `max_request_bytes` (Flask's MAX_CONTENT_LENGTH; larger is HTTP 413);
- `output` is exactly a key of the app's callback map (the string Dash dispatches on), `outputs`, `inputs` and
  `state` name the components and properties that callback declares, `changedPropIds` is a list of strings;
- values whose type is known are of that type (counters are numbers, addresses text, a page's view an object
  of the view's fields).

`parsed_call()` is what the access gate reads too (dashboard/guard.py): a wall screen is allowed or refused on the
same output string Dash will dispatch, never on another field of the body.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Mapping

import dash
import flask
from dash.exceptions import DependencyException

from dashboard.state import view_data_problem

CALLBACK_PATH = "/_dash-update-component"
CALLBACKS_KEY = "VANTAGE_CALLBACKS"
MAX_DEPTH = 64
# Properties whose values have one type whatever the component (Dash's own and the ones this app's callbacks read).
COUNTERS = ("n_clicks", "n_intervals", "n_submit", "active_page")
TEXTS = ("pathname", "search", "href", "hash")
OBJECTS = ("clickData", "clickAnnotationData", "hoverData", "selectedData", "relayoutData")
# The data of the stores that server callbacks read, by component id (a page's view is checked field by field in
# dashboard/state.py). A store missing here is not type-checked: add it when a server callback starts reading one.
STORE_TYPES: dict[str, type] = {"metric-key": str, "metric-step": dict, "wall-ask": str}
ADDRESS_STORES = ("metric-address",)  # stores holding an address of this site (assets/metric.js writes it)
WILDCARDS = ('["ALL"]', '["ALLSMALLER"]')
log = logging.getLogger("vantage.dashboard")


class BadCall(Exception):
    """Why a callback request is refused (a few words, safe to send back: no value of the request is echoed)."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason, self.status = reason, status

    def response(self) -> flask.Response:
        return flask.Response(json.dumps({"error": self.reason}), status=self.status, mimetype="application/json")


@dataclass(frozen=True)
class Call:
    """A checked callback request: the output string Dash dispatches on and the component ids it writes to."""

    output: str
    component_ids: tuple[str, ...]  # a pattern-matching id by its "type"


def install(app: dash.Dash) -> None:
    """Check every callback request of this app before Dash dispatches it."""
    server = app.server
    server.config[CALLBACKS_KEY] = app.callback_map  # Dash fills this same dict as callbacks are registered
    server.before_request(_check)
    # Dash's component-suite route raises for a file it does not serve: that is a 404, not a 500.
    server.register_error_handler(DependencyException, _not_served)


def parsed_call() -> Call:
    """The checked callback request of this request (read once, kept for the request); BadCall when it is bad."""
    found = flask.g.get("vantage_call")
    if found is None:
        try:
            found = read_call(flask.request, flask.current_app.config[CALLBACKS_KEY])
        except BadCall as bad:
            found = bad
        flask.g.vantage_call = found
    if isinstance(found, BadCall):
        raise found
    return found


def read_call(request: flask.Request, callbacks: Mapping[str, Any]) -> Call:
    """Check a callback request against the app's callbacks; BadCall with the first problem found."""
    if request.mimetype != "application/json":
        raise BadCall("a callback request is JSON: send Content-Type: application/json")
    limit = flask.current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        raise BadCall(f"the request is larger than {limit} bytes", 413)
    try:
        body = json.loads(request.get_data(cache=True), parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise BadCall("the body is not valid JSON (or is nested too deeply)") from None
    if _too_deep(body):
        raise BadCall(f"the body is nested deeper than {MAX_DEPTH} levels")
    if not isinstance(body, dict):
        raise BadCall("the body must be a JSON object")
    output = body.get("output")
    if not isinstance(output, str):
        raise BadCall("'output' must be a string")
    spec = callbacks.get(output)
    if spec is None:
        raise BadCall("'output' names no callback of this app")
    if "callback" not in spec:
        raise BadCall("'output' names a callback that runs in the browser, not on the server")
    declared_outputs = _split_output(output)
    if not spec.get("no_output"):
        given = body.get("outputs")
        _match_all(declared_outputs if output.startswith("..") else declared_outputs[0],
                   given, "outputs", multi=output.startswith(".."), value=False)
    _match_all(spec.get("inputs", []), body.get("inputs"), "inputs", multi=True, value=True)
    _match_all(spec.get("state", []), body.get("state", []), "state", multi=True, value=True)
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        raise BadCall("'changedPropIds' must be a list of strings")
    ids = tuple(_type_of(o["id"]) for o in declared_outputs)
    return Call(output, ids)


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _too_deep(body: Any) -> bool:
    """Whether the parsed body nests deeper than MAX_DEPTH (iteratively: no recursion on hostile input)."""
    stack: list[tuple[Any, int]] = [(body, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_DEPTH:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _split_output(output: str) -> list[dict[str, str]]:
    """The outputs an output string declares, as Dash splits it ('..a.children...b.figure..' or 'a.children')."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    split = []
    for part in parts:
        component, _, prop = part.rpartition(".")
        split.append({"id": component, "property": prop})
    return split


def _type_of(component: str) -> str:
    """A component id as text; a pattern-matching id (JSON) by its "type"."""
    if component.startswith("{"):
        try:
            return str(json.loads(component).get("type", ""))
        except (ValueError, AttributeError):
            return component
    return component


def _match_all(declared: Any, given: Any, key: str, multi: bool, value: bool) -> None:
    """`given` (the body's list, or one item when not multi) names exactly the declared components and properties."""
    if not multi:
        _match(declared, given, key, value)
        return
    if not isinstance(given, list) or len(given) != len(declared):
        raise BadCall(f"'{key}' must be a list of as many items as the callback declares")
    for want, got in zip(declared, given):
        _match(want, got, key, value)


def _match(want: Mapping[str, str], got: Any, key: str, value: bool) -> None:
    component, prop = want["id"], want["property"].split("@")[0]
    if component.startswith("{"):  # a pattern-matching id: ALL/ALLSMALLER arrive as a list, MATCH as one item
        pattern = json.loads(component)
        many = any(json.dumps(v) in WILDCARDS for v in pattern.values())
        items = got if many and isinstance(got, list) else [got]
        if many and not isinstance(got, list):
            raise BadCall(f"'{key}' of a pattern-matching callback must be a list")
        for item in items:
            _entry(item, key, prop, value)
            if not isinstance(item["id"], dict) or set(item["id"]) != set(pattern) or any(
                    item["id"][k] != v for k, v in pattern.items() if not isinstance(v, list)):
                raise BadCall(f"'{key}' names a component the callback does not declare")
        return
    _entry(got, key, prop, value)
    if got["id"] != component:
        raise BadCall(f"'{key}' names a component the callback does not declare")


def _entry(item: Any, key: str, prop: str, value: bool) -> None:
    """One {id, property[, value]} item of the body, of the declared property and a value of the right type."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), (str, dict)) or not isinstance(
            item.get("property"), str):
        raise BadCall(f"each item of '{key}' must be an object with 'id' and 'property'")
    if item["property"].split("@")[0] != prop:
        raise BadCall(f"'{key}' names a property the callback does not declare")
    if value:
        if prop == "id" and item.get("value") != item["id"]:
            raise BadCall(f"'{key}': the value of a component's id must be that id")
        problem = _value_problem(item["id"], prop, item.get("value"))
        if problem:
            raise BadCall(f"'{key}': {problem}")


def _value_problem(component: str | dict, prop: str, value: Any) -> str | None:
    """Why a value cannot be a value of this property, or None when it can (or its type is not known here)."""
    if prop == "pathname" or (prop == "data" and component in ADDRESS_STORES):
        if not (isinstance(value, str) and value.startswith("/")):
            return f"{prop} must be a path of this site (text starting with /)"
    if value is None:
        return None
    if prop in COUNTERS and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31):
        return f"{prop} must be a whole number"
    if prop in TEXTS and not isinstance(value, str):
        return f"{prop} must be text"
    if prop in OBJECTS and not isinstance(value, dict):
        return f"{prop} must be an object"
    if prop == "data" and isinstance(component, str) and component.endswith("-view"):
        return view_data_problem(value)
    if prop == "data" and isinstance(component, str) and component in STORE_TYPES:
        kind = STORE_TYPES[component]
        return None if isinstance(value, kind) else f"the data of {component} must be {kind.__name__}"
    return None


def _not_served(_error: Exception) -> flask.Response:
    return flask.Response("not found", status=404, mimetype="text/plain")


def refuse_bad_calls(bad: BadCall) -> flask.Response:
    """The answer to a bad callback request; the reason goes to the server log too."""
    log.warning("refused a callback request from %s: %s", flask.request.remote_addr, bad.reason)
    return bad.response()


def _check() -> flask.Response | None:
    if flask.request.path != CALLBACK_PATH or flask.request.method != "POST":
        return None
    try:
        parsed_call()
    except BadCall as bad:
        return refuse_bad_calls(bad)
    return None
