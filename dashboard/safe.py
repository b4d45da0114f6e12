"""One place that turns failures into something shown: a VantageError's message, never a traceback or a zero.

A failing source's message names the server's files or database address, so viewers see "source unavailable" with a
short reference instead; the full message goes to the server log under the same reference, and administrators
(Role.ADMIN, which includes everyone when the login is off) see it in full.
"""
from __future__ import annotations

import logging
import secrets
from functools import lru_cache
from typing import Callable, TypeVar

from access.roles import Role
from core.errors import AccessDenied, AuditUnavailable, PageRefused, SourceError, VantageError
from core.i18n import t
from dashboard import context
from metrics.engine.breaker import since_of

T = TypeVar("T")
log = logging.getLogger("vantage.dashboard")
# Words of this module's own message (to move into core/i18n.py's table: "error.source_unavailable").
SOURCE_UNAVAILABLE = {"en": "Source unavailable (reference {reference}); an administrator can look it up in the "
                            "server log.",
                      "zh": "数据源不可用（参考编号 {reference}）；管理员可在服务器日志中查到详情。"}
# A source the engine's breaker left alone after it failed: since when, which is no secret.
SOURCE_UNAVAILABLE_SINCE = {"en": "Source unavailable since {since} (reference {reference}); an administrator can "
                                  "look it up in the server log.",
                            "zh": "数据源自 {since} 起不可用（参考编号 {reference}）；管理员可在服务器日志中查到详情。"}


def guarded(compute: Callable[[], T], on_error: Callable[[str], T], lang: str) -> T:
    """compute(), or on_error(message) when it fails: the error's own message, or a pointer to the server log.

    A refusal is recorded as a `denied` row (if the scoped engine has not); AuditUnavailable goes on to the server.
    """
    try:
        return compute()
    except AuditUnavailable:
        raise  # numbers whose view cannot be recorded are not shown at all: the server answers 503
    except PageRefused as exc:
        context.denied(exc, exc.where or exc.what)
        raise  # the data of a page outside the role: the server answers 403
    except VantageError as exc:
        if isinstance(exc, AccessDenied):  # a refusal the scoped engine did not record already
            context.denied(exc, exc.where or exc.what)
        return on_error(shown_message(exc, lang))
    except Exception:  # noqa: BLE001 - a view must never go blank; the traceback goes to the log, not the screen
        log.exception("a dashboard view failed")
        return on_error(t("error.internal", lang))


def shown_message(exc: VantageError, lang: str) -> str:
    """What the viewer of this request may read of an error: a SourceError in full only for administrators."""
    return source_reason(exc.message, lang) if isinstance(exc, SourceError) else exc.message


def source_reason(message: str, lang: str) -> str:
    """A source's failure as this request's viewer may read it ('' stays ''): in full for administrators (and
    outside a request, as in unit tests), else "source unavailable" (since when, once the engine's breaker left the
    source alone) with a reference to the full text in the log."""
    if not message:
        return message
    found = context.viewer()
    if found is None or found.role is Role.ADMIN:
        return message
    since = since_of(message)
    words = SOURCE_UNAVAILABLE_SINCE if since else SOURCE_UNAVAILABLE
    return words.get(lang, words["en"]).format(reference=reference_of(message), since=since)


@lru_cache(maxsize=256)
def reference_of(message: str) -> str:
    """A short random reference for a failure's message, written to the server log with it once per process (the
    same failure keeps its reference while it lasts, and a tile refreshing every minute does not flood the log)."""
    reference = secrets.token_hex(4)
    log.error("source unavailable [ref %s]: %s", reference, message)
    return reference
