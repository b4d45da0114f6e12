"""The words and HTML of the login and logout pages, in English and Chinese.

They are plain Flask pages (no Dash), shown before a session exists; their words are registered with the one
translation lookup (core.i18n) under `login.*`. Every message of a failed login reads the same whether or not the
user exists.
"""
from __future__ import annotations

from core.i18n import register, t

register({
    "login.title": ("Sign in to Vantage", "登录 Vantage"),
    "login.user": ("User name", "用户名"),
    "login.password": ("Password", "密码"),
    "login.submit": ("Sign in", "登录"),
    "login.note": ("Programme KPIs are confidential. Every sign-in is recorded.",
                   "项目KPI属于机密信息，所有登录都会被记录。"),
    "login.expired": ("The form expired; please try again.", "表单已过期，请重试。"),
    "login.out": ("You are signed out.", "您已退出登录。"),
    "login.wrong": ("Wrong user name or password.", "用户名或密码错误。"),
    "login.locked": ("Too many failed attempts from this address: try again in {minutes} minutes.",
                     "此地址的失败尝试过多，请 {minutes} 分钟后再试。"),
    "login.throttled": ("Too many sign-in attempts from this address; wait a minute and try again.",
                        "此地址的登录尝试过多，请稍候一分钟再试。"),
    "login.out_title": ("Sign out of Vantage", "退出 Vantage"),
    "login.out_question": ("Sign out of Vantage on this browser?", "要在此浏览器上退出 Vantage 吗？"),
    "login.out_submit": ("Sign out", "退出登录"),
    "login.out_back": ("Back to the dashboard", "返回仪表板"),
})

# The page's own language attribute and the link to the other language: names of languages, not words to translate.
HTML_LANG = {"en": "en", "zh": "zh-CN"}
OTHER_LANGUAGE = {"en": "中文", "zh": "English"}


def words(code: str) -> dict[str, str]:
    """The login and logout pages' words in one language, looked up like every other word (core.i18n)."""
    return {
        "title": t("login.title", code),
        "user": t("login.user", code),
        "password": t("login.password", code),
        "submit": t("login.submit", code),
        "note": t("login.note", code),
        "expired": t("login.expired", code),
        "out": t("login.out", code),
        "wrong": t("login.wrong", code),
        "locked": t("login.locked", code),
        "throttled": t("login.throttled", code),
        "out_title": t("login.out_title", code),
        "out_question": t("login.out_question", code),
        "out_submit": t("login.out_submit", code),
        "out_back": t("login.out_back", code),
        "lang": HTML_LANG[code], "other": OTHER_LANGUAGE[code],
    }


HEAD = """<!DOCTYPE html>
<html lang="{lang}" data-bs-theme="light"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>
<link rel="stylesheet" href="/assets/bootstrap.min.css"><link rel="stylesheet" href="/assets/vantage.css"></head>
<body class="bg-body-tertiary"><main class="container" style="max-width: 26rem; padding-top: 12vh">
<h1 class="h3 mb-1 fw-bold text-primary">Vantage</h1><h2 class="h5 mb-4">{title}</h2>{message}"""

PAGE = HEAD + """
<form method="post" action="/login?lang={code}" class="card card-body shadow-sm">
<input type="hidden" name="csrf" value="{csrf}"><input type="hidden" name="next" value="{next}">
<label class="form-label" for="user">{user}</label>
<input class="form-control mb-3" id="user" name="user" autocomplete="username" required autofocus>
<label class="form-label" for="password">{password}</label>
<input class="form-control mb-3" id="password" name="password" type="password" autocomplete="current-password" required>
<button class="btn btn-primary w-100" id="sign-in" type="submit">{submit}</button></form>
<p class="small text-body-secondary mt-3">{note}</p>
<p class="small"><a href="/login?lang={other_code}&amp;next={next_url}">{other}</a></p></main></body></html>"""

LOGOUT_PAGE = HEAD + """
<form method="post" action="/logout?lang={code}" class="card card-body shadow-sm">
<input type="hidden" name="csrf" value="{csrf}">
<p>{question}</p>
<button class="btn btn-primary w-100" id="sign-out" type="submit">{submit}</button></form>
<p class="small mt-3"><a href="/?lang={code}">{back}</a></p></main></body></html>"""
