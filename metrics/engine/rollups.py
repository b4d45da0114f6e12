"""Rollups: the partial aggregates of a table's metrics by day and every declared dimension, read instead of rows.

A metric whose value decomposes (sums, counts, row counts, means, minima and maxima, and arithmetic over them, such
as a share or a ratio of sums) is answered from a small table: one row per day and combination of dimensions,
holding each of its aggregates over that group's rows (a mean as its sum and its count). Any period of whole days,
any filter on its dimensions, any breakdown and any trend grain then re-aggregates kilobytes instead of scanning the
table: sums, counts and row counts add up, minima and maxima take the least and greatest.

Medians, percentiles and distinct counts do not decompose (a median of medians is not the median): such a metric,
and one whose time column carries a time zone (its days would not be the filters' days), reads its rows as before.
Every decomposable metric of one table and time column is rolled up in ONE streamed scan, each with its own row
filter; the result is a Parquet file per data version of the table, beside the local copies (store.py).
"""
from __future__ import annotations

import io
import json
from dataclasses import dataclass
from typing import Any, Sequence

import polars as pl

from connectors.base import Connector, Where
from metrics.engine.periods import Filters
from metrics.semantics.model import Metric, MetricKind

DAY = "_day"
ROWS = "_rows"
# How each decomposable aggregate's partials combine across groups.
COMBINE = {"Sum": "sum", "Count": "sum", "Len": "sum", "Min": "min", "Max": "max"}
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
        if kind not in ("Mean", "Sum", "Count", "Min", "Max"):
            return None
        if kind == "Count" and body.get("include_nulls"):
            return None
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


def build(connector: Connector, metrics: Sequence[Metric]) -> pl.DataFrame:
    """The rollup of metrics of one table and time column, in one streamed scan: by day and every dimension any of
    them declares, each metric's rows and partials as columns `<key>:_rows`, `<key>:_p0` …"""
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
    return frame.group_by([DAY, *dims]).agg(aggs).sort([DAY, *dims]).collect(engine="streaming")


def of_metric(rollup: pl.DataFrame, metric: Metric) -> pl.DataFrame:
    """One metric's part of its table's rollup: day, its dimensions, its rows and partials (`_rows`, `_p0` …)."""
    mine = [c for c in rollup.columns if c.startswith(f"{metric.key}:")]
    # Groups where only other metrics of the table have rows (its row filter left none) are not its groups.
    return rollup.filter(pl.col(f"{metric.key}:{ROWS}") > 0).select(
        DAY, *metric.dimensions, *[pl.col(c).alias(c.split(":", 1)[1]) for c in mine])


def table(rollup: pl.DataFrame, metric: Metric, filters: Filters, by: list[str], every: str | None) -> pl.LazyFrame:
    """An ask's table (group columns, period first when a grain is given, then value and rows) from the metric's
    rollup (of_metric): the same table its rows give."""
    parts = decompose(metric)
    assert parts is not None
    frame = rollup.lazy().filter((pl.col(DAY) >= filters.start) & (pl.col(DAY) < filters.end))
    for dim, value in filters.where:
        frame = frame.filter(pl.col(dim).is_in(list(value) if isinstance(value, tuple) else [value]))
    keys = list(by)
    if every is not None:
        frame = frame.with_columns(period=pl.col(DAY).dt.truncate(every).cast(pl.Date))
        keys = ["period", *keys]
    combined = [pl.col(ROWS).sum().alias("rows")] + [getattr(pl.col(f"_p{i}"), COMBINE[p.kind])().alias(f"_p{i}")
                                                      for i, p in enumerate(parts.partials)]
    out = frame.group_by(keys).agg(combined) if keys else frame.select(combined)
    if metric.kind is MetricKind.SIMPLE and parts.value is not None:
        out = out.with_columns(parts.value.cast(pl.Float64).alias("value"))
    elif parts.numerator is not None and parts.denominator is not None:
        num, den = parts.numerator.cast(pl.Float64), parts.denominator.cast(pl.Float64)
        out = out.with_columns(value=pl.when(den != 0).then(num / den))
    out = out.with_columns(pl.when(pl.col("rows") > 0).then(pl.col("value")).alias("value"))
    return out.select([*keys, "value", "rows"])
