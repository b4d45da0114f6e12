"""Compile a metric's expressions against its table's real schema, reading no data.

polars resolves each expression's types over a frame of the table's schema (its lazy schema resolution, then one
row of nulls, so that errors polars finds only on running, such as comparing text with a number, show too). A type
error becomes a line naming the metric, its module, the column, its type and the fix. polars lets a date be
compared with a number (both are numbers inside); that is reported as well.
"""
from __future__ import annotations

import io
import json
from typing import Any, Iterator

import polars as pl

from connectors.base import Schema
from metrics.semantics.model import Metric, MetricKind

# The comparisons whose sides must be of one kind (a date with a date, a number with a number).
COMPARISONS = {"Eq", "NotEq", "Lt", "LtEq", "Gt", "GtEq", "EqValidity", "NotEqValidity"}
# Errors polars raises for a value, not a type (an index past the end of one row): not a problem of the metric.
DATA_ERRORS: tuple[type[Exception], ...] = (pl.exceptions.OutOfBoundsError, pl.exceptions.ShapeError)


def type_problems(metric: Metric, schema: Schema) -> list[str]:
    """Every type error of a simple or ratio metric's expressions over its table's schema; [] for other kinds and
    for a metric that reads a column the table lacks (that is reported by itself)."""
    if metric.kind not in (MetricKind.SIMPLE, MetricKind.RATIO) or not metric.columns() <= set(schema):
        return []
    rows = pl.DataFrame({c: [None] for c in schema}, schema=dict(schema)).lazy()
    problems = []
    if metric.row_filter is not None:
        problems += _check(metric, schema, "row_filter", metric.row_filter, rows, "filter")
        rows = rows.filter(metric.row_filter) if not problems else rows
    for name in ("value", "numerator", "denominator"):
        expr = getattr(metric, name)
        if expr is not None:
            problems += _check(metric, schema, name, expr, rows, "number")
    if metric.needs_fixing is not None:
        problems += _check(metric, schema, "needs_fixing", metric.needs_fixing, rows, "filter")
    if metric.problems is not None:
        problems += _check(metric, schema, "problems", metric.problems, rows, "any")
    return problems


def _check(metric: Metric, schema: Schema, name: str, expr: pl.Expr, rows: pl.LazyFrame, use: str) -> list[str]:
    """The problems of one expression used as a filter, a number, or anything (a per-row text)."""
    head = f"{metric.key} ({metric.module}): {name}"
    error = _error(rows, expr, use)
    if error is not None:
        deepest = _deepest_failing(rows, expr)
        culprit = expr if deepest is None else deepest
        return [f"{head} does not compile: {error}; {_columns_and_fix(metric, schema, culprit)}"]
    problems = [f"{head} compares column '{column}' ({schema[column]}) with a number; compare it with a date, e.g. "
                f"pl.col(\"{column}\") >= date(2026, 1, 1), or fix the expression"
                for column in _dates_compared_with_numbers(rows, expr)]
    dtype = _dtype(rows, expr)
    if use == "number" and dtype is not None and not (dtype.is_numeric() or dtype == pl.Boolean):
        problems.append(f"{head} gives {dtype}, not a number; {_columns_and_fix(metric, schema, expr)}")
    return problems


def _error(rows: pl.LazyFrame, expr: pl.Expr, use: str = "any") -> str | None:
    """polars' first line when the expression does not compile over `rows`, None when it does."""
    try:
        frame = rows.filter(expr) if use == "filter" else rows.select(expr.alias("_value"))
        frame.collect_schema()
        frame.collect()
    except DATA_ERRORS:
        return None
    except pl.exceptions.PolarsError as exc:
        return str(exc).strip().splitlines()[0]
    return None


def _dtype(rows: pl.LazyFrame, expr: pl.Expr) -> pl.DataType | None:
    """The type the expression gives over `rows`; None when it does not compile."""
    try:
        return rows.select(expr.alias("_value")).collect_schema()["_value"]
    except pl.exceptions.PolarsError:
        return None


def _columns_and_fix(metric: Metric, schema: Schema, culprit: pl.Expr) -> str:
    """'column 'x' is String in s.t' for each column the failing part reads, and how to fix it."""
    columns = sorted(set(culprit.meta.root_names()) & set(schema))
    if not columns:
        return "fix the expression"
    where = f"{metric.source}.{metric.table}"
    said = ", ".join(f"column '{c}' is {schema[c]}" for c in columns) + f" in {where}"
    texts = [c for c in columns if schema[c] == pl.String]
    if not texts:
        return f"{said}: cast it or fix the expression"
    wanted = "Date" if "Temporal" in culprit.meta.serialize(format="json") else "Float64"
    declared = ", ".join(f'"{c}" = "{wanted}"' for c in texts)
    section = f"[sources.{metric.source}.tables.{metric.table}]"
    more = ' (with time_format = "..." when it is not ISO, e.g. "%d/%m/%Y")' if wanted == "Date" else ""
    return (f"{said}. To fix this, if it holds {'dates' if wanted == 'Date' else 'numbers'}, declare "
            f"dtypes = {{{declared}}}{more} (and any text it writes for a missing value in null_values) for table "
            f"{metric.table} in {section}; if it is text, cast it or fix the expression")


def _deepest_failing(rows: pl.LazyFrame, expr: pl.Expr) -> pl.Expr | None:
    """The innermost part of the expression that fails by itself (so the column named is the one at fault)."""
    found: pl.Expr | None = None
    for part in _parts(json.loads(expr.meta.serialize(format="json"))):
        if part.meta.root_names() and _error(rows, part) is not None:
            found = part  # parts come outermost first: the last failing one is the innermost
    return found


def _dates_compared_with_numbers(rows: pl.LazyFrame, expr: pl.Expr) -> Iterator[str]:
    """The date or time columns a comparison inside the expression puts against a number."""
    for node in _nodes(json.loads(expr.meta.serialize(format="json"))):
        binary = node.get("BinaryExpr") if isinstance(node, dict) else None
        if not isinstance(binary, dict) or binary.get("op") not in COMPARISONS:
            continue
        sides = [_expr(binary.get("left")), _expr(binary.get("right"))]
        if any(side is None for side in sides):
            continue
        types = [_dtype(rows, side) for side in sides if side is not None]
        if any(t is None for t in types):
            continue
        temporal = [t is not None and t.is_temporal() for t in types]
        numeric = [t is not None and t.is_numeric() for t in types]
        if any(temporal) and any(numeric):
            side = sides[temporal.index(True)]
            yield from (side.meta.root_names() if side is not None else [])


def _parts(tree: Any) -> Iterator[pl.Expr]:
    """Every sub-expression of a serialized expression, outermost first."""
    for node in _nodes(tree):
        part = _expr(node)
        if part is not None:
            yield part


def _nodes(tree: Any) -> Iterator[Any]:
    """Every value inside a parsed JSON tree, parents before children."""
    yield tree
    children = tree.values() if isinstance(tree, dict) else tree if isinstance(tree, list) else ()
    for child in children:
        yield from _nodes(child)


def _expr(node: Any) -> pl.Expr | None:
    """A serialized node as an expression; None when it is not one (an option, a literal's payload)."""
    if not (isinstance(node, dict) and len(node) == 1 and next(iter(node))[:1].isupper()):
        return None
    try:
        return pl.Expr.deserialize(io.StringIO(json.dumps(node)), format="json")
    except (pl.exceptions.PolarsError, ValueError, TypeError):
        return None
