"""Why it moved: the metric page's table of the slices that moved a ratio most from the previous period.

The engine splits the change into each slice's rate effect (its own ratio moving) and mix effect (its share of the
denominator moving), which add up to the change exactly (metrics/engine/contributions.py). The slices are those of
the next level of the drill path where the view stands; each name drills to its slice.
"""
from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, html

from core import labels
from core.i18n import register, t
from dashboard import context
from dashboard.components import error_block
from dashboard.pages.metric._drill import drilled_to, in_page_link
from dashboard.pages.metric._ids import ids
from dashboard.pages.metric._views import Request, Whole, kept, lang_of, request
from dashboard.safe import guarded
from metrics.engine.contributions import Movement, decomposable
from metrics.engine.decision import period_name
from metrics.semantics.format import format_delta, format_value
from metrics.semantics.model import Unit

SHOWN = 5  # the slices listed, largest contribution first

register({
    "why.title": ("Why it moved", "变化原因"),
    "why.intro": ("{metric} moved {change} from {before} ({then}) to {period} ({now}). Each {dimension} contributed "
                  "its own change (rate) and the change of its share (mix):",
                  "{metric} 从 {before}（{then}）到 {period}（{now}）变化 {change}。各{dimension}的贡献由其自身变化"
                  "（比率效应）和占比变化（结构效应）组成："),
    "why.not_ratio": ("Only ratios are split into the contributions of their slices.", "只有比率类指标可按维度分解变化来源。"),
    "why.no_change": ("No change to explain: the previous period has no value.", "无可解释的变化：上一期没有数值。"),
    "why.slice": ("Slice", "维度值"),
    "why.contribution": ("Contribution", "贡献"),
    "why.value": ("Value then → now", "前后数值"),
    "why.share": ("Share then → now", "前后占比"),
    "why.rate": ("Rate effect", "比率效应"),
    "why.mix": ("Mix effect", "结构效应"),
    "why.across": ("Across slices", "跨维度部分"),
    "why.at_records": ("The view is drilled to single records: there is no further level to split by.",
                       "当前已下钻到明细记录，没有可继续分解的层级。"),
})


def why_panel(r: Request, path: str, whole: Whole | None = None) -> Any:
    """The table for the view: the next drill level's contributions, or one sentence why there is none."""
    lang = r.lang
    if not decomposable(r.metric) or not r.metric.drill_path:
        return html.P(t("why.not_ratio", lang), className="why-note")
    dimension = r.scope.next_dimension
    if dimension is None:
        return html.P(t("why.at_records", lang), className="why-note")
    moved = (whole or Whole()).saw(r.engine.movement(r.metric.key, r.scope.filters, dimension)).data
    return movement_table(r, moved, path)


def movement_table(r: Request, moved: Movement, path: str) -> Any:
    metric, lang = r.metric, r.lang
    if moved.change is None:
        return html.P(t("why.no_change", lang), className="why-note")
    value = lambda v: "—" if v is None else format_value(v, metric.unit, lang)  # noqa: E731
    share = lambda v: format_value(v, Unit.PERCENT, lang)  # noqa: E731
    previous = r.scope.filters.previous()
    intro = t("why.intro", lang, metric=metric.title(lang), change=format_delta(moved.change, metric.unit, lang),
              before=period_name(previous.start, previous.end, lang), then=value(moved.then),
              period=period_name(r.scope.filters.start, r.scope.filters.end, lang), now=value(moved.now),
              dimension=labels.column_label(moved.dimension, lang).lower() if lang == "en"
              else labels.column_label(moved.dimension, lang))
    head = html.Tr([html.Th(t(k, lang)) for k in ("why.slice", "why.contribution", "why.value", "why.share",
                                                    "why.rate", "why.mix")])
    rows = []
    for row in moved.slices.head(SHOWN).iter_rows(named=True):
        name = labels.value_label(moved.dimension, row[moved.dimension], lang)
        target = drilled_to(r.view, r.scope, str(row[moved.dimension]))
        rows.append(html.Tr([
            html.Td(in_page_link(name, target.href(path)) if r.scope.clickable else name),
            html.Td(format_delta(row["contribution"], metric.unit, lang), className=_tone(metric, row["contribution"])),
            html.Td(f"{value(row['then_value'])} → {value(row['now_value'])}"),
            html.Td(f"{share(row['then_share'])} → {share(row['now_share'])}"),
            html.Td(format_delta(row["rate_effect"], metric.unit, lang)),
            html.Td(format_delta(row["mix_effect"], metric.unit, lang))]))
    if abs(moved.across) >= 0.00005:
        rows.append(html.Tr([html.Td(t("why.across", lang)), html.Td(format_delta(moved.across, metric.unit, lang)),
                             html.Td(), html.Td(), html.Td(), html.Td()]))
    return html.Div([html.P(intro, className="why-intro"),
                     html.Table([html.Thead(head), html.Tbody(rows)], className="table table-sm why-table")])


def _tone(metric: Any, change: float) -> str:
    good = change > 0 if metric.good.value == "up" else change < 0
    return "" if change == 0 else "delta-good" if good else "delta-bad"


def register_callbacks(app: Dash) -> None:
    @app.callback(Output(ids.WHY, "children"), Input(ids.KEY, "data"), Input(ids.VIEW, "data"),
                  State(context.LOCATION, "pathname"))
    def fill_why(key: str, data: dict, pathname: str | None) -> Any:
        lang, path = lang_of(data), pathname or f"/metric/{key}"
        return kept(ids.WHY, key, data, lambda whole: guarded(
            lambda: why_panel(request(key, data), path, whole), whole.failed(lambda m: error_block(m, lang)), lang),
            tuple, lambda: path).output  # its links lead from the page's address
