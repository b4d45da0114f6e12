"""What callbacks need from the running app (engine, config, today), kept on the Flask server, not in globals."""
from __future__ import annotations

from datetime import date
from typing import Any

import flask

ENGINE_KEY = "VANTAGE_ENGINE"
CONFIG_KEY = "VANTAGE_CONFIG"
# The Location component of Dash pages: writing its href navigates without a reload and adds a history entry.
LOCATION = "_pages_location"


def install(server: flask.Flask, engine: Any, config: Any) -> None:
    """Attach the engine and config to the server of one app."""
    server.config[ENGINE_KEY] = engine
    server.config[CONFIG_KEY] = config


def engine() -> Any:
    """The metrics engine of the app handling the current request."""
    return flask.current_app.config[ENGINE_KEY]


def config() -> Any:
    return flask.current_app.config[CONFIG_KEY]


def today() -> date:
    """Today as the config says (tests pin it)."""
    return config().today()


def default_language() -> str:
    return config().language
