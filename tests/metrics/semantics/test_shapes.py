"""metrics/semantics/shapes.py: each constructor, declared over a tiny table and asked through the engine, gives the
number a plain-Python computation over the same rows gives; the dataset's facts reach every metric."""
from __future__ import annotations

import statistics
from datetime import date

import polars as pl
import pytest

import app
from config.settings import load_config
from core.errors import CatalogueError
from core.i18n import Text
from metrics.engine.periods import Filters
from metrics.engine.questions import Engine
from metrics.semantics import registry
from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Change, Direction, MetricKind, Per, Pillar, Unit
from metrics.semantics.shapes import (
    average,
    change,
    count,
    formula,
    measure,
    median,
    percentile,
    problem_unless,
    ratio,
    share,
    total,
)

# (day, line, scrap_kg, output_kg, inspected): a plant's first half-year; the programme starts on 1 April, so
# January-March is the baseline and April-June the quarter asked.
ROWS = [("2026-01-05", "A", 12, 400, 1), ("2026-01-20", "B", 30, 380, 0), ("2026-02-03", "A", 9, 410, 1),
        ("2026-02-17", "B", 22, 395, 1), ("2026-03-09", "A", 14, 390, 0), ("2026-03-30", "C", 25, 300, 1),
        ("2026-04-02", "A", 7, 420, 1), ("2026-04-15", "B", 15, 400, 1), ("2026-05-06", "A", 5, 430, 0),
        ("2026-05-21", "C", 18, 310, 1), ("2026-06-10", "B", 11, 405, 1), ("2026-06-30", "A", 4, 440, 1)]
QUARTER = Filters(date(2026, 4, 1), date(2026, 7, 1))
BASELINE = ("2026-01-01", "2026-04-01")
PLANT = Dataset("plant", source="plant", table="scrap", time_column="day", dimensions=("line",),
                detail_columns=("day", "line", "scrap_kg", "output_kg"), primary_key=("day", "line"))
WORDS: dict = {"title": Text("A number", "一个数"), "description": Text("What it says.", "它说明什么。"),
               "pillar": Pillar.PROCESS, "owner": "Plant manager"}

MODULE = '''
from metrics import register
from tests.metrics.semantics.test_shapes import declared


def declare() -> None:
    register(*declared())
'''


def declared() -> list:
    """One metric of each shape over the plant's rows."""
    scrap = total("scrap", PLANT, "scrap_kg", Unit.COUNT, good=Direction.DOWN, target=50, **WORDS)
    scrap_rate = ratio("scrap_rate", PLANT, pl.col("scrap_kg").sum(), pl.col("output_kg").sum(), good=Direction.DOWN,
                       target=0.03, **WORDS)
    rows = count("runs", PLANT, good=Direction.UP, target=5, **WORDS)
    return [
        share("inspected", PLANT, pl.col("inspected") == 1, good=Direction.UP, target=0.9, **WORDS),
        scrap_rate, scrap, rows,
        total("scrap_per_month", PLANT, "scrap_kg", Unit.COUNT, per=Per.MONTH, good=Direction.DOWN, target=20, **WORDS),
        average("mean_output", PLANT, "output_kg", Unit.COUNT, good=Direction.UP, target=400, **WORDS),
        median("median_scrap", PLANT, pl.col("scrap_kg") / 1000, Unit.COUNT, good=Direction.DOWN, target=0.01, **WORDS),
        percentile("p90_scrap", PLANT, "scrap_kg", 0.9, Unit.COUNT, good=Direction.DOWN, target=20, **WORDS),
        count("runs_per_day", PLANT, per=Per.DAY, good=Direction.UP, target=1, **WORDS),
        measure("lines", PLANT, pl.col("line").n_unique(), Unit.COUNT, good=Direction.UP, target=3, **WORDS),
        change("scrap_rate_reduction", scrap_rate, good=Direction.UP, target=0.3, **WORDS),
        change("scrap_saved_yearly", scrap, Change.ABSOLUTE_REDUCTION, scale=4, good=Direction.UP, target=40, **WORDS),
        formula("scrap_per_run", [scrap, rows], pl.col("scrap") / pl.col("runs"), Unit.COUNT, good=Direction.DOWN,
                target=10, **WORDS),
    ]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("plant")
    pl.DataFrame(ROWS, schema=["day", "line", "scrap_kg", "output_kg", "inspected"], orient="row").write_csv(
        folder / "scrap.csv")
    (folder / "plant_metrics.py").write_text(MODULE)
    (folder / "vantage.toml").write_text(f'''[vantage]
default_metrics = false
metric_modules = ["plant_metrics"]
plan_source = ""
programme_start = "2026-04-01"
[sources.plant]
kind = "files"
path = "{folder}"
[sources.plant.tables.scrap]
path = "scrap.csv"
freshness_column = "day"
''')
    registry.reset()
    runtime = app.wire(load_config(str(folder / "vantage.toml"), {"data_dir": str(folder / "data"),
                                                                  "today": "2026-11-27"}, environ={}))
    return runtime.engine


def rows_in(lo: str, hi: str) -> list[tuple]:
    return [r for r in ROWS if lo <= r[0] < hi]


NOW = rows_in("2026-04-01", "2026-07-01")
THEN = rows_in(*BASELINE)


def scrap_rate(rows: list[tuple]) -> float:
    return sum(r[2] for r in rows) / sum(r[3] for r in rows)


EXPECTED = {
    "inspected": sum(r[4] == 1 for r in NOW) / len(NOW),
    "scrap_rate": scrap_rate(NOW),
    "scrap": sum(r[2] for r in NOW),
    "runs": len(NOW),
    "scrap_per_month": sum(r[2] for r in NOW) / 3,  # three whole months
    "mean_output": sum(r[3] for r in NOW) / len(NOW),
    "median_scrap": statistics.median(r[2] / 1000 for r in NOW),
    "p90_scrap": statistics.quantiles([r[2] for r in NOW], n=10, method="inclusive")[8],  # linear interpolation
    "runs_per_day": len(NOW) / 91,  # April-June has 91 days, and the data reaches 30 June
    "lines": len({r[1] for r in NOW}),
    "scrap_rate_reduction": 1 - scrap_rate(NOW) / scrap_rate(THEN),
    "scrap_saved_yearly": (sum(r[2] for r in THEN) - sum(r[2] for r in NOW)) * 4,
    "scrap_per_run": sum(r[2] for r in NOW) / len(NOW),
}


@pytest.mark.parametrize("key", list(EXPECTED))
def test_each_shape_gives_the_plain_python_number(engine: Engine, key: str) -> None:
    assert engine.value(key, QUARTER).data == pytest.approx(EXPECTED[key], rel=1e-12)


def test_a_shape_by_line_gives_each_line_its_own_number(engine: Engine) -> None:
    table = engine.breakdown("scrap_rate", QUARTER, "line").data
    got = dict(zip(table["line"], table["value"]))
    assert got == pytest.approx({line: scrap_rate([r for r in NOW if r[1] == line]) for line in ("A", "B", "C")})


def test_the_dataset_facts_reach_every_metric_and_change_and_formula_read_their_inputs_rows() -> None:
    for metric in declared():
        assert (metric.source, metric.table, metric.time_column) == ("plant", "scrap", "day")
        assert metric.dimensions == metric.drill_path == ("line",)  # the drill path defaults to the dimensions
        assert metric.detail_columns == PLANT.detail_columns
    by_key = {m.key: m for m in declared()}
    reduction = by_key["scrap_rate_reduction"]
    assert reduction.kind is MetricKind.CHANGE and reduction.base == "scrap_rate"
    assert reduction.unit is Unit.PERCENT  # 1 - now / baseline is a fraction
    assert by_key["scrap_saved_yearly"].unit is Unit.COUNT and by_key["scrap_saved_yearly"].scale == 4  # the base's
    assert by_key["scrap_per_run"].inputs == ("scrap", "runs") and by_key["scrap_per_run"].kind is MetricKind.DERIVED
    assert by_key["runs_per_day"].unit is Unit.PER_DAY and by_key["runs"].unit is Unit.COUNT
    assert Dataset("t", "s", "t", "day", dimensions=("a", "b"), drill_path=("b",)).drill_path == ("b",)


def test_the_records_to_fix_of_a_share_are_the_rows_that_fail_when_more_is_better() -> None:
    frame = pl.DataFrame({"ok": [1, 0, 1, 0, 0]})
    up = share("up", PLANT, pl.col("ok") == 1, good=Direction.UP, target=1, **WORDS)
    down = share("down", PLANT, pl.col("ok") == 1, good=Direction.DOWN, target=0, **WORDS)
    told = share("told", PLANT, pl.col("ok") == 1, good=Direction.UP, target=1, needs_fixing=pl.lit(False), **WORDS)
    assert frame.select(up.needs_fixing)["ok"].to_list() == [row == 0 for row in frame["ok"]]
    assert frame.select(down.needs_fixing)["ok"].to_list() == [row == 1 for row in frame["ok"]]
    assert frame.select(told.needs_fixing).item() is False


def test_problem_unless_names_the_problem_of_the_rows_that_fail() -> None:
    frame = pl.DataFrame({"mode": ["automated", "manual", "automated"]})
    shown = frame.select(problem_unless(pl.col("mode") == "automated", "manual run").alias("p"))["p"].to_list()
    assert shown == ["" if mode == "automated" else "manual run" for mode in frame["mode"]]


def test_a_formula_without_inputs_says_how_to_give_them() -> None:
    with pytest.raises(CatalogueError, match="a formula needs at least one input metric"):
        formula("nothing", [], pl.lit(1), Unit.COUNT, good=Direction.UP, target=1, **WORDS)


def test_the_starter_shape_names_are_what_metrics_exports() -> None:
    import metrics

    for name in ("Dataset", "share", "ratio", "total", "average", "median", "percentile", "count", "measure", "change",
                 "formula", "problem_unless", "register"):
        assert name in metrics.__all__ and hasattr(metrics, name)


def test_a_misspelt_or_missing_keyword_names_the_metric_and_the_keyword() -> None:
    with pytest.raises(CatalogueError, match="scrap_rate: got an unexpected keyword argument 'row_filtr'"):
        ratio("scrap_rate", PLANT, pl.len(), pl.len(), good=Direction.UP, target=1, row_filtr=pl.lit(True), **WORDS)
    with pytest.raises(CatalogueError, match="runs: missing 1 required positional argument: 'good'"):
        count("runs", PLANT, target=1, **WORDS)
