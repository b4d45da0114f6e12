"""Why a ratio moved: the change between two periods split into each slice's contribution, as rate and mix effects.

A ratio over slices is the slices' ratios weighted by their shares of the denominator: R = Σ wᵢ·rᵢ. Between two
periods each slice's term changes by w̄ᵢ·Δrᵢ + r̄ᵢ·Δwᵢ exactly (w̄, r̄: the two periods' means), so

    ΔR = Σ w̄ᵢ·Δrᵢ  +  Σ (r̄ᵢ − R̄)·Δwᵢ          (the shares sum to 1 in both periods, so Σ Δwᵢ = 0)
         rate effect     mix effect

The rate effect is the slice's own ratio moving (Finance's accuracy fell); the mix effect is its share moving,
counted against the average (a slice below average that grows its share pulls the total down). Each slice's
contribution is the sum of the two, and the contributions add up to the change exactly. A numerator that does
not add up over slices (duplicates whose twins sit in another department) leaves a remainder: it is reported as
its own line, "across slices", never spread or dropped. A slice with rows in one period only has its share 0 in
the other and no rate effect.
"""
from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from core.errors import UsageError
from metrics.engine.periods import Filters
from metrics.engine.planning import Planner
from metrics.semantics.model import Metric, MetricKind


@dataclass(frozen=True)
class Movement:
    """A ratio's change from `then` to `now` and its split by `dimension`: one row per slice, largest first."""

    key: str
    dimension: str
    then: float | None
    now: float | None
    slices: pl.DataFrame  # dimension, then_value, now_value, then_share, now_share, rate_effect, mix_effect,
    # contribution; ordered by the size of the contribution
    across: float  # the part of the change no slice holds (a numerator that does not add up over slices)

    @property
    def change(self) -> float | None:
        return None if self.now is None or self.then is None else self.now - self.then


def decomposable(metric: Metric) -> bool:
    return metric.kind is MetricKind.RATIO and metric.numerator is not None and metric.denominator is not None


def movement(planner: Planner, metric: Metric, now: Filters, then: Filters, dimension: str) -> Movement:
    """The metric's change from `then` to `now` split by `dimension` (one scan per period and grouping)."""
    if not decomposable(metric):
        raise UsageError(f"{metric.key} is not a ratio, so its change is not split into contributions",
                         f"metric {metric.key}", "ask for a ratio metric (numerator ÷ denominator)")
    planner.check_dimension(metric, dimension)
    assert metric.numerator is not None and metric.denominator is not None
    parts = [metric.numerator.cast(pl.Float64).alias("num"), metric.denominator.cast(pl.Float64).alias("den")]
    columns = {c for e in (metric.numerator, metric.denominator, metric.row_filter) if e is not None
               for c in e.meta.root_names()} | {dimension, metric.time_column}
    lazies = []
    for filters in (then, now):
        frame = planner.frame(metric, filters, columns)
        lazies += [frame.select(parts), frame.group_by(dimension).agg(parts)]
    total_then, by_then, total_now, by_now = pl.collect_all(lazies)
    return _split(metric.key, dimension, _ratio(total_then), _ratio(total_now), by_then, by_now)


def _ratio(total: pl.DataFrame) -> float | None:
    num, den = total["num"][0], total["den"][0]
    return None if num is None or not den else num / den


def _split(key: str, dimension: str, then: float | None, now: float | None, by_then: pl.DataFrame,
           by_now: pl.DataFrame) -> Movement:
    joined = (by_then.rename({"num": "num_then", "den": "den_then"})
              .join(by_now.rename({"num": "num_now", "den": "den_now"}), on=dimension, how="full", coalesce=True,
                    nulls_equal=True)
              .with_columns(pl.col("^(num|den)_(then|now)$").fill_null(0.0))
              .filter((pl.col("den_then") != 0) | (pl.col("den_now") != 0)))
    share = {p: joined[f"den_{p}"] / joined[f"den_{p}"].sum() if joined[f"den_{p}"].sum() else joined[f"den_{p}"]
             for p in ("then", "now")}
    joined = joined.with_columns(
        then_share=share["then"], now_share=share["now"],
        then_value=pl.when(pl.col("den_then") != 0).then(pl.col("num_then") / pl.col("den_then")),
        now_value=pl.when(pl.col("den_now") != 0).then(pl.col("num_now") / pl.col("den_now")))
    # The sliced totals (Σ wᵢ·rᵢ); they differ from `then`/`now` only when the numerator does not add up over slices.
    sliced = {p: float((joined[f"{p}_share"] * joined[f"{p}_value"].fill_null(0.0)).sum()) for p in ("then", "now")}
    mean_total = (sliced["then"] + sliced["now"]) / 2
    # A slice missing in one period takes its other period's ratio there: its share moved, its ratio did not.
    r_then = pl.col("then_value").fill_null(pl.col("now_value"))
    r_now = pl.col("now_value").fill_null(pl.col("then_value"))
    joined = joined.with_columns(
        rate_effect=(pl.col("then_share") + pl.col("now_share")) / 2 * (r_now - r_then),
        mix_effect=((r_then + r_now) / 2 - mean_total) * (pl.col("now_share") - pl.col("then_share")),
    ).with_columns(contribution=pl.col("rate_effect") + pl.col("mix_effect"))
    slices = joined.select(dimension, "then_value", "now_value", "then_share", "now_share", "rate_effect",
                           "mix_effect", "contribution").sort(
        pl.col("contribution").abs(), dimension, descending=[True, False], nulls_last=True)
    whole = None if now is None or then is None else now - then
    across = 0.0 if whole is None else whole - (sliced["now"] - sliced["then"])
    return Movement(key, dimension, then, now, slices, across)
