"""The department league table in a real Chromium: its numbers are what `python app.py query ... --where department=D`
prints, it sorts on the server, exports CSV, highlights a department, and a department lead sees only their row."""
from __future__ import annotations

import csv
import io
import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import flask
import pytest
from dash.testing.composite import DashComposite
from dash.testing.wait import until
from selenium.webdriver.support.ui import Select

import app as vantage
from access.roles import Role, Viewer
from metrics.engine.periods import Filters
from metrics.engine.scope import ScopedEngine
from metrics.semantics.format import format_value
from programme.league import league
from tests.conftest import run_cli

# One server and browser per module: the same fixtures and helpers as the overview's tests.
from tests.browser.test_overview import SCREENSHOTS, demo_runtime, duo, open_view, screenshot, settle  # noqa: F401

PAGE = "/league"
QUARTER = Filters(date(2026, 7, 1), date(2026, 10, 1))


def table(duo: DashComposite) -> list[dict]:
    """Every row as shown: department, rank, highlight and each KPI cell's text and status."""
    return duo.driver.execute_script("""
        return [...document.querySelectorAll('.league-table tbody tr')].map(tr => ({
            department: tr.dataset.department, rank: tr.dataset.rank, highlight: tr.classList.contains('highlight'),
            cells: Object.fromEntries([...tr.querySelectorAll('td[data-metric]')].map(td =>
                [td.dataset.metric, [td.innerText, td.dataset.status]]))}));""")


def query_string(duo: DashComposite) -> dict[str, list[str]]:
    return parse_qs(urlparse(duo.driver.current_url).query)


def test_every_cell_is_the_number_the_cli_prints(duo: DashComposite, demo_runtime: vantage.Runtime,
                                                 data_dir: Path) -> None:
    open_view(duo, PAGE + "?period=quarter&lang=en")
    rows = {r["department"]: r for r in table(duo)}
    printed = run_cli("league", "--period", "quarter", "--format", "json", data_dir=data_dir)
    assert printed.returncode == 0, printed.stderr
    cli = json.loads(printed.stdout)
    assert [r["department"] for r in cli] == [r["department"] for r in table(duo)]  # the same order, best first
    assert all(rows[r["department"]]["rank"] == str(r["rank"]) for r in cli)
    units = {k: m.unit for k, m in demo_runtime.catalogue.items()}
    for r in cli:
        for key, value in r.items():
            if key in units:
                shown = "—" if value is None else format_value(value, units[key], "en")
                assert rows[r["department"]]["cells"][key][0] == shown, (r["department"], key)
    # And against the query command, one department and KPI at a time, as a person would check a cell.
    asks = [(d, k) for d in ("finance", "production") for k in ("data_accuracy", "audit_cycle_days",
                                                                 "feedback_satisfaction", "hours_saved")]
    with ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(lambda a: run_cli("query", a[1], "--where", f"department={a[0]}", "--period",
                                                  "quarter", "--format", "json", data_dir=data_dir), asks))
    for (department, key), out in zip(asks, outputs):
        assert out.returncode == 0, out.stderr
        value = json.loads(out.stdout)[0]["value"]
        assert rows[department]["cells"][key][0] == format_value(value, units[key], "en"), (department, key)


def test_headings_sort_on_the_server(duo: DashComposite) -> None:
    open_view(duo, PAGE + "?period=quarter&lang=en")
    ranks = [int(r["rank"]) for r in table(duo)]
    assert ranks == sorted(ranks)
    heading = duo.find_element("button[id*='\"column\":\"data_accuracy\"']")
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", heading)
    heading.click()
    until(lambda: query_string(duo).get("sort") == ["data_accuracy"], timeout=10)
    settle(duo)
    values = [float(r["cells"]["data_accuracy"][0].rstrip("%")) for r in table(duo)]
    assert values == sorted(values)
    duo.find_element("button[id*='\"column\":\"data_accuracy\"']").click()
    until(lambda: query_string(duo).get("desc") == ["1"], timeout=10)
    settle(duo)
    values = [float(r["cells"]["data_accuracy"][0].rstrip("%")) for r in table(duo)]
    assert values == sorted(values, reverse=True)
    assert duo.find_element("th[aria-sort='descending']").text.startswith("Data accuracy")


def test_export_as_csv(duo: DashComposite, demo_runtime: vantage.Runtime) -> None:
    open_view(duo, PAGE + "?period=quarter&lang=en")
    folder = Path(duo.download_path)
    for old in folder.glob("vantage-league-*.csv"):
        old.unlink()
    duo.find_element("#league-export").click()
    until(lambda: list(folder.glob("vantage-league-20260701-20261001.csv")), timeout=10)
    time.sleep(0.3)
    rows = list(csv.DictReader(io.StringIO(next(folder.glob("vantage-league-*.csv")).read_text(encoding="utf-8-sig"))))
    expected = league(demo_runtime.engine, QUARTER)
    assert [r["department"] for r in rows] == [r.department for r in expected.rows]
    assert [int(r["rank"]) for r in rows] == [r.rank for r in expected.rows]
    for got, row in zip(rows, expected.rows):
        assert got["department_name"] and float(got["score"]) == pytest.approx(row.score)
        assert [float(got[k]) if got[k] else None for k in expected.metrics] == pytest.approx(
            [row.cells[k].value for k in expected.metrics])


def test_the_department_filter_highlights_its_row(duo: DashComposite) -> None:
    open_view(duo, PAGE + "?period=quarter&lang=en")
    Select(duo.find_element("#league-department")).select_by_value("finance")
    until(lambda: query_string(duo).get("dept") == ["finance"], timeout=10)
    settle(duo)
    rows = table(duo)
    assert len(rows) == 8 and [r["department"] for r in rows if r["highlight"]] == ["finance"]


def test_a_department_lead_sees_their_own_row_highlighted_and_no_rank(demo_runtime: vantage.Runtime) -> None:
    from dashboard.app import create_app
    from dashboard.pages.league import page as page
    from dashboard.state import ViewState

    lead = Viewer("chen", Role.DEPARTMENT_LEAD, "finance")
    server = create_app(demo_runtime.engine, demo_runtime.config).server
    with server.test_request_context("/league"):
        flask.g.vantage_viewer = lead
        assert isinstance(page.context.engine(), ScopedEngine)
        built, notes = page.render(ViewState(period="quarter").to_data(), PAGE)
    html = str(built)
    assert "data-department='finance'" in html and "data-department='sales'" not in html
    assert "className='highlight'" in html and "data-rank=''" in html
    assert "programme-wide roles" in str(notes)
    scoped = league(ScopedEngine(demo_runtime.engine, lead.scope), QUARTER)
    assert [r.department for r in scoped.rows] == ["finance"] and not scoped.ranks_shown
    everyone = league(demo_runtime.engine, QUARTER).row("finance")
    own = scoped.rows[0]
    assert own.score == everyone.score and {k: c.status for k, c in own.cells.items()} == {
        k: c.status for k, c in everyone.cells.items()}
    assert [c.value for c in own.cells.values()] == pytest.approx([c.value for c in everyone.cells.values()])


def test_the_quarterly_review_opens_last_quarters_league(duo: DashComposite) -> None:
    open_view(duo, "/feedback?lang=en")
    assert duo.find_element("#tile-feedback_satisfaction .kpi-value").text
    assert "name a complaint" in duo.find_element("#feedback-themes-note").text
    duo.find_element("#feedback-review a").click()
    until(lambda: urlparse(duo.driver.current_url).path == PAGE, timeout=10)
    settle(duo)
    assert query_string(duo) == {"period": ["quarter"], "lang": ["en"]}
    assert duo.find_element(".filter-period-label").text == "Q3 2026"
    assert duo.get_logs() == []


def test_chinese_dark_and_screenshots(duo: DashComposite) -> None:
    open_view(duo, PAGE + "?period=quarter&lang=zh&theme=dark")
    assert "部门排名表" in duo.find_element(".page-title").text and "财务部" in duo.find_element(".league-table").text
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for theme in ("light", "dark"):
        open_view(duo, f"{PAGE}?period=quarter&dept=finance&lang=en&theme={theme}")
        assert not duo.find_elements(".error-block")
        screenshot(duo, SCREENSHOTS / f"league-{theme}.png")
    duo.driver.execute_script("window.localStorage.clear();")


def test_no_errors_in_the_browser_console(duo: DashComposite) -> None:
    open_view(duo, PAGE + "?lang=en&sort=score&desc=1")
    assert table(duo) and duo.get_logs() == []


@pytest.mark.parametrize("sort, descending, pressed, expected", [
    ("", False, "rank", ("rank", True)),  # rank is the default order: pressing it flips it
    ("rank", True, "rank", ("", False)),
    ("", False, "data_accuracy", ("data_accuracy", False)),
    ("data_accuracy", False, "data_accuracy", ("data_accuracy", True)),
    ("data_accuracy", True, "department", ("department", False)),
])
def test_a_pressed_heading_sorts_or_flips(sort: str, descending: bool, pressed: str, expected: tuple) -> None:
    from dashboard.pages.league._parts import sorted_view
    from dashboard.state import ViewState

    new = sorted_view(ViewState(period="quarter", sort=sort, descending=descending), pressed)
    assert (new.sort, new.descending, new.period) == (*expected, "quarter")


def test_cli_table_and_bad_period(data_dir: Path) -> None:
    out = run_cli("--language", "zh", "league", "--period", "quarter", data_dir=data_dir)
    assert out.returncode == 0, out.stderr
    header, _rule, *lines = out.stdout.splitlines()
    assert header.split()[:5] == ["rank", "department", "on_target", "judged", "score"] and len(lines) == 8
    assert "%" in lines[0] and "天" in out.stdout
    bad = run_cli("league", "--period", "fortnight", data_dir=data_dir)
    assert bad.returncode == 2 and "unknown period 'fortnight'" in bad.stderr and "To fix this" in bad.stderr
