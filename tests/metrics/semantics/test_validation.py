"""Catalogue validation: every problem at once, each naming the metric and its module."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import polars as pl

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
