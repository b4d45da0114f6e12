"""The dataset init proposes from a frame: types read from text, the time column and its layout, missing markers,
yes/no columns, dimensions, identifiers and measures."""
from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from connectors.profile import profile


@pytest.mark.parametrize("texts, dtype, time_format", [
    (["2026-01-31", "2026-02-01"], "Date", "%Y-%m-%d"),
    (["31/01/2026", "01/02/2026"], "Date", "%d/%m/%Y"),  # a day past 12 tells day-first from month-first
    (["01/31/2026", "02/01/2026"], "Date", "%m/%d/%Y"),
    (["31.01.2026", "01.02.2026"], "Date", "%d.%m.%Y"),
    (["2026-01-31 08:15:00", "2026-02-01 17:00:00"], "Datetime", "%Y-%m-%d %H:%M:%S"),
    (["12", "-3"], "Int64", ""),
    (["1.5", "2"], "Float64", ""),
    (["00123", "00456"], "String", ""),  # codes with leading zeros stay text
    (["north", "south"], "String", ""),
])
def test_a_text_column_is_read_as_what_every_value_fits(texts: list[str], dtype: str, time_format: str) -> None:
    found = profile(pl.DataFrame({"day": ["2026-01-01"] * len(texts), "x": texts})).column("x")
    assert (found.dtype, found.time_format) == (dtype, time_format)


def test_missing_markers_are_seen_and_do_not_make_numbers_text() -> None:
    frame = pl.DataFrame({"day": ["2026-01-01", "2026-01-02", "2026-02-03"], "mass": ["3750", "NA", "-"],
                          "note": ["", "ok", "N/A"]})
    found = profile(frame)
    assert found.null_values == ("", "NA", "N/A", "-")
    assert (found.column("mass").dtype, found.column("mass").missing) == ("Int64", 2)
    assert found.time is not None and found.time.name == "day"
    assert (found.first, found.last, found.rows_per_month) == (date(2026, 1, 1), date(2026, 2, 3), 1.5)


@pytest.mark.parametrize("texts, other", [
    (["01/02/2026", "03/02/2026"], "%m/%d/%Y"),  # no day past the 12th: day-first and month-first both read it
    (["13/02/2026", "03/02/2026"], ""),
    (["2026-02-01", "2026-02-03"], ""),
])
def test_a_time_layout_that_could_be_another_is_said(texts: list[str], other: str) -> None:
    assert profile(pl.DataFrame({"day": texts})).other_time_format == other


def test_decimal_commas_are_read_as_numbers() -> None:
    found = profile(pl.DataFrame({"day": ["2026-01-01", "2026-01-02"], "price": ["3,5", "12"]}))
    assert found.decimal_comma and found.column("price").dtype == "Float64"


@pytest.mark.parametrize("values, flag", [
    (["Yes", "No", "Yes", None], "Yes"), (["n", "y", "y", "n"], "y"), (["TRUE", "FALSE", "TRUE", "TRUE"], "TRUE"),
    ([0, 1, 1, 1], 1), ([True, False, True, None], True), (["Yes", "Yes", "Yes", "Yes"], None),
    (["Yes", "No", "Maybe", "No"], None), ([2, 1, 1, 2], None),
])
def test_yes_no_columns_and_the_value_that_means_yes(values: list[object], flag: object) -> None:
    found = profile(pl.DataFrame({"day": ["2026-01-01"] * 4, "answer": values}))
    assert found.column("answer").flag == flag
    assert [c.name for c in found.flags] == (["answer"] if flag is not None else [])


def test_dimensions_identifiers_and_measures() -> None:
    rows = 60
    frame = pl.DataFrame({
        "Order ID": [f"O-{n}" for n in range(rows)],  # unique: an identifier
        "Region (EU)": ["north", "south", "east"] * 20,  # few values: a dimension
        "Comment": [None] * 50 + ["late"] * 10,  # mostly missing: not a dimension
        "Customer": [f"c{n}" for n in range(rows)],  # one value per row: an identifier, not a dimension
        "Amount (CNY)": [float(n) for n in range(rows)],
        "Line No": list(range(rows)),  # a number named as an identifier: not a measure
        "Units": list(range(100, 100 + rows)),  # numbers that never repeat are still a measure
        "Created": [date(2026, 1, 1 + n % 28) for n in range(rows)],
    })
    found = profile(frame)
    assert found.dimensions == ("Region (EU)",)
    assert found.identifiers == ("Order ID", "Customer", "Line No")
    assert found.measures == ("Amount (CNY)", "Units")
    assert found.time is not None and found.time.name == "Created" and found.time.dtype == "Date"


def test_no_date_column_means_no_time_column() -> None:
    assert profile(pl.DataFrame({"a": ["x", "y"], "b": [1, 2]})).time is None
