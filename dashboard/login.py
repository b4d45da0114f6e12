"""The login and logout pages (plain Flask routes: they must work before any Dash page may load).

Login abuse is answered three ways: every failed login looks and takes the same whether or not the user exists
(access/credentials.py); failures lock a (user, address) pair, not the user, so a stranger cannot lock anyone out
(access/throttle.py); and each address may post the form only so often (Flask-Limiter, counters shared by every
worker in DATA_DIR/sessions.sqlite). Logout is a small form whose POST, carrying the session's own token, ends it.
"""
from __future__ import annotations

import hashlib
import hmac
import html
import secrets
from typing import Any
from urllib.parse import parse_qs, quote, urlparse

import flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.wrappers import Response

from access import credentials
from access.throttle import LOCK_SECONDS
from core.i18n import LANGUAGES
from dashboard import session
from dashboard.guard import record
from dashboard.login_words import LOGOUT_PAGE, PAGE, words

# Per client address, on the login form's POST only (a page load is cheap; a password check is not).
LOGIN_RATE = "20 per minute;200 per hour"
RATE_KEY = "VANTAGE_LOGIN_RATE"
NONCE_COOKIE = "vantage_login"  # pairs the login form's token with this browser (no session exists yet)
NAME_MOST = 200  # longer user names are no user's: refused without a lookup, recorded shortened


def register(server: flask.Flask) -> None:
    """The /login and /logout routes, and the per-address limit on posting the login form."""
    server.config.setdefault(RATE_KEY, LOGIN_RATE)
    store_path = server.config[session.SESSIONS_KEY].path
    limiter = Limiter(get_remote_address, app=server, storage_uri=f"vantage+sqlite:///{store_path}",
                      strategy="fixed-window", swallow_errors=True, headers_enabled=False)
    limited = limiter.limit(lambda: flask.current_app.config[RATE_KEY], methods=["POST"])(_login)
    server.add_url_rule("/login", "vantage_login", limited, methods=["GET", "POST"])
    server.add_url_rule("/logout", "vantage_logout", _logout, methods=["GET", "POST"])
    server.register_error_handler(429, _too_many)


def _language() -> str:
    """The page's language: `lang` of the address, else that of the page the login leads back to (a shared
    `/?lang=zh` link lands on a Chinese login page), else the browser's preference."""
    asked = flask.request.args.get("lang") or ""
    if asked in LANGUAGES:
        return asked
    wanted = parse_qs(urlparse(flask.request.args.get("next") or "").query).get("lang", [""])[-1]
    if wanted in LANGUAGES:
        return wanted
    best = flask.request.accept_languages.best_match(list(LANGUAGES))
    return best or "en"


def safe_next(target: str) -> str:
    """Only a path on this site: never an open redirect, a header break (CR/LF) or a scheme-relative //host."""
    target = target or "/"
    parsed = urlparse(target)
    if (len(target) > 2000 or not target.isprintable() or "\\" in target or target.startswith("//")
            or parsed.scheme or parsed.netloc or not target.startswith("/")):
        return "/"
    return target


def _login_token(nonce: str) -> str:
    key = str(flask.current_app.secret_key).encode()
    return hmac.new(key, b"login:" + nonce.encode(), hashlib.sha256).hexdigest()


def _render(code: str, message: str = "", status: int = 200) -> flask.Response:
    shown = words(code)
    nonce = flask.request.cookies.get(NONCE_COOKIE) or secrets.token_urlsafe(16)
    nxt = safe_next(flask.request.values.get("next", "/"))
    alert = f'<div class="alert alert-warning" role="alert">{html.escape(message)}</div>' if message else ""
    body = PAGE.format(lang=shown["lang"], title=shown["title"], message=alert, code=code, csrf=_login_token(nonce),
                       next=html.escape(nxt, quote=True), next_url=html.escape(quote(nxt, safe="/")),
                       user=shown["user"], password=shown["password"],
                       submit=shown["submit"], note=shown["note"], other=shown["other"],
                       other_code="en" if code == "zh" else "zh")
    response = flask.Response(body, status=status, mimetype="text/html")
    response.set_cookie(NONCE_COOKIE, nonce, max_age=12 * 3600, httponly=True, samesite="Lax", path="/login",
                        secure=bool(flask.current_app.config.get(session.SECURE_KEY)))
    return response


def _login() -> Response:
    code = _language()
    if flask.request.method == "GET":
        return _render(code, words(code)["out"] if flask.request.args.get("out") else "")
    form = flask.request.form
    nonce = flask.request.cookies.get(NONCE_COOKIE, "")
    if not nonce or not hmac.compare_digest(form.get("csrf", ""), _login_token(nonce)):
        return _render(code, words(code)["expired"], 400)
    cfg = flask.current_app.config
    audit, lockout, address = cfg["VANTAGE_AUDIT"], cfg["VANTAGE_LOCKOUT"], flask.request.remote_addr or ""
    name = form.get("user", "").strip()
    shown_name = "".join(c for c in name[:NAME_MOST] if c.isprintable()) or "?"
    if lockout.locked(name, address):
        audit.record(shown_name, "login_failed", "locked: too many failed attempts from this address", address=address)
        return _render(code, words(code)["locked"].format(minutes=LOCK_SECONDS // 60), 401)
    account = credentials.verify(cfg["VANTAGE_USERS"], name if len(name) <= NAME_MOST else "", form.get("password", ""))
    if account is None:
        locks = lockout.failed(name, address)
        audit.record(shown_name, "login_failed", "wrong user name or password" + (" (now locked)" if locks else ""),
                     address=address)
        return _render(code, words(code)["wrong"], 401)
    lockout.succeeded(name, address)
    sessions = cfg[session.SESSIONS_KEY]
    old = session.cookie_id()
    if old:
        sessions.end(old)  # a new login never continues an older session (no session fixation)
    response = flask.redirect(safe_next(form.get("next", "/")))
    session.set_cookie(response, sessions.create(account.viewer.name, stamp=account.stamp))
    flask.g.vantage_viewer = account.viewer
    record("login", account.viewer.role.value)
    return response


def _logout() -> Response:
    """GET: a confirmation form in the viewer's language; POST (with the session's token): end the session."""
    code = _language()
    current = session.current()
    if current is None:
        return flask.redirect(f"/login?lang={code}")
    session_id, found = current
    if flask.request.method == "POST":
        if hmac.compare_digest(flask.request.form.get("csrf", ""), found.csrf):
            record("logout")
            session.store().end(session_id)
            return session.clear_cookie(flask.redirect(f"/login?out=1&lang={code}"))
        return _logout_page(code, found.csrf, words(code)["expired"], 400)
    return _logout_page(code, found.csrf)


def _logout_page(code: str, csrf: str, message: str = "", status: int = 200) -> flask.Response:
    shown = words(code)
    alert = f'<div class="alert alert-warning" role="alert">{html.escape(message)}</div>' if message else ""
    body = LOGOUT_PAGE.format(lang=shown["lang"], title=shown["out_title"], message=alert, code=code, csrf=csrf,
                              question=shown["out_question"], submit=shown["out_submit"], back=shown["out_back"])
    return flask.Response(body, status=status, mimetype="text/html")


def _too_many(_error: Any) -> flask.Response:
    """Over the per-address limit: the login page again, saying so in the viewer's language."""
    code = _language()
    if flask.request.path != "/login":
        return flask.Response('{"error": "too many requests"}', status=429, mimetype="application/json")
    return _render(code, words(code)["throttled"], 429)
