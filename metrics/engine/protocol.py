"""What views, programme features, the command line and snapshots may ask of an engine: the `Questions` protocol.

Both the engine (questions.py) and the engine narrowed to a viewer's scope (scope.py) answer it, and mypy checks
that they do (scope.py). Code that shows or combines numbers takes a `Questions`, so it works the same for a
viewer with a scope and for everyone. The connectors and the cache are not part of it: a scoped engine must not
reach around the scope to the rows, and only the command line clears the cache (it holds the `Engine` itself).
"""
from __future__ import annotations

from datetime import date
from typing import Mapping, Protocol

import polars as pl

from config.settings import Config
from metrics.engine.answers import Answer, DetailPage, Explanation, Headline
from metrics.engine.contributions import Movement
from metrics.engine.periods import Filters
from metrics.semantics.model import Grain, Metric


class Questions(Protocol):
    """The questions an engine answers about the metrics of its catalogue, for a period and filters."""

    @property
    def catalogue(self) -> Mapping[str, Metric]:
        """The metrics that may be asked about, by key."""
        ...

    @property
    def config(self) -> Config:
        """The settings the engine runs with (plan source, programme start, ...)."""
        ...

    def metric(self, key: str) -> Metric:
        """The metric's declaration; UnknownName (or AccessDenied outside a scope) when it cannot be asked about."""
        ...

    # -- the programme calendar: carries no numbers ---------------------------------------------------------
    def programme_start(self) -> date | None: ...

    def baseline_period(self, metric: Metric) -> tuple[date, date] | None: ...

    def target_date(self, metric: Metric) -> date | None: ...

    def milestones(self) -> pl.DataFrame:
        """The programme plan's milestones, for annotations on trends; empty when there is no plan source."""
        ...

    def values(self, dimension: str) -> tuple[str, ...]:
        """The distinct values of a dimension in the listed metrics' tables: what a filter on it may offer."""
        ...

    # -- numbers ----------------------------------------------------------------------------------------------
    def headline(self, key: str, filters: Filters) -> Answer[Headline]: ...

    def value(self, key: str, filters: Filters) -> Answer[float | None]: ...

    def trend(self, key: str, filters: Filters, grain: Grain | None = None) -> Answer[pl.DataFrame]: ...

    def breakdown(self, key: str, filters: Filters, dimension: str) -> Answer[pl.DataFrame]: ...

    def movement(self, key: str, filters: Filters, dimension: str | None = None) -> Answer[Movement]: ...

    def drill(self, key: str, filters: Filters, path: tuple[str, ...]) -> tuple[str | None, Filters]: ...

    def detail(self, key: str, filters: Filters, page: int = 0, page_size: int = 50, sort_by: str | None = None,
               descending: bool = False, only_to_fix: bool = True) -> Answer[DetailPage]: ...

    def explain(self, key: str, filters: Filters) -> Explanation: ...
