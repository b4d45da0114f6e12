"""The metric catalogue: a plain registry that metric modules add to explicitly."""
from __future__ import annotations

import importlib
import inspect
import sys
from typing import Iterable

from core.errors import CatalogueError, ConfigError
from metrics.semantics.model import Metric

DEFAULT_PACK = (
    "metrics.pack.data_quality",
    "metrics.pack.process_efficiency",
    "metrics.pack.integration",
    "metrics.pack.service",
    "metrics.pack.compliance",
    "metrics.pack.security",
    "metrics.pack.people",
    "metrics.pack.programme",
    "metrics.pack.feedback",
    "metrics.pack.maturity",
)

_catalogue: dict[str, Metric] = {}
_duplicates: list[str] = []


def register(*metrics: Metric) -> None:
    """Add metrics to the catalogue, remembering the module that declared each."""
    caller = inspect.currentframe().f_back  # type: ignore[union-attr]
    module_name = caller.f_globals.get("__name__", "?") if caller else "?"
    for metric in metrics:
        if not metric.module:
            object.__setattr__(metric, "module", module_name)
        if metric.key in _catalogue:
            _duplicates.append(f"{metric.key} ({metric.module}): duplicate key, also declared in "
                               f"{_catalogue[metric.key].module}")
            continue
        _catalogue[metric.key] = metric


def catalogue() -> dict[str, Metric]:
    """The registered metrics by key, in registration order."""
    return dict(_catalogue)


def duplicate_problems() -> list[str]:
    return list(_duplicates)


def reset() -> None:
    """Empty the catalogue (tests use this through a fixture)."""
    _catalogue.clear()
    _duplicates.clear()


def load_modules(modules: Iterable[str], search_path: str | None = None) -> dict[str, Metric]:
    """Import metric modules (each registers its metrics once) and return the catalogue.

    `search_path` (the config file's folder) is looked in first, so a module can sit beside its config.
    """
    if search_path and search_path not in sys.path:
        sys.path.insert(0, search_path)
    for name in modules:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            moved = getattr(exc, "name", "") in ("metrics.model", "metrics.registry")
            raise ConfigError(f"cannot import metric module '{name}': {exc}", "metric_modules",
                              "import the metric vocabulary from `metrics` (from metrics import Metric, MetricKind, "
                              "Text, register, ...)" if moved else
                              "check the module name and that its folder is on the Python path") from None
        # Importing registers nothing: each module's declare() does, once per catalogue (tests reset it).
        if not hasattr(module, "declare"):
            raise ConfigError(f"metric module '{name}' has no declare() function", "metric_modules",
                              "add `def declare() -> None: register(...)` to it")
        if not any(m.module == name for m in _catalogue.values()):
            module.declare()
    return catalogue()


def get(key: str) -> Metric:
    try:
        return _catalogue[key]
    except KeyError:
        known = ", ".join(_catalogue) or "none"
        raise CatalogueError([f"unknown metric '{key}'; known metrics: {known}"]) from None
