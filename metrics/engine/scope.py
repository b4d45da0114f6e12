"""What a viewer may see, enforced in the engine's queries: a department filter and a set of metrics.

The department is a value of the config's `scope_dimension` (the column that says whose a row is).

Views never filter for access themselves: every question goes through a ScopedEngine, so a hand-made request
gets exactly what the viewer's scope allows and nothing else. Each question it refuses (outside the scope, or about
a metric that does not exist) is reported to its `Refusals` (the audit trail's `denied` rows) where it is refused,
whoever catches the error afterwards.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol, TypeVar

import polars as pl

from config.settings import Config
from core.errors import AccessDenied, UnknownName
from metrics.engine.answers import Answer, DetailPage, Explanation, Headline
from metrics.engine.cache import ResultCache
from metrics.engine.contributions import Movement
from metrics.engine.periods import Filters
from metrics.engine.protocol import Questions
from metrics.engine.questions import Engine
from metrics.semantics.model import Grain, Metric

T = TypeVar("T")


@dataclass(frozen=True)
class Scope:
    """A viewer's reach: one department, a value of the scope dimension (None: all), and the metrics they may see
    (None: all)."""

    department: str | None = None
    metrics: frozenset[str] | None = None
    label: str = "everyone"

    def check_metric(self, key: str) -> None:
        if self.metrics is not None and key not in self.metrics:
            raise AccessDenied(f"metric '{key}' is outside your access", self.label,
                               "ask an administrator for a role that includes it")

    def narrow(self, metric: Metric, filters: Filters, dimension: str) -> Filters:
        """The filters with the viewer's department (a value of `dimension`, the scope dimension) forced in;
        refused when the metric is not broken down by that dimension."""
        self.check_metric(metric.key)
        if self.department is None:
            return filters
        if dimension not in metric.dimensions:
            raise AccessDenied(f"{metric.key} is not broken down by {dimension}, so it is not shown to a "
                               f"department scope", self.label, "ask the PMO or an executive for this number")
        asked = dict(filters.where).get(dimension)
        asked_set = set(asked) if isinstance(asked, tuple) else ({asked} if asked is not None else set())
        if asked_set - {self.department}:
            raise AccessDenied(f"department '{asked}' is outside your access", self.label,
                               f"ask only for department '{self.department}'")
        return self.applied(filters, dimension)

    def applied(self, filters: Filters, dimension: str) -> Filters:
        """The filters as this scope applies them: its department in place of any other (what the audit records;
        `narrow` refuses a question asking for another first)."""
        if self.department is None:
            return filters
        return replace(filters, where=tuple({**dict(filters.where), dimension: self.department}.items()))


class Refusals(Protocol):
    """Where a scoped engine reports each question it refuses."""

    def refused(self, asked: str, filters: Mapping[str, Any] | None, reason: str) -> None:
        """Record a refusal: the metric asked for, the filters asked with (None: none), and why."""
        ...


class ScopedEngine:
    """The engine's questions, answered only within a scope. Same method names as Engine.

    A question refused (AccessDenied, UnknownName) is reported to `refusals` before the error goes on; an error
    from reporting it (the audit cannot be written, say) goes on in its place.
    """

    def __init__(self, engine: Engine, scope: Scope, refusals: Refusals | None = None) -> None:
        self.engine, self.scope, self.refusals = engine, scope, refusals
        self.dimension = engine.config.scope_dimension  # the column the scope's department is a value of

    def _asked(self, key: str, filters: Filters | None, answer: Callable[[], T]) -> T:
        """answer(), with a refusal reported to `refusals` once."""
        try:
            return answer()
        except (AccessDenied, UnknownName) as exc:
            if self.refusals is not None and not exc.recorded:
                self.refusals.refused(key, filters.params() if filters is not None else None, exc.message)
                exc.recorded = True
            raise

    @property
    def catalogue(self) -> dict[str, Metric]:
        return {k: m for k, m in self.engine.catalogue.items() if self.visible(k)}

    def visible(self, key: str) -> bool:
        """Whether the viewer may see this metric at all (so views can leave it out)."""
        metric = self.engine.catalogue.get(key)
        if metric is None or (self.scope.metrics is not None and key not in self.scope.metrics):
            return False
        return self.scope.department is None or self.dimension in metric.dimensions

    def metric(self, key: str) -> Metric:
        def checked() -> Metric:
            metric = self.engine.metric(key)
            self.scope.check_metric(key)
            return metric

        return self._asked(key, None, checked)

    def _narrow(self, key: str, filters: Filters) -> Filters:
        return self.scope.narrow(self.engine.metric(key), filters, self.dimension)

    # -- calendar and settings: they carry no numbers, so they pass through ------------------------------------
    @property
    def config(self) -> Config:
        return self.engine.config

    @property
    def cache(self) -> ResultCache:
        return self.engine.cache

    @property
    def now(self) -> Callable[[], datetime]:
        return self.engine.now

    def programme_start(self) -> date | None:
        return self.engine.programme_start()

    def baseline_period(self, metric: Metric) -> tuple[date, date] | None:
        return self.engine.baseline_period(metric)

    def target_date(self, metric: Metric) -> date | None:
        return self.engine.target_date(metric)

    def milestones(self) -> pl.DataFrame:
        return self.engine.milestones()

    def values(self, dimension: str) -> tuple[str, ...]:
        """A department scope's own department is the only value of the scope dimension it may filter by."""
        if self.scope.department is not None and dimension == self.dimension:
            return (self.scope.department,)
        return self.engine.values(dimension)

    # -- numbers, within the scope -----------------------------------------------------------------------------
    def headline(self, key: str, filters: Filters) -> Answer[Headline]:
        return self._asked(key, filters, lambda: self.engine.headline(key, self._narrow(key, filters)))

    def value(self, key: str, filters: Filters) -> Answer[float | None]:
        return self._asked(key, filters, lambda: self.engine.value(key, self._narrow(key, filters)))

    def trend(self, key: str, filters: Filters, grain: Grain | None = None) -> Answer[pl.DataFrame]:
        return self._asked(key, filters, lambda: self.engine.trend(key, self._narrow(key, filters), grain))

    def breakdown(self, key: str, filters: Filters, dimension: str) -> Answer[pl.DataFrame]:
        return self._asked(key, filters, lambda: self.engine.breakdown(key, self._narrow(key, filters), dimension))

    def movement(self, key: str, filters: Filters, dimension: str | None = None) -> Answer[Movement]:
        return self._asked(key, filters, lambda: self.engine.movement(key, self._narrow(key, filters), dimension))

    def drill(self, key: str, filters: Filters, path: tuple[str, ...]) -> tuple[str | None, Filters]:
        def drilled() -> tuple[str | None, Filters]:
            level, found = self.engine.drill(key, filters, path)
            return level, self._narrow(key, found)

        return self._asked(key, filters, drilled)

    def detail(self, key: str, filters: Filters, page: int = 0, page_size: int = 50, sort_by: str | None = None,
               descending: bool = False, only_to_fix: bool = True) -> Answer[DetailPage]:
        return self._asked(key, filters, lambda: self.engine.detail(
            key, self._narrow(key, filters), page, page_size, sort_by, descending, only_to_fix))

    def explain(self, key: str, filters: Filters) -> Explanation:
        return self._asked(key, filters, lambda: self.engine.explain(key, self._narrow(key, filters)))


if TYPE_CHECKING:  # mypy checks here that both engines answer every question of the protocol
    _engine: type[Questions] = Engine
    _scoped: type[Questions] = ScopedEngine
