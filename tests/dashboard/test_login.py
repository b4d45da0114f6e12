"""Login abuse through HTTP: failed logins look and take the same for real and unknown users, lockout is per
(user, address), each address is rate limited, and `next` never redirects off the site or breaks a header."""
from __future__ import annotations

import functools
import statistics
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import flask
import pytest

from access.throttle import MAX_FAILURES
from dashboard.login import RATE_KEY, safe_next
from tests.dashboard.secured import PASSWORD, form_token, secured_app, sign_in


@pytest.fixture(scope="module")
def secured(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    dash_app, rt = secured_app(tmp_path_factory.mktemp("login"), data_dir)
    yield dash_app.server, rt


def attempt(client: Any, token: str, user: str, password: str, address: str) -> tuple[float, Any]:
    """One post of the login form from an address: (seconds it took, the answer)."""
    began = time.perf_counter()
    answer = client.post("/login", data={"csrf": token, "user": user, "password": password},
                         environ_base={"REMOTE_ADDR": address})
    return time.perf_counter() - began, answer


def message(answer: Any) -> str:
    text = answer.get_data(as_text=True)
    return text[text.index('role="alert"'):].split("</div>")[0]


def cpu_waited() -> float:
    """Seconds this thread has been ready to run but waited for a CPU (Linux's run-queue delay; 0 elsewhere)."""
    try:
        return int(Path("/proc/thread-self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


@contextmanager
def timed_logins(server: Any) -> Iterator[list[float]]:
    """The server's own seconds for each post of the login form meanwhile: its view, timed in the process (the test
    client's work and the transport are not the server's answer), less the time the machine's other work kept it
    from a CPU (the view runs on one thread; waiting on a file or a lock still counts)."""
    seconds: list[float] = []
    view = server.view_functions["vantage_login"]

    @functools.wraps(view)
    def timed(*args: Any, **kwargs: Any) -> Any:
        began, waited = time.perf_counter(), cpu_waited()
        try:
            return view(*args, **kwargs)
        finally:
            if flask.request.method == "POST":
                seconds.append(time.perf_counter() - began - (cpu_waited() - waited))

    server.view_functions["vantage_login"] = timed
    try:
        yield seconds
    finally:
        server.view_functions["vantage_login"] = view


def failed_login_medians(server: Any, client: Any, token: str, rounds: int = 20) -> tuple[float, float, set]:
    """Median seconds the server took to refuse a real user and unknown names, and the distinct answers.

    Interleaved, the order flipping every round (so neither side always runs second, and a burst of load on the
    machine falls on both), each attempt from its own address so no lockout or rate limit interferes.
    """
    known: list[float] = []
    unknown: list[float] = []
    answers = set()
    with timed_logins(server) as seconds:
        for n in range(rounds):
            pair = [("erin", f"10.1.{n}.1", known), (f"nobody-{n}", f"10.2.{n}.1", unknown)]
            for user, address, times in pair if n % 2 else reversed(pair):
                _, answer = attempt(client, token, user, "not her password", address)
                times.append(seconds[-1])
                answers.add((answer.status_code, message(answer)))
    assert len(seconds) == 2 * rounds
    return statistics.median(known), statistics.median(unknown), answers


def test_known_and_unknown_users_fail_alike_and_in_the_same_time(secured: Any) -> None:
    server, _ = secured
    client = server.test_client()
    token = form_token(client.get("/login").get_data(as_text=True))
    attempt(client, token, "nobody-warm-up", "x", "10.9.9.9")
    known, unknown, answers = failed_login_medians(server, client, token)
    assert len(answers) == 1 and next(iter(answers))[0] == 401  # the very same answer
    print(f"median failed login over 20: known user {known * 1000:.1f} ms, unknown user {unknown * 1000:.1f} ms")
    assert max(known, unknown) <= 1.2 * min(known, unknown), (known, unknown)


def test_a_stranger_at_another_address_cannot_lock_a_user_out(secured: Any) -> None:
    server, _ = secured
    stranger = server.test_client()
    token = form_token(stranger.get("/login").get_data(as_text=True))
    for _ in range(MAX_FAILURES + 2):
        attempt(stranger, token, "pat", "guessing guessing", "198.51.100.7")
    _, locked = attempt(stranger, token, "pat", PASSWORD, "198.51.100.7")
    assert locked.status_code == 401 and "Too many failed attempts" in message(locked)
    # The same lock message for a name that does not exist: the lock tells nothing about who exists.
    for _ in range(MAX_FAILURES):
        attempt(stranger, token, "no-such-user", "guessing guessing", "198.51.100.7")
    _, ghost = attempt(stranger, token, "no-such-user", "guessing guessing", "198.51.100.7")
    assert message(ghost) == message(locked)
    # Pat, at her own address, signs in as usual.
    assert sign_in(server.test_client(), "pat", address="10.20.30.40").status_code == 302
    failures = [e for e in server.config["VANTAGE_AUDIT"].entries(user="pat") if e["action"] == "login_failed"]
    assert failures and all(e["address"] == "198.51.100.7" for e in failures)


def test_each_address_may_post_the_form_only_so_often(secured: Any) -> None:
    server, _ = secured
    server.config[RATE_KEY] = "3 per minute"
    try:
        client = server.test_client()
        token = form_token(client.get("/login").get_data(as_text=True))
        codes = [attempt(client, token, f"user{n}", "x", "192.0.2.50")[1].status_code for n in range(3)]
        throttled = attempt(client, token, "erin", PASSWORD, "192.0.2.50")[1]
        assert codes == [401, 401, 401] and throttled.status_code == 429
        assert "Too many sign-in attempts" in throttled.get_data(as_text=True)
        assert sign_in(server.test_client(), "erin", address="192.0.2.51").status_code == 302  # other addresses
    finally:
        server.config[RATE_KEY] = "20 per minute;200 per hour"


@pytest.mark.parametrize("target", [
    "/metric/data_accuracy\r\nSet-Cookie: evil=1", "/\nLocation: https://evil.example", "https://evil.example/",
    "//evil.example/path", "/\\evil.example", "javascript:alert(1)", "http:/evil.example", "\t//evil.example",
    "/" + "x" * 5000,
])
def test_a_bad_next_redirects_home(secured: Any, target: str) -> None:
    server, _ = secured
    before = len(server.config["VANTAGE_AUDIT"].entries(user="erin"))
    answer = sign_in(server.test_client(), "erin", address="10.77.0.1", next_page=target)
    assert answer.status_code == 302 and answer.headers["Location"] == "/"
    logins = [e for e in server.config["VANTAGE_AUDIT"].entries(user="erin")[before:] if e["action"] == "login"]
    assert len(logins) == 1
    assert safe_next(target) == "/"


def test_a_good_next_is_kept_and_a_wrong_form_token_refused(secured: Any) -> None:
    server, _ = secured
    assert safe_next("/metric/data_accuracy?period=quarter&lang=zh") == "/metric/data_accuracy?period=quarter&lang=zh"
    answer = sign_in(server.test_client(), "erin", address="10.77.0.2", next_page="/league?lang=zh")
    assert answer.headers["Location"] == "/league?lang=zh"
    forged = server.test_client().post("/login", data={"csrf": "made-up", "user": "erin", "password": PASSWORD})
    assert forged.status_code == 400 and "expired" in forged.get_data(as_text=True)


def test_a_shared_link_in_chinese_lands_on_a_chinese_login_page(secured: Any) -> None:
    server, _ = secured
    client = server.test_client()
    first = client.get("/metric/data_accuracy?lang=zh", environ_base={"REMOTE_ADDR": "10.88.0.1"})
    assert first.status_code == 302 and first.headers["Location"].startswith("/login?next=")
    page = client.get(first.headers["Location"], environ_base={"REMOTE_ADDR": "10.88.0.1"},
                      headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "登录" in page
    english = client.get("/login?next=%2F", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert 'lang="en"' in english
