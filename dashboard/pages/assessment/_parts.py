"""Pieces of the assessment page built from the assessments: the scorecard, the rules behind a score, the
department choice."""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Callable, Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from core import labels
from core.i18n import t
from dashboard.filters import ALL_DEPARTMENTS, first_department_options, offers_departments
from dashboard.pages.assessment._words import assessment_label
from dashboard.state import ViewState
from metrics.semantics.format import format_value
from metrics.semantics.model import Metric, Unit
from programme.assessment import Assessment, Check, Score
from programme.maturity import DIMENSIONS, RULE_WEIGHT, SURVEY_WEIGHT

STATUS_SYMBOL = {"on_track": "✓", "at_risk": "!", "off_track": "✕", "unknown": "?"}


class ids:
    VIEW = "assessment-view"
    DEPARTMENT = "assessment-department"
    DEPARTMENT_FIELD = "assessment-department-field"
    RADAR = "assessment-radar"
    PATH = "assessment-path"
    SCORECARD = "assessment-scorecard"
    DRILL = "assessment-drill"
    NOTE = "assessment-note"


@dataclass(frozen=True)
class Selected:
    """The score whose rules are shown: the URL's choice, else the latest assessment's furthest-off dimension."""

    assessment: Assessment
    score: Score


def selected(found: Sequence[Assessment], view: ViewState) -> Selected | None:
    if not found:
        return None
    chosen = dict(zip(("assessment", "dimension"), view.drill))
    assessment = next((a for a in found if a.assessment_id == chosen.get("assessment")), found[-1])
    keys = [s.dimension.key for s in assessment.scores]
    if chosen.get("dimension") in keys:
        return Selected(assessment, assessment.score(chosen["dimension"]))
    gap = max(assessment.scores, key=lambda s: s.dimension.target - (s.score or 0))
    return Selected(assessment, gap)


def score_status(score: int | None, target: int) -> str:
    """A score's colour against the dimension's target: met, one level short, or further off."""
    if score is None:
        return "unknown"
    return "on_track" if score >= target else "at_risk" if score == target - 1 else "off_track"


def drill_view(view: ViewState, assessment_id: str, dimension: str) -> ViewState:
    return replace(view, drill=(assessment_id, dimension), by="", page=1, sort="", descending=False)


def department_bar(view: ViewState, lang: str) -> html.Div:
    """The one filter that applies here: whose maturity (the whole programme or one department)."""
    options = first_department_options(lang, view.department)  # the data's arrive by callback
    return html.Div([dbc.Label(t("filter.department", lang), html_for=ids.DEPARTMENT),
                     dbc.Select(id=ids.DEPARTMENT, value=view.department or ALL_DEPARTMENTS, options=options)],
                    className="filter-field assessment-department", id=ids.DEPARTMENT_FIELD,
                    hidden=not offers_departments())


def scorecard(found: Sequence[Assessment], chosen: Selected | None, view: ViewState, path: str,
              lang: str) -> html.Div:
    """Dimensions down, assessments across, the target last; every score a link to the rules behind it."""
    if not found:
        return html.Div(t("assessment.none", lang), className="empty-note")
    head = html.Tr([html.Th(t("assessment.dimension", lang), scope="col", className="col-dimension")]
                   + [html.Th([html.Div(assessment_label(a.assessment_id, lang)),
                               html.Div(labels.date_label(a.assessed_on, lang), className="maturity-date")],
                              scope="col", className="num") for a in found]
                   + [html.Th(t("chart.target", lang), scope="col", className="num col-target")])
    body = []
    for dim in DIMENSIONS:
        cells = [html.Th(dim.title(lang), scope="row")]
        for a in found:
            s = a.score(dim.key)
            active = chosen is not None and chosen.assessment is a and chosen.score.dimension.key == dim.key
            status = score_status(s.score, dim.target)
            label = t("assessment.open", lang, dimension=dim.title(lang), assessment=assessment_label(
                a.assessment_id, lang), score=s.score if s.score is not None else t("assessment.no_score", lang))
            chip = dcc.Link(str(s.score) if s.score is not None else "—",
                            href=drill_view(view, a.assessment_id, dim.key).href(path),
                            className=f"score-chip status-{status}" + (" active" if active else ""), title=label)
            cells.append(html.Td(chip, className="num", **{"data-score": str(s.score or ""), "data-dimension": dim.key,
                                                          "data-assessment": a.assessment_id}))
        cells.append(html.Td(html.Span(str(dim.target), className="score-target"), className="num"))
        body.append(html.Tr(cells))
    legend = html.Div([html.Span([html.Span(STATUS_SYMBOL[s], className="status-symbol"),
                                  t(f"assessment.legend_{s}", lang)], className=f"status-badge status-{s}")
                       for s in ("on_track", "at_risk", "off_track")], className="maturity-legend")
    return html.Div([html.Div(dbc.Table([html.Thead(head), html.Tbody(body)], size="sm",
                                        className="maturity-scorecard mb-0"), className="table-responsive"), legend])


def _amount(value: float, metric: Metric, lang: str) -> str:
    """A margin as people say it: 0.7 pp, 0.4 days, 0.12 points of the score."""
    value = abs(value)
    if metric.unit is Unit.PERCENT:
        return f"{value * 100:.1f} " + ("个百分点" if lang == "zh" else "pp")
    if metric.unit is Unit.SCORE:
        return f"{value:.2f}"
    return format_value(value, metric.unit, lang)


def _check_row(check: Check, metric: Metric | None, kpi_href: str, lang: str) -> html.Tr:
    title = metric.title(lang) if metric else check.rule.metric
    shown = (lambda v: format_value(v, metric.unit, lang)) if metric else (lambda v: f"{v:g}")  # noqa: E731
    if check.held is None:
        result, tone = t("assessment.no_data", lang), "unknown"
    else:
        amount = _amount(check.margin or 0, metric, lang) if metric else f"{abs(check.margin or 0):g}"
        tone = "held" if check.held else "failed"
        result = t("assessment.held_by" if check.held else "assessment.failed_by", lang, amount=amount)
    symbol = {"held": "✓", "failed": "✕", "unknown": "–"}[tone]
    return html.Tr([
        html.Td(dcc.Link(title, href=kpi_href) if metric else title),
        html.Td(f"{'≥' if check.rule.compare == '>=' else '≤'} {shown(check.rule.threshold)}", className="num"),
        html.Td(shown(check.value) if check.value is not None else "—", className="num"),
        html.Td([html.Span(symbol, className="check-symbol", **{"aria-hidden": "true"}), result],
                className=f"check-result check-{tone}"),
    ], **{"data-held": tone, "data-metric": check.rule.metric})


def _kpi_view(view: ViewState, month: date) -> ViewState:
    """The KPI's own page over the month the rule judged (and the department, when one is chosen)."""
    last = month.replace(day=monthrange(month.year, month.month)[1])
    return ViewState(period="custom", start=month.isoformat(), end=last.isoformat(), department=view.department,
                     language=view.language, theme=view.theme)


def rules_panel(chosen: Selected | None, catalogue: Mapping[str, Metric], view: ViewState, lang: str,
                relative: Callable[[str], str]) -> list[Any]:
    """Why a score is what it is: the blend, then every level with each rule held or failed and by how much."""
    if chosen is None:
        return [html.Div(t("assessment.none", lang), className="empty-note")]
    a, s = chosen.assessment, chosen.score
    month = labels.month_label(a.kpi_month, lang)
    name = assessment_label(a.assessment_id, lang) if a.assessment_id else labels.date_label(a.assessed_on, lang)
    heading = t("assessment.why", lang, dimension=s.dimension.title(lang), assessment=name,
                score=s.score if s.score is not None else t("assessment.no_score", lang))
    if s.rule_level is not None and s.questionnaire is not None:
        exact = RULE_WEIGHT * s.rule_level + SURVEY_WEIGHT * s.questionnaire
        blend = t("assessment.blend", lang, level=s.rule_level, month=month, survey=f"{s.questionnaire:.2f}",
                  exact=f"{exact:.2f}", score=s.score)
    elif s.rule_level is not None:
        blend = t("assessment.blend_rules", lang, level=s.rule_level, month=month)
    else:
        blend = t("assessment.blend_survey", lang, month=month, survey=f"{s.questionnaire or 0:.2f}")
    kpi_href = _kpi_view(view, a.kpi_month)
    groups: list[Any] = []
    for level in s.dimension.levels:
        reached = s.rule_level is not None and level.level <= s.rule_level
        is_next = s.rule_level is not None and level.level == s.rule_level + 1
        state = t("assessment.reached" if reached else "assessment.not_reached", lang) + (
            f" · {t('assessment.next', lang)}" if is_next else "")
        tone = "level-reached" if reached else "level-next" if is_next else "level-open"
        rows = [html.Tr(html.Th([html.Span(t("assessment.level", lang, level=level.level), className="level-name"),
                                 html.Span(state, className="level-state")], colSpan=4, scope="rowgroup"),
                        className="level-head")]
        rows += [_check_row(c, catalogue.get(c.rule.metric), relative(kpi_href.href(f"/metric/{c.rule.metric}")),
                            lang) for c in s.checks if c.level == level.level]
        groups.append(html.Tbody(rows, className=f"level-block {tone}",
                                 **{"data-level": str(level.level), "data-reached": "1" if reached else "0"}))
    head = html.Tr([html.Th(t(k, lang), scope="col", className=c) for k, c in (
        ("word.kpi", "col-kpi"), ("assessment.rule", "num"), ("assessment.value", "num"),
        ("assessment.result", "col-result"))])
    return [html.H3(heading, className="drill-title"), html.P(blend, className="blend-line"),
            html.P(s.dimension.description(lang), className="dimension-description"),
            dbc.Table([html.Thead(head), *groups], size="sm", className="rules-table mb-0")]
