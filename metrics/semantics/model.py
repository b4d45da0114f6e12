"""A metric is one frozen declarative object around polars expressions, with a closed set of kinds."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields, replace
from enum import Enum
from typing import Mapping

import polars as pl

from core.i18n import Text


class MetricKind(Enum):
    """How a metric's value is formed from rows."""

    SIMPLE = "simple"  # one aggregation over the rows
    RATIO = "ratio"  # sum-like numerator / denominator, so it stays right when rows are grouped
    CHANGE = "change"  # another metric now against its baseline period (e.g. error reduction)
    DERIVED = "derived"  # a formula over other metrics' values


class Unit(Enum):
    PERCENT = "percent"  # values are fractions 0-1
    HOURS = "hours"
    DAYS = "days"
    CNY = "cny"
    COUNT = "count"
    PER_DAY = "per_day"
    SCORE = "score"


class Direction(Enum):
    """Which way is good."""

    UP = "up"
    DOWN = "down"


class Pillar(Enum):
    DATA_QUALITY = "data_quality"
    PROCESS = "process"
    INTEGRATION = "integration"
    SERVICE = "service"
    COMPLIANCE = "compliance"
    PEOPLE = "people"
    PROGRAMME = "programme"


class Grain(Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"

    @property
    def every(self) -> str:
        return {"day": "1d", "week": "1w", "month": "1mo", "quarter": "1q"}[self.value]


class Per(Enum):
    """The time a rate is per: its value expression gives the period's total, the engine divides it (README "Rates")."""

    DAY = "day"  # the total over the calendar days of the window
    MONTH = "month"  # the mean of whole months' totals, else the total scaled to an average month (30.4375 days)


class Change(Enum):
    """How a CHANGE metric compares now with the baseline."""

    RELATIVE_REDUCTION = "relative_reduction"  # 1 - now / baseline
    ABSOLUTE_REDUCTION = "absolute_reduction"  # baseline - now


class TargetScope(Enum):
    """How a metric's target applies to one slice of it (a department, a system)."""

    SAME = "same"  # the same target for every slice: rates, averages, durations, scores
    PER_SLICE = "per_slice"  # each slice's own target, given as data ([[targets]] in the config); none: no target
    NONE = "none"  # the programme's target only: a slice shows its value and trend without a target


# The fewest rows (events, milestones) behind a value for it to get a status, when a metric does not say.
MIN_SAMPLE = {"percent": 20, "hours": 10, "days": 5, "score": 10, "cny": 1, "count": 1, "per_day": 1}


@dataclass(frozen=True)
class Metric:
    """One KPI: where its rows come from, how its value is formed, and how to read it.

    SIMPLE uses `value`; RATIO `numerator` and `denominator`; CHANGE `base`, `change` and `scale`;
    DERIVED `inputs` and `formula` (an expression over columns named after the inputs).
    Baseline is the `baseline_months` before the programme start; the target is due `target_month`
    months after it.
    """

    key: str
    title: Text
    description: Text
    pillar: Pillar
    kind: MetricKind
    unit: Unit
    good: Direction
    owner: str
    target: float | None = None
    target_month: int = 18
    baseline_months: int = 3
    target_scope: TargetScope = TargetScope.SAME  # how the target applies to one department or system
    min_sample: int | None = None  # fewest rows (events, milestones) for a status; None: MIN_SAMPLE of its unit
    source: str = ""
    table: str = ""
    time_column: str = ""
    grain: Grain = Grain.MONTH
    per: Per | None = None  # a rate: `value` is the total, divided per day or month of the window
    value: pl.Expr | None = None
    numerator: pl.Expr | None = None
    denominator: pl.Expr | None = None
    row_filter: pl.Expr | None = None
    base: str = ""
    change: Change = Change.RELATIVE_REDUCTION
    scale: float = 1.0
    inputs: tuple[str, ...] = ()
    formula: pl.Expr | None = None
    dimensions: tuple[str, ...] = ()
    drill_path: tuple[str, ...] = ()
    detail_columns: tuple[str, ...] = ()
    problems: pl.Expr | None = None  # per row: what is wrong with it (a string), shown in the record table
    needs_fixing: pl.Expr | None = None  # per row: whether it belongs in the "records to fix" table
    module: str = ""
    # Listed among the KPIs of the overview, the wall, the league table and default snapshots; an unlisted metric
    # (e.g. a questionnaire held every few months) is still asked by the pages that need it, the CLI and its own page.
    listed: bool = True

    @property
    def sample_needed(self) -> int:
        """The fewest rows behind a value for it to get a status: `min_sample`, else its unit's default."""
        return self.min_sample if self.min_sample is not None else MIN_SAMPLE[self.unit.value]

    def expressions(self) -> dict[str, pl.Expr]:
        return {f.name: getattr(self, f.name) for f in fields(self) if isinstance(getattr(self, f.name), pl.Expr)}

    def columns(self) -> set[str]:
        """Every source column this metric reads (not those of its input metrics)."""
        names = {self.time_column} if self.time_column else set()
        names |= set(self.dimensions) | set(self.detail_columns)
        for expr in self.expressions().values():
            if expr is not self.formula:
                names |= set(expr.meta.root_names())
        return names

    def definition_hash(self) -> str:
        """A fingerprint of what changes the numbers: source, table, time column, expressions, kind and its
        parameters, grain, dimensions and baseline settings. Words, owner, target, drill path and the module it sits
        in are left out, so editing a description or moving a pack file is not a definition change."""
        return _fingerprint(self, NUMBER_FIELDS)

    def fingerprint(self) -> str:
        """A fingerprint of the whole declaration except where it sits (cache keys: a new target or problem rule
        must not serve an answer cached under the old one)."""
        return _fingerprint(self, tuple(f.name for f in fields(self) if f.name != "module"))

    def legacy_definition_hash(self, module: str) -> str:
        """The fingerprint earlier releases recorded (every field, the module included), to read their history."""
        return _fingerprint(replace(self, module=module), LEGACY_FIELDS)


# The fields an earlier release fingerprinted, in its order: fields added since must not enter the legacy hash.
LEGACY_FIELDS = ("key", "title", "description", "pillar", "kind", "unit", "good", "owner", "target", "target_month",
                 "baseline_months", "source", "table", "time_column", "grain", "value", "numerator", "denominator",
                 "row_filter", "base", "change", "scale", "inputs", "formula", "dimensions", "drill_path",
                 "detail_columns", "problems", "needs_fixing", "module")
# The fields whose edit changes a number the engine returns (definition_hash).
NUMBER_FIELDS = ("key", "kind", "source", "table", "time_column", "grain", "value", "numerator", "denominator",
                 "row_filter", "base", "change", "scale", "inputs", "formula", "dimensions", "baseline_months",
                 "per")


def _fingerprint(metric: Metric, names: tuple[str, ...]) -> str:
    parts = {}
    for name in names:
        value = getattr(metric, name)
        if isinstance(value, pl.Expr):
            value = value.meta.serialize(format="json")
        elif isinstance(value, Enum):
            value = value.value
        elif isinstance(value, Text):
            value = [value.en, value.zh]
        parts[name] = value
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def listed(catalogue: Mapping[str, Metric]) -> dict[str, Metric]:
    """The metrics shown among the KPIs (the overview, the wall, the league table, default snapshots)."""
    return {key: metric for key, metric in catalogue.items() if metric.listed}
