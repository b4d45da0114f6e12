"""An EmailView as email-safe HTML: nested tables, inline styles, no external CSS or script.

Mail clients strip <style> blocks and ignore most CSS (Outlook draws with Word's engine), so every style is
inline, layout is tables, and the 640 px column shrinks to a phone's width through max-width; Outlook, which
ignores max-width, gets a fixed-width table in a conditional comment.
"""
from __future__ import annotations

from html import escape

from core.i18n import t
from dashboard.theme import FONT, LIGHT, STATUS_FILL
from snapshots import words as _mail_words  # noqa: F401 - registers the email's words
from snapshots.view import ChartBlock, EmailView, Group, Line, Notice

WIDTH = 640
PAD = 20
TEXT, MUTED, RULE, LINK = LIGHT.text, LIGHT.muted, "#dee2e6", "#0b5394"
TONES = {"good": LIGHT.good, "bad": LIGHT.bad, "flat": MUTED, "": TEXT}
NOTICE = {"failure": ("#fbeaea", "#b02a37", "#58151c"), "late": ("#fff4e0", "#E69F00", "#4d3300")}
FONT_CSS = escape(FONT, quote=True)
# Outlook's Word engine falls back to Times New Roman when it lacks the first font of a stack.
OUTLOOK_FONTS = ('<!--[if mso]><style>body, table, td, h1, h2, div, span, a {font-family: Arial, "Microsoft YaHei", '
                 'sans-serif !important;}</style><![endif]-->')


def email_html(view: EmailView) -> str:
    """The whole document."""
    rows = [_header(view), *(_notice(n) for n in view.notices)]
    if view.changes:
        rows.append(_section(_heading(t("mail.changes.title", view.lang)), *_subsections(view.changes)))
    rows += [_group(g, first=i == 0, view=view) for i, g in enumerate(view.groups)]
    if view.charts:
        rows.append(_section(_heading(t("mail.charts.title", view.lang))))
        rows += [_chart(c) for c in view.charts]
    if view.programme:
        rows.append(_section(_heading(t("mail.programme.title", view.lang)), *_subsections(view.programme)))
    rows.append(_footer(view))
    preheader = view.notices[0].title if view.notices else view.changes[0][1][0].text if view.changes else view.title
    return f"""<!DOCTYPE html>
<html lang="{'zh-CN' if view.lang == 'zh' else 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>{escape(view.subject)}</title>
{OUTLOOK_FONTS}
</head>
<body style="margin:0;padding:0;background:#eef1f4;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">{escape(preheader)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#eef1f4;">
<tr><td align="center" style="padding:16px 8px;">
<!--[if mso]><table role="presentation" width="{WIDTH}" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:{WIDTH}px;\
background:#ffffff;border:1px solid {RULE};font-family:{FONT_CSS};color:{TEXT};">
{''.join(rows)}
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
"""


def _section(*parts: str) -> str:
    return f'<tr><td style="padding:18px {PAD}px 4px;">{"".join(parts)}</td></tr>\n'


def _heading(text: str) -> str:
    return (f'<h2 style="margin:0 0 8px;font-size:17px;line-height:1.3;font-weight:700;color:{TEXT};">'
            f'{escape(text)}</h2>')


def _link(text: str, href: str, style: str) -> str:
    return f'<a href="{escape(href, quote=True)}" style="{style}">{escape(text)}</a>'


def _header(view: EmailView) -> str:
    meta = "<br>".join(escape(m) for m in view.meta)
    return (f'<tr><td style="padding:18px {PAD}px;background:#0b2e4a;color:#ffffff;">'
            f'<div style="font-size:12px;letter-spacing:0.08em;text-transform:uppercase;color:#b8d4ea;">Vantage</div>'
            f'<h1 style="margin:4px 0 6px;font-size:22px;line-height:1.25;font-weight:700;color:#ffffff;">'
            f'{escape(view.title)}</h1>'
            f'<div style="font-size:13px;line-height:1.5;color:#dbe7f1;">{meta}</div></td></tr>\n')


def _notice(notice: Notice) -> str:
    fill, edge, ink = NOTICE[notice.kind]
    lines = "".join(f'<div style="margin:4px 0 0;">{escape(line)}</div>' for line in notice.lines)
    return (f'<tr><td style="padding:14px {PAD}px 0;">'
            f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>'
            f'<td style="padding:10px 14px;background:{fill};border-left:5px solid {edge};color:{ink};font-size:14px;'
            f'line-height:1.5;" role="alert"><strong style="font-size:15px;">{escape(notice.title)}</strong>{lines}'
            f'</td></tr></table></td></tr>\n')


def _subsections(sections: list[tuple[str, list[Line]]]) -> list[str]:
    return [(f'<div style="margin:10px 0 4px;font-size:13px;font-weight:700;color:{TEXT};">{escape(title)}</div>'
             if title else "") + _lines(lines) for title, lines in sections]


def _lines(lines: list[Line]) -> str:
    items = []
    for line in lines:
        colour = TONES.get(line.tone, TEXT)
        weight = "600" if line.tone in ("good", "bad") else "400"
        body = (_link(line.text, line.href, f"color:{colour};text-decoration:none;font-weight:{weight};")
                if line.href else f'<span style="color:{colour};font-weight:{weight};">{escape(line.text)}</span>')
        items.append(f'<div style="margin:0 0 6px;font-size:14px;line-height:1.5;">{body}</div>')
    return "".join(items)


def _pill(status: str, label: str) -> str:
    return (f'<span style="display:inline-block;padding:1px 8px;background:{STATUS_FILL.get(status, "#adb5bd")};'
            f'color:#000000;font-size:12px;font-weight:700;line-height:1.6;white-space:nowrap;">{escape(label)}</span>')


def _group(group: Group, first: bool, view: EmailView) -> str:
    rows = [f'<tr><td colspan="2" style="padding:{"4" if first else "14"}px 0 6px;font-size:12px;font-weight:700;'
            f'letter-spacing:0.06em;text-transform:uppercase;color:{MUTED};border-bottom:2px solid {TEXT};">'
            f'{escape(group.title)}</td></tr>']
    for k in group.lines:
        value_colour = "#b02a37" if k.problem else LINK
        rows.append(
            f'<tr><td style="padding:10px 8px 2px 0;vertical-align:top;font-size:15px;line-height:1.35;'
            f'font-weight:600;">'
            + _link(k.title, k.href, f"color:{TEXT};text-decoration:none;")
            + f'</td><td align="right" style="padding:8px 0 2px 8px;vertical-align:top;white-space:nowrap;'
              f'font-size:20px;line-height:1.3;font-weight:700;">'
            + _link(k.value, k.href, f"color:{value_colour};text-decoration:none;") + "</td></tr>")
        facts = []
        if k.status:
            delta_style = f"color:{TONES[k.tone]};font-weight:600;" if k.tone else f"color:{MUTED};"
            facts.append(_pill(k.status, k.status_label) + "&nbsp; " +
                         f'<span style="{delta_style}">{escape(k.delta)}</span>')
        if k.facts:
            facts.append(f'<span style="color:{MUTED};">{escape(k.facts)}</span>')
        if k.problem:
            facts.append(f'<span style="color:#b02a37;font-weight:700;">⚠ {escape(k.problem)}</span>')
        if k.checkin:
            facts.append(f'<span style="font-style:italic;">{escape(k.checkin)}</span>')
        rows.append(f'<tr><td colspan="2" style="padding:2px 0 10px;border-bottom:1px solid #e9ecef;font-size:13px;'
                    f'line-height:1.6;">{"<br>".join(facts)}</td></tr>')
    heading = _heading(t("mail.kpis.title", view.lang)) if first else ""
    return (f'<tr><td style="padding:{"18" if first else "0"}px {PAD}px 0;">{heading}'
            f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">'
            f'{"".join(rows)}</table></td></tr>\n')


def _chart(chart: ChartBlock) -> str:
    title = _link(chart.title, chart.href, f"color:{TEXT};text-decoration:none;font-weight:600;")
    body = ""
    if chart.cid:
        picture_width = WIDTH - 2 * PAD
        body = (f'<a href="{escape(chart.href, quote=True)}"><img src="cid:{escape(chart.cid, quote=True)}" '
                f'width="{picture_width}" alt="{escape(chart.alt, quote=True)}" style="display:block;width:100%;'
                f'max-width:{picture_width}px;height:auto;border:0;outline:none;"></a>')
    note = (f'<div style="margin:6px 0 0;padding:8px 12px;background:#fbeaea;color:#58151c;font-size:13px;'
            f'line-height:1.5;">⚠ {escape(chart.note)}</div>') if chart.note else ""
    return (f'<tr><td style="padding:6px {PAD}px 14px;"><div style="margin:0 0 6px;font-size:14px;line-height:1.4;">'
            f'{title}</div>{body}{note}</td></tr>\n')


def _footer(view: EmailView) -> str:
    button = (f'<table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr>'
              f'<td style="background:#0072B2;padding:10px 18px;">'
              + _link(t("mail.footer.open", view.lang), view.overview_href,
                      "color:#ffffff;text-decoration:none;font-weight:700;font-size:15px;")
              + "</td></tr></table>")
    lines = "".join(f'<div style="margin:8px 0 0;">{escape(line)}</div>' for line in view.footer)
    return (f'<tr><td style="padding:20px {PAD}px 22px;border-top:1px solid {RULE};">{button}'
            f'<div style="margin:12px 0 0;font-size:12px;line-height:1.5;color:{MUTED};">{lines}</div></td></tr>\n')
