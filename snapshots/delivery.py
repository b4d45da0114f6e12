"""Delivering queued rows over SMTP: claim, send the stored bytes, mark; on failure retry with exponential back-off."""
from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from config.settings import Config
from core.errors import ConfigError
from snapshots.outbox import Outbox, Row

FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
MAX_ATTEMPTS = 20  # about 14 hours of retrying before a row is marked failed
SMTP_TIMEOUT = 60.0  # seconds for one SMTP conversation
LEASE = timedelta(seconds=SMTP_TIMEOUT * 3)  # a claim outlives any live send; a killed sender's claim expires
SECURITY = ("none", "starttls", "ssl")


def backoff(attempts: int) -> timedelta:
    """How long to wait after the n-th failed attempt: 30 s, 1 min, 2 min, ... at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


@dataclass
class Drained:
    """What one drain did."""

    sent: list[Row] = field(default_factory=list)
    retrying: list[tuple[Row, str, datetime]] = field(default_factory=list)
    failed: list[tuple[Row, str]] = field(default_factory=list)


def check_smtp(config: Config) -> None:
    """ConfigError at start, rather than at the first send, when the SMTP settings cannot work."""
    if config.smtp_security not in SECURITY:
        raise ConfigError(f"smtp_security is '{config.smtp_security}'", f"{config.path} [vantage] smtp_security",
                          f"set it to one of: {', '.join(SECURITY)}")


def smtp_send(config: Config, sender: str, recipients: list[str], message: bytes) -> dict[str, tuple[int, bytes]]:
    """Send one message over the configured SMTP server; returns the recipients it refused (others got it)."""
    check_smtp(config)
    security = config.smtp_security
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if security == "ssl":
        client = smtplib.SMTP_SSL(config.smtp_host, config.smtp_port, timeout=SMTP_TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=SMTP_TIMEOUT)
    with client:
        if security == "starttls":
            client.starttls(context=context)
        user = os.environ.get(config.smtp_user_env, "")
        if user:  # no user configured: an internal relay that takes mail without login
            client.login(user, os.environ.get(config.smtp_password_env, ""))
        return client.sendmail(sender, recipients, message)


def permanent(exc: Exception) -> bool:
    """Whether the server said no for good (5xx about the sender, recipients or content): retrying cannot help."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    if isinstance(exc, (smtplib.SMTPSenderRefused, smtplib.SMTPDataError)):
        return exc.smtp_code >= 500
    return False


def describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"SMTP {exc.smtp_code}: {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "every recipient was refused: " + ", ".join(f"{r} ({c})" for r, (c, _) in exc.recipients.items())
    return f"{type(exc).__name__}: {exc}"


def drain(outbox: Outbox, config: Config, clock: Callable[[], datetime], key: str | None = None,
          log: Callable[[str], None] = lambda _: None) -> Drained:
    """Send every pending row that is due (or only one occurrence's rows); each row is claimed before it is sent."""
    done = Drained()
    while True:
        now = clock()
        row = outbox.claim(now, now + LEASE, key)
        if row is None:
            return done
        where = f"{config.smtp_host}:{config.smtp_port}"
        try:
            if row.message is None:
                raise ValueError("the row has no rendered message")
            refused = smtp_send(config, row.sender, row.recipients, row.message)
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            error = f"{describe(exc)} (SMTP server {where})"
            if permanent(exc) or isinstance(exc, ValueError) or row.attempts >= MAX_ATTEMPTS:
                outbox.mark_failed(row.id, error)
                done.failed.append((row, error))
                log(f"{row.key} [{row.language}]: failed after {row.attempts} attempt(s): {error}")
            else:
                retry_at = now + backoff(row.attempts)
                outbox.mark_retry(row.id, error, retry_at)
                done.retrying.append((row, error, retry_at))
                log(f"{row.key} [{row.language}]: attempt {row.attempts} failed ({error}); next attempt at "
                    f"{retry_at:%Y-%m-%d %H:%M:%S} UTC")
            continue
        note = ("refused: " + ", ".join(f"{r} ({c})" for r, (c, _) in refused.items())) if refused else ""
        outbox.mark_sent(row.id, clock(), note)
        done.sent.append(row)
        log(f"{row.key} [{row.language}]: sent to {len(row.recipients) - len(refused)} recipient(s)"
            + (f"; {note}" if note else ""))
