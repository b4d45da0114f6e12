"""The server-side gate: every request needs a session (or a device token), and gets security headers."""
from __future__ import annotations

import os
import secrets
import sys
from typing import Any
from urllib.parse import quote

import flask

from access.audit import AuditTrail
from access.roles import Role, Viewer
from access.tokens import TokenStore
from access.users import UserStore

SECRET_ENV = "VANTAGE_SECRET_KEY"
# What a browser may fetch before logging in: the login page itself and static files (no numbers in them).
PUBLIC_PATHS = ("/login", "/_favicon.ico", "/favicon.ico")
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
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
# What a wall screen's device session may reach besides its own /wall/<playlist> page: the app shell and the
# callbacks whose outputs are all wall components (ids starting "wall") or Dash's page router.
DEVICE_PATHS = ("/_dash-layout", "/_dash-dependencies", "/_reload-hash")
DEVICE_OUTPUT_PREFIXES = ("wall", "shell-", "_pages_content", "_pages_store", "_pages_dummy")


def install(server: flask.Flask, config: Any) -> None:
    """Put the user store, audit trail and the gate on the Flask server."""
    users, audit = UserStore.in_folder(config.data_path), AuditTrail.in_folder(config.data_path)
    tokens = TokenStore.in_folder(config.data_path)
    server.config.update(VANTAGE_USERS=users, VANTAGE_AUDIT=audit, VANTAGE_TOKENS=tokens, VANTAGE_LOGIN=bool(config.login_required),
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


def current_playlist() -> str | None:
    """The playlist of a wall screen's device session (None for people)."""
    return flask.g.get("vantage_playlist") if flask.has_request_context() else None


def _gate() -> flask.Response | None:
    cfg = flask.current_app.config
    path = flask.request.path
    device = _device_session(cfg["VANTAGE_TOKENS"], cfg["VANTAGE_AUDIT"])
    if device is not None:
        return _device_gate(device, path)
    if not cfg["VANTAGE_LOGIN"]:
        flask.g.vantage_viewer = ANONYMOUS
        return None
    viewer = _session_viewer(cfg["VANTAGE_USERS"], cfg["VANTAGE_PROXY_HEADER"])
    flask.g.vantage_viewer = viewer
    if _public(path):
        return None
    if viewer is None:
        return _refuse(path, "login required")
    if viewer.role is Role.DEVICE:
        return _refuse(path, "not a person's session")
    return None


def _public(path: str) -> bool:
    """The login page and static files: exact paths, or under the static folders (never /login/anything)."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _flat(outputs: Any) -> list:
    """A callback's outputs as one flat list (pattern-matching outputs arrive as nested lists)."""
    if isinstance(outputs, list):
        return [o for item in outputs for o in _flat(item)]
    return [outputs]


def _refuse(path: str, reason: str, status: int = 401) -> flask.Response:
    if path.startswith("/_") or flask.request.method != "GET":
        return flask.Response(f'{{"error": "{reason}"}}', status=status, mimetype="application/json")
    if status == 403:
        return flask.Response(reason, status=403, mimetype="text/plain")
    return flask.redirect("/login?next=" + quote(flask.request.full_path.rstrip("?"), safe=""))


def _device_session(tokens: TokenStore, audit: AuditTrail) -> tuple[Viewer, str] | None:
    """A wall screen: its token arrives once in the URL, then lives in the session; checked on every request,
    so a revoked token stops working at the screen's next refresh."""
    offered = flask.request.args.get("token") if flask.request.path.startswith("/wall/") else None
    token = offered or flask.session.get("device_token")
    if not token:
        return None
    found = tokens.device(token)
    if found is None:
        flask.session.clear()
        if offered:
            audit.record("unknown device", "denied", "invalid or revoked wall token",
                         address=flask.request.remote_addr or "")
        return None
    if offered:
        flask.session.clear()
        flask.session["device_token"] = token
        flask.session.permanent = True
        audit.record(found[0].name, "token_use", found[1], address=flask.request.remote_addr or "")
    flask.g.vantage_viewer, flask.g.vantage_playlist = found
    return found


def _device_gate(device: tuple[Viewer, str], path: str) -> flask.Response | None:
    _, playlist = device
    if _public(path) or path in DEVICE_PATHS or path == f"/wall/{playlist}":
        return None
    if path == "/_dash-update-component" and flask.request.method == "POST":
        body = flask.request.get_json(silent=True) or {}
        outputs = _flat(body.get("outputs"))
        ids = [o.get("id") if isinstance(o, dict) else None for o in outputs]
        names = [i.get("type", "") if isinstance(i, dict) else str(i or "") for i in ids]
        if names and all(n.startswith(DEVICE_OUTPUT_PREFIXES) for n in names):
            return None
    return _refuse(path, "a wall screen's token opens its playlist and nothing else", 403)


def _session_viewer(users: UserStore, proxy_header: str) -> Viewer | None:
    """A person's viewer, re-read on every request so a disabled user loses access at once."""
    if proxy_header and flask.request.headers.get(proxy_header):
        return users.viewer(flask.request.headers[proxy_header])
    name = flask.session.get("user")
    return users.viewer(name) if name else None


def _headers(response: flask.Response) -> flask.Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
