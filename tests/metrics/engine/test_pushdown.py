"""Warehouse pushdown against a real PostgreSQL server loaded with the demo: every default metric that is computed
in the database gives the numbers of the local copy (mirror = true); one outside the subset reads its rows and gives
them too; the semantics of the subset (nulls, empty sums, booleans, integer division, distinct counts) match polars
on a table built here with awkward values."""
from __future__ import annotations

import argparse
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import polars as pl
import psycopg
import pytest
import sqlalchemy as sa

import app
from cli.commands import cmd_check
from config.settings import SourceSpec
from connectors.sql import SqlConnector
from core.i18n import Text
from dashboard.pages.metric._parts import explain_panel
from dashboard.state import ViewState
from metrics.engine import pushdown
from metrics.engine.periods import Filters
from metrics.engine.planning import Ask, Planner
from metrics.semantics.model import Direction, Grain, Metric, MetricKind, Pillar, Unit
from tests.connectors import test_postgres_parity as parity

PERIOD = Filters(date(2026, 10, 1), date(2026, 11, 1))
TREND = Filters(date(2026, 1, 1), date(2026, 11, 1))
# The default metrics computed in PostgreSQL; the rest read their rows, for the reason shown by `check`.
PUSHED = {"data_accuracy", "data_completeness", "code_standardization", "automation_rate", "hours_saved",
          "error_rate", "api_calls_per_day", "standard_interface_share", "satisfaction", "audit_cycle_days",
          "access_reviews_on_time", "privileged_accounts_reviewed", "logging_coverage", "open_audit_findings",
          "open_findings_age_days", "key_staff_trained", "process_owners_trained", "weekly_active_users",
          "operating_cost_monthly", "milestones_on_time", "schedule_variance_days", "feedback_satisfaction",
          "complaint_share", "maturity_questionnaire"}
NOT_PUSHED = {"duplicate_records", "resolution_hours_median", "resolution_hours_p90"}


@pytest.fixture(scope="module")
def pg_demo(postgres_url: str, data_dir: Path) -> str:
    parity.load_demo_into_postgres(data_dir / "demo.sqlite", postgres_url)
    return postgres_url


def alike(a: object, b: object) -> bool:
    """Equal to 1e-9 relative; NaN (0 ÷ 0 in polars) equals NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(alike(x, y) for x, y in zip(a, b))
    return parity.same(a, b)


def numbers(runtime: app.Runtime, key: str) -> tuple[Any, ...]:
    """Headline, a breakdown by each dimension and the monthly trend of a metric."""
    engine, metric = runtime.engine, runtime.catalogue[key]
    cuts = [engine.breakdown(key, PERIOD, d).data.sort(d).rows() for d in metric.dimensions]
    return engine.headline(key, PERIOD).data.value, cuts, engine.trend(key, TREND, Grain.MONTH).data.rows()


def runtimes(tmp_path: Path, url: str) -> tuple[app.Runtime, app.Runtime]:
    """The demo on PostgreSQL computed there (mirror = false), and through its local copy (mirror = true)."""
    for name in ("remote", "local"):
        (tmp_path / name).mkdir()
    return parity.pg_runtime(tmp_path / "remote", url, False), parity.pg_runtime(tmp_path / "local", url, True)


def spy(runtime: app.Runtime) -> dict[str, list[bool]]:
    """Per metric, whether each of its asks was answered by the database (the planner's pushdown hook)."""
    engine, used = runtime.engine, {}
    hook = engine.pushdown

    def counted(ask: Ask) -> pl.DataFrame | None:
        table = hook(ask)
        used.setdefault(ask.metric.key, []).append(table is not None)
        return table

    engine.pushdown = counted  # type: ignore[method-assign]
    return used


def test_default_metrics_computed_in_postgres_give_the_local_copys_numbers(pg_demo: str, tmp_path: Path) -> None:
    remote, local = runtimes(tmp_path, pg_demo)
    connector = remote.engine.connectors["demo"]
    assert isinstance(connector, SqlConnector)
    reasons = {key: pushdown.reason(connector, m) for key, m in remote.catalogue.items()
               if m.kind in (MetricKind.SIMPLE, MetricKind.RATIO)}
    assert {k for k, r in reasons.items() if r is None} == PUSHED
    assert {k for k, r in reasons.items() if r is not None} == NOT_PUSHED
    used, statements = spy(remote), []
    sa.event.listen(connector.engine, "before_cursor_execute",
                    lambda conn, cursor, statement, params, context, many: statements.append(statement))
    for key in sorted(PUSHED | NOT_PUSHED):
        statements.clear()
        got, expected = numbers(remote, key), numbers(local, key)
        assert alike(got, expected), key
        assert any(v is not None for _, v, _ in got[2]), key  # numbers, not empty answers
        metric = remote.catalogue[key]
        version = ("SELECT count(*) AS count_1 \n", f"SELECT max({metric.table}.")  # its data version
        reads = [s for s in statements if f"FROM {metric.table}" in s and not s.startswith(version)]
        if key in PUSHED:
            assert used[key] and all(used[key]), key
            # Each question one SELECT of aggregates; a rate's time span too (its first and newest time).
            assert reads and all("count(*) AS rows" in s or s.startswith("SELECT min(") for s in reads), key
        else:
            assert used[key] and not any(used[key]), key
            assert any("count(*) AS rows" not in s and "WHERE" in s for s in reads), key


def test_a_change_and_a_formula_over_pushed_metrics_give_the_same_numbers(pg_demo: str, tmp_path: Path) -> None:
    remote, local = runtimes(tmp_path, pg_demo)
    used = spy(remote)
    for key in ("error_reduction", "labour_value_saved", "cost_savings_annualized"):
        assert alike(numbers(remote, key), numbers(local, key)), key
    assert all(used["error_rate"]) and all(used["hours_saved"]) and all(used["operating_cost_monthly"])


def test_check_and_explain_say_what_is_computed_in_the_database(pg_demo: str, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    remote = parity.pg_runtime(tmp_path, pg_demo, False)
    assert cmd_check(remote, argparse.Namespace()) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "pushdown: data_accuracy: computed in the database" in lines
    median = [line for line in lines if line.startswith("pushdown: resolution_hours_median:")]
    assert median == [("pushdown: resolution_hours_median: reads the filtered rows (median is not computed in the "
                      "database)")]
    assert len([line for line in lines if line.startswith("pushdown: ")]) == len(remote.catalogue)
    explained = remote.engine.explain("automation_rate", PERIOD)
    assert "GROUP BY" not in explained["sql"] and "FROM process_runs" in explained["sql"]
    assert "'2026-10-01" in explained["sql"] and "count(*) AS rows" in explained["sql"]
    assert remote.engine.explain("resolution_hours_median", PERIOD)["sql"] == ""
    metric, headline = remote.catalogue["automation_rate"], remote.engine.headline("automation_rate", PERIOD)
    for lang, label in (("en", "SQL run in the database"), ("zh", "在数据库中执行的 SQL")):
        shown = str(explain_panel(metric, explained, headline, ViewState(), lang).to_plotly_json())
        assert label in shown and "FROM process_runs" in shown
    fallback = remote.engine.explain("resolution_hours_median", PERIOD)
    shown = str(explain_panel(remote.catalogue["resolution_hours_median"], fallback,
                              remote.engine.headline("resolution_hours_median", PERIOD), ViewState(), "en").to_plotly_json())
    assert "SQL run in the database" not in shown


# -- the subset's semantics, on a table of awkward values ----------------------------------------------------------
ODD = pl.DataFrame({
    "day": [datetime(2026, 1, d, h) for d, h in [(5, 1), (5, 23), (12, 0), (20, 12), (26, 8), (2, 6), (3, 7)]],
    "opened": [date(2026, 1, d) for d in (1, 2, 3, 4, 5, 1, 1)],
    "team": ["a", "a", "b", "b", None, "a", "c"],
    "amount": [3, None, -4, 10, 7, None, None],
    "price": [1.5, 2.25, None, -0.5, 3.0, 1.0, None],
    "flag": [True, None, False, True, True, None, None],
    "code": ["MAT-000001", "mat-2", None, "CUS-123456", "MAT-00000x", "x", None],
})


def semantics_metric(key: str, value: pl.Expr | None = None, numerator: pl.Expr | None = None,
                     denominator: pl.Expr | None = None, row_filter: pl.Expr | None = None) -> Metric:
    return Metric(key=key, title=Text(key, key), description=Text(key, key), pillar=Pillar.PROCESS,
                  kind=MetricKind.SIMPLE if value is not None else MetricKind.RATIO, unit=Unit.COUNT,
                  good=Direction.UP, owner="x", source="odd", table="odd", time_column="day", value=value,
                  numerator=numerator, denominator=denominator, row_filter=row_filter, dimensions=("team",))


SEMANTICS = {
    "sum_int": {"value": pl.col("amount").sum()},
    "sum_bool": {"value": pl.col("flag").sum()},
    "mean_bool": {"value": pl.col("flag").mean()},
    "mean_float": {"value": pl.col("price").mean()},
    "count_len": {"value": pl.col("amount").count() * 10 + pl.len()},
    "min_max": {"value": pl.col("amount").max() - pl.col("amount").min() + pl.col("opened").max().dt.day()},
    "when_mixed": {"value": pl.when(pl.col("price") > 1).then(pl.col("flag")).otherwise(pl.col("amount")).sum()},
    "int_division": {"value": pl.col("amount").sum() / pl.col("amount").count()},
    "n_unique_null": {"value": pl.col("team").n_unique()},
    "n_unique_filtered": {"value": pl.col("team").filter(pl.col("amount") > 0).n_unique() / pl.len()},
    "fill_clip_cast": {"value": (pl.col("amount").fill_null(-1).clip(lower_bound=0) * pl.col("flag").fill_null(False))
                           .cast(pl.Float64).sum() + pl.col("price").cast(pl.Int64).sum()},
    "when_in": {"value": pl.when(pl.col("team").is_in(["a", "c"])).then(pl.col("price")).otherwise(2).sum()},
    "strings": {"numerator": (pl.col("code").str.starts_with("MAT-") | pl.col("code").str.ends_with("56")).sum(),
                    "denominator": pl.len()},
    "regex": {"numerator": pl.col("code").str.contains(r"^[A-Z]{3}-[0-9]{6}$").sum()
                  + pl.col("code").str.contains(r"(?i)mat").sum(), "denominator": pl.col("code").count()},
    "literal_contains": {"numerator": pl.col("code").str.contains("T-0", literal=True).sum(), "denominator": pl.len()},
    "days_between": {"value": (pl.col("day") - pl.col("opened")).dt.total_days().mean()
                         + (pl.col("day") - pl.col("opened")).dt.total_hours(fractional=True).sum()},
    "horizontal": {"value": pl.sum_horizontal(pl.col("amount"), pl.col("flag")).sum()
                       + pl.any_horizontal(pl.col("flag"), pl.col("amount").is_null()).sum()},
    "row_filter": {"value": pl.col("price").sum(), "row_filter": pl.col("team").is_not_null() & ~pl.col("flag")},
}


@pytest.fixture(scope="module")
def odd_table(postgres_url: str) -> str:
    dsn = sa.make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as pg:
        pg.execute("DROP TABLE IF EXISTS odd")
        pg.execute("CREATE TABLE odd (day TIMESTAMP, opened DATE, team TEXT, amount BIGINT, price DOUBLE PRECISION, "
                   "flag BOOLEAN, code TEXT)")
        with pg.cursor().copy("COPY odd FROM STDIN") as copy:
            for row in ODD.iter_rows():
                copy.write_row(row)
    return postgres_url


@pytest.mark.parametrize("key", SEMANTICS)
def test_the_database_computes_what_polars_computes(odd_table: str, key: str) -> None:
    metric = semantics_metric(key, **SEMANTICS[key])
    spec = SourceSpec(name="odd", kind="sql", url=odd_table, mirror=False)
    connector = SqlConnector(spec, odd_table)
    assert pushdown.reason(connector, metric) is None
    rows = Planner(lambda k: metric, {"odd": connector}, lambda m: None)
    pushed = Planner(lambda k: metric, {"odd": connector}, lambda m: None,
                     pushdown=lambda ask: pushdown.answer(connector, spec, ask))
    asks = [(Filters(date(2026, 1, 1), date(2026, 2, 1)), (), None),
            (Filters(date(2026, 1, 1), date(2026, 2, 1)), ("team",), None),
            (Filters(date(2026, 1, 1), date(2026, 2, 1), (("team", ("a", "b")),)), (), Grain.WEEK),
            (Filters(date(2026, 1, 1), date(2026, 2, 1)), (), Grain.DAY),
            (Filters(date(2025, 1, 1), date(2026, 2, 1)), ("team",), Grain.QUARTER),
            (Filters(date(2027, 1, 1), date(2027, 2, 1)), (), None)]  # no rows: rows 0, value null
    for filters, by, grain in asks:
        expected = rows.table(metric, filters, by, grain).sort(pl.all())
        got = pushed.table(metric, filters, by, grain).sort(pl.all())
        assert got.schema == expected.schema, (key, by, grain)
        assert alike(got.rows(), expected.rows()), (key, by, grain, got, expected)


@pytest.mark.parametrize(("value", "why"), [
    (pl.col("price").median(), "median is not computed in the database"),
    (pl.col("price").max(), "max of float values is not computed in the database"),
    (pl.col("code").str.to_lowercase().n_unique(), "lowercase is not computed in the database"),
    (pl.col("code").str.contains(r"\d+").sum(), r"regular expression '\\d+' may read differently in the database"),
    (pl.struct("team", "code").n_unique(), "a distinct count of several columns is not computed in the database"),
    (pl.len().over("team").max(), "over is not computed in the database"),
    (pl.col("amount").sum().over("team").max(), "over is not computed in the database"),
    (pl.col("amount").sum() + pl.col("price"),
     "it reads a column outside a sum, count, mean, minimum, maximum or distinct count"),
    ((pl.col("amount") / pl.col("price")).sum(), "TrueDivide of int and float values is not computed in the database"),
])
def test_what_is_outside_the_subset_says_why(odd_table: str, value: pl.Expr, why: str) -> None:
    connector = SqlConnector(SourceSpec(name="odd", kind="sql", url=odd_table, mirror=False), odd_table)
    assert pushdown.reason(connector, semantics_metric("outside", value)) == why


def test_sqlite_pushes_down_what_it_can_read_alike(runtime: app.Runtime, data_dir: Path, tmp_path: Path) -> None:
    """On SQLite (no regular expressions, dates as text) the metrics it computes give the local copy's numbers."""
    demo = (Path(app.__file__).parent / "config" / "demo.toml").read_text().replace("mirror = true", "mirror = false")
    (tmp_path / "lite.toml").write_text(demo.replace("{data_dir}", str(data_dir)))
    from config.settings import load_config

    remote = app.wire(load_config(str(tmp_path / "lite.toml"), {"data_dir": str(tmp_path / "data"),
                                                                "today": "2026-11-27"}, environ={}))
    used = spy(remote)
    for key in ("automation_rate", "api_calls_per_day", "satisfaction", "weekly_active_users", "open_audit_findings"):
        assert alike(numbers(remote, key), numbers(runtime, key)), key
        assert used[key] and all(used[key]), key
    connector = remote.engine.connectors["demo"]
    assert isinstance(connector, SqlConnector)
    assert pushdown.reason(connector, remote.catalogue["data_accuracy"]) == "a regular expression in SQLite"
