"""An EmailView as plain text: the alternative part for clients that do not show HTML, and for screen readers."""
from __future__ import annotations

from core.i18n import t
from snapshots import words as _mail_words  # noqa: F401 - registers the email's words
from snapshots.view import EmailView, Line

RULE = "=" * 60


def email_text(view: EmailView) -> str:
    """The whole text part; every number followed by the link to its view."""
    out = [f"Vantage · {view.title}", *view.meta, ""]
    for notice in view.notices:
        mark = "!!" if notice.kind == "failure" else "!"
        out += [f"{mark} {notice.title}",
                *(f"   {line}" for line in notice.lines), ""]
    if view.changes:
        out += _heading(t("mail.changes.title", view.lang)) + _sections(view.changes) + [""]
    out += _heading(t("mail.kpis.title", view.lang))
    for group in view.groups:
        out += ["", f"[{group.title}]"]
        for k in group.lines:
            out.append(f"- {k.title}: {k.value}")
            detail = "  ".join(part for part in (k.status_label, k.delta) if part)
            if detail:
                out.append(f"    {detail}")
            if k.facts:
                out.append(f"    {k.facts}")
            if k.problem:
                out.append(f"    !! {k.problem}")
            if k.checkin:
                out.append(f"    {k.checkin}")
            out.append(f"    {k.href}")
    if view.charts:
        out += ["", *_heading(t("mail.charts.title", view.lang))]
        for chart in view.charts:
            out.append(f"- {chart.title}")
            out.append(f"    {chart.note}" if chart.note else f"    {chart.alt}")
            out.append(f"    {chart.href}")
    if view.programme:
        out += ["", *_heading(t("mail.programme.title", view.lang))]
        out += _sections(view.programme)
    out += ["", f"{t('mail.footer.open', view.lang)}: {view.overview_href}", "", *view.footer]
    return "\n".join(out) + "\n"


def _heading(text: str) -> list[str]:
    return [text, RULE[: max(len(text), 8)]]


def _sections(sections: list[tuple[str, list[Line]]]) -> list[str]:
    out = []
    for title, lines in sections:
        out += ([f"[{title}]"] if title else []) + [_line(line) for line in lines]
    return out


def _line(line: Line) -> str:
    return f"- {line.text}" + (f"\n    {line.href}" if line.href else "")
