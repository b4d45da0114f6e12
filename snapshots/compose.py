"""One occurrence of a snapshot, rendered: the engine's numbers, charts drawn in one batch, a message per language.

Fails closed: when any part failed or is stale, `on_failure = "hold"` queues nothing to send (the row is held
with the reason) and `"send_marked"` states the failure at the top, in the subject and on the affected rows.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from config.settings import Config
from config.snapshots import SnapshotSpec
from core.i18n import t
from metrics.engine.protocol import Questions
from metrics.engine.questions import Engine
from snapshots import words as _mail_words  # noqa: F401 - registers the email's words
from snapshots.changes import compare
from snapshots.charts import Picture, email_figure, render
from snapshots.csv_export import csv_text
from snapshots.html_email import email_html
from snapshots.message import build_message, content_id, message_id
from snapshots.numbers import Problem, SnapshotNumbers, Trouble, collect
from snapshots.outbox import Entry, idempotency_key
from snapshots.pdf import print_pdf
from snapshots.text_email import email_text
from snapshots.view import Late, build_view


@dataclass(frozen=True)
class Document:
    """A rendered email in one language, kept apart for --dry-run."""

    lang: str
    subject: str
    html: str | None
    images: dict[str, bytes]
    eml: bytes
    pdf: bytes | None = None


@dataclass
class Prepared:
    """What an occurrence becomes: outbox rows (pending or held), the documents, and how long each step took."""

    entries: list[Entry]
    documents: list[Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def held(self) -> bool:
        return all(e.status == "held" for e in self.entries)


def snapshot_today(config: Config, due_wall: datetime) -> date:
    """The day the snapshot reports from: the pinned today, else the due day in the snapshot's own zone."""
    return config.today() if config.values.get("today") else due_wall.date()


def late_text(late: Late | None) -> str:
    if late is None:
        return ""
    text = f"was due at {late.due:%Y-%m-%d %H:%M} {late.zone}"
    if late.merged and late.first_due is not None:
        text += f"; stands for {late.merged} earlier missed send(s) from {late.first_due:%Y-%m-%d %H:%M}"
    return text


def prepare(engine: Engine, config: Config, spec: SnapshotSpec, occurrence: str, due: datetime, now: datetime,
            previous: tuple[dict[str, Any], str] | None, late: Late | None = None, preview: bool = False
            ) -> Prepared:
    """Render an occurrence; `due` and `now` are aware. `preview` renders even what on_failure would hold."""
    began = time.perf_counter()
    if spec.department:
        from metrics.engine.scope import Scope, ScopedEngine

        asked: Questions = ScopedEngine(engine, Scope(department=spec.department, label=f"snapshot {spec.name}"))
    else:
        asked = engine
    due_wall = due.astimezone(spec.timezone).replace(tzinfo=None)
    numbers = collect(asked, spec, snapshot_today(config, due_wall), plan_engine=engine)
    seconds = {"numbers": time.perf_counter() - began}
    key = idempotency_key(spec.name, occurrence)
    problems = numbers.problems()
    summary = "; ".join(p.english() for p in problems)

    def entry(lang: str, status: str, message: bytes | None = None, error: str = "") -> Entry:
        return Entry(spec.name, occurrence, lang, due, status, config.smtp_sender, spec.addresses(lang),
                     message_id(key, lang, config.smtp_sender), message, numbers.record(), summary, late_text(late),
                     error)

    if problems and spec.on_failure == "hold" and not preview:
        reason = f"held: {len(problems)} part(s) failed or are stale, nothing was sent ({summary})"
        return Prepared([entry(lang, "held", error=reason) for lang in spec.languages()], [], problems, seconds)
    pictures, chart_seconds = _pictures(spec, numbers)
    if numbers.charts:
        seconds["charts"] = chart_seconds
    prepared_at = now.astimezone(spec.timezone).replace(tzinfo=None)
    changes = compare(numbers, *(previous or (None, None)))
    entries, documents, unprinted = [], [], []
    for lang in spec.languages():
        cids = [content_id(key, lang, n) for n in range(len(numbers.charts))]
        view = build_view(spec, numbers, changes, lang, config.public_url, list(zip(cids, pictures[lang])),
                          prepared_at, key, late)
        page = email_html(view) if "html" in spec.formats or "pdf" in spec.formats else None
        images = {cid: p.png for cid, p in zip(cids, pictures[lang]) if p.png is not None} if page else {}
        pdf = None
        if "pdf" in spec.formats and page is not None:
            printed = print_pdf(page, images)
            seconds["pdf"] = seconds.get("pdf", 0.0) + printed.seconds
            if printed.pdf is None:
                unprinted.append(Problem("pdf", None, Trouble("failed", printed.problem, printed.problem)))
            else:
                pdf = (t("mail.pdf.name", lang, name=spec.name, date=numbers.period[0].isoformat()), printed.pdf)
        html = page if "html" in spec.formats else None
        csv = None
        if "csv" in spec.formats:
            csv = (t("mail.csv.name", lang, name=spec.name, date=numbers.period[0].isoformat()),
                   csv_text(numbers, lang))
        message = build_message(
            subject=view.subject, sender=config.smtp_sender, recipients=spec.addresses(lang), prepared=now,
            msg_id=message_id(key, lang, config.smtp_sender), key=key, lang=lang,
            text=email_text(view) if "text" in spec.formats else None, html=html,
            images=images if html else {}, csv=csv, pdf=pdf)
        eml = message.as_bytes()
        entries.append(entry(lang, "pending", eml))
        documents.append(Document(lang, view.subject, html, images if html else {}, eml, pdf[1] if pdf else None))
    problems = problems + unprinted
    if unprinted and spec.on_failure == "hold" and not preview:
        reason = f"held: the PDF could not be printed, nothing was sent ({unprinted[0].trouble.detail})"
        return Prepared([entry(lang, "held", error=reason) for lang in spec.languages()], [], problems, seconds)
    seconds["total"] = time.perf_counter() - began
    return Prepared(entries, documents, problems, seconds)


def _pictures(spec: SnapshotSpec, numbers: SnapshotNumbers) -> tuple[dict[str, list[Picture]], float]:
    """Every language's charts drawn in one browser batch; a chart with nothing to draw gets no picture."""
    langs = spec.languages()
    drawable = [n for n, c in enumerate(numbers.charts) if c.periods and c.headline is not None]
    if "html" not in spec.formats and "pdf" not in spec.formats:
        drawable = []
    figures = [email_figure(numbers.charts[n], numbers.plan, lang) for lang in langs for n in drawable]
    drawn, seconds = render(figures)
    out: dict[str, list[Picture]] = {}
    for i, lang in enumerate(langs):
        mine = dict(zip(drawable, drawn[i * len(drawable):(i + 1) * len(drawable)]))
        out[lang] = [mine.get(n, Picture(None, "nothing to draw")) for n in range(len(numbers.charts))]
    return out, seconds

