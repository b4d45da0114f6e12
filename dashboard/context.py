"""What callbacks need from the running app (engine, config, today), kept on the Flask server, not in globals.

It is also where a request's access is recorded, without gaps: each view with the filters the viewer's scope applied
(a department lead's department is in it), each refusal as a `denied` row (the scoped engine writes its own where it
refuses), and a row that cannot be written stops the numbers: AuditUnavailable, answered with HTTP 503 and "cannot
record access: not shown".
"""
from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any, Mapping

import flask

from core.errors import AccessDenied, AuditUnavailable, PageRefused, VantageError
from dashboard import faults

if TYPE_CHECKING:  # types only: at run time this module imports what it uses inside the functions that use it
    from access.audit import Recorder
    from access.roles import Viewer
    from config.settings import Config
    from metrics.engine.protocol import Questions
    from metrics.engine.questions import Engine

ENGINE_KEY = "VANTAGE_ENGINE"
CONFIG_KEY = "VANTAGE_CONFIG"
AUDIT_KEY = "VANTAGE_AUDIT"  # the AuditTrail, put there by dashboard/guard.py (absent: access control is off)
# The Location component of Dash pages: writing its href navigates without a reload and adds a history entry.
LOCATION = "_pages_location"
RETRY_SECONDS = 30  # a browser or monitor may ask again after this when the audit cannot be written
RECORDER = "vantage_recorder"  # flask.g: the request's Recorder, its rows kept until the answer leaves


def install(server: flask.Flask, engine: Engine, config: Config) -> None:
    """Attach the engine and config to the server of one app; a view that cannot be audited, or a request that fails
    on a full or read-only data folder, gets HTTP 503."""
    server.config[ENGINE_KEY] = engine
    server.config[CONFIG_KEY] = config
    faults.install(server, config.data_path)
    server.register_error_handler(AuditUnavailable, _not_recorded)
    server.register_error_handler(PageRefused, _refused)
    server.after_request(_write_audit)


def engine() -> Questions:
    """The metrics engine of the app handling the current request, narrowed to the viewer's scope.

    Every callback asks for numbers through this, so department scoping is enforced on the server for any
    request, hand-made ones included; every question it refuses is a `denied` row in the audit trail.
    """
    from metrics.engine.scope import ScopedEngine

    found = viewer()
    base: Engine = flask.current_app.config[ENGINE_KEY]
    return ScopedEngine(base, found.scope, recorder()) if found is not None else base


def plan_engine() -> Engine:
    """The unscoped engine, for the programme plan's tables only: a plan holds no department numbers, and a
    scoped engine does not reach the connectors the plan is read through."""
    found: Engine = flask.current_app.config[ENGINE_KEY]
    return found


def viewer() -> Viewer | None:
    """The person or device behind this request (None when access control is not installed, as in unit tests)."""
    from dashboard.guard import current_viewer

    return current_viewer()


def recorder() -> Recorder | None:
    """Who writes this request's audit rows (None when access control is not installed). It holds no request: the
    worker threads asking the engine for this request use it too. In a request, its rows are written together just
    before the answer leaves (`_write_audit`)."""
    from access.audit import Recorder

    trail = flask.current_app.config.get(AUDIT_KEY)
    if trail is None:
        return None
    if not flask.has_request_context():
        return Recorder(trail, "anonymous")
    found: Recorder | None = flask.g.get(RECORDER)
    if found is None:
        person = viewer()
        found = Recorder(trail, person.name if person is not None else "anonymous", flask.request.remote_addr or "",
                         pending=[])
        flask.g.setdefault(RECORDER, found)
    return found


def require_page(path: str) -> None:
    """Refuse (AccessDenied, recorded as a `denied` row) when the viewer's role may not open this page."""
    found = viewer()
    if found is not None and not found.may_open(path):
        refusal = PageRefused(f"this page is not part of the {found.role.value} role", path,
                              "ask an administrator for a role that includes it")
        denied(refusal, path)
        raise refusal


def denied(refusal: VantageError, asked: str, filters: Mapping[str, Any] | None = None) -> None:
    """Record a refusal as a `denied` row (who, what was asked, with which filters, why), once per refusal; a
    no-op when access control is not installed. Written with the request's other rows as its answer leaves."""
    if refusal.recorded:
        return
    found = recorder()
    if found is not None:
        found.refused(asked, filters, refusal.message)
    refusal.recorded = True


def audit(action: str, what: str = "", filters: Any = None) -> None:
    """Record who saw or exported which numbers, with the filters as the viewer's scope applied them (a no-op when
    access control is not installed). Call it once the numbers are in hand: the row is written before the answer
    leaves, and when it cannot be, the answer becomes HTTP 503 with no numbers in it."""
    found = recorder()
    if found is not None:
        found.record(action, what, applied(filters))


def applied(filters: Any) -> Any:
    """Filters (a mapping, as `Filters.params()` gives) with the viewer's department (the scope dimension's value)
    in `where` when their scope narrows every question to it: the scope the engine applied, whatever the request
    asked for."""
    found = viewer()
    department = found.scope.department if found is not None else None
    if department is None or not isinstance(filters, Mapping):
        return filters
    where = {str(pair[0]): pair[1] for pair in filters.get("where") or () if len(pair) == 2}
    return {**filters, "where": list({**where, scope_dimension(): department}.items())}


def config() -> Config:
    return flask.current_app.config[CONFIG_KEY]


def scope_dimension() -> str:
    """The dimension a department lead's numbers are narrowed to, and the department filter offers values of."""
    return config().scope_dimension


def today() -> date:
    """Today as the config says (tests pin it)."""
    return config().today()


def default_language() -> str:
    return config().language


def _write_audit(response: flask.Response) -> flask.Response:
    """Write the request's audit rows in one go before its answer leaves: refusals always, views and exports when the
    answer is shown (below 400). When they cannot be written, the answer is replaced: no numbers without their row."""
    found: Recorder | None = flask.g.get(RECORDER)
    if found is None:
        return response
    try:
        found.flush(shown=response.status_code < 400)
    except AuditUnavailable:
        return _unrecorded(response)
    return response


def _refused(error: PageRefused) -> flask.Response:
    """The data of a page outside the viewer's role: HTTP 403 with the reason (recorded as a `denied` row)."""
    callback = flask.request.path.startswith("/_")
    response = flask.Response(json.dumps({"error": error.message}) if callback else error.message, status=403,
                              mimetype="application/json" if callback else "text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_recorded(error: AuditUnavailable) -> flask.Response:
    """A row written at once that could not be (the trail logged which folder and why): HTTP 503, no numbers."""
    return _unrecorded(flask.Response())


def _unrecorded(response: flask.Response) -> flask.Response:
    """The response turned into HTTP 503 with a short message; its other headers (security, ...) stay."""
    callback = flask.request.path.startswith("/_")
    response.set_data(json.dumps({"error": AuditUnavailable.SHOWN}) if callback else AuditUnavailable.SHOWN)
    response.status_code = 503
    response.mimetype = "application/json" if callback else "text/plain"
    response.headers.pop("Content-Disposition", None)
    response.headers.update({"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"})
    return response
