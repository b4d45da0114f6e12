"""The server-side gate: every request needs a session (or a device token), and gets security headers."""
from __future__ import annotations

import os
import secrets
import sys
from typing import Any
from urllib.parse import quote

import flask

from dashboard.access.audit import AuditTrail
from dashboard.access.roles import Role, Viewer
from dashboard.access.users import UserStore

SECRET_ENV = "VANTAGE_SECRET_KEY"
# What a browser may fetch before logging in: the login page itself and static files (no numbers in them).
PUBLIC_PREFIXES = ("/login", "/assets/", "/_dash-component-suites/", "/_favicon.ico", "/favicon.ico")
# Dash's renderer needs its own inline bootstrap script and style attributes; plotly draws with inline styles.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
       "base-uri 'self'; form-action 'self'; object-src 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
ANONYMOUS = Viewer("anonymous", Role.ADMIN)  # when login is switched off (the demo), everyone sees everything


def install(server: flask.Flask, config: Any) -> None:
    """Put the user store, audit trail and the gate on the Flask server."""
    users = UserStore(config.data_path / "users.sqlite")
    audit = AuditTrail(config.data_path / "audit.sqlite")
    server.config.update(VANTAGE_USERS=users, VANTAGE_AUDIT=audit, VANTAGE_LOGIN=bool(config.login_required),
                         VANTAGE_PROXY_HEADER=config.trusted_user_header,
                         SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=str(config.public_url).startswith("https://"),
                         SESSION_COOKIE_NAME="vantage_session")
    secret = os.environ.get(SECRET_ENV)
    if not secret:
        if config.login_required:
            print(f"warning: {SECRET_ENV} is not set; sessions will not survive a restart or span workers",
                  file=sys.stderr)
        secret = secrets.token_hex(32)
    server.secret_key = secret
    server.before_request(_gate)
    server.after_request(_headers)


def current_viewer() -> Viewer | None:
    """The viewer of this request (set by the gate), or None outside a request."""
    return flask.g.get("vantage_viewer") if flask.has_request_context() else None


def audit_trail() -> AuditTrail:
    return flask.current_app.config["VANTAGE_AUDIT"]


def record(action: str, what: str = "", filters: Any = None) -> None:
    """Write an audit entry for the current viewer."""
    viewer = current_viewer()
    audit_trail().record(viewer.name if viewer else "anonymous", action, what, filters,
                         flask.request.remote_addr or "" if flask.has_request_context() else "")


def _gate() -> flask.Response | None:
    cfg = flask.current_app.config
    path = flask.request.path
    if not cfg["VANTAGE_LOGIN"]:
        flask.g.vantage_viewer = ANONYMOUS
        return None
    viewer = _session_viewer(cfg["VANTAGE_USERS"], cfg["VANTAGE_PROXY_HEADER"])
    flask.g.vantage_viewer = viewer
    if path.startswith(PUBLIC_PREFIXES):
        return None
    if viewer is None:
        if path.startswith("/_dash-") or path.startswith("/_reload") or flask.request.method != "GET":
            return flask.Response('{"error": "login required"}', status=401, mimetype="application/json")
        return flask.redirect("/login?next=" + quote(flask.request.full_path.rstrip("?"), safe=""))
    return None


def _session_viewer(users: UserStore, proxy_header: str) -> Viewer | None:
    if proxy_header and flask.request.headers.get(proxy_header):
        return users.viewer(flask.request.headers[proxy_header])
    name = flask.session.get("user")
    if not name:
        return None
    if flask.session.get("device"):
        return flask.g.get("vantage_device")  # wall-screen tokens are checked by their own route
    return users.viewer(name)


def _headers(response: flask.Response) -> flask.Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
