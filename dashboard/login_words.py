"""The words and HTML of the login and logout pages, in English and Chinese.

They are plain Flask pages (no Dash), shown before a session exists, so their words live here rather than in the
dashboard's translation table. Every message of a failed login reads the same whether or not the user exists.
"""
from __future__ import annotations

WORDS = {
    "en": {"title": "Sign in to Vantage", "user": "User name", "password": "Password", "submit": "Sign in",
           "note": "Programme KPIs are confidential. Every sign-in is recorded.", "other": "中文", "lang": "en",
           "expired": "The form expired; please try again.", "out": "You are signed out.",
           "wrong": "Wrong user name or password.",
           "locked": "Too many failed attempts from this address: try again in {minutes} minutes.",
           "throttled": "Too many sign-in attempts from this address; wait a minute and try again.",
           "out_title": "Sign out of Vantage", "out_question": "Sign out of Vantage on this browser?",
           "out_submit": "Sign out", "out_back": "Back to the dashboard"},
    "zh": {"title": "登录 Vantage", "user": "用户名", "password": "密码", "submit": "登录",
           "note": "项目KPI属于机密信息，所有登录都会被记录。", "other": "English", "lang": "zh-CN",
           "expired": "表单已过期，请重试。", "out": "您已退出登录。",
           "wrong": "用户名或密码错误。",
           "locked": "此地址的失败尝试过多，请 {minutes} 分钟后再试。",
           "throttled": "此地址的登录尝试过多，请稍候一分钟再试。",
           "out_title": "退出 Vantage", "out_question": "要在此浏览器上退出 Vantage 吗？",
           "out_submit": "退出登录", "out_back": "返回仪表板"},
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
