"""Status decisions in a real Chromium: a department lead's filter names their department (never "All
departments"), every tile names the period it is for, and a department's sum is judged against its own target."""
from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from cli.commands import query as cli_query
from tests.browser.test_overview import query, settle
from tests.browser.test_roles import secured, sign_in  # noqa: F401 - the signed-in server and browser

TILE = "#tile-{key}"


def tile_text(duo, key: str, part: str) -> str:  # noqa: ANN001
    return duo.find_element(f"{TILE.format(key=key)} .{part}").text


def test_a_department_leads_filter_shows_their_department_and_tiles_name_the_period(secured) -> None:  # noqa
    duo, rt = secured
    sign_in(duo, "lee")  # lead of finance
    control = Select(duo.driver.find_element(By.ID, "overview-department"))
    assert control.first_selected_option.text == "Finance" and [o.text for o in control.options if o.text] == [
        "Finance"]  # no "All departments" to pick
    assert not duo.driver.find_element(By.ID, "overview-department").is_enabled()  # the scope is not a choice
    assert duo.find_element(".filter-period-label").text == "Oct 2026"
    for key in ("data_accuracy", "hours_saved", "api_calls_per_day"):
        assert tile_text(duo, key, "kpi-period") == "Oct 2026"
        _header, raw, printed = cli_query(rt, query(key, where=["department=finance"]))[0]
        badge = duo.find_element(f"{TILE.format(key=key)} .status-badge")
        assert badge.get_attribute("data-status") == raw[0][7] and badge.text.endswith(printed[0][7])
        assert badge.get_attribute("title") == printed[0][-1]  # why, on hover: the CLI's sentence
    target = tile_text(duo, "hours_saved", "kpi-target")
    assert target.startswith("Finance target 423 h") and "1,500" not in target  # its own target, not the company's


def test_a_chosen_department_and_period_are_named_on_the_page(secured) -> None:  # noqa: ANN001
    duo, _rt = secured
    sign_in(duo, "pat")  # the PMO: every department
    assert Select(duo.driver.find_element(By.ID, "overview-department")).first_selected_option.text == \
        "All departments"
    duo.driver.get(duo.server.url.rstrip("/") + "/?period=quarter&dept=hr")
    settle(duo)
    assert Select(duo.driver.find_element(By.ID, "overview-department")).first_selected_option.text == \
        "Human Resources"
    assert duo.find_element(".filter-period-label").text == "Q3 2026"
    assert tile_text(duo, "automation_rate", "kpi-period") == "Q3 2026"
    assert tile_text(duo, "api_calls_per_day", "kpi-target").startswith("Human Resources target 2,608 /day")
