"""Wall screen: a playlist of slides that rotates unattended for weeks on a meeting-room or corridor screen.

    /wall/<playlist>            a person (or anyone, with login off), or a screen's device link ?token=...

The layout is the whole deck as skeletons; the browser rotates it, keeps the clock and asks for numbers on the
playlist's interval (assets/wall.js). The one server callback answers those asks with properties only, taking
the playlist from the device's session (or, for a person, from the address), never from what the browser sends.
"""
from __future__ import annotations

from typing import Any

import dash
from dash import ClientsideFunction, Dash, Input, Output, State, html

from config.playlists import load_playlists
from dashboard import context
from dashboard.pages.wall._ids import ids
from dashboard.pages.wall._screen import BUILD_KEY, PLAYLISTS_KEY, build_id, page_title, screen_layout, wall_numbers

dash.register_page(__name__, path_template="/wall/<playlist>", name="Wall screen", title=page_title, nav=False)


def layout(playlist: str | None = None, **_query: Any) -> html.Div:
    """The deck of the address's playlist, or why there is none (the token and other parameters are ignored)."""
    return screen_layout(playlist)


def register_callbacks(app: Dash) -> None:
    """Check the playlists (ConfigError stops start-up), note the build, and wire the screen's two callbacks."""
    config = app.server.config[context.CONFIG_KEY]
    catalogue = app.server.config[context.ENGINE_KEY].catalogue
    app.server.config[PLAYLISTS_KEY] = load_playlists(config, catalogue)
    app.server.config[BUILD_KEY] = build_id(config)

    # Starts (or restarts) the browser's rotation, clock and refresh loop when a deck is put on screen.
    app.clientside_callback(ClientsideFunction("wall", "mount"), Output(ids.SINK, "data"),
                            Input(ids.SCHEDULE, "data"))

    # Asked by wall.js itself, not by a Dash input: Dash keeps every browser-side change of an input in an undo
    # history that is never trimmed, so a timer driving an input would grow the page's memory for weeks.
    @app.callback(Output(ids.DATA, "data"), Input(ids.ASK, "data"), State(context.LOCATION, "pathname"),
                  prevent_initial_call=True)
    def numbers(reason: str | None, pathname: str | None) -> dict[str, Any]:
        return wall_numbers(reason, pathname)
