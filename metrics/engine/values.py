"""The values a dimension takes in the data: what a filter on it may offer.

Read from the tables of the listed metrics that declare the dimension, one distinct-value scan per table, and
remembered per data version: a new value shows once its table's version changes, and no sooner than a cached
number would.
"""
from __future__ import annotations

from functools import partial
from typing import Mapping

import polars as pl

from connectors.base import Connector, DataVersion, Where
from metrics.engine.cache import ResultCache, digest


def distinct_values(connectors: Mapping[str, Connector], cache: ResultCache, dimension: str,
                    tables: Mapping[tuple[str, str], DataVersion]) -> tuple[str, ...]:
    """The dimension's distinct values over these (source, table)s at their versions, as text, sorted; missing
    and empty values left out."""
    found: set[str] = set()
    for (source, table), version in sorted(tables.items()):
        key = digest("values", source, table, dimension, version.token)
        found.update(cache.remember(key, partial(_read, connectors[source], table, dimension)))
    return tuple(sorted(found))


def _read(connector: Connector, table: str, dimension: str) -> tuple[str, ...]:
    column = pl.col(dimension).cast(pl.String)
    frame = connector.scan(table, [dimension], Where()).select(column.unique()).collect()
    return tuple(sorted(v for v in frame[dimension].to_list() if v is not None and v.strip()))
