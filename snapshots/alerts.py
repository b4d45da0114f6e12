"""Alert rules ([alerts.NAME], config/alerts.py) judged against the engine's numbers, and mailed through the outbox.

Each rule fires on a change, not on a state: a status that becomes off track (the period before was not), a value
that crosses its threshold (the period before was on the other side), a source that falls behind its freshness
limit (or cannot be read). What fired is named by an occurrence ("2026-10 off_track", "stale since 2026-11-26
08:00"), which is the outbox's idempotency key with the rule's name: the same occurrence is queued once however
often the rule is judged, by however many schedulers, and an SMTP outage is retried until it is delivered once.
A rule whose numbers cannot be computed does not fire and says why (a stale rule fires: the source is unreadable).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from config.alerts import AlertSpec
from config.settings import Config
from core.errors import SourceError, VantageError
from core.i18n import t
from metrics.engine.decision import period_name
from metrics.engine.periods import Filters, resolve_period
from metrics.engine.protocol import Questions
from metrics.semantics.format import format_value
from snapshots import words as _mail_words  # noqa: F401 - registers the email's words
from snapshots.links import metric_url
from snapshots.message import message_id
from snapshots.outbox import Entry, Outbox, idempotency_key

PREFIX = "alert:"  # alerts share the outbox with snapshots; their rows are named alert:NAME


@dataclass(frozen=True)
class Judgement:
    """What a rule says now: whether it fires, the occurrence it names, and why, in both languages."""

    fires: bool
    occurrence: str
    why: dict[str, str]  # language → one sentence


def judge(engine: Questions, config: Config, spec: AlertSpec, today: date, now: datetime) -> Judgement:
    """Judge one rule on the last complete period before `today` (its slice when it names a department)."""
    metric = engine.metric(spec.metric)
    start, end = resolve_period(spec.period, today)
    where = ((config.scope_dimension, spec.department),) if spec.department else ()
    filters = Filters(start, end, where)
    month = f"{start:%Y-%m}"
    if spec.when == "stale":
        try:
            answer = engine.headline(metric.key, filters)
        except SourceError as exc:
            return Judgement(True, f"unreadable {today.isoformat()}", {
                lang: t("mail.alert.unreadable", lang, metric=metric.title(lang), reason=exc.what) for lang in LANGS})
        if answer.stale_reason:  # the source failed; this is its last good answer
            return Judgement(True, f"unreadable {today.isoformat()}", {
                lang: t("mail.alert.unreadable", lang, metric=metric.title(lang), reason=answer.stale_reason)
                for lang in LANGS})
        limit = timedelta(hours=spec.hours or 0)
        as_of = answer.data_as_of
        if as_of is None or now.replace(tzinfo=None) - as_of <= limit:
            return Judgement(False, "", {lang: t("mail.alert.fresh", lang, metric=metric.title(lang),
                                                 hours=f"{spec.hours:g}") for lang in LANGS})
        return Judgement(True, f"stale since {as_of:%Y-%m-%d %H:%M}", {
            lang: t("mail.alert.stale", lang, metric=metric.title(lang), when=f"{as_of:%Y-%m-%d %H:%M}",
                    hours=f"{spec.hours:g}") for lang in LANGS})
    now_h = engine.headline(metric.key, filters).data
    then_h = engine.headline(metric.key, filters.previous()).data
    names = {lang: (metric.title(lang), period_name(now_h.start, now_h.end, lang)) for lang in LANGS}
    if spec.when == "off_track":
        became = now_h.status.value == "off_track" and then_h.status.value != "off_track"
        return Judgement(became, f"{month} off_track", {lang: t(
            "mail.alert.off_track" if became else "mail.alert.not_off_track", lang, metric=names[lang][0],
            period=names[lang][1], status=_lower(t(f"status.{now_h.status.value}", lang), lang),
            value=format_value(now_h.value, metric.unit, lang)) for lang in LANGS})
    assert spec.threshold is not None
    above = spec.when == "above"

    def beyond(value: float | None) -> bool:
        return value is not None and (value > spec.threshold if above else value < spec.threshold)  # type: ignore

    crossed = beyond(now_h.value) and not beyond(then_h.value)
    return Judgement(crossed, f"{month} {spec.when} {spec.threshold:g}", {lang: t(
        "mail.alert.crossed" if crossed else "mail.alert.not_crossed", lang, metric=names[lang][0],
        period=names[lang][1], value=format_value(now_h.value, metric.unit, lang),
        side=t("mail.alert.above", lang) if above else t("mail.alert.below", lang),
        threshold=format_value(spec.threshold, metric.unit, lang))
        for lang in LANGS})


LANGS = ("en", "zh")


def _lower(word: str, lang: str) -> str:
    """A status word inside a sentence ("at risk", not "At risk")."""
    return word.lower() if lang == "en" else word


def entries(engine: Questions, config: Config, spec: AlertSpec, judged: Judgement, now: datetime) -> list[Entry]:
    """The rows to queue for a rule that fired: one message per recipients' language."""
    metric = engine.metric(spec.metric)
    name = PREFIX + spec.name
    key = idempotency_key(name, judged.occurrence)
    out = []
    for lang in spec.languages():
        msg = EmailMessage(policy=policy.SMTP)
        msg["Subject"] = t("mail.alert.subject", lang, metric=metric.title(lang), name=spec.name)
        msg["From"] = config.smtp_sender
        msg["To"] = ", ".join(spec.addresses(lang))
        msg["Date"] = format_datetime(now)
        msg["Message-ID"] = message_id(key, lang, config.smtp_sender)
        msg["X-Vantage-Alert"] = key
        link = metric_url(config.public_url, metric.key, spec.period, lang)
        msg.set_content("\n".join([judged.why[lang], "", t("mail.alert.open", lang, link=link),
                                   t("mail.alert.owner", lang, owner=metric.owner),
                                   t("mail.alert.footer", lang, name=spec.name)]) + "\n", charset="utf-8")
        out.append(Entry(name, judged.occurrence, lang, now, "pending", config.smtp_sender, spec.addresses(lang),
                         message_id(key, lang, config.smtp_sender), msg.as_bytes()))
    return out


def queue(engine: Questions, config: Config, specs: dict[str, AlertSpec], outbox: Outbox, today: date,
          now: datetime, log: object = print) -> list[str]:
    """Judge every rule; queue what fired (once per occurrence). Returns the keys newly queued."""
    queued = []
    for spec in specs.values():
        try:
            judged = judge(engine, config, spec, today, now)
        except VantageError as exc:
            log(f"{PREFIX}{spec.name}: not judged: {exc.message}")  # type: ignore[operator]
            continue
        if judged.fires and not outbox.queued(idempotency_key(PREFIX + spec.name, judged.occurrence)):
            if outbox.enqueue(entries(engine, config, spec, judged, now), now):
                queued.append(idempotency_key(PREFIX + spec.name, judged.occurrence))
                log(f"{PREFIX}{spec.name}: fired ({judged.occurrence}): {judged.why['en']}")  # type: ignore
    return queued
