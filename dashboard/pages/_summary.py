"""The overview's opening sentence: how many KPIs are on track, which reached their target this period, and which
need attention, from the same engine answers as the tiles (cached, so asking again costs a lookup)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from dash import html

from core.errors import VantageError
from core.i18n import register, t
from dashboard import context, rendered
from dashboard.safe import guarded
from dashboard.state import ViewState
from metrics.engine.answers import Headline
from metrics.engine.decision import period_name
from metrics.engine.protocol import Questions
from metrics.engine.status import meets
from metrics.semantics.model import Metric

NAMED = 3  # the KPIs named in "need attention" before "and N more"

register({
    "summary.on_track": ("{on} of {judged} KPIs on track", "{judged} 项指标中 {on} 项正常"),
    "summary.reached": ("{names} reached {its} target in {period}", "{names}在{period}达到{its}目标"),
    "summary.its_one": ("its", "其"),
    "summary.its_many": ("their", "其"),
    "summary.attention": ("{count} need attention: {names}", "{count} 项需要关注：{names}"),
    "summary.more": ("{names} and {count} more", "{names}等 {count} 项"),
    "summary.none_judged": ("No KPI has a status yet for this period", "本期尚无指标可判定状态"),
    "summary.sep": ("; ", "；"),
    "summary.list_sep": (", ", "、"),
})


def summary_drawn(engine: Questions, metrics: Sequence[Metric], view: ViewState, today: date) -> rendered.Drawn:
    """The sentence for a view as the answer leaves; whole (fit to keep) only when every KPI answered afresh."""
    lang = view.lang(context.default_language())
    whole = True

    def headlines() -> html.P:
        nonlocal whole
        found = {}
        for m in metrics:
            try:
                answer = engine.headline(m.key, view.filters(today, m.dimensions, engine.config.scope_dimension))
            except VantageError:
                whole = False  # left out of the counts; its tile says why
                continue
            whole = whole and not answer.stale_reason
            found[m.key] = answer.data
        return summary_sentence(metrics, found, lang)

    sentence = guarded(headlines, lambda message: None, lang)
    return rendered.Drawn(rendered.plain(sentence), (), whole and sentence is not None)


def summary_sentence(metrics: Sequence[Metric], headlines: Mapping[str, Headline], lang: str) -> html.P:
    """One sentence with counts: on track of those judged; reached the target this period (not the one before);
    off track (named, worst first as the catalogue lists them)."""
    judged = [m for m in metrics if m.key in headlines and headlines[m.key].decision.judged]
    if not judged:
        return html.P(t("summary.none_judged", lang) + ".", className="overview-summary")
    on = [m for m in judged if headlines[m.key].status.value == "on_track"]
    off = [m for m in judged if headlines[m.key].status.value == "off_track"]
    reached = [m for m in judged if _reached(headlines[m.key], m)]
    parts = [t("summary.on_track", lang, on=len(on), judged=len(judged))]
    if reached:
        h = headlines[reached[0].key]
        parts.append(t("summary.reached", lang, names=_names(reached, lang),
                       its=t("summary.its_one" if len(reached) == 1 else "summary.its_many", lang),
                       period=period_name(h.start, h.end, lang)))
    if off:
        parts.append(t("summary.attention", lang, count=len(off), names=_names(off, lang)))
    text = t("summary.sep", lang).join(parts)
    return html.P(text[:1].upper() + text[1:] + ("." if lang == "en" else "。"), className="overview-summary",
                  role="status")


def _reached(h: Headline, metric: Metric) -> bool:
    """Met the target this period and not in the period before."""
    target = h.target
    if target is None or h.value is None or h.previous is None:
        return False
    return meets(h.value, target, metric.good) and not meets(h.previous, target, metric.good)


def _names(metrics: Sequence[Metric], lang: str) -> str:
    titles = [m.title(lang) for m in metrics]
    if lang == "en":
        titles = [titles[0]] + [x[:1].lower() + x[1:] if not x[:3].isupper() else x for x in titles[1:]]
    shown = t("summary.list_sep", lang).join(titles[:NAMED])
    return shown if len(titles) <= NAMED else t("summary.more", lang, names=shown, count=len(titles) - NAMED)
