"""The web server names no versions, and a wall screen's token, which travels in the address once, stays out of the
access log and out of the address the screen is left at."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
import requests

from dashboard.serving import redact
from tests.dashboard.secured import secured_app, serve


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
