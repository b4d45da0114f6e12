"""Rollups answer exactly what the rows answer: every default metric whose value decomposes gives the same headline
(value, previous period, baseline, rows), monthly and weekly trend, breakdown by each dimension over a month and a
year, and value and trend filtered to one or two values of a dimension from its rollup as from its rows (a distinct
count's monthly rollup and its daily one both); medians, percentiles and distinct counts read their rows; a rollup holds one row
per day and combination of dimensions."""
from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from metrics.engine import rollups
from metrics.engine.cache import ResultCache
from metrics.engine.periods import Filters
from metrics.engine.rollup_store import RollupStore
from metrics.semantics.model import Grain, MetricKind

PERIOD = Filters(date(2026, 10, 1), date(2026, 11, 1))
YEAR = Filters(date(2025, 11, 1), date(2026, 11, 1))
NOT_DECOMPOSABLE = {"resolution_hours_median", "resolution_hours_p90", "standard_interface_share"}
DISTINCT = {"duplicate_records", "weekly_active_users"}  # distinct counts: rollups by the counted values' hashes


def engines(runtime: Any, tmp_path: Path) -> tuple[Any, Any]:
    """The runtime's engine over rollups, and the same engine reading rows, each with its own empty cache."""
    with_rollups = replace(runtime.engine, cache=ResultCache(tmp_path / "a"), use_rollups=True)
    rows_only = replace(runtime.engine, cache=ResultCache(tmp_path / "b"), use_rollups=False)
    return with_rollups, rows_only


def same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    assert isinstance(a, (int, float)) and isinstance(b, (int, float)) and type(a) is type(b)
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def same_table(a: pl.DataFrame, b: pl.DataFrame, keys: list[str]) -> None:
    a, b = a.sort(keys, nulls_last=True), b.sort(keys, nulls_last=True)
    assert a.columns == b.columns and a.select(keys).equals(b.select(keys))
    assert a["rows"].to_list() == b["rows"].to_list()
    for x, y in zip(a["value"].to_list(), b["value"].to_list()):
        assert same(x, y), (x, y)


@pytest.fixture
def runtime(runtime: Any) -> Any:
    """The demo's runtime with the `rollups` setting on."""
    runtime.engine.use_rollups = True
    return runtime


def test_which_metrics_read_rollups(runtime: Any) -> None:
    engine = runtime.engine
    decomposed = {k for k, m in engine.catalogue.items()
                  if m.kind in (MetricKind.SIMPLE, MetricKind.RATIO) and rollups.decompose(m) is not None}
    leaves = {k for k, m in engine.catalogue.items() if m.kind in (MetricKind.SIMPLE, MetricKind.RATIO)}
    assert NOT_DECOMPOSABLE <= leaves and not NOT_DECOMPOSABLE & decomposed
    assert {k for k in decomposed if rollups.decompose(engine.metric(k)).distinct} == DISTINCT
    assert len(decomposed) >= 15 and {"data_accuracy", "automation_rate", "hours_saved", "error_rate"} <= decomposed


def test_every_question_is_answered_alike_from_rollups_and_rows(runtime: Any, tmp_path: Path) -> None:
    fast, slow = engines(runtime, tmp_path)
    used = 0
    for key, metric in fast.catalogue.items():
        if metric.kind in (MetricKind.SIMPLE, MetricKind.RATIO):
            used += fast.rollup(metric) is not None
        a, b = fast.headline(key, PERIOD).data, slow.headline(key, PERIOD).data
        for field in ("value", "previous", "baseline", "rows"):
            assert same(getattr(a, field, None), getattr(b, field, None)), (key, field)
        for grain in (Grain.MONTH, Grain.WEEK):
            same_table(fast.trend(key, YEAR, grain).data, slow.trend(key, YEAR, grain).data, ["period"])
        for dim in metric.dimensions:
            same_table(fast.breakdown(key, YEAR, dim).data, slow.breakdown(key, YEAR, dim).data, [dim])
            first = slow.breakdown(key, YEAR, dim).data[dim].drop_nulls()
            same_table(fast.breakdown(key, PERIOD, dim).data, slow.breakdown(key, PERIOD, dim).data, [dim])
            if len(first):
                one = Filters(YEAR.start, YEAR.end, ((dim, first[0]),))
                assert same(fast.value(key, one).data, slow.value(key, one).data), (key, dim)
                month = Filters(PERIOD.start, PERIOD.end, ((dim, first[0]),))
                assert same(fast.value(key, month).data, slow.value(key, month).data), (key, dim)
                same_table(fast.trend(key, one, Grain.MONTH).data, slow.trend(key, one, Grain.MONTH).data, ["period"])
                two = Filters(PERIOD.start, PERIOD.end, ((dim, tuple(first[:2])),))  # two values: the daily rollup
                assert same(fast.value(key, two).data, slow.value(key, two).data), (key, dim)
    assert used >= 15


def test_a_rollup_is_small_beside_its_table(runtime: Any) -> None:
    engine = runtime.engine
    metric = engine.metric("data_accuracy")
    rollup = engine.rollup(metric)
    assert rollup is not None
    connector = engine.connectors[metric.source]
    frame = connector.scan(metric.table, [metric.time_column, *metric.dimensions], rollups.Where()).collect()
    assert rollup[rollups.ROWS].sum() == frame.height  # every row counted once
    # One row per day and combination of dimensions that has rows: bounded by the calendar and the dimensions'
    # values, not by the table (at 10M records the same table rolls up to about 1% of its rows: bench/RESULTS.md).
    groups = frame.select(pl.col(metric.time_column).cast(pl.Date), *metric.dimensions).unique().height
    assert rollup.height == groups < frame.height / 2


@pytest.mark.parametrize("key", ["resolution_hours_median", "resolution_hours_p90"])
def test_medians_and_percentiles_read_their_rows(runtime: Any, key: str) -> None:
    assert runtime.engine.rollup(runtime.engine.metric(key)) is None


def test_a_distinct_count_is_grouped_by_the_hashes_of_its_values(runtime: Any) -> None:
    """duplicate_records = rows − distinct (domain, name, tax id): its rollup has a row per day, dimensions and key
    hash, so the distinct keys of any slice are its distinct hashes; it is scanned from disk, not held."""
    engine = runtime.engine
    metric = engine.metric("duplicate_records")
    rollup = engine.rollup(metric)
    assert isinstance(rollup, rollups.Distinct)
    frame = rollup.daily.collect()
    connector = engine.connectors[metric.source]
    rows = connector.scan(metric.table, ["domain", "name", "tax_id", metric.time_column], rollups.Where()).collect()
    keys = rows.select(pl.struct("domain", pl.col("name").str.strip_chars().str.to_lowercase(),
                                 pl.col("tax_id").fill_null("")).n_unique()).item()
    assert frame["_p1"].n_unique() == keys and frame[rollups.ROWS].sum() == rows.height


def test_a_hash_collision_sends_the_metric_back_to_its_rows(runtime: Any, monkeypatch: pytest.MonkeyPatch,
                                                            tmp_path: Path) -> None:
    """A 64-bit collision among a table's values cannot be made with real data; a hash that gives every value the
    same number stands in for one: the rollup is refused, and the rows answer the same number as without rollups."""
    fast, slow = engines(runtime, tmp_path)
    fast._rollup_store = RollupStore(tmp_path / "rollups")  # none built yet
    monkeypatch.setattr(pl.Expr, "hash", lambda self, seed=0: pl.lit(7, pl.UInt64))
    metric = fast.metric("duplicate_records")
    with pytest.raises(rollups.Collision):
        list(rollups.build_distinct(fast.connectors[metric.source], metric))
    assert fast.rollup(metric) is None
    assert same(fast.headline(metric.key, PERIOD).data.value, slow.headline(metric.key, PERIOD).data.value)


def test_a_distinct_count_built_in_parts_to_fit_the_memory_budget_answers_alike(runtime: Any, tmp_path: Path) -> None:
    """With a memory budget smaller than its build, a distinct count's rollup is built in parts split by the hash (a
    folder of Parquet files, one per part): every question it answers (a month, a year, a breakdown, a monthly trend,
    a month and a trend filtered to one value) equals the rows' answer, and the parts hold each value once."""
    fast, slow = engines(runtime, tmp_path)
    fast.config = replace(fast.config, values={**fast.config.values, "memory_budget_mb": 1})
    fast._rollup_store = RollupStore(tmp_path / "rollups")
    metric = fast.metric("duplicate_records")
    rows = fast.connectors[metric.source].scan(metric.table, [metric.time_column], rollups.Where()).collect().height
    parts = rollups.distinct_parts(metric, rows, 1)
    assert parts == -(-rows * rollups.BUILD_BYTES_PER_ROW // 2**20) and parts >= 5
    rollup = fast.rollup(metric)
    assert isinstance(rollup, rollups.Distinct)
    assert len(list((tmp_path / "rollups").glob("*/part-*.parquet"))) == parts
    whole = rollup.daily.collect()
    hashes = [f"_p{i}" for i, p in enumerate(rollups.decompose(metric).partials) if p.kind == "NUnique"]
    groups = whole.select(rollups.DAY, *metric.dimensions, *hashes)
    assert whole.height == groups.unique().height  # no (day, dimensions, hash) group split across parts
    key = metric.key
    for filters in (PERIOD, YEAR):
        assert same(fast.value(key, filters).data, slow.value(key, filters).data)
        for dim in metric.dimensions:
            same_table(fast.breakdown(key, filters, dim).data, slow.breakdown(key, filters, dim).data, [dim])
    same_table(fast.trend(key, YEAR, Grain.MONTH).data, slow.trend(key, YEAR, Grain.MONTH).data, ["period"])
    dim = metric.dimensions[0]
    value = slow.breakdown(key, YEAR, dim).data[dim].drop_nulls()[0]
    one = Filters(PERIOD.start, PERIOD.end, ((dim, value),))
    assert same(fast.value(key, one).data, slow.value(key, one).data)
    year = Filters(YEAR.start, YEAR.end, ((dim, value),))
    same_table(fast.trend(key, year, Grain.MONTH).data, slow.trend(key, year, Grain.MONTH).data, ["period"])
