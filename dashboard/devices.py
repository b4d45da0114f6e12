"""Wall screens: a device token is exchanged at the first visit for a device session, and the screen then reaches its
own playlist's page and wall callbacks, nothing else.

The token travels in the address once (`/wall/<playlist>?token=...`, as `wall-token create` prints it): the answer is a
redirect to the same address without it, carrying the session cookie, so the token stays neither in the address bar
nor in later access-log lines. Every request of the screen checks the token again, so a revoked token ends the
screen's session at its next request.
"""
from __future__ import annotations

from urllib.parse import urlencode

import flask
from werkzeug.wrappers import Response

from access.audit import AuditTrail
from access.roles import Role, Viewer
from access.sessions import Session, SessionStore
from access.tokens import TokenStore
from dashboard import session as cookie
from dashboard.dispatch import CALLBACK_PATH, parsed_call

DEVICE_PREFIX = "device:"
# What a wall screen may reach besides its own /wall/<playlist> page: the app shell, and the callbacks whose outputs
# are all wall components (ids starting "wall"), the frame's or Dash's page router.
DEVICE_PATHS = ("/_dash-layout", "/_dash-dependencies", "/_reload-hash")
DEVICE_OUTPUT_PREFIXES = ("wall", "shell-", "_pages_content", "_pages_store", "_pages_dummy")


def address_without_token() -> str:
    """This request's path and query with every `token` parameter left out."""
    kept = [(k, v) for k, values in flask.request.args.lists() if k != "token" for v in values]
    return flask.request.path + ("?" + urlencode(kept) if kept else "")


def exchange(tokens: TokenStore, sessions: SessionStore, audit: AuditTrail) -> Response | None:
    """For `GET /wall/...?token=...`: a redirect to the address without the token, with a device session cookie when
    the token is valid (an invalid one is recorded as denied). None for any other request."""
    request = flask.request
    if request.method != "GET" or not request.path.startswith("/wall/") or "token" not in request.args:
        return None
    address = request.remote_addr or ""
    response = flask.redirect(address_without_token(), 302)
    found = tokens.device(request.args.get("token", ""))
    if found is None:
        audit.record("unknown device", "denied", "invalid or revoked wall token", address=address)
        return response
    viewer, playlist = found
    old = cookie.cookie_id()
    if old:
        sessions.end(old)  # the browser becomes the screen: whoever was signed in on it is signed out
    cookie.set_cookie(response, sessions.create(viewer.name, playlist=playlist), device=True)
    audit.record(viewer.name, "token_use", playlist, address=address)
    return response


def device_viewer(tokens: TokenStore, found: Session) -> Viewer | None:
    """The screen's viewer while its token is still active (and still for the same playlist); None once revoked."""
    name = found.user.removeprefix(DEVICE_PREFIX)
    for token_name, playlist, _created, revoked, _last_used in tokens.list():
        if token_name == name:
            return Viewer(found.user, Role.DEVICE) if not revoked and playlist == found.playlist else None
    return None


def may_reach(playlist: str, path: str) -> bool:
    """Whether a screen of this playlist may make this request. A callback is judged on the output string Dash will
    dispatch (dispatch.parsed_call: BadCall when the body is bad), never on another field of the body."""
    if path in DEVICE_PATHS or path == f"/wall/{playlist}":
        return True
    if path == CALLBACK_PATH and flask.request.method == "POST":
        ids = parsed_call().component_ids
        return bool(ids) and all(i.startswith(DEVICE_OUTPUT_PREFIXES) for i in ids)
    return False
