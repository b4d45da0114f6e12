"""Rollups: the partial aggregates of a table's metrics by day and every declared dimension, read instead of rows.

A metric whose value decomposes (sums, counts, row counts, means, minima and maxima, and arithmetic over them, such
as a share or a ratio of sums) is answered from a small table: one row per day and combination of dimensions,
holding each of its aggregates over that group's rows (a mean as its sum and its count). Any period of whole days,
any filter on its dimensions, any breakdown and any trend grain then re-aggregates kilobytes instead of scanning the
table: sums, counts and row counts add up, minima and maxima take the least and greatest.

A distinct count decomposes too, exactly, at a larger size: its rollup is grouped by a 64-bit hash of the counted
value as well (one row per day, dimensions and value), and the distinct count of any slice is the number of distinct
hashes in it. The hash is checked injective over the whole table when the rollup is built (as many distinct hashes
as distinct values); a table where two values share a hash keeps reading its rows for that metric. Such a rollup is
one metric's, kept on disk and scanned by period (its rows sorted by day), never held whole in memory; its build is
split in parts by the counted value where it would exceed the memory budget (`memory_budget_mb`).

Medians and percentiles do not decompose (a median of medians is not the median): such a metric, and one whose time
column carries a time zone (its days would not be the filters' days), reads its rows as before. Every other
decomposable metric of one table and time column is rolled up in ONE streamed scan, each with its own row filter; the
result is a Parquet file per data version of the table, beside the local copies (rollup_store.py).
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterator, Sequence, TypeVar

import polars as pl

from connectors.base import Connector, Where
from metrics.engine.periods import Filters, add_months
from metrics.semantics.model import Metric, MetricKind

Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)
DAY = "_day"
ROWS = "_rows"
COMBINE = {"Sum": "sum", "Count": "sum", "Len": "sum", "Min": "min", "Max": "max", "NUnique": "n_unique"}
# Memory a distinct count's rollup takes to build, per row of a part (the part's rows, the values' and the groups'
# hash tables: 1.2 GB measured for a part of 2.5M master records); builds are split to fit memory_budget_mb.
BUILD_BYTES_PER_ROW = 480
SAMPLE_ROWS = 100_000  # the rows a distinct count's build looks at to choose what to split by
SEED = 0  # the distinct values' hash seed (the rollup's key names the polars version: hashes may change with it)
_DECOMPOSED: dict[str, Decomposed | None] = {}  # by a metric's fingerprint


@dataclass(frozen=True)
class Partial:
    """One aggregate a metric's value is made of: its kind (Sum, Count, Len, Min, Max) over an expression."""

    kind: str
    of: pl.Expr | None  # None for Len (the rows)

    def over(self, rows: pl.Expr | None) -> pl.Expr:
        """The aggregate over a group's rows that pass `rows` (a metric's row filter), None: all of them."""
        if self.kind == "Len":
            return pl.len() if rows is None else rows.fill_null(False).sum()
        assert self.of is not None
        of = self.of if rows is None else self.of.filter(rows.fill_null(False))
        return {"Sum": of.sum(), "Count": of.count(), "Min": of.min(), "Max": of.max()}[self.kind]


@dataclass(frozen=True)
class Decomposed:
    """A metric's partials (named _p0, _p1 …) and its value, or numerator and denominator, over them."""

    partials: tuple[Partial, ...]
    value: pl.Expr | None
    numerator: pl.Expr | None
    denominator: pl.Expr | None

    @property
    def distinct(self) -> bool:
        """Whether it counts distinct values (its rollup is grouped by their hashes too)."""
        return any(p.kind == "NUnique" for p in self.partials)


class Collision(Exception):
    """Two distinct values of a table share a hash: its distinct counts are read from rows."""


def decompose(metric: Metric) -> Decomposed | None:
    """The metric's expressions over partial aggregates; None when any part does not decompose (worked out once
    per definition)."""
    if metric.kind not in (MetricKind.SIMPLE, MetricKind.RATIO):
        return None
    fingerprint = metric.fingerprint()
    if fingerprint not in _DECOMPOSED:
        _DECOMPOSED[fingerprint] = _decompose(metric)
    return _DECOMPOSED[fingerprint]


def _decompose(metric: Metric) -> Decomposed | None:
    partials: list[Partial] = []
    rewritten: dict[str, pl.Expr | None] = {}
    for name in ("value", "numerator", "denominator"):
        expr = getattr(metric, name)
        if expr is None:
            rewritten[name] = None
            continue
        tree = _rewrite(json.loads(expr.meta.serialize(format="json")), partials)
        if tree is None:
            return None
        out = _expr(tree)
        if set(out.meta.root_names()) - {f"_p{i}" for i in range(len(partials))}:
            return None  # a column read outside an aggregate (a window, a quantile): not a sum of parts
        rewritten[name] = out
    return Decomposed(tuple(partials), **rewritten)


def _rewrite(node: Any, partials: list[Partial]) -> Any:
    """The serialized expression with each decomposable aggregate replaced by its partial columns; None when an
    aggregate does not decompose."""
    if node == "Len":
        return {"Column": _partial(Partial("Len", None), partials)}
    if isinstance(node, dict) and len(node) == 1 and "Agg" in node:
        (kind, body), = node["Agg"].items()
        if kind not in ("Mean", "Sum", "Count", "Min", "Max", "NUnique"):
            return None
        if kind == "Count" and body.get("include_nulls"):
            return None
        if kind == "NUnique":  # a row-wise value only (no filter or aggregate inside): it is hashed row by row
            text = json.dumps(body)
            return None if any(k in text for k in ('"Filter"', '"Agg"', '"Over"', '"Window"')) else {
                "Column": _partial(Partial(kind, _expr(body)), partials)}
        of = _expr(body["input"] if kind in ("Count", "Min", "Max") else body)
        if kind == "Mean":
            total, count = _partial(Partial("Sum", of), partials), _partial(Partial("Count", of), partials)
            mean = pl.when(pl.col(count) > 0).then(pl.col(total) / pl.col(count))
            return json.loads(mean.meta.serialize(format="json"))
        return {"Column": _partial(Partial(kind, of), partials)}
    if isinstance(node, dict):
        out = {}
        for key, child in node.items():
            done = _rewrite(child, partials)
            if done is None and child is not None:
                return None
            out[key] = done
        return out
    if isinstance(node, list):
        items = [_rewrite(child, partials) for child in node]
        return None if any(i is None and c is not None for i, c in zip(items, node)) else items
    return node


def _partial(partial: Partial, partials: list[Partial]) -> str:
    """The partial column's name (the same aggregate twice is one column)."""
    text = _text(partial)
    for i, known in enumerate(partials):
        if _text(known) == text:
            return f"_p{i}"
    partials.append(partial)
    return f"_p{len(partials) - 1}"


def _text(partial: Partial) -> str:
    return partial.kind + ("" if partial.of is None else partial.of.meta.serialize(format="json"))


def _expr(node: Any) -> pl.Expr:
    return pl.Expr.deserialize(io.StringIO(json.dumps(node)), format="json")


def usable(metric: Metric, schema: dict[str, pl.DataType]) -> bool:
    """Whether a rollup can answer the metric: it decomposes, and its days are the filters' days."""
    dtype = schema.get(metric.time_column)
    if dtype is None or not (dtype == pl.Date or isinstance(dtype, pl.Datetime)):
        return False
    return not (isinstance(dtype, pl.Datetime) and dtype.time_zone) and decompose(metric) is not None


def update(old: pl.DataFrame, connector: Connector, metrics: Sequence[Metric], months: set[str]) -> pl.DataFrame:
    """A rollup brought to the copy's new version by rebuilding only the months (YYYY-MM) whose rows changed: the
    other months' rows are kept as they are."""
    kept = old.filter(~pl.col(DAY).dt.strftime("%Y-%m").is_in(sorted(months)))
    fresh = build(connector, metrics, months) if months else old.clear()
    dims = [c for c in old.columns if c != DAY and ":" not in c]
    return pl.concat([kept, fresh.select(old.columns)], how="vertical_relaxed").sort([DAY, *dims])


def build(connector: Connector, metrics: Sequence[Metric], months: set[str] | None = None) -> pl.DataFrame:
    """The rollup of metrics of one table and time column, in one streamed scan: by day and every dimension any of
    them declares, each metric's rows and partials as columns `<key>:_rows`, `<key>:_p0` …; only the rows of these
    months (YYYY-MM) when given."""
    first = metrics[0]
    dims = sorted({d for m in metrics for d in m.dimensions})
    columns = {first.time_column, *dims}
    aggs = []
    for metric in metrics:
        parts = decompose(metric)
        assert parts is not None and metric.table == first.table and metric.time_column == first.time_column
        rows = metric.row_filter
        columns |= {c for e in (metric.value, metric.numerator, metric.denominator, rows) if e is not None
                    for c in e.meta.root_names()}
        aggs.append(Partial("Len", None).over(rows).alias(f"{metric.key}:{ROWS}"))
        aggs += [p.over(rows).alias(f"{metric.key}:_p{i}") for i, p in enumerate(parts.partials)]
    frame = connector.scan(first.table, sorted(columns), Where())
    frame = frame.with_columns(pl.col(first.time_column).cast(pl.Date).alias(DAY))
    if months is not None:  # each month a range of days, so the scan skips the row groups outside them
        spans = [(date(int(m[:4]), int(m[5:]), 1), add_months(date(int(m[:4]), int(m[5:]), 1), 1)) for m in months]
        frame = frame.filter(pl.any_horizontal([(pl.col(DAY) >= a) & (pl.col(DAY) < b) for a, b in spans]))
    return frame.group_by([DAY, *dims]).agg(aggs).sort([DAY, *dims]).collect(engine="streaming")


def distinct_parts(metric: Metric, rows: int, budget_mb: int) -> int:
    """How many parts, split by the counted value, a distinct count's rollup over `rows` rows is built in so
    that each part's build fits the memory budget; one when it counts more than one kind of value (the hashes'
    check then needs the whole table at once)."""
    parts = decompose(metric)
    if parts is None or sum(p.kind == "NUnique" for p in parts.partials) != 1:
        return 1
    return max(1, -(-rows * BUILD_BYTES_PER_ROW // (budget_mb << 20)))


def build_distinct(connector: Connector, metric: Metric, budget_mb: int | None = None) -> Iterator[pl.DataFrame]:
    """The rollup of a metric that counts distinct values: by day, its dimensions and the hash of each counted value,
    with its rows and other partials; made in parts (distinct_parts) split by the hash of the value or of one of its
    fields, so each value lies in one part, each yielded sorted by day in turn (one part without a budget);
    Collision when a hash is not injective."""
    parts = decompose(metric)
    assert parts is not None and parts.distinct
    columns = {c for e in (metric.value, metric.numerator, metric.denominator, metric.row_filter) if e is not None
               for c in e.meta.root_names()} | set(metric.dimensions) | {metric.time_column}
    frame = connector.scan(metric.table, sorted(columns), Where())
    if metric.row_filter is not None:
        frame = frame.filter(metric.row_filter.fill_null(False))
    distinct = [(f"_p{i}", p.of) for i, p in enumerate(parts.partials) if p.kind == "NUnique" and p.of is not None]
    count = 1 if budget_mb is None else distinct_parts(metric, frame.select(pl.len()).collect().item(), budget_mb)
    split = _splitter(frame, distinct[0][1]) if count > 1 else None
    keys = [DAY, *metric.dimensions, *(name for name, _ in distinct)]
    aggs = [pl.len().alias(ROWS)] + [p.over(None).alias(f"_p{i}") for i, p in enumerate(parts.partials)
                                     if p.kind != "NUnique"]
    for part in range(count):
        # A part's rows are read first (streamed, by the hash of one column), then hashed and grouped in memory.
        rows = frame if split is None else frame.filter(split.hash(SEED) % count == part).collect(
            engine="streaming").lazy()
        rows = rows.with_columns(pl.col(metric.time_column).cast(pl.Date).alias(DAY),
                                 *[of.hash(SEED).alias(name) for name, of in distinct])
        checks = rows.select([e for name, of in distinct
                              for e in (of.n_unique().alias(f"{name}v"), pl.col(name).n_unique().alias(f"{name}h"))])
        counted = checks.collect(engine="streaming").row(0)
        if any(counted[i] != counted[i + 1] for i in range(0, len(counted), 2)):
            raise Collision(f"{metric.key}: two distinct values share a hash")
        yield rows.group_by(keys).agg(aggs).sort(DAY).collect(engine="streaming")


def _splitter(frame: pl.LazyFrame, of: pl.Expr) -> pl.Expr:
    """What a distinct count's build is split by: a function of the counted value reading one column where it can (a
    scan filtered by one column's hash streams; one filtered by several columns is read whole first). For a value
    made of fields, the most varied field that reads one column, in the first rows; else the value itself."""
    if not isinstance(frame.select(of.alias("v")).collect_schema()["v"], pl.Struct):
        return of
    fields = [field for field in of.meta.pop() if len(set(field.meta.root_names())) == 1]
    if not fields:
        return of
    varied = frame.head(SAMPLE_ROWS).select([f.n_unique().alias(str(i)) for i, f in enumerate(fields)]).collect()
    return fields[max(range(len(fields)), key=lambda i: varied.row(0)[i])]


@dataclass(frozen=True)
class Distinct:
    """A distinct count's rollups: by day (scanned from disk) and, exact per calendar month, company-wide and per
    value of each dimension (small, in memory): a month's or a monthly trend's question with at most one dimension,
    filtered to one value, reads the monthly one."""

    daily: pl.LazyFrame
    monthly: pl.DataFrame


def monthly(parts: Sequence[pl.LazyFrame], metric: Metric) -> pl.DataFrame:
    """Each calendar month's partials, company-wide and per value of each dimension (column `_level` names it);
    distinct counts counted within the month and slice, so they are exact there and nowhere else. Daily rollups made
    in parts by the hash are taken one part at a time: a value lies in one part, so its counts add up across them."""
    decomposed = decompose(metric)
    assert decomposed is not None
    aggs = [pl.col(ROWS).sum()] + [getattr(pl.col(f"_p{i}"), COMBINE[p.kind])().alias(f"_p{i}")
                                   for i, p in enumerate(decomposed.partials)]
    frames = []
    for daily in parts:
        month = daily.with_columns(pl.col(DAY).dt.truncate("1mo"))
        levels = [month.group_by([DAY, *level]).agg(aggs).with_columns(_level=pl.lit(",".join(level)))
                  for level in [[], *([d] for d in metric.dimensions)]]
        frames.append(pl.concat(pl.collect_all(levels), how="diagonal_relaxed"))
    if len(frames) == 1:
        return frames[0]
    added = [pl.col(ROWS).sum()] + [getattr(pl.col(f"_p{i}"), "sum" if p.kind == "NUnique" else COMBINE[p.kind])()
                                    for i, p in enumerate(decomposed.partials)]
    whole = pl.concat(frames, how="diagonal_relaxed")
    return whole.group_by([DAY, *metric.dimensions, "_level"]).agg(added).select(whole.columns).sort(DAY)


def _monthly_answers(filters: Filters, by: list[str], every: str | None) -> str | None:
    """The level of the monthly rollup that answers this ask exactly (a one-month period or a monthly trend over whole
    months, at most one dimension, filtered to one value); None when only the daily rollup does."""
    whole_months = filters.start.day == 1 and filters.end.day == 1
    one_month = whole_months and (filters.end.year * 12 + filters.end.month) - (
        filters.start.year * 12 + filters.start.month) == 1
    if not (one_month and every is None or whole_months and every == "1mo"):
        return None
    dims = {d for d, _ in filters.where} | set(by)
    if len(dims) > 1 or any(isinstance(v, tuple) and len(v) != 1 for _, v in filters.where):
        return None
    return ",".join(dims)


def of_metric(rollup: pl.DataFrame, metric: Metric) -> pl.DataFrame:
    """One metric's part of its table's rollup: day, its dimensions, its rows and partials (`_rows`, `_p0` …)."""
    mine = [c for c in rollup.columns if c.startswith(f"{metric.key}:")]
    # Groups where only other metrics of the table have rows (its row filter left none) are not its groups.
    return rollup.filter(pl.col(f"{metric.key}:{ROWS}") > 0).select(
        DAY, *metric.dimensions, *[pl.col(c).alias(c.split(":", 1)[1]) for c in mine])


def table(rollup: pl.DataFrame | Distinct, metric: Metric, filters: Filters, by: list[str],
          every: str | None) -> pl.LazyFrame:
    """An ask's table (group columns, period first when a grain is given, then value and rows) from the metric's
    rollup (of_metric's, or a distinct count's): the same table its rows give."""
    parts = decompose(metric)
    assert parts is not None
    combine = dict(COMBINE)
    if isinstance(rollup, Distinct):
        level = _monthly_answers(filters, by, every)
        if level is None:
            source = rollup.daily
        else:  # one monthly row per group asked: its counts are taken as they are
            source, combine["NUnique"] = rollup.monthly.lazy().filter(pl.col("_level") == level), "sum"
    else:
        source = rollup.lazy()
    frame = source.filter((pl.col(DAY) >= filters.start) & (pl.col(DAY) < filters.end))
    for dim, value in filters.where:
        frame = frame.filter(pl.col(dim).is_in(list(value) if isinstance(value, tuple) else [value]))
    keys = list(by)
    if every is not None:
        frame = frame.with_columns(period=pl.col(DAY).dt.truncate(every).cast(pl.Date))
        keys = ["period", *keys]
    combined = [pl.col(ROWS).sum().alias("rows")] + [getattr(pl.col(f"_p{i}"), combine[p.kind])().alias(f"_p{i}")
                                                      for i, p in enumerate(parts.partials)]
    out = frame.group_by(keys).agg(combined) if keys else frame.select(combined)
    return valued(out, metric, parts.value, parts.numerator, parts.denominator).select([*keys, "value", "rows"])


def valued(frame: Frame, metric: Metric, value: pl.Expr | None, numerator: pl.Expr | None,
           denominator: pl.Expr | None) -> Frame:
    """The table of aggregates with the metric's value as its rows give it (none without rows or where divided by 0)."""
    if metric.kind is MetricKind.SIMPLE and value is not None:
        frame = frame.with_columns(value.cast(pl.Float64).alias("value"))
    elif numerator is not None and denominator is not None:
        frame = frame.with_columns(value=pl.when(denominator != 0).then(numerator.cast(pl.Float64) /
                                                                         denominator.cast(pl.Float64)))
    return frame.with_columns(pl.when(pl.col("rows") > 0).then(pl.col("value")).alias("value"))
