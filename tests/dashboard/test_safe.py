"""A failing source's message names the server's files: viewers read "source unavailable" and a reference, the server
log holds the full message under the same reference, and administrators read it in full."""
from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import flask
import pytest

from access.roles import Role, Viewer
from core.errors import SourceError, UsageError
from dashboard.safe import guarded
from tests.dashboard.secured import call, overview_call, secured_app, sign_in

FAILURE = SourceError("database /srv/vantage/data/demo.sqlite does not exist", "source 'demo'", "restore the file")


def shown_to(viewer: Viewer | None, error: Exception, lang: str = "en") -> str:
    app = flask.Flask("t")
    with app.test_request_context("/"):
        if viewer is not None:
            flask.g.vantage_viewer = viewer

        def fail() -> str:
            raise error

        return guarded(fail, lambda message: message, lang)


@pytest.mark.parametrize("role", [Role.EXECUTIVE, Role.PMO, Role.DEPARTMENT_LEAD, Role.DEVICE])
def test_a_viewer_reads_source_unavailable_and_the_log_has_the_details(role: Role,
                                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="vantage.dashboard")
    shown = shown_to(Viewer("someone", role, "finance"), SourceError(f"{FAILURE.what} ({role.value})"))
    reference = re.fullmatch(r"Source unavailable \(reference ([0-9a-f]{8})\).*", shown)
    assert reference and "/srv/" not in shown and "demo.sqlite" not in shown
    logged = [r.getMessage() for r in caplog.records if reference.group(1) in r.getMessage()]
    assert logged and f"/srv/vantage/data/demo.sqlite does not exist ({role.value})" in logged[0]


def test_an_administrator_reads_the_full_message_and_other_errors_are_unchanged() -> None:
    assert "/srv/vantage/data/demo.sqlite" in shown_to(Viewer("ada", Role.ADMIN), FAILURE)
    assert "/srv/vantage" in shown_to(None, FAILURE)  # no access control installed (unit tests, the CLI's views)
    wrong = UsageError("the period ends before it starts", "period filter", "choose a later end")
    assert shown_to(Viewer("lee", Role.DEPARTMENT_LEAD, "finance"), wrong) == wrong.message
    assert "数据源不可用" in shown_to(Viewer("lee", Role.DEPARTMENT_LEAD, "finance"), FAILURE, "zh")


def test_tiles_of_a_missing_source_through_http(data_dir: Path, tmp_path: Path) -> None:
    dash_app, _ = secured_app(tmp_path, data_dir, ttl_seconds=0.2)
    server = dash_app.server
    (tmp_path / "demo.sqlite").rename(tmp_path / "gone.sqlite")  # no answer yet, so no last good one either
    time.sleep(0.3)
    lead, admin = server.test_client(), server.test_client()
    sign_in(lead, "lee")
    sign_in(admin, "ada")
    seen = call(lead, overview_call()).get_data(as_text=True)
    # Left alone by the engine's breaker after it failed: since when is shown, the path is not.
    assert re.search(r"Source unavailable since \d\d:\d\d \(reference", seen)
    assert str(tmp_path) not in seen and "demo.sqlite" not in seen
    assert "Traceback" not in seen
    full = call(admin, overview_call()).get_data(as_text=True)
    assert "demo.sqlite does not exist" in full
