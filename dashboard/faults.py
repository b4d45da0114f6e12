"""Local faults answered as such: a data folder that is full, read-only or locked gets HTTP 503 and a log line that
names the folder and why, never a 500; and once the folder is fixed, the next request works (nothing to restart).

The stores open a connection per call, so nothing stays broken: a request after space returns writes again.
"""
from __future__ import annotations

import json
import logging
import sqlite3
import time
from pathlib import Path

import flask

from core.store import local_fault

RETRY_SECONDS = 30  # a browser or monitor may ask again after this
LOG_EVERY_SECONDS = 60.0  # one log line a minute per cause, not one per request
SHOWN = "the server cannot store its data right now; please try again in a minute"
log = logging.getLogger("vantage.dashboard")
_logged: dict[str, float] = {}


def install(server: flask.Flask, folder: Path) -> None:
    """Answer a request that fails on the data folder (`folder`) with HTTP 503 instead of 500."""
    server.config["VANTAGE_DATA_FOLDER"] = Path(folder)
    server.register_error_handler(sqlite3.OperationalError, _folder_fault)
    server.register_error_handler(OSError, _folder_fault)


def _folder_fault(error: Exception) -> flask.Response:
    named = getattr(error, "filename", None)  # an OSError names its file; SQLite's errors name none
    folder = Path(named).parent if named else flask.current_app.config["VANTAGE_DATA_FOLDER"]
    why = local_fault(error, folder)
    if why is None:
        raise error  # not the folder's fault: the server's own 500 handler logs it with a reference
    message = f"{flask.request.method} {flask.request.path} failed: {why}"
    now = time.monotonic()
    if now - _logged.get(why, -LOG_EVERY_SECONDS) >= LOG_EVERY_SECONDS:
        _logged[why] = now
        log.error("%s (%s); requests that write there get HTTP 503 until it is fixed", message, error)
    headers = {"Retry-After": str(RETRY_SECONDS), "Cache-Control": "no-store"}
    if flask.request.path.startswith("/_"):
        return flask.Response(json.dumps({"error": SHOWN}), status=503, mimetype="application/json", headers=headers)
    return flask.Response(SHOWN, status=503, mimetype="text/plain", headers=headers)
