"""Local faults answered as such: a data folder that is full, read-only or locked, or a shared state (state_url) whose
PostgreSQL cannot be reached, gets HTTP 503 and a log line that names the folder or database and why, never a 500; and
once the fault is fixed, the next request works (nothing to restart).

The stores open a connection per call, so nothing stays broken: a request after space returns writes again, and a
pooled connection to PostgreSQL is tested before it is handed out (core/state.py), so one broken by a restart of the
database is replaced by a new one.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path

import flask

from core.state import StateUnavailable, shown, url_of
from core.store import local_fault

RETRY_SECONDS = 30  # a browser or monitor may ask again after this
LOG_EVERY_SECONDS = 60.0  # one log line a minute per cause, not one per request
SHOWN = "the server cannot store its data right now; please try again in a minute"
STATE_SHOWN = "the server cannot reach its state database right now; please try again in a minute"
log = logging.getLogger("vantage.dashboard")
_logged: dict[str, float] = {}


def install(server: flask.Flask, folder: Path) -> None:
    """Answer a request that fails on the data folder (`folder`) with HTTP 503 instead of 500."""
    server.config["VANTAGE_DATA_FOLDER"] = Path(folder)
    server.register_error_handler(sqlite3.OperationalError, _folder_fault)
    server.register_error_handler(OSError, _folder_fault)
    server.register_error_handler(StateUnavailable, _state_fault)


def _folder_fault(error: Exception) -> flask.Response:
    named = getattr(error, "filename", None)  # an OSError names its file; SQLite's errors name none
    folder = Path(named).parent if named else flask.current_app.config["VANTAGE_DATA_FOLDER"]
    why = local_fault(error, folder)
    if why is None:
        raise error  # not the folder's fault: the server's own 500 handler logs it with a reference
    _log_once(why, f"{flask.request.method} {flask.request.path} failed: {why} ({error}); requests that write there "
                   "get HTTP 503 until it is fixed")
    return _unavailable(SHOWN)


def _state_fault(error: StateUnavailable) -> flask.Response:
    """The shared state's database is down, restarting or unreachable: HTTP 503, one log line a minute."""
    url = url_of(flask.current_app.config["VANTAGE_DATA_FOLDER"] / "state")  # the data folder's state_url
    place = f"the shared state at state_url {shown(url)}" if url else "the shared state (state_url)"
    _log_once("state", f"{flask.request.method} {flask.request.path} failed: {place} cannot be reached "
                       f"({error.reason or error.what}); requests that need it get HTTP 503 until it is back")
    return _unavailable(STATE_SHOWN)


def _log_once(cause: str, line: str) -> None:
    now = time.monotonic()
    if now - _logged.get(cause, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
        _logged[cause] = now
        log.error("%s", line)


def _unavailable(text: str) -> flask.Response:
    headers = {"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"}
    if flask.request.path.startswith("/_"):
        return flask.Response(json.dumps({"error": text}), status=503, mimetype="application/json", headers=headers)
    return flask.Response(text, status=503, mimetype="text/plain", headers=headers)
