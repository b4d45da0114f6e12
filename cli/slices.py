"""The slices of a metric on the command line: the values a dimension takes in the data (so a --where value
that matches none is an error naming them) and a trend per slice (--by with --grain)."""
from __future__ import annotations

from datetime import date

import polars as pl

from core.errors import SourceError, UsageError
from metrics.engine.answers import Answer
from metrics.engine.periods import Filters
from metrics.engine.protocol import Questions
from metrics.semantics.model import Grain

HISTORY_START = date(1900, 1, 1)  # "the whole history": before any record a programme keeps
HISTORY_END = date(9999, 12, 31)
SHOWN_VALUES = 20  # a dimension with more values names the first ones and how many there are


def known_values(engine: Questions, key: str, dimension: str) -> list[str]:
    """The values `dimension` takes in the metric's rows over the whole history (nulls left out), sorted.

    UnknownName when the dimension is not one of the metric's."""
    frame = engine.breakdown(key, Filters(HISTORY_START, HISTORY_END), dimension).data
    return sorted(str(v) for v in frame[dimension].drop_nulls().to_list())


def check_where(engine: Questions, key: str, filters: Filters) -> None:
    """UsageError (exit 2) naming the known values when a --where value matches none of the metric's rows.

    When the source cannot say (it failed, and no last good answer stands in), the question goes ahead unchecked:
    the answer it gets, stale or an error, says more than a check that could not be made."""
    for dimension, value in filters.where:
        wanted = value if isinstance(value, tuple) else (value,)
        try:
            known = known_values(engine, key, dimension)
        except SourceError:
            return
        unknown = [v for v in wanted if v not in known]
        if unknown:
            named = ", ".join(known[:SHOWN_VALUES]) + (f" ... ({len(known)} values)" if len(known) > SHOWN_VALUES
                                                       else "")
            raise UsageError(f"{key} has no {dimension} '{unknown[0]}'", f"--where {dimension}={unknown[0]}",
                             f"use one of: {named}" if known else f"check the source: no row of {key} has a "
                             f"{dimension} yet")


def sliced_trend(engine: Questions, key: str, filters: Filters, dimension: str,
                 grain: Grain) -> Answer[pl.DataFrame]:
    """A trend per slice: columns period, <dimension>, value, rows, for each value the dimension takes in the
    period; one answer, stale (with every reason) when any slice's is."""
    slices = engine.breakdown(key, filters, dimension)
    answers = [slices]
    frames = []
    values = slices.data[dimension]
    for value in values.drop_nulls().unique().sort().to_list():
        where = tuple(pair for pair in filters.where if pair[0] != dimension) + ((dimension, value),)
        trend = engine.trend(key, Filters(filters.start, filters.end, where), grain)
        answers.append(trend)
        frames.append(trend.data.select("period", pl.lit(value, values.dtype).alias(dimension), "value", "rows"))
    frame = (pl.concat(frames) if frames else pl.DataFrame(
        schema={"period": pl.Date, dimension: values.dtype, "value": pl.Float64, "rows": pl.Int64}))
    times = [a.data_as_of for a in answers if a.data_as_of is not None]
    reasons = list(dict.fromkeys(a.stale_reason for a in answers if a.stale_reason))
    return Answer(frame.sort("period", dimension), min(a.computed_at for a in answers), min(times) if times else None,
                  any(a.behind_sla for a in answers), "; ".join(reasons))
