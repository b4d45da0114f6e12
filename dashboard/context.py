"""What callbacks need from the running app (engine, config, today), kept on the Flask server, not in globals."""
from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import flask

if TYPE_CHECKING:  # types only: at run time this module imports what it uses inside the functions that use it
    from access.roles import Viewer
    from config.settings import Config
    from metrics.engine.protocol import Questions
    from metrics.engine.questions import Engine

ENGINE_KEY = "VANTAGE_ENGINE"
CONFIG_KEY = "VANTAGE_CONFIG"
# The Location component of Dash pages: writing its href navigates without a reload and adds a history entry.
LOCATION = "_pages_location"


def install(server: flask.Flask, engine: Engine, config: Config) -> None:
    """Attach the engine and config to the server of one app."""
    server.config[ENGINE_KEY] = engine
    server.config[CONFIG_KEY] = config


def engine() -> Questions:
    """The metrics engine of the app handling the current request, narrowed to the viewer's scope.

    Every callback asks for numbers through this, so department scoping is enforced on the server for any
    request, hand-made ones included.
    """
    from metrics.engine.scope import ScopedEngine

    found = viewer()
    base: Engine = flask.current_app.config[ENGINE_KEY]
    return ScopedEngine(base, found.scope) if found is not None else base


def plan_engine() -> Engine:
    """The unscoped engine, for the programme plan's tables only: a plan holds no department numbers, and a
    scoped engine does not reach the connectors the plan is read through."""
    engine: Engine = flask.current_app.config[ENGINE_KEY]
    return engine


def viewer() -> Viewer | None:
    """The person or device behind this request (None when access control is not installed, as in unit tests)."""
    from dashboard.guard import current_viewer

    return current_viewer()


def require_page(path: str) -> None:
    """Refuse (AccessDenied) when the viewer's role may not open this page."""
    from core.errors import AccessDenied

    found = viewer()
    if found is not None and not found.may_open(path):
        raise AccessDenied(f"this page is not part of the {found.role.value} role", path,
                           "ask an administrator for a role that includes it")


def audit(action: str, what: str = "", filters: Any = None) -> None:
    """Record who saw or exported which numbers (a no-op when access control is not installed)."""
    if flask.current_app.config.get("VANTAGE_AUDIT") is not None:
        from dashboard.guard import record

        record(action, what, filters)


def config() -> Config:
    return flask.current_app.config[CONFIG_KEY]


def today() -> date:
    """Today as the config says (tests pin it)."""
    return config().today()


def default_language() -> str:
    return config().language
