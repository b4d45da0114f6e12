"""The pages' helpers without a browser: filter changes, where a drill stands, the CLI command and exports."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import polars as pl
import pytest

from core.csvfile import frame_csv as csv_text
from dashboard.filters import ALL_DEPARTMENTS, changed_view, shown_values
from dashboard.pages.metric._drill import crumbs, drilled_to, next_view, records_table, scope
from dashboard.pages.metric._parts import labelled
from dashboard.sentences import cli_command
from dashboard.state import ViewState
from metrics.engine.answers import DetailPage
from metrics.engine.periods import Filters
from programme.milestones import milestones_for

TODAY = date(2026, 11, 27)


# -- filters -----------------------------------------------------------------------------------------------------
def test_the_bar_shows_the_preset_range_as_dates() -> None:
    assert shown_values(ViewState(), TODAY) == ("month", "2026-10-01", "2026-10-31", ALL_DEPARTMENTS)


@pytest.mark.parametrize("controls, expected", [
    # What the bar showed: nothing changed (Dash also fires when a page puts the bar on screen).
    (("month", "2026-10-01", "2026-10-31", ALL_DEPARTMENTS), ViewState(drill=("finance",))),
    (("quarter", "2026-10-01", "2026-10-31", ALL_DEPARTMENTS), ViewState(period="quarter")),
    (("month", "2026-09-15", "2026-10-31", ALL_DEPARTMENTS),
     ViewState(period="custom", start="2026-09-15", end="2026-10-31")),
    (("custom", "2026-10-01", "2026-10-31", ALL_DEPARTMENTS),
     ViewState(period="custom", start="2026-10-01", end="2026-10-31")),  # custom starts from what was shown
    (("month", "2026-10-01", "2026-10-31", "hr"), ViewState(department="hr")),
])
def test_a_filter_change_becomes_a_new_view(controls: tuple, expected: ViewState) -> None:
    assert changed_view(ViewState(drill=("finance",)), *controls, TODAY) == expected


# -- drill -------------------------------------------------------------------------------------------------------
def test_scope_follows_the_drill_path(runtime) -> None:  # noqa: ANN001 - app.Runtime
    engine = runtime.engine
    metric = engine.metric("data_accuracy")
    top = scope(engine, metric, ViewState(), TODAY)
    assert (top.next_dimension, top.dimension, top.chosen, top.clickable) == ("department", "department", (), True)
    assert top.choices == ("department", "source_system", "domain") and not top.at_records
    deep = scope(engine, metric, ViewState(drill=("finance", "ERP", "customer")), TODAY)
    assert deep.at_records and deep.next_dimension is None
    assert dict(deep.filters.where) == {"department": "finance", "source_system": "ERP", "domain": "customer"}
    other = scope(engine, metric, ViewState(by="domain"), TODAY)
    assert other.dimension == "domain" and not other.clickable  # bars drill only along the path


def test_a_step_on_the_metric_page_becomes_a_new_view(runtime) -> None:  # noqa: ANN001
    engine, deep = runtime.engine, ViewState(drill=("finance", "ERP", "customer"), page=3)
    assert next_view(engine, "data_accuracy", ViewState(), {"by": "domain"}, TODAY) == ViewState(by="domain")
    assert next_view(engine, "data_accuracy", ViewState(), {"by": "colour"}, TODAY) == ViewState()  # not here
    assert next_view(engine, "data_accuracy", ViewState(), {"page": 2}, TODAY) == ViewState()  # no records shown
    assert next_view(engine, "data_accuracy", deep, {"page": 2}, TODAY) == replace(deep, page=2)
    by_code = next_view(engine, "data_accuracy", deep, {"sort": "code"}, TODAY)
    assert (by_code.sort, by_code.descending, by_code.page) == ("code", False, 1)  # a new sort starts at page 1
    assert next_view(engine, "data_accuracy", by_code, {"sort": "code"}, TODAY).descending  # again: the other way


def test_the_department_filter_counts_as_the_first_drill_step(runtime) -> None:  # noqa: ANN001
    engine = runtime.engine
    view = ViewState(department="finance", drill=("ERP",))
    s = scope(engine, engine.metric("data_accuracy"), view, TODAY)
    assert s.from_filter and s.chosen == (("department", "finance"), ("source_system", "ERP"))
    assert s.next_dimension == "domain"
    assert drilled_to(view, s, "customer").drill == ("ERP", "customer")
    nav = crumbs(engine.metric("data_accuracy"), view, s, "/metric/data_accuracy", "en")
    links = [item.children.href for item in nav.children.children[:-1]]
    assert links == ["/metric/data_accuracy", "/metric/data_accuracy?dept=finance"]  # the root clears the filter


def test_records_table_names_problems_and_leaves_out_fixed_columns() -> None:
    rows = pl.DataFrame({"record_id": [7, 8], "department": ["finance", "finance"], "code": ["X", None],
                         "problem": ["invalid tax id", "non-standard code"]})
    table = records_table(DetailPage(rows, 2, 0, 25), ViewState(sort="code"), "zh", frozenset({"department"}))
    text = str(table)
    assert "税号无效" in text and "编码不规范" in text and "finance" not in text and "'—'" in text
    assert "records-empty" in str(records_table(DetailPage(rows.head(0), 0, 0, 25), ViewState(), "en"))


# -- metric page parts ------------------------------------------------------------------------------------------
def test_the_cli_command_asks_for_the_same_number(runtime) -> None:  # noqa: ANN001
    metric = runtime.engine.metric("data_accuracy")
    filters = Filters(date(2026, 4, 1), date(2026, 7, 1), (("department", "finance"), ("source_system", "ERP")))
    view = ViewState(period="custom", start="2026-04-01", end="2026-06-30", language="zh")
    assert cli_command(metric, view, filters) == (
        "python app.py --language zh query data_accuracy --from 2026-04-01 --to 2026-06-30 "
        "--where department=finance --where source_system=ERP")
    assert cli_command(metric, ViewState(period="ytd"), Filters(date(2026, 1, 1), TODAY)) == (
        "python app.py query data_accuracy --period ytd")


def test_milestones_linked_to_a_kpi(runtime) -> None:  # noqa: ANN001
    frame = runtime.engine.milestones()
    linked = milestones_for(frame, "data_accuracy", "zh")
    expected = {r["milestone_id"] for r in frame.iter_rows(named=True) if "data_accuracy" in r["kpis"].split(",")}
    assert linked and {m.milestone_id for m in linked} == expected
    assert all(m.title for m in linked) and any("完成" in m.status for m in linked if m.done)
    assert milestones_for(pl.DataFrame(), "data_accuracy", "en") == []


def test_csv_exports_open_in_spreadsheets_with_names_beside_ids() -> None:
    frame = labelled(pl.DataFrame({"department": ["rnd_lab"], "value": [0.9], "rows": [10]}), "department", "zh")
    text = csv_text(frame)
    assert text.startswith("\ufeff") and text.splitlines()[1] == "rnd_lab,研发实验室,0.9,10"


@pytest.mark.parametrize("unit, raw, shown", [
    ("percent", 0.9593067068575735, "0.959"), ("hours", 1452.7150000000001, "1452.7"), ("days", 3.90909, "3.9"),
    ("cny", 261488.7, "261489.0"), ("score", 4.293193717277487, "4.29"), ("per_day", 23297.387, "23297.0"),
])
def test_exports_carry_the_value_as_shown_and_the_raw_value_beside_it(unit: str, raw: float, shown: str) -> None:
    from metrics.semantics.model import Unit

    frame = labelled(pl.DataFrame({"department": ["hr"], "value": [raw], "rows": [10]}), "department", "en",
                     Unit(unit))
    header, row = csv_text(frame).lstrip("\ufeff").splitlines()
    assert header == "department,department_name,value,rows,value_raw"
    assert row.split(",")[2] == shown and float(row.split(",")[4]) == raw
