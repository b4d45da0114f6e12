"""Catalogue validation: every problem at once, each naming the metric and its module."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl

from config.read_options import ReadOptions
from config.settings import SourceSpec, TableSpec
from connectors.files import FileConnector
from metrics.semantics import registry
from metrics.semantics.model import Direction, Metric, MetricKind, Pillar, Text, Unit
from metrics.semantics.validation import validate

GOOD = Metric(key="scrap_rate", kind=MetricKind.RATIO, unit=Unit.PERCENT, good=Direction.DOWN, target=0.03,
              title=Text("Scrap rate", "废品率"), description=Text("Scrap per output.", "废品与产量之比。"),
              pillar=Pillar.PROCESS, owner="Plant Manager", source="plant", table="scrap", time_column="day",
              numerator=pl.col("scrap_kg").sum(), denominator=pl.col("output_kg").sum(), dimensions=("line",),
              drill_path=("line",), detail_columns=("day", "line"), module="plant_metrics")


def connectors(tmp_path: Path) -> dict:
    pl.DataFrame({"day": [date(2026, 1, 1)], "line": ["A"], "scrap_kg": [1.0], "output_kg": [9.0],
                  "note": ["x"]}).write_csv(tmp_path / "scrap.csv")
    spec = SourceSpec("plant", "files", path=str(tmp_path), tables={"scrap": TableSpec("scrap")})
    return {"plant": FileConnector(spec, str(tmp_path))}


def test_a_good_catalogue_has_no_problems(tmp_path: Path) -> None:
    assert validate({"scrap_rate": GOOD}, connectors(tmp_path)) == ([], [])


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = {
        "Scrap": replace(GOOD, key="Scrap"),
        "no_zh": replace(GOOD, key="no_zh", title=Text("Scrap", "")),
        "typo": replace(GOOD, key="typo", denominator=pl.col("output").sum()),
        "drill": replace(GOOD, key="drill", drill_path=("line", "shift")),
        "nosrc": replace(GOOD, key="nosrc", source="warehouse"),
        "notime": replace(GOOD, key="notime", time_column="note"),
        "ratio": replace(GOOD, key="ratio", numerator=None),
        "change": replace(GOOD, key="change", kind=MetricKind.CHANGE, base="missing"),
        "derived": replace(GOOD, key="derived", kind=MetricKind.DERIVED, inputs=("scrap_rate",),
                           formula=pl.col("other") * 2),
        "notarget": replace(GOOD, key="notarget", target=None),
        "scrap_rate": GOOD,
    }
    problems, failures = validate(bad, connectors(tmp_path), ["scrap_rate (other): duplicate key"])
    expected = [
        "scrap_rate (other): duplicate key",
        "Scrap (plant_metrics): key must be lower_snake_case",
        "no_zh (plant_metrics): missing title in zh",
        "typo (plant_metrics): column 'output' does not exist in plant.scrap",
        "drill (plant_metrics): drill level 'shift' is not one of its dimensions",
        "nosrc (plant_metrics): unknown source 'warehouse'",
        "notime (plant_metrics): time column 'note' is String, not a date or timestamp",
        "ratio (plant_metrics): a ratio metric needs numerator= and denominator=",
        "change (plant_metrics): base metric 'missing' is not in the catalogue",
        "derived (plant_metrics): formula uses 'other', which is not one of its inputs",
        "notarget (plant_metrics): missing target",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), line
    assert len(problems) == len(expected) and failures == []


def test_unreadable_source_is_a_failure_not_a_catalogue_problem(tmp_path: Path) -> None:
    spec = SourceSpec("plant", "files", path=str(tmp_path / "gone"))
    problems, failures = validate({"scrap_rate": GOOD}, {"plant": FileConnector(spec, str(tmp_path / "gone"))})
    assert problems == [] and len(failures) == 1 and "no file for table 'scrap'" in failures[0]


def test_default_pack_is_complete(runtime) -> None:  # noqa: ANN001
    """Every default metric has a description in both languages, a unit, an owner and a target."""
    for metric in runtime.catalogue.values():
        assert metric.description.en and metric.description.zh and metric.owner and metric.target is not None
    assert registry.duplicate_problems() == []


class SchemaOnly:
    """A connector that gives its schema and refuses to read rows: compiling a metric reads no data."""

    name = "plant"

    def __init__(self, schema: dict) -> None:
        self._schema = schema

    def schema(self, table: str) -> dict:
        return self._schema

    def data_version(self, table: str) -> None:
        raise AssertionError("check read the data version")

    def scan(self, table: str, columns: list, where: object) -> None:
        raise AssertionError("check read rows")


def test_type_errors_are_found_from_the_schema_each_naming_metric_column_type_and_fix() -> None:
    schema = {"day": pl.Date(), "line": pl.String(), "scrap_kg": pl.String(), "output_kg": pl.Float64()}
    bad = {
        "text_mean": replace(GOOD, key="text_mean", kind=MetricKind.SIMPLE, unit=Unit.COUNT, numerator=None,
                             denominator=None, value=pl.col("scrap_kg").mean()),
        "date_vs_int": replace(GOOD, key="date_vs_int", numerator=(pl.col("day") > 20260101).sum()),
        "text_vs_int": replace(GOOD, key="text_vs_int", row_filter=pl.col("line") > 3,
                               numerator=pl.col("output_kg").sum()),
        "text_month": replace(GOOD, key="text_month", numerator=(pl.col("line").dt.month() == 1).sum(),
                              denominator=pl.len()),
        "text_value": replace(GOOD, key="text_value", kind=MetricKind.SIMPLE, unit=Unit.COUNT, numerator=None,
                              denominator=None, value=pl.col("line").first()),
        "fine": replace(GOOD, key="fine", numerator=pl.col("scrap_kg").cast(pl.Float64).sum()),
    }
    problems, failures = validate(bad, {"plant": SchemaOnly(schema)})
    assert failures == [] and len(problems) == 5, problems
    by_metric = {p.split(" ")[0]: p for p in problems}
    assert set(by_metric) == {"text_mean", "date_vs_int", "text_vs_int", "text_month", "text_value"}
    assert by_metric["text_mean"].startswith("text_mean (plant_metrics): value does not compile: `mean` operation "
                                             "not supported for dtype `str`; column 'scrap_kg' is String in "
                                             "plant.scrap. To fix this, if it holds numbers, declare dtypes = "
                                             '{"scrap_kg" = "Float64"} (and any text it writes for a missing '
                                             "value in null_values) for table scrap in [sources.plant.tables.scrap]")
    assert "compares column 'day' (Date) with a number" in by_metric["date_vs_int"]
    assert "row_filter does not compile" in by_metric["text_vs_int"] and "'line' is String" in by_metric["text_vs_int"]
    assert 'dtypes = {"line" = "Date"}' in by_metric["text_month"]
    assert "value gives String, not a number" in by_metric["text_value"]


def test_a_text_time_column_says_which_time_format_to_declare(tmp_path: Path) -> None:
    # Month first, as a US export writes it (polars reads day-first text such as 31/01/2026 as dates by itself).
    (tmp_path / "scrap.csv").write_text("day,line,scrap_kg,output_kg\n01/31/2026,A,1,9\n02/01/2026,B,2,8\n")
    spec = SourceSpec("plant", "files", path=str(tmp_path), tables={"scrap": TableSpec("scrap")})
    problems, _ = validate({"scrap_rate": GOOD}, {"plant": FileConnector(spec, str(tmp_path))})
    assert problems == ["scrap_rate (plant_metrics): time column 'day' is String, not a date or timestamp. To fix "
                        'this, declare time_format = "%m/%d/%Y" and dtypes = {"day" = "Date"} for table scrap in '
                        "[sources.plant.tables.scrap]"]
    fixed = replace(spec, tables={"scrap": TableSpec("scrap", read=ReadOptions(time_format="%m/%d/%Y",
                                                                                dtypes={"day": "Date"}))})
    assert validate({"scrap_rate": GOOD}, {"plant": FileConnector(fixed, str(tmp_path))}) == ([], [])
