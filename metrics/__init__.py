"""What each number means and how it is computed, in three packages:

- `metrics.semantics`: the metric language (the Metric declaration, the registry, catalogue validation, formatting);
- `metrics.engine`: answers questions about metrics over the connectors' frames (planning, cache, scope, status);
- `metrics.pack`: the default metric pack, the files a KPI owner edits.

A metric module of your own imports its vocabulary from here: `from metrics import Dataset, share, register, ...`.
This package may import `core`, `config` and `connectors`; `metrics.semantics` imports none of the other two,
`metrics.engine` may import `metrics.semantics`, and `metrics.pack` both.
"""
from __future__ import annotations

from metrics.semantics.dataset import Dataset
from metrics.semantics.model import Change, Direction, Grain, Metric, MetricKind, Per, Pillar, TargetScope, Text, Unit
from metrics.semantics.registry import register
from metrics.semantics.shapes import (
    average,
    change,
    count,
    formula,
    measure,
    median,
    percentile,
    problem_unless,
    ratio,
    share,
    total,
)

__all__ = ["Change", "Dataset", "Direction", "Grain", "Metric", "MetricKind", "Per", "Pillar", "TargetScope", "Text",
           "Unit", "average", "change", "count", "formula", "measure", "median", "percentile", "problem_unless",
           "ratio", "register", "share", "total"]
