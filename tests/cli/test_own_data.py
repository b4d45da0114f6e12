"""Your own data through the command line, as a user runs it: a real export (the Palmer penguins, with "NA" for
missing values) as CSV, Parquet, an Excel workbook and a SQLite table with text dates gives the same numbers, and a
metric with a type error fails `check` with exit 2, naming the metric, the column and its type."""
from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.conftest import run_cli
from tests.data import penguins

MODULE = '''
import polars as pl
import pytest

from metrics import Direction, Metric, MetricKind, Pillar, Text, Unit, register

SOURCES = {SOURCES}


def declare() -> None:
    for source in SOURCES:
        register(Metric(
            key=f"mass_known_{{source}}", kind=MetricKind.RATIO, unit=Unit.PERCENT, good=Direction.UP, target=0.99,
            title=Text("Body mass measured", "已测体重"), description=Text("Birds whose mass was measured.", "已测体重的个体。"),
            pillar=Pillar.DATA_QUALITY, owner="Field team", source=source, table="penguins", time_column="Date Egg",
            numerator=pl.col("Body Mass (g)").is_not_null().sum(), denominator=pl.len(),
            dimensions=("Island",), drill_path=("Island",)))
        register(Metric(
            key=f"mean_mass_{{source}}", kind=MetricKind.SIMPLE, unit=Unit.COUNT, good=Direction.UP, target=4000,
            title=Text("Mean body mass", "平均体重"), description=Text("Mean mass in grams.", "平均体重（克）。"),
            pillar=Pillar.DATA_QUALITY, owner="Field team", source=source, table="penguins", time_column="Date Egg",
            value=pl.col("Body Mass (g)").mean(), dimensions=("Island",), drill_path=("Island",)))
'''


def write_config(folder: Path, sources: str, names: list[str]) -> Path:
    (folder / "penguin_metrics.py").write_text(MODULE.replace("{SOURCES}", repr(names)).replace("{{", "{")
                                               .replace("}}", "}"))
    config = folder / "vantage.toml"
    config.write_text('[vantage]\ndefault_metrics = false\nmetric_modules = ["penguin_metrics"]\n'
                      'login_required = false\n' + sources)
    return config


def test_csv_parquet_excel_and_sqlite_give_the_same_numbers_as_plain_python(tmp_path: Path) -> None:
    frame = pl.read_csv(penguins.CSV, null_values=list(penguins.MISSING), infer_schema_length=None,
                        try_parse_dates=True)
    penguins.write_parquet(frame, tmp_path)
    penguins.write_workbook(frame, tmp_path)
    db = penguins.write_sqlite(frame, tmp_path)
    sources = f'''
[sources.csv]
kind = "files"
path = "{penguins.CSV.parent}"
[sources.csv.tables.penguins]
path = "{penguins.CSV.name}"
freshness_column = "Date Egg"

[sources.parquet]
kind = "files"
path = "{{config_dir}}"

[sources.excel]
kind = "files"
path = "{{config_dir}}"
[sources.excel.tables.penguins]
path = "penguins.xlsx"

[sources.sqlite]
kind = "sql"
url = "sqlite:///{db}"
time_format = "{penguins.SQLITE_DATE_FORMAT}"
[sources.sqlite.tables.penguins]
freshness_column = "Date Egg"
'''
    config = write_config(tmp_path, sources, ["csv", "parquet", "excel", "sqlite"])
    check = run_cli("--config", str(config), "check", data_dir=tmp_path / "data")
    assert check.returncode == 0, check.stderr
    # Independently, in plain Python: per island, the birds of the three seasons whose mass the file gives.
    season = [r for r in penguins.plain_rows() if "2007-01-01" <= r["Date Egg"] <= "2009-12-31"]
    expected = {}
    for island in {r["Island"] for r in season}:
        rows = [r for r in season if r["Island"] == island]
        masses = [int(r["Body Mass (g)"]) for r in rows if r["Body Mass (g)"] != "NA"]
        expected[island] = (len(masses) / len(rows), sum(masses) / len(masses), len(rows))
    assert any(share < 1 for share, _, _ in expected.values())  # the season has missing masses
    for source in ("csv", "parquet", "excel", "sqlite"):
        got = {}
        for key in (f"mass_known_{source}", f"mean_mass_{source}"):
            out = run_cli("--config", str(config), "query", key, "--from", "2007-01-01", "--to", "2009-12-31",
                          "--by", "Island", "--format", "json", data_dir=tmp_path / "data")
            assert out.returncode == 0, (source, out.stderr)
            got[key] = {row["Island"]: (row["value"], row["rows"]) for row in json.loads(out.stdout)}
        for island, (share, mean, rows) in expected.items():
            assert got[f"mass_known_{source}"][island][0] == share, (source, island)
            assert got[f"mean_mass_{source}"][island] == (pytest.approx(mean, rel=1e-12), rows), (source, island)


def test_a_metric_taking_the_mean_of_a_text_column_fails_check_naming_metric_column_and_type(tmp_path: Path) -> None:
    # Told that only empty cells are missing, the file's "NA" makes the body mass column text.
    sources = f'''
[sources.palmer]
kind = "files"
path = "{penguins.CSV.parent}"
null_values = [""]
[sources.palmer.tables.penguins]
path = "{penguins.CSV.name}"
'''
    config = write_config(tmp_path, sources, ["palmer"])
    out = run_cli("--config", str(config), "check", data_dir=tmp_path / "data")
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    assert ("mean_mass_palmer (penguin_metrics): value does not compile: `mean` operation not supported for dtype "
            "`str`; column 'Body Mass (g)' is String in palmer.penguins") in out.stderr
    assert ('declare dtypes = {"Body Mass (g)" = "Float64"} (and any text it writes for a missing value in '
            "null_values) for table penguins in [sources.palmer.tables.penguins]") in out.stderr
    assert "mass_known_palmer" not in out.stderr  # is_not_null() works on text: no problem there
    # The fix the line gives makes check pass.
    config.write_text(config.read_text().replace('null_values = [""]',
                                                 'null_values = ["", "NA"]\ndtypes = {"Body Mass (g)" = "Float64"}'))
    fixed = run_cli("--config", str(config), "check", data_dir=tmp_path / "data")
    assert fixed.returncode == 0, fixed.stderr
