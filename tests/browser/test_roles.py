"""Roles in a real browser with the login on: what each person sees after signing in on the login page."""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from dash.testing.application_runners import ThreadedRunner
from dash.testing.composite import DashComposite
from selenium.webdriver.chrome.options import Options

import app as vantage
from access.users import UserStore
from cli.commands import query as cli_query
from config.settings import load_config
from dashboard.app import create_app
from metrics.semantics import registry
from tests.conftest import TODAY
from tests.dashboard.test_guard import PASSWORD, secured_config_text
from tests.browser.test_overview import query, settle, tile_values, until


@pytest.fixture(scope="module")
def secured(request: pytest.FixtureRequest, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
            ) -> Iterator[tuple[DashComposite, vantage.Runtime]]:
    work = tmp_path_factory.mktemp("roles")
    shutil.copy(data_dir / "demo.sqlite", work / "demo.sqlite")
    (work / "vantage.toml").write_text(secured_config_text())
    users = UserStore(work / "users.sqlite")
    users.add("lee", PASSWORD, "department_lead", "finance")
    users.add("pat", PASSWORD, "pmo")
    registry.reset()
    rt = vantage.wire(load_config(str(work / "vantage.toml"), {"data_dir": str(work), "today": TODAY}, environ={}))
    options = Options()
    options.add_argument("--window-size=1920,1080")
    with ThreadedRunner() as server, DashComposite(server=server, browser="chrome",
                                                   headless=request.config.getoption("headless"), options=[options],
                                                   percy_run=False) as duo:
        duo.server(create_app(rt.engine, rt.config))  # not start_server: it expects Dash at "/", here the login
        yield duo, rt


def sign_in(duo: DashComposite, user: str) -> None:
    duo.driver.delete_all_cookies()
    duo.driver.get(duo.server.url.rstrip("/") + "/logout")
    duo.driver.get(duo.server.url.rstrip("/") + "/")
    until(lambda: "/login" in duo.driver.current_url, timeout=10)  # no session: only the login page
    duo.driver.find_element("id", "user").send_keys(user)
    duo.driver.find_element("id", "password").send_keys(PASSWORD)
    duo.driver.find_element("id", "sign-in").click()
    until(lambda: "/login" not in duo.driver.current_url, timeout=10)
    settle(duo)


def test_a_department_lead_sees_their_department_only(secured) -> None:  # noqa: ANN001
    duo, rt = secured
    sign_in(duo, "lee")
    shown = tile_values(duo)
    assert "milestones_on_time" not in shown and "data_accuracy" in shown  # no department breakdown: not offered
    for key in ("data_accuracy", "error_rate", "automation_rate"):
        _, _, printed = cli_query(rt, query(key, where=["department=finance"]))[0]
        assert shown[key] == printed[0][1], key
    nav = duo.find_element("#shell-nav").text
    assert "Programme" not in nav
    duo.driver.get(duo.server.url.rstrip("/") + "/programme")
    settle(duo)
    page = duo.driver.find_element("tag name", "body").text  # one clear page, not error boxes
    assert "This page is not part of your role (department lead)" in page
    assert not duo.find_elements(".error-block") and not duo.find_elements("#programme-gantt")


def test_the_pmo_sees_the_programme(secured) -> None:  # noqa: ANN001
    duo, rt = secured
    sign_in(duo, "pat")
    shown = tile_values(duo)
    _, _, printed = cli_query(rt, query("data_accuracy"))[0]
    assert shown["data_accuracy"] == printed[0][1] and "milestones_on_time" in shown
    assert "Programme" in duo.find_element("#shell-nav").text
    duo.driver.get(duo.server.url.rstrip("/") + "/programme")
    settle(duo)
    body = duo.driver.find_element("tag name", "body").text
    assert "Plan and progress".upper() in body.upper() and "not part of" not in body
