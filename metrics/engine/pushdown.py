"""Warehouse pushdown: a metric of a SQL source that keeps no local copy (mirror = false) is computed in the database
when its expressions fall in a declared subset, and the database returns one small table instead of the rows.

Each aggregate of the metric's value (sum, count, row count, mean, minimum, maximum, distinct count, each over a row
expression, optionally filtered) becomes a column of ONE SELECT: the rows of the period and slice (the connector's own
WHERE), the metric's row filter, grouped by the trend bucket and the dimensions asked for. What the metric does with
its aggregates (a ratio, a share, a difference) is then worked out in polars over that small table, exactly as it is
over rows: division by zero, integer arithmetic and nulls mean the same as everywhere else.

Row expressions in the subset: columns, literals, comparisons, and/or/not, + − ×, division by a number, when/then/
otherwise, is_null, fill_null, coalesce, is_in, clip, casts to numbers, sum_horizontal, str.starts_with/ends_with,
str.contains (a literal; or a plain regular expression on PostgreSQL), and days or seconds between two dates on
PostgreSQL. Anything else (a median, a quantile, a window, lower-casing text, whose meaning differs between polars
and the database's locale) raises NotPushable with the reason, and the metric reads its filtered rows as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import polars as pl
import sqlalchemy as sa

from config.settings import SourceSpec
from connectors.base import Connector, Where
from connectors.sql import SqlConnector
from metrics.engine.periods import Filters, add_months, month_start
from metrics.engine.planning import Ask, Span, read_span
from metrics.engine.rollups import valued
from metrics.engine.sql_expressions import Compiler, NotPushable
from metrics.semantics.model import Metric, MetricKind


@dataclass(frozen=True)
class Compiled:
    """An ask as one SELECT, and how its small result becomes the ask's table."""

    statement: sa.Select
    keys: tuple[str, ...]  # period (with a grain), then the dimensions
    types: dict[str, pl.DataType]  # each result column's polars type
    value: pl.Expr | None  # over the aggregate columns _a0, _a1 …
    numerator: pl.Expr | None
    denominator: pl.Expr | None


def sql_connector(connector: Connector | None, spec: SourceSpec | None) -> SqlConnector | None:
    """The SQL connector of a source that keeps no local copy; None for any other source."""
    if spec is None or spec.kind != "sql" or spec.mirror or not isinstance(connector, SqlConnector):
        return None
    return connector


def answer(connector: Connector | None, spec: SourceSpec | None, ask: Ask) -> pl.DataFrame | None:
    """The ask's table computed in the database; None when the source is not such a source or the metric does not
    compile (then it reads its rows)."""
    sql = sql_connector(connector, spec)
    if sql is None:
        return None
    try:
        compiled = compile_ask(sql, ask)
    except NotPushable:
        return None
    return finish(compiled, sql.aggregate(compiled.statement, ask.metric.table), ask.metric)


def span(connector: Connector, spec: SourceSpec | None, metric: Metric) -> Span | None:
    """The time span of the metric's table (planning.read_span): on PostgreSQL, for a source that keeps no local copy,
    its first and newest time and whether every time is the first of a month are worked out in the database."""
    sql = sql_connector(connector, spec)
    time_type = None if sql is None else sql.read_types(metric.table).get(metric.time_column)
    if (sql is None or sql.engine.dialect.name != "postgresql" or time_type is None
            or sql.schema(metric.table).get(metric.time_column) != time_type
            or not (time_type == pl.Date or (isinstance(time_type, pl.Datetime) and not time_type.time_zone))):
        return read_span(connector, metric)
    rows = sql.statement(metric.table, [metric.time_column], Where()).subquery("rows")
    time = sa.cast(rows.c[metric.time_column], sa.DateTime)
    first, newest, monthly = sql.aggregate(sa.select(
        sa.func.min(time), sa.func.max(time), sa.func.bool_and(sa.func.date_trunc("month", time) == time)),
        metric.table).row(0)
    if first is None or newest is None:
        return None
    first, newest = (v.date() if isinstance(v, datetime) else v for v in (first, newest))
    return Span(first, add_months(month_start(newest), 1), True) if monthly else Span(first, newest + timedelta(days=1))


def reason(connector: SqlConnector, metric: Metric) -> str | None:
    """Why the metric is not computed in the database; None when it is."""
    try:
        compile_ask(connector, Ask(metric, Filters(date.min, date.max)))
    except NotPushable as exc:
        return exc.reason
    return None


def sql_text(connector: Connector | None, spec: SourceSpec | None, metric: Metric, filters: Filters) -> str:
    """The SELECT that computes the metric's value for the filters in the database, as SQL text; '' when it is not
    computed there."""
    sql = sql_connector(connector, spec)
    if sql is None:
        return ""
    try:
        statement = compile_ask(sql, Ask(metric, filters)).statement
    except NotPushable:
        return ""
    try:
        return str(statement.compile(dialect=sql.engine.dialect, compile_kwargs={"literal_binds": True}))
    except (sa.exc.CompileError, NotImplementedError):  # a value SQLAlchemy cannot write inline
        return str(statement.compile(dialect=sql.engine.dialect))


def compile_ask(connector: SqlConnector, ask: Ask) -> Compiled:
    """ONE SELECT for the ask: WHERE period, slice and row filter; GROUP BY bucket and dimensions; the aggregates."""
    metric = ask.metric
    if metric.kind not in (MetricKind.SIMPLE, MetricKind.RATIO):
        raise NotPushable(f"a {metric.kind.value} metric is computed from other metrics' numbers")
    dialect = connector.engine.dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise NotPushable(f"the {dialect} dialect is not supported")
    exprs = [e for e in (metric.value, metric.numerator, metric.denominator, metric.row_filter) if e is not None]
    columns = sorted({c for e in exprs for c in e.meta.root_names()} | set(metric.dimensions) | {metric.time_column})
    read, raw = connector.schema(metric.table), connector.read_types(metric.table)
    for name in columns:
        if name not in raw:
            raise NotPushable(f"column {name} is not in table {metric.table}")
        if read[name] != raw[name]:
            raise NotPushable(f"column {name} is converted after reading (time_format or dtypes)")
    time_type = raw[metric.time_column]
    if isinstance(time_type, pl.Datetime) and time_type.time_zone:
        raise NotPushable("its time column carries a time zone")
    equals = tuple((d, v if isinstance(v, tuple) else (v,)) for d, v in ask.filters.where)
    where = Where(metric.time_column, ask.filters.start, ask.filters.end, equals=equals)
    rows = connector.statement(metric.table, columns, where).subquery("rows")
    c = Compiler(rows, {n: raw[n] for n in columns}, dialect)
    outer = {name: c.outer(getattr(metric, name)) for name in ("value", "numerator", "denominator")}
    keys: list[tuple[str, sa.ColumnElement[Any]]] = []
    if ask.grain is not None:
        keys.append(("period", c.bucket(metric.time_column, ask.grain)))
    keys += [(d, rows.c[d]) for d in ask.by]
    stmt = sa.select(*[k.label(n) for n, k in keys], *[a.label(n) for n, a in c.aggregates],
                     sa.func.count().label("rows")).select_from(rows)
    if metric.row_filter is not None:
        stmt = stmt.where(c.boolean(metric.row_filter))
    if keys:
        stmt = stmt.group_by(*[k for _, k in keys])
    types = {**{d: read[d] for d in ask.by}, **c.types, "rows": pl.UInt32()}
    return Compiled(stmt, tuple(n for n, _ in keys), types, **outer)


def finish(compiled: Compiled, frame: pl.DataFrame, metric: Metric) -> pl.DataFrame:
    """The ask's table from the SELECT's result: the same columns, types and values its rows give (planning.py)."""
    if "period" in frame.columns:
        period = pl.col("period")
        frame = frame.with_columns(period.str.slice(0, 10).str.to_date() if frame.schema["period"] == pl.String
                                   else period.cast(pl.Date))
    frame = frame.with_columns([pl.col(n).cast(t) for n, t in compiled.types.items()])
    valued_frame = valued(frame, metric, compiled.value, compiled.numerator, compiled.denominator)
    return valued_frame.select([*compiled.keys, "value", "rows"])
