"""One place that turns failures into something shown: a VantageError's message, never a traceback or a zero."""
from __future__ import annotations

import logging
from typing import Callable, TypeVar

from core.errors import VantageError
from core.i18n import t

T = TypeVar("T")
log = logging.getLogger("vantage.dashboard")


def guarded(compute: Callable[[], T], on_error: Callable[[str], T], lang: str) -> T:
    """compute(), or on_error(message) when it fails: the error's own message, or a pointer to the server log."""
    try:
        return compute()
    except VantageError as exc:
        return on_error(exc.message)
    except Exception:  # noqa: BLE001 - a view must never go blank; the traceback goes to the log, not the screen
        log.exception("a dashboard view failed")
        return on_error(t("error.internal", lang))
