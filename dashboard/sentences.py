"""A sentence pages share: the command that prints the same number as the screen.

Why a KPI has its status is the status decision's own sentence (`Headline.decision.sentence`), never written here.
"""
from __future__ import annotations

import shlex
from datetime import timedelta

from dashboard.state import ViewState
from metrics.engine.periods import Filters
from metrics.semantics.model import Metric


def cli_command(metric: Metric, view: ViewState, filters: Filters) -> str:
    """The command that prints the same number, so anyone can check the screen against the CLI."""
    args = ["python", "app.py", "query", metric.key]
    if view.period == "custom":
        args += ["--from", filters.start.isoformat(), "--to", (filters.end - timedelta(days=1)).isoformat()]
    elif view.period != "month":
        args += ["--period", view.period]
    for dim, value in filters.where:
        args += ["--where", f"{dim}={value}"]
    if view.language:
        args[2:2] = ["--language", view.language]
    return " ".join(shlex.quote(a) for a in args)
