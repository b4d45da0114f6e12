"""What a viewer may see, enforced in the engine's queries: a department filter and a set of metrics.

Views never filter for access themselves: every question goes through a ScopedEngine, so a hand-made request
gets exactly what the viewer's scope allows and nothing else.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Callable

import polars as pl

from config.settings import Config
from core.errors import AccessDenied
from metrics.engine.answers import Answer, DetailPage, Explanation, Headline
from metrics.engine.cache import ResultCache
from metrics.engine.periods import Filters
from metrics.engine.protocol import Questions
from metrics.engine.questions import Engine
from metrics.semantics.model import Grain, Metric

DEPARTMENT = "department"


@dataclass(frozen=True)
class Scope:
    """A viewer's reach: one department (None: all) and the metrics they may see (None: all)."""

    department: str | None = None
    metrics: frozenset[str] | None = None
    label: str = "everyone"

    def check_metric(self, key: str) -> None:
        if self.metrics is not None and key not in self.metrics:
            raise AccessDenied(f"metric '{key}' is outside your access", self.label,
                               "ask an administrator for a role that includes it")

    def narrow(self, metric: Metric, filters: Filters) -> Filters:
        """The filters with the viewer's department forced in; refused when the metric has no department."""
        self.check_metric(metric.key)
        if self.department is None:
            return filters
        if DEPARTMENT not in metric.dimensions:
            raise AccessDenied(f"{metric.key} is not broken down by department, so it is not shown to a "
                               f"department scope", self.label, "ask the PMO or an executive for this number")
        asked = dict(filters.where).get(DEPARTMENT)
        asked_set = set(asked) if isinstance(asked, tuple) else ({asked} if asked is not None else set())
        if asked_set - {self.department}:
            raise AccessDenied(f"department '{asked}' is outside your access", self.label,
                               f"ask only for department '{self.department}'")
        where = {**dict(filters.where), DEPARTMENT: self.department}
        return replace(filters, where=tuple(where.items()))


class ScopedEngine:
    """The engine's questions, answered only within a scope. Same method names as Engine."""

    def __init__(self, engine: Engine, scope: Scope) -> None:
        self.engine, self.scope = engine, scope

    @property
    def catalogue(self) -> dict[str, Metric]:
        return {k: m for k, m in self.engine.catalogue.items() if self.visible(k)}

    def visible(self, key: str) -> bool:
        """Whether the viewer may see this metric at all (so views can leave it out)."""
        metric = self.engine.catalogue.get(key)
        if metric is None or (self.scope.metrics is not None and key not in self.scope.metrics):
            return False
        return self.scope.department is None or DEPARTMENT in metric.dimensions

    def metric(self, key: str) -> Metric:
        metric = self.engine.metric(key)
        self.scope.check_metric(key)
        return metric

    def _narrow(self, key: str, filters: Filters) -> Filters:
        return self.scope.narrow(self.engine.metric(key), filters)

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

    # -- numbers, within the scope -----------------------------------------------------------------------------
    def headline(self, key: str, filters: Filters) -> Answer[Headline]:
        return self.engine.headline(key, self._narrow(key, filters))

    def value(self, key: str, filters: Filters) -> Answer[float | None]:
        return self.engine.value(key, self._narrow(key, filters))

    def trend(self, key: str, filters: Filters, grain: Grain | None = None) -> Answer[pl.DataFrame]:
        return self.engine.trend(key, self._narrow(key, filters), grain)

    def breakdown(self, key: str, filters: Filters, dimension: str) -> Answer[pl.DataFrame]:
        return self.engine.breakdown(key, self._narrow(key, filters), dimension)

    def drill(self, key: str, filters: Filters, path: tuple[str, ...]) -> tuple[str | None, Filters]:
        level, drilled = self.engine.drill(key, filters, path)
        return level, self._narrow(key, drilled)

    def detail(self, key: str, filters: Filters, page: int = 0, page_size: int = 50, sort_by: str | None = None,
               descending: bool = False, only_to_fix: bool = True) -> Answer[DetailPage]:
        return self.engine.detail(key, self._narrow(key, filters), page, page_size, sort_by, descending, only_to_fix)

    def explain(self, key: str, filters: Filters) -> Explanation:
        return self.engine.explain(key, self._narrow(key, filters))


if TYPE_CHECKING:  # mypy checks here that both engines answer every question of the protocol
    _engine: type[Questions] = Engine
    _scoped: type[Questions] = ScopedEngine
