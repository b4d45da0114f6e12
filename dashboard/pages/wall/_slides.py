"""The wall's slides as empty skeletons: every number arrives later as a property of a part with a stable id,
so a refresh changes text and images in place and never rebuilds the page."""
from __future__ import annotations

from datetime import date
from typing import Any, Mapping

from dash import html

from config.playlists import Playlist, Slide
from core import labels
from core.i18n import t
from dashboard.pages.wall import _words as _wall_words  # noqa: F401 - registers the wall's strings
from dashboard.pages.wall._ids import card, part, slide
from dashboard.state import ViewState
from metrics.engine.decision import period_name
from metrics.semantics.model import Metric

# What leadership asked the programme to deliver (the overview's results strip shows the same three).
RESULTS = ("data_accuracy", "hours_saved", "error_reduction")
ATTENTION = 6  # KPI chips under the results: the worst first (two rows of three stay readable)
PHASES = 6  # phase rows on the programme slide (a plan with more shows the first six)
NEXT_DUE = 4  # open milestones listed on the programme slide
PROGRAMME_KPIS = ("milestones_on_time", "schedule_variance_days")


def deck(playlist: Playlist, catalogue: Mapping[str, Metric], today: date) -> list[html.Section]:
    """One section per slide, the first shown until the browser's rotation takes over (which slide shows, and
    aria-hidden, are attributes wall.js sets: they are left out here so React never owns them)."""
    builders = {"overview": _overview, "metric": _metric, "programme": _programme}
    return [html.Section(builders[s.page](n, s, catalogue, today), id=slide(n), className="wall-slide",
                         lang="zh-CN" if s.language == "zh" else "en", **{"data-page": s.page, "data-index": str(n)})
            for n, s in enumerate(playlist.slides)]


def period_text(s: Slide, today: date) -> str:
    """The slide's period as people say it, with its department: 'Oct 2026 · Finance', 'YTD 2026'."""
    start, end = ViewState(period=s.period).period_bounds(today)
    text = period_name(start, end, s.language, to_date=end == today)
    return f"{text} · {labels.value_label('department', s.department, s.language)}" if s.department else text


def _head(n: int, s: Slide, title: str, today: date, subtitle: str = "", when: str = "") -> list[Any]:
    return [
        html.Header([
            html.Div([html.H2(title, className="wall-slide-title"),
                      html.Div([html.Span(when or period_text(s, today), className="wall-period"),
                                html.Span(subtitle, className="wall-subtitle") if subtitle else None],
                               className="wall-slide-sub")], className="wall-slide-name"),
            html.Div(id=part(n, "asof"), className="wall-asof"),
        ], className="wall-slide-head"),
        html.Div(id=part(n, "stale"), className="wall-banner wall-stale", role="status"),
        html.Div(id=part(n, "error"), className="wall-banner wall-error", role="alert"),
    ]


def kpi_card(n: int, metric: Metric, lang: str, size: str) -> html.Div:
    """A KPI's card: title, status, value (pre/number/post, so the unit reads smaller), change, facts, trend."""
    key = metric.key
    value = html.Div([html.Span(id=card(n, key, "pre"), className="wall-unit"),
                      html.Span("–", id=card(n, key, "value"), className="wall-number"),
                      html.Span(id=card(n, key, "post"), className="wall-unit")], id=card(n, key, "fit"),
                     className="wall-value")
    spark = html.Div([html.Img(id=card(n, key, "spark"), className="wall-spark", alt=t("tile.trend", lang)),
                      html.Div(id=card(n, key, "span"), className="wall-spark-note")], className="wall-trend")
    return html.Div([
        html.Div([html.Div(metric.title(lang), className="wall-card-title"),
                  html.Span(id=card(n, key, "status"), className="wall-status status-unknown")],
                 className="wall-card-head"),
        html.Div([value, spark] if size != "compact" else [value], className="wall-card-main"),
        html.Div(id=card(n, key, "delta"), className="wall-delta"),
        html.Div(id=card(n, key, "facts"), className="wall-facts"),
        html.Div(id=card(n, key, "projection"), className="wall-projection") if size == "focus" else None,
        html.Div(id=card(n, key, "checkin"), className="wall-note wall-checkin") if size == "focus" else None,
        html.Div(id=card(n, key, "note"), className="wall-note"),
    ], id=card(n, key, ""), className=f"wall-card wall-card-{size} edge-unknown", **{"data-metric": key})


def _overview(n: int, s: Slide, catalogue: Mapping[str, Metric], today: date) -> list[Any]:
    lang = s.language
    results = [catalogue[k] for k in RESULTS if k in catalogue]
    chips = [html.Div([html.Span(id=part(n, f"chip{i}-name"), className="wall-chip-name"),
                       html.Span(id=part(n, f"chip{i}-value"), className="wall-chip-value")],
                      id=part(n, f"chip{i}"), className="wall-chip is-empty") for i in range(ATTENTION)]
    return [*_head(n, s, s.title or t("overview.results", lang), today),
            html.Div([kpi_card(n, m, lang, "hero") for m in results], className="wall-heroes",
                     style={"--cards": max(len(results), 1)}),
            html.Section([html.Div([html.H3(t("wall.attention", lang), className="wall-section-title"),
                                    html.Div(id=part(n, "counts"), className="wall-counts")],
                                   className="wall-attention-head"),
                          html.Div(chips, className="wall-chips"),
                          html.Div(id=part(n, "calm"), className="wall-calm")], className="wall-attention")]


def _metric(n: int, s: Slide, catalogue: Mapping[str, Metric], today: date) -> list[Any]:
    metric = catalogue.get(s.metric)
    if metric is None:  # outside the viewer's scope: the data callback says why in the error banner
        return _head(n, s, s.title or s.metric, today)
    return [*_head(n, s, s.title or metric.title(s.language), today, metric.description(s.language)),
            kpi_card(n, metric, s.language, "focus")]


def _programme(n: int, s: Slide, catalogue: Mapping[str, Metric], today: date) -> list[Any]:
    lang = s.language
    stats = [html.Div([html.Div(id=part(n, name), className="wall-stat-value"),
                       html.Div(t(word, lang), className="wall-stat-label")], className=f"wall-stat wall-stat-{name}")
             for name, word in (("done", "wall.milestones_done"), ("overdue", "wall.overdue"),
                                ("in_progress", "milestone.in_progress"), ("blocked", "milestone.blocked"))]
    phases = [html.Div([html.Div(id=part(n, f"phase{i}-name"), className="wall-phase-name"),
                        html.Div(html.Div(id=part(n, f"phase{i}-bar"), className="wall-phase-bar"),
                                 className="wall-phase-track"),
                        html.Div(id=part(n, f"phase{i}-count"), className="wall-phase-count")],
                       id=part(n, f"phase{i}"), className="wall-phase is-empty") for i in range(PHASES)]
    due = [html.Li([html.Span(id=part(n, f"due{i}-id"), className="wall-due-id"),
                    html.Span(id=part(n, f"due{i}-title"), className="wall-due-title"),
                    html.Span(id=part(n, f"due{i}-when"), className="wall-due-when")],
                   id=part(n, f"due{i}"), className="wall-due is-empty") for i in range(NEXT_DUE)]
    kpis = [kpi_card(n, catalogue[k], lang, "compact") for k in PROGRAMME_KPIS if k in catalogue]
    # The counts are the whole plan today; only the two KPIs are for the slide's period, so it heads their column.
    return [*_head(n, s, s.title or t("wall.programme", lang), today,
                   when=t("wall.plan_on", lang, date=labels.date_label(today, lang))),
            html.Div(stats, className="wall-stats"),
            html.Div([
                html.Section([html.H3(t("wall.phases", lang), className="wall-section-title"),
                              html.Div(phases, className="wall-phases")], className="wall-plan-phases"),
                html.Section([html.H3(t("wall.next_due", lang), className="wall-section-title"),
                              html.Ol(due, className="wall-due-list"),
                              html.Div(id=part(n, "calm"), className="wall-calm")], className="wall-plan-due"),
                html.Section([html.H3(period_text(s, today), className="wall-section-title"),
                              html.Div(kpis, className="wall-plan-kpis")], className="wall-plan-kpi-col"),
            ], className="wall-plan")]
