"""The server-side gate: every request needs a live session (a person's or a wall screen's), and every answer gets
the security headers.

The session lives on the server (access/sessions.py); the cookie carries only its id. A person's session is checked
against the user store on every request: a disabled user, or one whose password changed since the login, loses every
session at once and for good (enabling the user again revives none).
"""
from __future__ import annotations

import logging
import os
import secrets
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from access import credentials
from access.audit import AuditTrail
from access.roles import Role, Viewer
from access.sessions import Session, SessionStore
from access.throttle import LoginLockout
from access.tokens import TokenStore
from access.users import UserStore
from dashboard import devices, serving, session
from dashboard.dispatch import CALLBACK_PATH, BadCall, refuse_bad_calls
from dashboard.health import HEALTH_PATHS

SECRET_ENV = "VANTAGE_SECRET_KEY"
SECRET_FILE = "secret.key"
# What a browser may fetch before logging in: the login and logout pages and static files (no numbers in them).
PUBLIC_PATHS = ("/login", "/logout", "/_favicon.ico", "/favicon.ico")
PUBLIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
# Answers that carry numbers or a form's token: never kept by the browser or a proxy (downloads are callbacks too).
NO_STORE_PATHS = (CALLBACK_PATH, "/login", "/logout")
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
HSTS = "max-age=31536000"
ANONYMOUS = Viewer("anonymous", Role.ADMIN)  # when login is switched off (the demo), everyone sees everything
log = logging.getLogger("vantage.dashboard")


def install(server: flask.Flask, config: Any) -> None:
    """Put the stores (users, tokens, audit, sessions, lockout) and the gate on the Flask server."""
    folder = config.data_path
    https = str(config.public_url).startswith("https://")
    server.config.update(
        VANTAGE_USERS=UserStore.in_folder(folder), VANTAGE_AUDIT=AuditTrail.in_folder(folder),
        VANTAGE_TOKENS=TokenStore.in_folder(folder), VANTAGE_LOCKOUT=LoginLockout(folder / LoginLockout.FILE),
        VANTAGE_LOGIN=bool(config.login_required), VANTAGE_PROXY_HEADER=config.trusted_user_header,
        VANTAGE_HSTS=https, MAX_CONTENT_LENGTH=int(config.max_request_bytes),
        **{session.SESSIONS_KEY: SessionStore.for_config(config), session.SECURE_KEY: https})
    server.secret_key = _secret(folder)
    hops = int(config.forwarded_hops)
    if hops:  # the client's address (rate limits, lockouts, the audit) from the proxies' X-Forwarded-For
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    credentials.warm()
    serving.redact_access_logs()
    server.before_request(_gate)
    server.after_request(_headers)
    server.register_error_handler(500, _internal_error)


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


def public(path: str) -> bool:
    """The login page and static files: exact paths, or under the static folders (never /login/anything)."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


def _secret(folder: Path) -> str:
    """$VANTAGE_SECRET_KEY, else a random key kept in the data folder (0600), so forms signed by one worker are
    accepted by the others and after a restart."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = Path(folder) / SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # exclusive create: of workers starting together, exactly one writes the key and the others read it
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        for _ in range(100):
            if key := path.read_text().strip():
                return key
            time.sleep(0.02)  # another worker is writing it this moment
        fd = os.open(path, os.O_WRONLY | os.O_TRUNC)  # left empty by a crash: write one now
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_hex(32))
    return path.read_text().strip()


def _gate() -> Response | None:
    cfg = flask.current_app.config
    path = flask.request.path
    flask.g.vantage_viewer = None
    if path in HEALTH_PATHS:  # load balancers' probes: no session, no store read here (dashboard/health.py)
        return None
    sessions: SessionStore = cfg[session.SESSIONS_KEY]
    exchanged = devices.exchange(cfg["VANTAGE_TOKENS"], sessions, cfg["VANTAGE_AUDIT"])
    if exchanged is not None:
        return exchanged
    session_id = session.cookie_id()
    found = sessions.get(session_id) if session_id else None
    if found is not None and found.device:
        return _screen(cfg, sessions, session_id, found, path)
    if not cfg["VANTAGE_LOGIN"]:
        flask.g.vantage_viewer = ANONYMOUS
        return None
    viewer = _person(cfg, sessions, session_id, found)
    flask.g.vantage_viewer = viewer
    if public(path) or viewer is not None:
        return None
    return _refuse(path, "login required")


def _screen(cfg: Any, sessions: SessionStore, session_id: str, found: Session, path: str) -> Response | None:
    """A wall screen's request: its token must still be active, and the request one its playlist needs."""
    viewer = devices.device_viewer(cfg["VANTAGE_TOKENS"], found)
    if viewer is None:
        sessions.end(session_id)
        cfg["VANTAGE_AUDIT"].record(found.user, "denied", "wall token revoked", address=flask.request.remote_addr or "")
        return _refuse(path, "login required")
    flask.g.vantage_viewer, flask.g.vantage_playlist = viewer, found.playlist
    flask.g.vantage_session = (session_id, found)
    try:
        if public(path) or devices.may_reach(str(found.playlist), path):
            return None
    except BadCall as bad:
        return refuse_bad_calls(bad)
    return _refuse(path, "a wall screen's token opens its playlist and nothing else", 403)


def _person(cfg: Any, sessions: SessionStore, session_id: str, found: Session | None) -> Viewer | None:
    """A person's viewer, re-read on every request: a disabled user or a changed password ends their sessions."""
    header = cfg["VANTAGE_PROXY_HEADER"]
    users: UserStore = cfg["VANTAGE_USERS"]
    if header and flask.request.headers.get(header):
        return users.viewer(flask.request.headers[header])
    if found is None:
        return None
    account = credentials.account(users, found.user)
    if account is None or account.disabled:
        sessions.end_user(found.user)  # for good: enabling the user again revives none of these
        return None
    if account.stamp != found.stamp:  # the password changed since this login
        sessions.end_user(found.user, keep_stamp=account.stamp)
        return None
    flask.g.vantage_session = (session_id, found)
    return account.viewer


def _refuse(path: str, reason: str, status: int = 401) -> Response:
    if path.startswith("/_") or flask.request.method != "GET":
        return flask.Response(f'{{"error": "{reason}"}}', status=status, mimetype="application/json")
    if status == 403:
        return flask.Response(reason, status=403, mimetype="text/plain")
    target = devices.address_without_token()
    response = flask.redirect("/login?next=" + quote(target, safe=""))
    if session.cookie_id():
        session.clear_cookie(response)  # an ended session's cookie is of no use any more
    return response


def _headers(response: flask.Response) -> flask.Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if flask.request.path in NO_STORE_PATHS or response.headers.get("Content-Disposition", "").startswith("attach"):
        response.headers["Cache-Control"] = "no-store"
    if flask.current_app.config.get("VANTAGE_HSTS"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def _internal_error(error: Exception) -> flask.Response:
    """An unexpected failure: a reference to quote, and the details in the server log only."""
    reference = secrets.token_hex(4)
    original = getattr(error, "original_exception", None) or error
    log.error("internal error %s on %s %s", reference, flask.request.method, flask.request.path, exc_info=original)
    text = f"internal error (reference {reference}); the details are in the server log"
    if flask.request.path.startswith("/_"):
        return flask.Response(f'{{"error": "{text}"}}', status=500, mimetype="application/json")
    return flask.Response(text, status=500, mimetype="text/plain")
