"""How the web server presents itself: no version in its `Server` header, no wall token in its access log.

werkzeug's development server gets `QuietRequestHandler` (run_options); gunicorn gets the hook `post_worker_init`
through its config file, gunicorn.conf.py beside app.py (gunicorn reads it from the working directory).
"""
from __future__ import annotations

import logging
import re
from typing import Any

from werkzeug.serving import WSGIRequestHandler

SERVER_NAME = "Vantage"
TOKEN = re.compile(r"(token=)[^&\s\"']+")
# The access loggers of werkzeug's development server and of gunicorn (when --access-logfile is on).
ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's request handler, answering `Server: Vantage` instead of its own and Python's versions."""

    def version_string(self) -> str:
        return SERVER_NAME


def redact(text: str) -> str:
    """A logged request line with any token=... value replaced."""
    return TOKEN.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    """Takes wall tokens out of access-log lines: a screen's first visit carries its token in the address."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.msg) if isinstance(record.msg, str) else record.msg
        if isinstance(record.args, dict):  # gunicorn's atoms: changed in place, its lookups of headers still work
            for key, value in list(record.args.items()):
                if isinstance(value, str):
                    record.args[key] = redact(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def redact_access_logs() -> None:
    """Put the token filter on the access loggers (once per process)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())


def post_worker_init(worker: Any) -> None:
    """gunicorn's server hook, run in each worker before it serves: its responses say `Server: Vantage`, not gunicorn.

    gunicorn writes the header itself from `gunicorn.http.wsgi.SERVER` (a header the application set would be a
    second one), so the name is changed there, in the worker's own copy of the module.
    """
    from gunicorn.http import wsgi

    wsgi.SERVER = SERVER_NAME


def run_options() -> dict[str, Any]:
    """Options for Dash's `app.run` (werkzeug's development server)."""
    return {"request_handler": QuietRequestHandler}
