"""The programme slide's numbers: milestones done, overdue, in progress and blocked; each phase's progress; the
open milestones due first; and the two schedule KPIs. Read from the plan source, not from the programme page, and
counted by programme/milestones.py, as the programme page and the snapshot emails count them."""
from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from access.roles import Role
from config.playlists import Slide
from core import labels
from core.errors import AccessDenied, SourceError
from core.i18n import t
from dashboard.pages.wall._data import Props, Shown, card_props, freshness_props
from dashboard.pages.wall._ids import part
from dashboard.pages.wall._slides import NEXT_DUE, PHASES, PROGRAMME_KPIS
from programme import milestones as ms
from programme.plan import plan_or_issue


def may_see_plan(viewer: Any) -> bool:
    """Whether the plan may be shown to this viewer: a screen whose playlist has the slide, or a role that opens
    the programme pages (a department lead's wall shows the slide's refusal, not the plan)."""
    return viewer is None or viewer.role is Role.DEVICE or viewer.may_open("/programme")


def programme_props(engine: Any, n: int, s: Slide, theme: str, today: date, viewer: Any = None,
                    plan_engine: Any = None) -> Props:
    """Every number of the programme slide; AccessDenied or SourceError when the plan cannot be shown.

    The plan is read through `plan_engine` (the unscoped engine: a ScopedEngine does not reach the connectors)
    once the viewer's role is checked; the KPIs go through `engine`, the viewer's scope.
    """
    lang = s.language
    if not may_see_plan(viewer):
        raise AccessDenied(t("wall.not_in_role", lang))
    plan, issue = plan_or_issue(plan_engine if plan_engine is not None else engine)
    if plan is None:
        raise SourceError(issue, f"plan source '{engine.config.plan_source}'",
                          "check the plan tables with `python app.py check`")
    milestones = ms.judge_plan(plan, today)
    c = ms.totals(milestones)
    props: Props = {
        part(n, "done"): {"children": f"{c['done']} / {c['total']}"},
        part(n, "overdue"): {"children": str(c["overdue"]),
                             "className": "wall-stat-value" + (" is-bad" if c["overdue"] else "")},
        part(n, "in_progress"): {"children": str(c["in_progress"])},
        part(n, "blocked"): {"children": str(c["blocked"]),
                             "className": "wall-stat-value" + (" is-bad" if c["blocked"] else "")},
    }
    props.update(_phases(n, plan.phases, milestones, today, lang))
    props.update(_due(n, milestones, lang))
    shown: Shown = []
    for key in (k for k in PROGRAMME_KPIS if k in engine.catalogue):
        card_p, answer = card_props(engine, n, engine.catalogue[key], s, today, theme, "compact")
        props.update(card_p)
        shown.append((engine.catalogue[key], answer))
    props.update(freshness_props(n, shown, lang))
    return props


def _phases(n: int, phases: pl.DataFrame, milestones: pl.DataFrame, today: date, lang: str) -> Props:
    """A row per phase: its name (marked while it runs), a bar of milestones done and the count."""
    counts = ms.counts(milestones, ["phase_id"])
    per_phase = {r["phase_id"]: (r["done"], r["total"]) for r in counts.iter_rows(named=True)}
    rows = phases.head(PHASES).iter_rows(named=True)
    props: Props = {}
    for i in range(PHASES):
        row = next(rows, None)
        if row is None:
            props[part(n, f"phase{i}")] = {"className": "wall-phase is-empty"}
            props[part(n, f"phase{i}-name")] = props[part(n, f"phase{i}-count")] = {"children": ""}
            props[part(n, f"phase{i}-bar")] = {"style": {"width": "0%"}}
            continue
        done, total = per_phase.get(row["phase_id"], (0, 0))
        running = row["planned_start"] is not None and row["planned_end"] is not None and (
            row["planned_start"] <= today <= row["planned_end"])
        name = row["name_zh"] if lang == "zh" and row.get("name_zh") else row["name_en"]
        props[part(n, f"phase{i}")] = {"className": "wall-phase" + (" is-current" if running else "")}
        props[part(n, f"phase{i}-name")] = {
            "children": f"{name} · {t('wall.current_phase', lang)}" if running else str(name)}
        props[part(n, f"phase{i}-bar")] = {"style": {"width": f"{100 * done / total:.0f}%" if total else "0%"}}
        props[part(n, f"phase{i}-count")] = {"children": f"{done} / {total}"}
    return props


def _due(n: int, milestones: pl.DataFrame, lang: str) -> Props:
    """The open milestones due first (overdue ones lead, being the earliest), with how late or when due; from a
    judged frame (programme/milestones.py)."""
    title = "title_zh" if lang == "zh" else "title_en"
    rows = list(milestones.filter(ms.OPEN).sort(ms.ORDER).head(NEXT_DUE).iter_rows(named=True))
    props: Props = {}
    for i in range(NEXT_DUE):
        if i >= len(rows):
            props[part(n, f"due{i}")] = {"className": "wall-due is-empty"}
            for field in ("id", "title", "when"):
                props[part(n, f"due{i}-{field}")] = {"children": ""}
            continue
        m = rows[i]
        late = bool(m["overdue"])
        when = (t("wall.late", lang, days=m["slip_days"]) if late
                else t("wall.due", lang, date=labels.date_label(m["planned_end"], lang)))
        status = str(m["status"])
        if status == "blocked":
            when += f" · {t('milestone.blocked', lang)}"
        props[part(n, f"due{i}")] = {"className": f"wall-due status-{status}" + (" is-late" if late else "")}
        props[part(n, f"due{i}-id")] = {"children": str(m["milestone_id"])}
        props[part(n, f"due{i}-title")] = {"children": str(m[title] or m["title_en"] or "")}
        props[part(n, f"due{i}-when")] = {"children": when}
    props[part(n, "calm")] = {"children": "" if rows else t("wall.nothing_due", lang)}
    return props
