"""Cache keys by the months a question reads: a change to October leaves September's answers warm.

A connector that records its changes by month (the local copy: connectors/merge.py) offers `span_token(table,
time_column, start, end, version)`, which changes only when a change touched a month of [start, end) of that column.
A question bounded in time (value, breakdown, trend, detail, movement) reads only the rows of its periods, so its
answer is keyed by the tokens of those periods, for every table it reads (a change metric's baseline window and a
derived metric's inputs too), plus, for a rate, where its table lies in time (the divisor's clip). When a table's
connector offers no tokens, the question is keyed by the whole tables' versions, as any unbounded question is.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from connectors.base import DataVersion
from metrics.engine.periods import Filters
from metrics.semantics.model import Metric, MetricKind

if TYPE_CHECKING:
    from metrics.engine.questions import Engine


@runtime_checkable
class SpanVersioned(Protocol):
    """A connector that can tell the version of the rows of a span of months."""

    def span_token(self, table: str, time_column: str, start: date, end: date,
                   version: DataVersion | None = None) -> str | None:
        ...


def span_versions(engine: Engine, metric: Metric, periods: Sequence[Filters],
                  versions: Mapping[str, DataVersion]) -> dict[str, str] | None:
    """The versions of the months the metric reads over these periods, by table, column and span; None when a table
    it reads cannot tell them (key by the whole tables then)."""
    reads: set[tuple[str, str, str, date, date]] = set()
    rates: dict[str, Metric] = {}

    def walk(of: Metric, spans: list[tuple[date, date]]) -> None:
        if of.kind is MetricKind.CHANGE:
            window = engine.baseline_period(of)  # None: the question fails before it is stored
            walk(engine.metric(of.base), spans + ([window] if window is not None else []))
        elif of.kind is MetricKind.DERIVED:
            for key in of.inputs:
                walk(engine.metric(key), spans)
        else:
            reads.update((of.source, of.table, of.time_column, start, end) for start, end in spans)
            if of.per is not None:
                rates[of.key] = of

    walk(metric, [(f.start, f.end) for f in periods])
    tokens: dict[str, str] = {}
    for source, table, column, start, end in sorted(reads):
        connector = engine.connectors.get(source)
        if not isinstance(connector, SpanVersioned):
            return None
        token = connector.span_token(table, column, start, end, versions[f"{source}.{table}"])
        if token is None:
            return None
        tokens[f"{source}.{table}.{column}:{start}:{end}"] = token
    for key, rate in sorted(rates.items()):  # a rate's divisor is clipped to where its table's rows lie in time
        tokens[f"span:{key}"] = str(engine.data_span(rate))
    return tokens
