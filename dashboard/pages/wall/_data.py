"""The numbers of a playlist as properties of the wall's parts: {component id: {property: value}}.

Plain functions of the engine's answers (no Dash, no request), so they are tested without a browser; the page's
callback returns their result and the browser sets each property in place.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable, Iterable, Mapping

from config.playlists import Playlist, Slide
from core import labels
from core.i18n import t
from dashboard.figures import good_direction, sparkline_svg, trend_window
from dashboard.pages.wall._ids import card, part
from dashboard.pages.wall._slides import ATTENTION, RESULTS
from dashboard.safe import guarded, source_reason
from dashboard.state import ViewState
from dashboard.theme import STATUS_SYMBOL
from metrics.engine.answers import Answer, Headline
from metrics.engine.periods import Filters, add_months
from metrics.engine.protocol import Questions
from metrics.semantics.format import format_delta, format_value
from metrics.semantics.model import Metric, listed
from programme.checkins import current_in, month_of

Props = dict[str, dict[str, Any]]
Shown = list[tuple[Metric, Answer[Headline] | None]]  # the KPIs a slide shows, with the engine's answer (None: failed)
# Width, height (small: the picture is scaled up, so its lines read thick from across a room), months (0: from the
# baseline).
SPARK = {"hero": (260, 45, 12), "focus": (400, 205, 0)}
# How many ems of the value's own font fit its box on a 16:9 screen (measured from the layout in wall.css); a longer
# value ('CNY 2.13M', '¥202.7万', '23,297 /day') is set smaller to fit instead of running into the trend.
VALUE_EMS = {"hero": 4.5, "focus": 3.5, "compact": 5.6}
UNIT_SCALE = 0.42  # .wall-unit's font-size
STATUS_ORDER = {"off_track": 0, "at_risk": 1, "error": 2}


def playlist_props(engine: Questions, playlist: Playlist, today: date, slide_builders: Mapping[str, Callable]) -> Props:
    """Every slide's properties; a slide that fails says why in its own banner and the others still show."""
    props: Props = {}
    for n, s in enumerate(playlist.slides):
        def fail(message: str, n: int = n) -> Props:
            return {part(n, "error"): {"children": message, "className": "wall-banner wall-error is-shown"}}

        found = guarded(lambda: slide_builders[s.page](engine, n, s, playlist.theme, today), fail, s.language)
        found.setdefault(part(n, "error"), {"children": "", "className": "wall-banner wall-error"})
        props.update(found)
    return props


def overview_props(engine: Questions, n: int, s: Slide, theme: str, today: date) -> Props:
    """The three results as big cards, then the KPIs that need attention (worst first) and the status counts."""
    lang, catalogue = s.language, listed(engine.catalogue)
    props: Props = {}
    shown: Shown = []
    for key in (k for k in RESULTS if k in catalogue):
        card_p, answer = card_props(engine, n, catalogue[key], s, today, theme, "hero")
        props.update(card_p)
        shown.append((catalogue[key], answer))
    others: Shown = []
    for key, metric in catalogue.items():
        if key in RESULTS or (s.department and engine.config.scope_dimension not in metric.dimensions):
            continue
        filters = ViewState(period=s.period, department=s.department).filters(today, metric.dimensions,
                                                                                engine.config.scope_dimension)
        others.append((metric, guarded(lambda: engine.headline(key, filters), lambda _m: None, lang)))
    everyone = shown + others
    status = [_status(a) for _, a in everyone]
    worst = sorted(((STATUS_ORDER[_status(a)], m.title(lang), m, a) for m, a in others
                    if _status(a) in STATUS_ORDER), key=lambda row: row[:2])[:ATTENTION]
    for i in range(ATTENTION):
        if i < len(worst):
            _, title, metric, answer = worst[i]
            value = format_value(answer.data.value, metric.unit, lang) if answer is not None else "—"
            props[part(n, f"chip{i}")] = {"className": f"wall-chip status-{_status(answer)}"}
            props[part(n, f"chip{i}-name")] = {"children": f"{STATUS_SYMBOL.get(_status(answer), '!')} {title}"}
            props[part(n, f"chip{i}-value")] = {"children": value}
        else:
            props[part(n, f"chip{i}")] = {"className": "wall-chip is-empty"}
            props[part(n, f"chip{i}-name")] = props[part(n, f"chip{i}-value")] = {"children": ""}
    counts = t("wall.counts", lang, on=status.count("on_track"), risk=status.count("at_risk"),
               off=status.count("off_track"))
    if status.count("too_few"):  # not judged, so neither off track nor in need of attention: said apart
        counts += " · " + t("wall.too_few", lang, n=status.count("too_few"))
    if status.count("error"):
        counts += " · " + t("wall.cannot", lang, n=status.count("error"))
    props[part(n, "counts")] = {"children": counts}
    props[part(n, "calm")] = {"children": "" if worst else t("wall.all_on_track", lang)}
    props.update(freshness_props(n, everyone, lang))
    return props


def metric_props(engine: Questions, n: int, s: Slide, theme: str, today: date) -> Props:
    """One KPI across the screen: its value, change, baseline, target and the trend since the baseline."""
    metric = engine.metric(s.metric)  # AccessDenied outside the viewer's scope: the slide's banner says so
    props, answer = card_props(engine, n, metric, s, today, theme, "focus")
    props.update(freshness_props(n, [(metric, answer)], s.language))
    return props


def card_props(engine: Questions, n: int, metric: Metric, s: Slide, today: date, theme: str,
               size: str) -> tuple[Props, Answer[Headline] | None]:
    """A KPI card's properties and the engine's answer (None when it could not be computed)."""
    key, lang = metric.key, s.language
    if s.department and engine.config.scope_dimension not in metric.dimensions:
        return _card_message(n, metric, size, t("wall.not_filterable", lang), "not-filterable"), None
    filters = ViewState(period=s.period, department=s.department).filters(today, metric.dimensions,
                                                                            engine.config.scope_dimension)

    def compute() -> tuple[Props, Answer[Headline] | None]:
        answer = engine.headline(key, filters)
        return _card_answer(engine, n, metric, answer, filters, lang, theme, size), answer

    return guarded(compute, lambda message: (_card_message(n, metric, size, message, "error"), None), lang)


def _card_answer(engine: Questions, n: int, metric: Metric, answer: Answer[Headline], filters: Filters, lang: str,
                 theme: str, size: str) -> Props:
    h, key = answer.data, metric.key
    fmt = lambda v: format_value(v, metric.unit, lang)  # noqa: E731
    pre, number, post = split_value(fmt(h.value))
    facts = []
    if h.baseline is not None:
        facts.append(t("wall.baseline", lang, baseline=fmt(h.baseline), now=fmt(h.value)))
    facts.append(h.decision.target_text(lang))
    delta, tone = delta_text(metric, h.delta, lang)
    state = "stale" if answer.stale else "ok"
    note = (t("tile.refreshing", lang) if answer.refreshing else
            t("tile.last_good", lang, reason=source_reason(answer.stale_reason, lang)) if answer.stale_reason else "")
    props: Props = {
        card(n, key, ""): {"className": f"wall-card wall-card-{size} edge-{h.status.value} state-{state}"},
        card(n, key, "pre"): {"children": pre}, card(n, key, "value"): {"children": number},
        card(n, key, "post"): {"children": post},
        card(n, key, "fit"): {"style": {"--fit": fit(pre, number, post, VALUE_EMS[size])}},
        card(n, key, "status"): {"children": f"{STATUS_SYMBOL.get(h.status.value, '?')} {h.decision.label(lang)}",
                                 "className": f"wall-status status-badge status-{h.status.value}"},
        card(n, key, "delta"): {"children": delta, "className": f"wall-delta {tone}"},
        card(n, key, "facts"): {"children": "\n".join(facts)},
        card(n, key, "note"): {"children": note},
    }
    if size in SPARK:
        props.update(_spark(engine, n, metric, filters, h.target, lang, theme, size))
    if size == "focus":
        props[card(n, key, "projection")] = {"children": h.decision.sentence(lang)}
        said = current_in(engine.config.data_path, key, month_of(h.decision.end - timedelta(days=1)))
        props[card(n, key, "checkin")] = {"children": t("checkin.owner_says", lang, line=said.line(lang))
                                          if said else ""}
    return props


def _card_message(n: int, metric: Metric, size: str, message: str, state: str) -> Props:
    """A card without a number: a dash where the value goes, and why in its note (never a zero)."""
    key = metric.key
    blank = {"children": ""}
    props: Props = {card(n, key, ""): {"className": f"wall-card wall-card-{size} edge-none state-{state}"},
                    card(n, key, "pre"): blank, card(n, key, "value"): {"children": "—"}, card(n, key, "post"): blank,
                    card(n, key, "fit"): {"style": {"--fit": "1"}},
                    card(n, key, "status"): {"children": "", "className": "wall-status"},
                    card(n, key, "delta"): {"children": "", "className": "wall-delta"},
                    card(n, key, "facts"): blank, card(n, key, "note"): {"children": message}}
    if size in SPARK:
        props.update({card(n, key, "spark"): {"src": ""}, card(n, key, "span"): blank})
    if size == "focus":
        props[card(n, key, "projection")] = props[card(n, key, "checkin")] = blank
    return props


def _spark(engine: Questions, n: int, metric: Metric, filters: Filters, target: float | None, lang: str, theme: str,
           size: str) -> Props:
    """The monthly trend up to the period's end as an SVG (no chart library, nothing re-created but a string)."""
    width, height, months = SPARK[size]
    last_month = (filters.end - timedelta(days=1)).replace(day=1)
    if months:
        start = add_months(last_month, 1 - months)
    else:
        baseline = engine.baseline_period(metric)
        start = trend_window(filters.end, engine.programme_start(), baseline[0] if baseline else None)
    window = filters.with_period(start, add_months(last_month, 1))
    frame = guarded(lambda: engine.trend(metric.key, window).data, lambda _m: None, lang)
    values = list(frame["value"]) if frame is not None and frame.height else []
    src = sparkline_svg(values, theme, target, width, height) if values else ""
    first = frame["period"][0] if values and frame is not None else None
    # Only the full-screen trend says what it spans: on a results card the facts below already name the target.
    note = t("wall.trend_from", lang, month=labels.month_label(first, lang)) if src and first and not months else ""
    if note and target is not None:
        note += " · " + t("wall.trend_target", lang, target=format_value(target, metric.unit, lang))
    return {card(n, metric.key, "spark"): {"src": src}, card(n, metric.key, "span"): {"children": note}}


def freshness_props(n: int, shown: Iterable[tuple[Metric, Answer[Headline] | None]], lang: str) -> Props:
    """The slide's 'data as of' (its oldest source) and a banner naming KPIs whose data is stale."""
    shown = list(shown)
    times = [a.data_as_of for _, a in shown if a is not None and a.data_as_of is not None]
    asof = t("tile.as_of", lang, time=labels.time_label(min(times), lang)) if times else ""
    behind = [m.title(lang) for m, a in shown if a is not None and a.behind_sla and not a.stale_reason]
    failed = [m.title(lang) for m, a in shown if a is not None and a.stale_reason and not a.refreshing]
    text = "   ".join(([t("wall.behind_sla", lang, names=", ".join(behind))] if behind else [])
                       + ([t("wall.last_good", lang, names=", ".join(failed))] if failed else []))
    return {part(n, "asof"): {"children": asof},
            part(n, "stale"): {"children": text, "className": "wall-banner wall-stale" + (" is-shown" if text else "")}}


def split_value(shown: str) -> tuple[str, str, str]:
    """A formatted value as (before, number, after), so its unit can be set smaller.

    'CNY 2.13M' → ('CNY ', '2.13M', ''); '1,445 h' → ('', '1,445', ' h'); joined again they are the value as shown.
    """
    words = shown.split(" ")
    at = next((i for i, w in enumerate(words) if any(c.isdigit() for c in w) and not w.startswith("/")), None)
    if at is None:
        return "", shown, ""
    before = " ".join(words[:at]) + " " if at else ""
    after = " " + " ".join(words[at + 1:]) if at + 1 < len(words) else ""
    return before, words[at], after


def text_ems(text: str) -> float:
    """The width of a text in ems of its font, roughly: digits and latin letters 0.62, CJK 1, punctuation less."""
    narrow = {".": 0.32, ",": 0.32, " ": 0.3, "/": 0.4, "%": 0.95, "−": 0.65, "-": 0.4, "+": 0.65}
    return sum(narrow.get(c, 1.0 if ord(c) > 0x2E80 else 0.62) for c in text)


def fit(pre: str, number: str, post: str, ems: float) -> str:
    """The share of its full size a value is set at so that it fits its box (1 for short values)."""
    width = text_ems(number) + UNIT_SCALE * (text_ems(pre) + text_ems(post))
    return f"{min(1.0, ems / width):.3f}" if width else "1"


def delta_text(metric: Metric, delta: float | None, lang: str) -> tuple[str, str]:
    """The change against the previous period with its arrow, and its tone (good, bad, flat, none)."""
    if delta is None:
        return t("tile.no_previous", lang), "delta-none"
    shown = format_delta(delta, metric.unit, lang)
    if not any(c in "123456789" for c in shown):
        delta = 0.0  # a change too small to show is no change, not news
    good = good_direction(metric, delta)
    arrow = "▲" if delta > 0 else "▼" if delta < 0 else "▶"
    tone = "delta-flat" if good is None else "delta-good" if good else "delta-bad"
    return f"{arrow} {shown} {t('tile.vs_previous', lang)}", tone


def _status(answer: Answer[Headline] | None) -> str:
    return "error" if answer is None else answer.data.status.value
