"""An email's content in one language, as words and links: what html_email.py and text_email.py lay out.

Every number is formatted by metrics.format, as on the dashboard and in `python app.py query`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from config.snapshots import SnapshotSpec
from core import labels
from core.i18n import t
from dashboard.figures import good_direction
from dashboard.theme import STATUS_SYMBOL
from metrics.engine.contributions import Movement
from metrics.engine.decision import period_name
from metrics.semantics.format import format_delta, format_value
from metrics.semantics.model import Metric, Pillar, Unit
from snapshots import words as _mail_words  # noqa: F401 - registers the email's words
from snapshots.changes import Changes
from snapshots.charts import Picture
from snapshots.links import metric_url, overview_url
from snapshots.numbers import KpiResult, Problem, SnapshotNumbers, Trouble

STATUS_RANK = {"off_track": 0, "at_risk": 1, "on_track": 2}
MILESTONE_ORDER = ("done", "in_progress", "not_started", "blocked")
WHY_SLICES = 3  # the slices that moved a ratio most, under each mover
WHY_SMALLEST = 0.0005  # a contribution under 0.05 pp is not a reason


@dataclass(frozen=True)
class KpiLine:
    """One row of the KPI table."""

    key: str
    title: str
    value: str
    href: str
    status: str  # on_track, at_risk, off_track, unknown; '' when there is no answer
    status_label: str
    delta: str
    tone: str  # good, bad, flat or ''
    facts: str
    problem: str = ""
    checkin: str = ""  # the owner's word on the period: "Owner: at risk: ... (ada, 2026-11-02)"


@dataclass(frozen=True)
class Group:
    title: str
    lines: list[KpiLine]


@dataclass(frozen=True)
class Line:
    """A sentence with a tone (good, bad, flat, '') and an optional link."""

    text: str
    tone: str = ""
    href: str = ""


@dataclass(frozen=True)
class Notice:
    """A box at the top of the email: 'failure' (incomplete numbers) or 'late'."""

    kind: str
    title: str
    lines: list[str]


@dataclass(frozen=True)
class ChartBlock:
    title: str
    href: str
    cid: str  # '' when there is no picture: then `note` says why
    alt: str
    note: str = ""


@dataclass(frozen=True)
class Late:
    """When a scheduled send comes late: when it was due, and how many earlier missed sends it stands for."""

    due: datetime  # wall-clock, in the snapshot's zone
    zone: str
    merged: int = 0
    first_due: datetime | None = None


@dataclass(frozen=True)
class EmailView:
    lang: str
    subject: str
    title: str
    meta: list[str]
    notices: list[Notice]
    changes: list[tuple[str, list[Line]]]
    groups: list[Group]
    charts: list[ChartBlock]
    programme: list[tuple[str, list[Line]]]
    overview_href: str
    footer: list[str] = field(default_factory=list)


def build_view(spec: SnapshotSpec, numbers: SnapshotNumbers, changes: Changes, lang: str, public_url: str,
               pictures: list[tuple[str, Picture]], prepared: datetime, key: str, late: Late | None) -> EmailView:
    """The email's content in `lang`; `pictures` are (content id, picture) per chart, in the spec's order."""
    period = period_name(*numbers.period, lang, to_date=numbers.period[1] == numbers.today)
    problems = numbers.problems()
    title = spec.title(lang) if spec.titles else t("mail.title.default", lang)
    template = spec.subjects.get(lang) or t("mail.subject", lang)
    subject = template.format(title=title, period=period, date=labels.date_label(prepared.date(), lang), name=spec.name)
    if problems:
        subject = t("mail.subject.incomplete", lang) + subject
    as_of = [k.answer.data_as_of for k in numbers.kpis if k.answer is not None and k.answer.data_as_of]
    meta = [t("mail.header.period", lang, period=period),
            t("mail.header.sent", lang, when=f"{labels.time_label(prepared, lang)} ({spec.timezone.key})")]
    if as_of:
        meta.append(t("mail.header.as_of", lang, when=labels.time_label(min(as_of), lang)))
    notices = []
    if problems:
        notices.append(Notice("failure", t("mail.failure.title", lang),
                              [t("mail.failure.intro", lang, count=len(problems))]
                              + [_problem_line(p, lang) for p in problems]))
    if late is not None:
        lines = [t("mail.late.body", lang, due=f"{labels.time_label(late.due, lang)} ({late.zone})")]
        if late.merged and late.first_due is not None:
            lines.append(t("mail.late.merged", lang, count=late.merged, first=labels.time_label(late.first_due, lang)))
        notices.append(Notice("late", t("mail.late.title", lang), lines))
    return EmailView(
        lang=lang, subject=subject, title=title, meta=meta, notices=notices,
        changes=_changes(changes, spec, lang, public_url), groups=_groups(spec, numbers, lang, public_url),
        charts=_charts(numbers, pictures, lang, public_url), programme=_programme(numbers, spec, lang, public_url),
        overview_href=overview_url(public_url, spec.period, lang),
        footer=[t("mail.footer.numbers", lang), t("mail.footer.why", lang, name=spec.name),
                t("mail.footer.id", lang, id=key)])


def trouble_words(trouble: Trouble, lang: str, detail: bool = False) -> str:
    """What is wrong, in the reader's language: short on the row, with the whole error in the notice at the top."""
    sep = t("mail.sep", lang)
    when = labels.time_label(trouble.when, lang) if trouble.when else "—"
    if trouble.kind == "last_good":
        text = t("mail.trouble.last_good", lang, when=when)
        return text + (sep + trouble.detail if detail else "")
    if trouble.kind == "behind_sla":
        return t("mail.trouble.behind_sla", lang, when=when)
    return t("mail.trouble.failed", lang) + sep + (trouble.detail if detail else trouble.summary or trouble.detail)


def _problem_line(problem: Problem, lang: str) -> str:
    name = problem.metric.title(lang) if problem.metric else t("mail.programme.title", lang)
    if problem.part == "chart":
        name += t("mail.trouble.chart", lang)
    return f"{name}{t('mail.sep', lang)}{trouble_words(problem.trouble, lang, detail=True)}"


def _groups(spec: SnapshotSpec, numbers: SnapshotNumbers, lang: str, public_url: str) -> list[Group]:
    groups = []
    for pillar in Pillar:
        members = [k for k in numbers.kpis if k.metric.pillar is pillar]
        if members:
            groups.append(Group(t(f"pillar.{pillar.value}", lang),
                                [_kpi_line(k, spec.period, lang, public_url) for k in members]))
    return groups


def _kpi_line(kpi: KpiResult, period: str, lang: str, public_url: str) -> KpiLine:
    metric = kpi.metric
    href = metric_url(public_url, metric.key, period, lang)
    if kpi.answer is None:
        return KpiLine(metric.key, metric.title(lang), "—", href, "", "", "", "", "",
                       trouble_words(kpi.trouble, lang) if kpi.trouble else "")
    h, decision = kpi.answer.data, kpi.answer.data.decision  # status words, target and why: the decision's own
    delta, tone = _delta(metric, h.delta, lang)
    facts = [decision.period(lang)]
    if h.baseline is not None:
        facts.append(f"{t('tile.baseline', lang)} {format_value(h.baseline, metric.unit, lang)} → "
                     f"{format_value(h.value, metric.unit, lang)}")
    facts += [decision.target_text(lang), decision.sentence(lang)]
    problem = trouble_words(kpi.trouble, lang) if kpi.trouble else ""
    said = kpi.checkin
    checkin = "" if said is None else (t("checkin.owner_says", lang, line=said.line(lang))
                                       + t("checkin.by", lang, author=said.author, at=said.written_at[:10]))
    return KpiLine(metric.key, metric.title(lang), format_value(h.value, metric.unit, lang), href, h.status.value,
                   f"{STATUS_SYMBOL.get(h.status.value, '?')} {decision.label(lang)}",
                   t("mail.kpis.delta", lang, delta=delta) if delta else t("tile.no_previous", lang), tone,
                   " · ".join(facts), problem, checkin)


def _delta(metric: Metric, delta: float | None, lang: str) -> tuple[str, str]:
    """The change as the dashboard's tile shows it: arrow, signed amount, and whether that way is good."""
    if delta is None:
        return "", ""
    shown = format_delta(delta, metric.unit, lang)
    if not any(c in "123456789" for c in shown):
        delta = 0.0  # too small to show is no change, not news
    good = good_direction(metric, delta)
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "▶"
    return f"{arrow} {shown}", "flat" if good is None else "good" if good else "bad"



def why_lines(metric: Metric, moved: Movement, lang: str, public_url: str, period: str) -> list[Line]:
    """The slices that moved a ratio most from the previous period (contributions.py), each a link to its slice."""
    lines = []
    pct = lambda v: "—" if v is None else format_value(v, metric.unit, lang)  # noqa: E731
    for row in moved.slices.head(WHY_SLICES).iter_rows(named=True):
        if abs(row["contribution"]) < WHY_SMALLEST:
            break
        delta, tone = _delta(metric, row["contribution"], lang)
        text = t("mail.why.slice", lang, slice=labels.value_label(moved.dimension, row[moved.dimension], lang),
                 change=delta, then=pct(row["then_value"]), now=pct(row["now_value"]),
                 share_then=format_value(row["then_share"], Unit.PERCENT, lang),
                 share_now=format_value(row["now_share"], Unit.PERCENT, lang))
        lines.append(Line(text, tone, metric_url(public_url, metric.key, period, lang,
                                                 drill=(str(row[moved.dimension]),))))
    if lines and abs(moved.across) >= WHY_SMALLEST:
        delta, tone = _delta(metric, moved.across, lang)
        lines.append(Line(t("mail.why.across", lang, change=delta), tone))
    return lines


def _changes(changes: Changes, spec: SnapshotSpec, lang: str, public_url: str) -> list[tuple[str, list[Line]]]:
    """(sub-heading, lines): when the comparison is from, the biggest movers, the status changes."""
    if changes.previous_sent_at is None:
        return [("", [Line(t("mail.changes.first", lang))])]
    when = datetime.fromisoformat(changes.previous_sent_at.replace("Z", "+00:00")).astimezone(spec.timezone)
    sections = [("", [Line(t("mail.changes.since", lang, when=labels.time_label(when.replace(tzinfo=None), lang)))])]
    if not changes.movers and not changes.status_changes:
        return sections + [("", [Line(t("mail.changes.none", lang))])]
    sep = t("mail.sep", lang)
    movers = []
    for move in changes.movers:
        m = move.metric
        delta, tone = _delta(m, move.delta, lang)
        movers.append(Line(f"{m.title(lang)}{sep}{format_value(move.before, m.unit, lang)} → "
                           f"{format_value(move.after, m.unit, lang)} ({delta})", tone,
                           metric_url(public_url, m.key, spec.period, lang)))
        if move.movement is not None:
            movers += why_lines(m, move.movement, lang, public_url, spec.period)
    statuses = []
    for change in changes.status_changes:
        m = change.metric
        before, after = STATUS_RANK.get(change.before), STATUS_RANK.get(change.after)
        tone = "" if before is None or after is None else "good" if after > before else "bad"
        text = f"{m.title(lang)}{sep}{t(f'status.{change.before}', lang)} → {t(f'status.{change.after}', lang)}"
        statuses.append(Line(text, tone, metric_url(public_url, m.key, spec.period, lang)))
    return sections + [(title, lines) for title, lines in ((t("mail.changes.movers", lang), movers),
                                                           (t("mail.changes.status", lang), statuses)) if lines]


def _charts(numbers: SnapshotNumbers, pictures: list[tuple[str, Picture]], lang: str, public_url: str
            ) -> list[ChartBlock]:
    blocks = []
    for chart, (cid, picture) in zip(numbers.charts, pictures):
        m = chart.metric
        f = chart.filters
        scope = [period_name(f.start, f.end, lang, to_date=f.end == numbers.today)] + [
            f"{labels.column_label(d, lang)}{t('mail.sep', lang)}{labels.value_label(d, v, lang)}"
            for d, v in chart.filters.where]
        title = f"{m.title(lang)} · {' · '.join(scope)}"
        href = metric_url(public_url, m.key, chart.spec.period, lang, chart.filters.where)
        h = chart.headline
        alt = t("mail.charts.alt", lang, title=m.title(lang), period=scope[0],
                value=format_value(h.value if h else None, m.unit, lang),
                target=format_value(h.target, m.unit, lang) if h and h.target is not None else "—")
        if chart.trouble and h is None:
            note = trouble_words(chart.trouble, lang)
        elif not chart.periods:
            note = t("mail.charts.no_data", lang)
        elif picture.png is None:
            note = t("mail.charts.failed", lang, reason=picture.problem, href=href)
        else:
            note = trouble_words(chart.trouble, lang) if chart.trouble else ""
        blocks.append(ChartBlock(title, href, cid if picture.png is not None else "", alt, note))
    return blocks


def _programme(numbers: SnapshotNumbers, spec: SnapshotSpec, lang: str, public_url: str
               ) -> list[tuple[str, list[Line]]]:
    status = numbers.programme
    if status is None:
        return []
    href = overview_url(public_url, spec.period, lang)  # the dashboard has no plan page yet
    order = [s for s in MILESTONE_ORDER if s in status.counts] + sorted(set(status.counts) - set(MILESTONE_ORDER))
    counts = " · ".join(f"{t(f'milestone.{name}', lang).capitalize()} {status.counts[name]}" for name in order)

    def line(row: dict[str, Any], tone: str) -> Line:
        title = row.get("title_zh" if lang == "zh" else "title_en") or row.get("title_en") or ""
        due = labels.date_label(row["planned_end"], lang) if isinstance(row.get("planned_end"), date) else "—"
        state = t(f"milestone.{row.get('status')}", lang)
        return Line(f"{row['milestone_id']} {title} — {t('mail.programme.due', lang, date=due)} ({state})", tone, href)

    overdue = [line(r, "bad") for r in status.overdue] or [Line(t("mail.programme.none_overdue", lang))]
    upcoming = [line(r, "") for r in status.upcoming] or [Line(t("mail.programme.none_upcoming", lang))]
    return [(t("chart.milestones", lang), [Line(counts, href=href)]), (t("outcome.overdue", lang), overdue),
            (t("milestone.due_soon", lang), upcoming)]
