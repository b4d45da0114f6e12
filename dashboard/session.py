"""The session cookie: a random id and nothing else (access/sessions.py holds who it belongs to)."""
from __future__ import annotations

import flask
from werkzeug.wrappers import Response

from access.sessions import Session, SessionStore

COOKIE = "vantage_session"
SESSIONS_KEY = "VANTAGE_SESSIONS"
SECURE_KEY = "VANTAGE_SECURE_COOKIES"
DEVICE_COOKIE_DAYS = 400  # the longest a browser keeps a cookie; a device session ends when its token is revoked


def store() -> SessionStore:
    return flask.current_app.config[SESSIONS_KEY]


def cookie_id() -> str:
    """The session id the browser sent ('' for none)."""
    return flask.request.cookies.get(COOKIE, "")


def current() -> tuple[str, Session] | None:
    """The id and session of this request's person or screen, as the gate found it (None: no live session)."""
    return flask.g.get("vantage_session") if flask.has_request_context() else None


def set_cookie(response: Response, session_id: str, device: bool = False) -> Response:
    """Give the browser its session id: HttpOnly, SameSite=Lax, Secure when the site is served over https."""
    sessions = store()
    days = DEVICE_COOKIE_DAYS if device else sessions.max_seconds / 86400
    response.set_cookie(COOKIE, session_id, max_age=int(days * 86400), httponly=True, samesite="Lax",
                        secure=bool(flask.current_app.config.get(SECURE_KEY)), path="/")
    return response


def clear_cookie(response: Response) -> Response:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax",
                           secure=bool(flask.current_app.config.get(SECURE_KEY)))
    return response
