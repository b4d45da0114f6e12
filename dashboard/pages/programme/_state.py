"""Where the programme page stands: the URL's view, the before/after weeks, and the drill into the plan.

The drill rides in the view's `drill` values, in the order phase → workstream → milestone → KPI:

    /programme?drill=pilot&drill=mdm&drill=M03&drill=data_accuracy&weeks=12

`weeks` is not (yet) a ViewState field, so this module reads it from the query and writes it back itself.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Mapping
from urllib.parse import urlencode

from core.i18n import t
from dashboard.pages.programme import _words as _programme_text  # noqa: F401 - registers the page's strings before any is asked for
from dashboard.state import ViewState
from programme.plan import Plan

PATH = "/programme"
WEEKS = (4, 8, 12)
DEFAULT_WEEKS = 8
LEVELS = ("phase", "workstream", "milestone", "kpi")


@dataclass(frozen=True)
class Address:
    """A programme view as a URL: the shared view (language, theme, drill) and the before/after weeks."""

    view: ViewState
    weeks: int = DEFAULT_WEEKS

    def href(self, path: str = PATH) -> str:
        base = self.view.href(path)
        if self.weeks == DEFAULT_WEEKS:
            return base
        return base + ("&" if "?" in base else "?") + urlencode({"weeks": self.weeks})

    def drilled(self, *values: str) -> Address:
        """The same view drilled to these values (phase, workstream, milestone, KPI), as far as given."""
        return replace(self, view=replace(self.view, drill=tuple(v for v in values if v), by="", page=1, sort=""))


def address_of(query: Mapping[str, Any]) -> tuple[Address, list[str]]:
    """The address a URL's parameters ask for, and a note for each parameter that was wrong and ignored."""
    view, problems = ViewState.from_query(query)
    raw = query.get("weeks", "")
    raw = str(raw[-1] if isinstance(raw, list) and raw else raw or "").strip()
    weeks = DEFAULT_WEEKS
    if raw:
        if raw.isdigit() and int(raw) in WEEKS:
            weeks = int(raw)
        else:
            problems.append(f"weeks '{raw}' is not one of {', '.join(map(str, WEEKS))}")
    return Address(view, weeks), problems


@dataclass(frozen=True)
class Focus:
    """How far the drill reaches into the plan; values the plan does not know end it, with a note why."""

    phase: str | None = None
    workstream: str | None = None
    milestone: str | None = None
    kpi: str | None = None
    problem: str = ""

    @property
    def depth(self) -> int:
        return sum(v is not None for v in (self.phase, self.workstream, self.milestone, self.kpi))

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(v for v in (self.phase, self.workstream, self.milestone, self.kpi) if v is not None)


def focus_of(plan: Plan, drill: tuple[str, ...], lang: str) -> Focus:
    """The drill checked against the plan: each level must exist below the one before it."""
    rows = plan.milestones
    phases = list(plan.phases["phase_id"]) + [p for p in rows["phase_id"].unique().to_list() if p is not None]
    steps = list(drill[: len(LEVELS)])
    found: dict[str, str] = {}
    for level, value in zip(LEVELS, steps):
        if level == "phase":
            ok = value in phases
        elif level == "workstream":
            ok = value in set(rows.filter(rows["phase_id"] == found["phase"])["workstream_id"].to_list())
        elif level == "milestone":
            m = plan.milestone(value)
            ok = m is not None and m["phase_id"] == found["phase"] and m["workstream_id"] == found["workstream"]
        else:
            m = plan.milestone(found["milestone"]) or {}
            ok = value in [k.strip() for k in str(m.get("kpis") or "").split(",")]
        if not ok:
            extra = {"milestone": found.get("milestone", "")} if level == "kpi" else {}
            problem = t(f"programme.unknown_{level}", lang, value=value, **extra)
            return Focus(**found, problem=t("programme.bad_drill", lang, problem=problem))
        found[level] = value
    return Focus(**found)
