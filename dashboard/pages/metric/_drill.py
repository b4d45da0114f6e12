"""The drill of a metric page: where along the metric's drill path a view stands, its breadcrumbs and record table."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import dash_bootstrap_components as dbc
import polars as pl
from dash import html

from core import labels
from core.i18n import t
from dashboard.pages.metric._ids import ids
from dashboard.state import ViewState
from metrics.engine.answers import DetailPage
from metrics.engine.periods import Filters
from metrics.engine.protocol import Questions
from metrics.semantics.format import format_value
from metrics.semantics.model import Metric

PAGE_SIZE = 25
SORT = "metric-sort"  # pattern id {"type": SORT, "column": name} of a record table's column headings


@dataclass(frozen=True)
class Scope:
    """How far a view has drilled: the filters that adds, the values chosen, and what to show next."""

    filters: Filters
    chosen: tuple[tuple[str, str], ...]  # (dimension, value) along the drill path
    from_filter: bool  # the first value is the page's department filter, not a drill step
    next_dimension: str | None  # None: the path is complete, show the records
    dimension: str | None  # the breakdown shown: the URL's `by`, else the next level
    choices: tuple[str, ...]  # dimensions left to break down by

    @property
    def at_records(self) -> bool:
        return self.next_dimension is None and bool(self.chosen)

    @property
    def clickable(self) -> bool:
        """Bars drill only when they show the next level of the path."""
        return self.dimension is not None and self.dimension == self.next_dimension


def scope(engine: Questions, metric: Metric, view: ViewState, today: date) -> Scope:
    """Where the view stands on the metric's drill path (the engine says which level comes next)."""
    base = view.filters(today, metric.dimensions, engine.config.scope_dimension)
    path = tuple(view.drill)
    from_filter = bool(view.department) and metric.drill_path[:1] == (engine.config.scope_dimension,)
    if from_filter:
        path = (view.department, *path)
    path = path[: len(metric.drill_path)]
    next_dimension, drilled = engine.drill(metric.key, base, path)
    fixed = {d for d, _ in drilled.where}
    choices = tuple(d for d in metric.dimensions if d not in fixed)
    if not metric.drill_path:
        next_dimension = None
    dimension = view.by if view.by in choices else next_dimension if next_dimension in choices else (
        choices[0] if choices and next_dimension is not None else None)
    return Scope(drilled, tuple(zip(metric.drill_path, path)), from_filter, next_dimension, dimension, choices)


def drilled_to(view: ViewState, s: Scope, value: str) -> ViewState:
    """The view one level further down, after choosing `value` at the next level."""
    return replace(view, drill=(*view.drill, value), by="", page=1, sort="", descending=False)


def next_view(engine: Questions, key: str, view: ViewState, step: dict[str, Any], today: date) -> ViewState:
    """The view a user's step on the metric page leads to: {"sort": column}, {"by": dimension} or {"page": n}
    (the same view when the step does not apply where the view stands)."""
    s = scope(engine, engine.metric(key), view, today)
    column, dimension, page = step.get("sort"), step.get("by"), step.get("page")
    if isinstance(column, str) and s.at_records:
        descending = not view.descending if view.sort == column else False
        return replace(view, sort=column, descending=descending, page=1)
    if dimension in s.choices and dimension != s.dimension:
        return replace(view, by=dimension, page=1)
    if isinstance(page, int) and page >= 1 and page != view.page and s.at_records:
        return replace(view, page=page)
    return view


def in_page_link(label: Any, href: str) -> html.A:
    """A link to another view of the same metric page: assets/metric.js follows it in place (a modified click,
    such as one that opens a new tab, is the browser's)."""
    return html.A(label, href=href, className="in-page")


def crumbs(metric: Metric, view: ViewState, s: Scope, path: str, lang: str) -> html.Nav:
    """Breadcrumbs from the whole KPI down to the current level; every step but the last is a link back up."""
    items: list[Any] = []
    root = replace(view, drill=(), by="", page=1, sort="", descending=False,
                   department="" if s.from_filter else view.department)
    steps = [(metric.title(lang), "", root)]
    for depth, (dimension, value) in enumerate(s.chosen):
        kept = depth + (0 if s.from_filter else 1)
        target = replace(view, drill=view.drill[:kept], by="", page=1, sort="", descending=False)
        steps.append((labels.value_label(dimension, value, lang), labels.column_label(dimension, lang), target))
    if s.at_records:
        steps.append((t("metric.records", lang), "", None))
    for n, (text, dimension, target) in enumerate(steps):
        label = [html.Span(dimension, className="crumb-dim"), " ", html.Span(text, className="crumb-value")] \
            if dimension else [html.Span(text, className="crumb-value")]
        last = n == len(steps) - 1
        body = html.Span(label) if last or target is None else in_page_link(label, target.href(path))
        items.append(html.Li(body, className="breadcrumb-item" + (" active" if last else ""),
                             **{"data-level": str(n), **({"aria-current": "page"} if last else {})}))
    return html.Nav(html.Ol(items, className="breadcrumb mb-0"), className="drill-crumbs",
                    **{"aria-label": "breadcrumb"})


def breakdown_table(metric: Metric, s: Scope, frame: pl.DataFrame, view: ViewState, path: str,
                    lang: str) -> html.Details:
    """The breakdown's exact numbers as a table, each name a link one level down: the drill without a mouse."""
    dimension = s.dimension or ""
    body = []
    for row in frame.iter_rows(named=True):
        name = labels.value_label(dimension, row[dimension], lang)
        cell = in_page_link(name, drilled_to(view, s, str(row[dimension])).href(path)) if s.clickable else name
        body.append(html.Tr([html.Td(cell), html.Td(format_value(row["value"], metric.unit, lang), className="num"),
                             html.Td(f"{row['rows']:,}", className="num")]))
    head = html.Tr([html.Th(labels.column_label(dimension, lang), scope="col"),
                    html.Th(metric.title(lang), scope="col", className="num"),
                    html.Th(labels.column_label("rows", lang), scope="col", className="num")])
    return html.Details([html.Summary(t("metric.as_table", lang)),
                         dbc.Table([html.Thead(head), html.Tbody(body)], size="sm", className="mb-0 mt-2")],
                        className="breakdown-table")


def records_table(page: DetailPage, view: ViewState, lang: str, fixed: frozenset[str] = frozenset()) -> html.Div:
    """A page of the records behind the number, `problem` first-class; headings sort on the server.

    Columns the drill has fixed (one department, one system) are left out: they would repeat one value.
    """
    frame: pl.DataFrame = page.rows
    if page.total == 0:
        return html.Div(t("metric.records_none", lang), className="records-empty")
    columns = [c for c in frame.columns if c != "problem" and c not in fixed] + ["problem"]
    head = []
    for c in columns:
        arrow = ("▼" if view.descending else "▲") if view.sort == c else ""
        sort_state = ("descending" if view.descending else "ascending") if view.sort == c else "none"
        head.append(html.Th(html.Button([labels.column_label(c, lang), html.Span(arrow, className="sort-arrow")],
                                        id={"type": SORT, "column": c}, className="sort-button"),
                            scope="col", className=f"col-{c}", **{"aria-sort": sort_state}))
    body = [html.Tr([html.Td(_cell(c, row.get(c), lang), className=f"col-{c}") for c in columns])
            for row in frame.iter_rows(named=True)]
    pages = max(1, -(-page.total // page.page_size))
    return html.Div([
        html.Div([html.Strong(t("metric.records_total", lang, total=f"{page.total:,}")),
                  html.Span(t("metric.records_page", lang, page=page.page + 1, pages=pages), className="ms-3")
                  if pages > 1 else None], className="records-summary"),
        html.Div(dbc.Table([html.Thead(html.Tr(head)), html.Tbody(body)], hover=True, size="sm",
                           className="records-table align-middle mb-0"), className="table-responsive"),
    ])


def _cell(column: str, value: Any, lang: str) -> Any:
    if column == "problem":
        return html.Span(labels.problem_label(str(value or ""), lang), className="problem")
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}"
    if labels.has_names(column):
        return labels.value_label(column, value, lang)
    return "—" if value is None else str(value)


def dimension_picker(s: Scope | None, lang: str) -> dbc.RadioItems:
    """The dimensions left to break down by at this level, the one shown checked (none without a scope)."""
    choices = s.choices if s else ()
    return dbc.RadioItems(id=ids.DIMENSION, value=s.dimension if s else None, className="btn-group",
                          inputClassName="btn-check", labelClassName="btn btn-outline-secondary btn-sm",
                          labelCheckedClassName="active",
                          options=[{"label": labels.column_label(d, lang), "value": d} for d in choices])


def pager(view: ViewState, pages: int) -> dbc.Pagination:
    """The record table's pager at the view's page."""
    return dbc.Pagination(id=ids.PAGER, max_value=pages, active_page=min(view.page, pages), fully_expanded=False,
                          first_last=True, previous_next=True, className="records-pager mt-2")


def page_count(total: int) -> int:
    return max(1, -(-total // PAGE_SIZE))
