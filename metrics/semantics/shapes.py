"""The common shapes of a metric, each a constructor that returns a plain `Metric` reading a dataset's rows.

    share("automation_rate", PROCESS_RUNS, pl.col("mode") == "automated", good=Direction.UP, target=0.75,
          pillar=Pillar.PROCESS, owner="Head of Process Excellence", title=Text(...), description=Text(...))

Every constructor takes the metric's key, its dataset (for `change` its base metric, for `formula` its inputs), what
its shape needs, then by keyword its words, pillar, owner, good direction and target, and any optional field of
`Metric` under the same name (`row_filter`, `problems`, `needs_fixing`, `min_sample`, `target_scope`, `listed` ...).
A column is given by its name or as an expression over columns (`pl.col("resolved_at") - pl.col("opened_at")`).
A shape not listed here is a `Metric(...)` of its own.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import NotRequired, TypedDict, Unpack

import polars as pl

from core.errors import CatalogueError
from core.i18n import Text
from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Change, Direction, Grain, Metric, MetricKind, Per, Pillar, TargetScope, Unit

Column = str | pl.Expr


class Declaration(TypedDict):
    """What every metric says besides its shape: its words, pillar, owner, good direction and target, then
    optional fields of `Metric` under the same names."""

    title: Text
    description: Text
    pillar: Pillar
    owner: str
    good: Direction
    target: float | None
    target_month: NotRequired[int]
    baseline_months: NotRequired[int]
    target_scope: NotRequired[TargetScope]
    min_sample: NotRequired[int | None]
    grain: NotRequired[Grain]
    row_filter: NotRequired[pl.Expr | None]
    problems: NotRequired[pl.Expr | None]
    needs_fixing: NotRequired[pl.Expr | None]
    listed: NotRequired[bool]


class _Shape(TypedDict, total=False):
    value: pl.Expr
    numerator: pl.Expr
    denominator: pl.Expr
    per: Per | None
    base: str
    change: Change
    scale: float
    inputs: tuple[str, ...]
    formula: pl.Expr


def _metric(key: str, kind: MetricKind, unit: Unit, rows: Dataset | Metric, declared: Declaration,
            **shape: Unpack[_Shape]) -> Metric:
    """A metric reading the rows of a dataset (or of the metric it is computed from); a keyword that is missing,
    misspelt or given twice is a CatalogueError naming the metric."""
    try:
        return Metric(key=key, kind=kind, unit=unit, source=rows.source, table=rows.table,
                      time_column=rows.time_column, dimensions=rows.dimensions, drill_path=rows.drill_path,
                      detail_columns=rows.detail_columns, **declared, **shape)
    except TypeError as exc:
        wrong = str(exc).split(") ", 1)[-1]  # "Metric.__init__() got an unexpected keyword argument 'x'"
        problem = (f"{key}: {wrong}; a metric takes its words, pillar, owner, good and target, then any field of "
                   "Metric by its name (metrics/semantics/shapes.py)")
        raise CatalogueError([problem]) from None


def _column(of: Column) -> pl.Expr:
    return pl.col(of) if isinstance(of, str) else of


def share(key: str, rows: Dataset, passing: pl.Expr, **declared: Unpack[Declaration]) -> Metric:
    """The share of the rows for which `passing` holds (a percentage). Its records to fix are the rows that fail
    the rule when more is better, those that pass it when less is (an error rate), unless `needs_fixing` says."""
    declared.setdefault("needs_fixing", ~passing if declared.get("good") is Direction.UP else passing)
    return _metric(key, MetricKind.RATIO, Unit.PERCENT, rows, declared, numerator=passing.sum(), denominator=pl.len())


def ratio(key: str, rows: Dataset, numerator: pl.Expr, denominator: pl.Expr, unit: Unit = Unit.PERCENT,
          **declared: Unpack[Declaration]) -> Metric:
    """Numerator ÷ denominator, each a sum or a count over the rows (`pl.col("scrap_kg").sum()`, `pl.len()`), so
    that the ratio of a group is right whatever it is cut by."""
    return _metric(key, MetricKind.RATIO, unit, rows, declared, numerator=numerator, denominator=denominator)


def total(key: str, rows: Dataset, of: Column, unit: Unit, per: Per | None = None,
          **declared: Unpack[Declaration]) -> Metric:
    """The sum of a column over the period's rows; with `per`, that total per day or per month (README "Rates")."""
    return _metric(key, MetricKind.SIMPLE, unit, rows, declared, value=_column(of).sum(), per=per)


def average(key: str, rows: Dataset, of: Column, unit: Unit, **declared: Unpack[Declaration]) -> Metric:
    """The mean of a column over the period's rows."""
    return _metric(key, MetricKind.SIMPLE, unit, rows, declared, value=_column(of).mean())


def median(key: str, rows: Dataset, of: Column, unit: Unit, **declared: Unpack[Declaration]) -> Metric:
    """The median of a column over the period's rows."""
    return _metric(key, MetricKind.SIMPLE, unit, rows, declared, value=_column(of).median())


def percentile(key: str, rows: Dataset, of: Column, quantile: float, unit: Unit,
               **declared: Unpack[Declaration]) -> Metric:
    """The value below which `quantile` (0.9 for the 90th percentile) of a column's values fall, interpolated
    linearly between the two values around it."""
    return _metric(key, MetricKind.SIMPLE, unit, rows, declared,
                   value=_column(of).quantile(quantile, interpolation="linear"))


def count(key: str, rows: Dataset, per: Per | None = None, **declared: Unpack[Declaration]) -> Metric:
    """The number of rows in the period; with `per=Per.DAY` rows per calendar day, with `per=Per.MONTH` per month
    (the mean of month-end lists' counts, say)."""
    unit = Unit.PER_DAY if per is Per.DAY else Unit.COUNT
    return _metric(key, MetricKind.SIMPLE, unit, rows, declared, value=pl.len(), per=per)


def measure(key: str, rows: Dataset, value: pl.Expr, unit: Unit, per: Per | None = None,
            **declared: Unpack[Declaration]) -> Metric:
    """Any other aggregation over the period's rows (`pl.col("id").n_unique()`); with `per`, a total per day or
    month."""
    return _metric(key, MetricKind.SIMPLE, unit, rows, declared, value=value, per=per)


def change(key: str, base: Metric, how: Change = Change.RELATIVE_REDUCTION, scale: float = 1.0,
           **declared: Unpack[Declaration]) -> Metric:
    """A simple or ratio metric now against its baseline period: 1 − now ÷ baseline (a percentage), or with
    `Change.ABSOLUTE_REDUCTION` baseline − now (in the base's unit), times `scale`. It reads the base's rows."""
    unit = Unit.PERCENT if how is Change.RELATIVE_REDUCTION else base.unit
    return _metric(key, MetricKind.CHANGE, unit, base, declared, base=base.key, change=how, scale=scale)


def formula(key: str, inputs: Sequence[Metric], expression: pl.Expr, unit: Unit,
            **declared: Unpack[Declaration]) -> Metric:
    """A formula over other metrics' values, each named as a column by its key (`pl.col("hours_saved") * 180`).
    It is cut by the dimensions, and reads the rows' facts, of its first input."""
    if not inputs:
        problem = (f"{key}: a formula needs at least one input metric, e.g. formula({key!r}, [hours_saved], "
                   f'pl.col("hours_saved") * 180, ...)')
        raise CatalogueError([problem])
    return _metric(key, MetricKind.DERIVED, unit, inputs[0], declared, inputs=tuple(m.key for m in inputs),
                   formula=expression)


def problem_unless(ok: pl.Expr, problem: str) -> pl.Expr:
    """Per row, `problem` where `ok` does not hold and "" where it does: a record table's problem column."""
    return pl.when(ok).then(pl.lit("")).otherwise(pl.lit(problem))
