"""Server-side sessions through HTTP: the cookie holds only an id, logout ends the session on the server, sessions
expire when idle and at their lifetime, and a disabled user or a new password ends them for good."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import requests

from access.commands import change_user
from dashboard.session import COOKIE, SESSIONS_KEY
from tests.access.test_sessions import HOUR, Clock
from tests.dashboard.secured import PASSWORD, call, form_token, overview_call, secured_app, serve, sign_in, sign_out


@pytest.fixture(scope="module")
def secured(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    dash_app, rt = secured_app(tmp_path_factory.mktemp("sessions"), data_dir)
    yield dash_app.server, rt


def cookie_of(client: Any) -> str:
    found = client.get_cookie(COOKIE)
    assert found is not None, "no session cookie"
    return found.value


def with_cookie(server: Any, value: str) -> Any:
    """A new browser that presents a captured session cookie."""
    client = server.test_client()
    client.set_cookie(COOKIE, value)
    return client


def test_the_cookie_carries_only_a_random_session_id(secured: Any) -> None:
    server, _ = secured
    client = server.test_client()
    answer = sign_in(client, "erin")
    assert answer.status_code == 302
    set_cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    value = cookie_of(client)
    assert len(value) >= 40 and "erin" not in value and "." not in value  # no signed payload, just an id
    assert call(client, overview_call()).status_code == 200


def test_a_cookie_replayed_after_logout_is_refused(secured: Any) -> None:
    server, _ = secured
    client = server.test_client()
    sign_in(client, "erin")
    captured = cookie_of(client)
    assert call(with_cookie(server, captured), overview_call()).status_code == 200
    out = sign_out(client)
    assert out.status_code == 302 and out.headers["Location"].startswith("/login?out=1")
    replay = call(with_cookie(server, captured), overview_call())
    assert replay.status_code == 401 and "tile" not in replay.get_data(as_text=True)
    assert with_cookie(server, captured).get("/", follow_redirects=False).status_code == 302


def test_logout_is_a_confirmation_form_whose_post_needs_its_token(secured: Any) -> None:
    server, rt = secured
    client = server.test_client()
    sign_in(client, "pat")
    page = client.get("/logout?lang=zh")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'method="post"' in text and "退出登录" in text and 'lang="zh-CN"' in text
    assert page.headers["Cache-Control"] == "no-store"
    assert call(client, overview_call()).status_code == 200  # opening the form logs nobody out
    forged = client.post("/logout", data={"csrf": "not-the-token"})
    assert forged.status_code == 400 and call(client, overview_call()).status_code == 200
    assert sign_out(client).status_code == 302
    assert call(client, overview_call()).status_code == 401
    assert client.get("/logout").headers["Location"].startswith("/login")  # no session: nothing to confirm
    actions = [e["action"] for e in server.config["VANTAGE_AUDIT"].entries(user="pat")]
    assert actions.count("logout") == 1


def test_idle_and_absolute_expiry(secured: Any) -> None:
    server, _ = secured
    store = server.config[SESSIONS_KEY]
    clock = Clock(store.clock())
    store.clock = clock
    try:
        idle = server.test_client()
        sign_in(idle, "erin")
        clock.now += 7.5 * HOUR
        assert call(idle, overview_call()).status_code == 200
        clock.now += 8.5 * HOUR
        assert call(idle, overview_call()).status_code == 401
        busy = server.test_client()
        sign_in(busy, "erin")
        for _ in range(41):  # a request every four hours: never idle, but seven days old in the end
            clock.now += 4 * HOUR
            assert busy.get("/_dash-layout").status_code == 200
        clock.now += 5 * HOUR
        assert call(busy, overview_call()).status_code == 401
    finally:
        store.clock = time.time


def test_a_disabled_then_enabled_users_old_cookie_is_refused(secured: Any) -> None:
    server, rt = secured
    client = server.test_client()
    sign_in(client, "lee")
    captured = cookie_of(client)
    # Through the command line, with no request while disabled: the command itself ends the sessions.
    assert "1 session(s) ended" in change_user(rt.config, "disable", "lee", None, None, lambda: "")
    change_user(rt.config, "enable", "lee", None, None, lambda: "")
    assert call(with_cookie(server, captured), overview_call()).status_code == 401
    # Through the user store directly: the first request while disabled ends them.
    sign_in(client, "lee")
    captured = cookie_of(client)
    users = server.config["VANTAGE_USERS"]
    users.set_disabled("lee")
    assert call(with_cookie(server, captured), overview_call()).status_code == 401
    users.set_disabled("lee", False)
    assert call(with_cookie(server, captured), overview_call()).status_code == 401
    assert sign_in(server.test_client(), "lee").status_code == 302  # a new login works again


def test_a_new_password_ends_the_sessions_made_with_the_old_one(secured: Any) -> None:
    server, rt = secured
    old = server.test_client()
    sign_in(old, "ada")
    server.config["VANTAGE_USERS"].set_password("ada", "a brand new passphrase")
    assert call(old, overview_call()).status_code == 401
    new = server.test_client()
    assert sign_in(new, "ada", "a brand new passphrase").status_code == 302
    assert call(new, overview_call()).status_code == 200
    assert "session(s) ended" in change_user(rt.config, "passwd", "ada", None, None, lambda: PASSWORD)
    assert call(new, overview_call()).status_code == 401


def test_a_real_server_logs_out_for_good(secured: Any) -> None:
    server, _ = secured
    with serve(server) as base:
        browser = requests.Session()
        token = form_token(browser.get(base + "/login").text)
        answer = browser.post(base + "/login", data={"csrf": token, "user": "erin", "password": PASSWORD},
                              allow_redirects=False)
        assert answer.status_code == 302 and answer.headers["Server"] == "Vantage"
        captured = browser.cookies[COOKIE]
        assert browser.post(base + "/_dash-update-component", json=overview_call()).status_code == 200
        out = browser.post(base + "/logout", data={"csrf": form_token(browser.get(base + "/logout").text)},
                           allow_redirects=False)
        assert out.status_code == 302
        replay = requests.post(base + "/_dash-update-component", json=overview_call(), cookies={COOKIE: captured})
        assert replay.status_code == 401
