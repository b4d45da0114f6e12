"""The web server names no versions (werkzeug's development server and gunicorn alike), and a wall screen's token,
which travels in the address once, stays out of the access log and out of the address the screen is left at."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import requests

from dashboard.serving import redact
from tests.dashboard.secured import secured_app, serve
from tests.dashboard.test_faults import gunicorn  # noqa: F401 - the fixture: Vantage under gunicorn, login on
from tests.dashboard.test_guard import login, summary_request


@pytest.mark.parametrize("line, expected", [
    ('"GET /wall/lobby?token=Abc-_123 HTTP/1.1" 302 -', '"GET /wall/lobby?token=[redacted] HTTP/1.1" 302 -'),
    ("GET /wall/lobby?lang=zh&token=x.y&theme=dark", "GET /wall/lobby?lang=zh&token=[redacted]&theme=dark"),
    ("GET /metric/data_accuracy?period=month", "GET /metric/data_accuracy?period=month"),
])
def test_redact(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_a_wall_token_stays_out_of_the_access_log(data_dir: Path, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    dash_app, _ = secured_app(tmp_path, data_dir)
    server = dash_app.server
    token = server.config["VANTAGE_TOKENS"].create("lobby-tv", "lobby")
    caplog.set_level(logging.INFO, logger="werkzeug")
    with serve(server) as base:
        screen = requests.Session()
        page = screen.get(f"{base}/wall/lobby?token={token}&lang=zh")
        assert page.status_code == 200 and page.url == f"{base}/wall/lobby?lang=zh"
        assert page.headers["Server"] == "Vantage" and "Werkzeug" not in str(page.headers)
        assert screen.get(f"{base}/wall/lobby").status_code == 200  # the device session, no token
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug")
    assert "/wall/lobby?token=[redacted]" in logged and token not in logged


def test_gunicorn_answers_as_vantage_with_no_version(gunicorn: tuple[str, Any, Path]) -> None:  # noqa: F811
    base, _, _ = gunicorn  # started as the README's service starts it, in the project's folder
    erin = login(base, "erin")
    answers = [requests.get(base + path, allow_redirects=False) for path in ("/login", "/assets/vantage.css", "/")]
    answers += [erin.get(base + "/"), erin.post(base + "/_dash-update-component", json=summary_request()),
                erin.post(base + "/_dash-update-component", json=[])]  # a bad body: an error answer too
    assert [a.status_code for a in answers] == [200, 200, 302, 200, 200, 400]
    for answer in answers:  # exactly one Server header, and it names no server software or version
        assert answer.raw.headers.getlist("Server") == ["Vantage"], answer.url
