"""The MIME message: text and HTML alternatives, charts inline by Content-ID, the numbers as a CSV attachment and the
board pack as a PDF attachment."""
from __future__ import annotations

import hashlib
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

SNAPSHOT_HEADER = "X-Vantage-Snapshot"


def message_id(key: str, lang: str, sender: str) -> str:
    """A Message-ID derived from the occurrence, so a resend after a crash is recognisably the same message."""
    digest = hashlib.sha256(f"{key}|{lang}".encode()).hexdigest()[:32]
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "vantage.localhost"
    return f"<{digest}@{domain}>"


def content_id(key: str, lang: str, n: int) -> str:
    """The Content-ID of a chart picture (without angle brackets), unique per message."""
    return f"chart-{n}.{hashlib.sha256(f'{key}|{lang}'.encode()).hexdigest()[:12]}@vantage"


def build_message(*, subject: str, sender: str, recipients: list[str], prepared: datetime, msg_id: str, key: str,
                  lang: str, text: str | None, html: str | None, images: dict[str, bytes], csv: tuple[str, str] | None,
                  pdf: tuple[str, bytes] | None = None) -> EmailMessage:
    """Assemble the message; `images` maps content ids to PNG bytes, `csv` is (file name, text) and `pdf`
    (file name, bytes), or None."""
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = format_datetime(prepared)
    msg["Message-ID"] = msg_id
    msg[SNAPSHOT_HEADER] = key
    html_part: EmailMessage = msg
    if text is not None:
        msg.set_content(text, charset="utf-8")
        if html is not None:
            msg.add_alternative(html, subtype="html", charset="utf-8")
            html_part = msg.get_payload()[1]  # type: ignore[index]
    elif html is not None:
        msg.set_content(html, subtype="html", charset="utf-8")
    if html is not None:
        for cid, png in images.items():
            html_part.add_related(png, maintype="image", subtype="png", cid=f"<{cid}>",
                                  filename=f"{cid.split('@')[0]}.png", disposition="inline")
    if csv is not None:
        name, body = csv
        msg.add_attachment(body, subtype="csv", charset="utf-8", filename=name)
    if pdf is not None:
        msg.add_attachment(pdf[1], maintype="application", subtype="pdf", filename=pdf[0])
    # Set last: turning the message multipart moves every Content-* header into its first part.
    msg["Content-Language"] = "zh-CN" if lang == "zh" else "en"
    return msg
