"""The login and logout pages (plain Flask routes: they must work before any Dash page may load)."""
from __future__ import annotations

import html
import secrets
from urllib.parse import urlparse

import flask

from access.users import LoginRefused
from dashboard.guard import record

WORDS = {
    "en": {"title": "Sign in to Vantage", "user": "User name", "password": "Password", "submit": "Sign in",
           "note": "Programme KPIs are confidential. Every sign-in is recorded.", "other": "中文", "lang": "en",
           "expired": "The form expired; please sign in again.", "out": "You are signed out."},
    "zh": {"title": "登录 Vantage", "user": "用户名", "password": "密码", "submit": "登录",
           "note": "项目KPI属于机密信息，所有登录都会被记录。", "other": "English", "lang": "zh-CN",
           "expired": "表单已过期，请重新登录。", "out": "您已退出登录。"},
}
PAGE = """<!DOCTYPE html>
<html lang="{lang}" data-bs-theme="light"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<link rel="stylesheet" href="/assets/bootstrap.min.css"><link rel="stylesheet" href="/assets/vantage.css"></head>
<body class="bg-body-tertiary"><main class="container" style="max-width: 26rem; padding-top: 12vh">
<h1 class="h3 mb-1 fw-bold text-primary">Vantage</h1><h2 class="h5 mb-4">{title}</h2>{message}
<form method="post" action="/login?lang={code}" class="card card-body shadow-sm">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<label class="form-label" for="user">{user}</label>
<input class="form-control mb-3" id="user" name="user" autocomplete="username" required autofocus>
<label class="form-label" for="password">{password}</label>
<input class="form-control mb-3" id="password" name="password" type="password" autocomplete="current-password" required>
<button class="btn btn-primary w-100" id="sign-in" type="submit">{submit}</button></form>
<p class="small text-body-secondary mt-3">{note}</p>
<p class="small"><a href="/login?lang={other_code}&amp;next={next}">{other}</a></p></main></body></html>"""


def register(server: flask.Flask) -> None:
    server.add_url_rule("/login", "vantage_login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "vantage_logout", _logout, methods=["GET", "POST"])


def _language() -> str:
    asked = flask.request.args.get("lang") or ""
    if asked in WORDS:
        return asked
    best = flask.request.accept_languages.best_match(["en", "zh"])
    return best or "en"


def _safe_next(target: str) -> str:
    """Only paths on this site: never an open redirect."""
    parsed = urlparse(target or "/")
    if parsed.scheme or parsed.netloc or not (parsed.path or "/").startswith("/") or target.startswith("//"):
        return "/"
    return target or "/"


def _render(code: str, message: str = "", status: int = 200) -> flask.Response:
    words = WORDS[code]
    csrf = secrets.token_urlsafe(16)
    flask.session["csrf"] = csrf
    nxt = _safe_next(flask.request.values.get("next", "/"))
    alert = f'<div class="alert alert-warning" role="alert">{html.escape(message)}</div>' if message else ""
    body = PAGE.format(lang=words["lang"], title=words["title"], message=alert, code=code, csrf=csrf,
                       next=html.escape(nxt, quote=True), user=words["user"], password=words["password"],
                       submit=words["submit"], note=words["note"], other=words["other"],
                       other_code="en" if code == "zh" else "zh")
    return flask.Response(body, status=status, mimetype="text/html")


def _login() -> flask.Response:
    code = _language()
    if flask.request.method == "GET":
        return _render(code, WORDS[code]["out"] if flask.request.args.get("out") else "")
    form = flask.request.form
    if not form.get("csrf") or form.get("csrf") != flask.session.get("csrf"):
        return _render(code, WORDS[code]["expired"], 400)
    users = flask.current_app.config["VANTAGE_USERS"]
    audit = flask.current_app.config["VANTAGE_AUDIT"]
    name = form.get("user", "").strip()
    try:
        viewer = users.authenticate(name, form.get("password", ""))
    except LoginRefused as refused:
        audit.record(name or "?", "login_failed", str(refused), address=flask.request.remote_addr or "")
        return _render(code, str(refused) if code == "en" else "用户名或密码错误，或账户已被暂时锁定。", 401)
    flask.session.clear()
    flask.session["user"] = viewer.name
    flask.session.permanent = True
    flask.g.vantage_viewer = viewer
    record("login", viewer.role.value)
    return flask.redirect(_safe_next(form.get("next", "/")))


def _logout() -> flask.Response:
    if flask.session.get("user"):
        record("logout")
    flask.session.clear()
    return flask.redirect("/login?out=1")
