"""The wall page's server side: the deck for an address, the playlist a request may see, the answer to a
screen's ask for numbers, and the build a screen compares to know when to reload."""
from __future__ import annotations

import hashlib
import json
import re
from functools import partial
from pathlib import Path
from typing import Any

import dash
import flask
from dash import dcc, html

from config.playlists import Playlist
from core.errors import UsageError, VantageError
from core.i18n import t
from dashboard import context
from dashboard.guard import current_playlist
from dashboard.pages.wall import _words as _wall_words  # noqa: F401 - registers the wall's strings
from dashboard.pages.wall._data import metric_props, overview_props, playlist_props
from dashboard.pages.wall._ids import ids
from dashboard.pages.wall._plan import programme_props
from dashboard.pages.wall._slides import deck

PLAYLISTS_KEY = "VANTAGE_WALL_PLAYLISTS"  # checked once when the app is built; a wrong playlist stops start-up
BUILD_KEY = "VANTAGE_WALL_BUILD"  # changes when the code, assets or playlists change: screens then reload
ROOT = Path(__file__).resolve().parents[3]
BUILD_PARTS = ("app.py", "core", "config", "connectors", "demo", "metrics", "programme", "access", "snapshots", "cli",
               "dashboard", "workers", "assets")
WALL_PATH = re.compile(r"/wall/([^/?#]+)/?$")


def playlists() -> dict[str, Playlist]:
    """The app's checked playlists, by name."""
    return flask.current_app.config.get(PLAYLISTS_KEY, {})


def page_title(playlist: str | None = None) -> str:
    """The browser tab's title: the playlist's own title."""
    try:
        device = current_playlist()
        found = playlists().get(playlist or "") if device in (None, playlist) else None
    except RuntimeError:  # outside a request (Dash asks at start-up)
        return "Vantage"
    return f"{found.title} · Vantage" if found else "Vantage"


def screen_layout(playlist: str | None) -> html.Div:
    """The deck of the address's playlist (a screen's own playlist only), or why there is none. Pure: no numbers."""
    lang = context.default_language()
    device = current_playlist()
    known = playlists()
    if device is not None and playlist != device:
        return frame(None, [], lang, t("wall.not_yours", lang, name=device))
    found = known.get(playlist or "")
    if found is None:
        if playlist is None:  # Dash checks the page's ids at start-up without an address
            return frame(None, [], lang)
        names = ", ".join(sorted(known)) or t("wall.none", lang)
        return frame(None, [], lang, f"{t('wall.unknown', lang, name=playlist)} {t('wall.playlists', lang)}: {names}")
    return frame(found, deck(found, context.engine().catalogue, context.today()), found.language)


def frame(playlist: Playlist | None, slides: list, lang: str, message: str = "") -> html.Div:
    """What every wall shows around its slides: brand, clock, connection badge, progress and place in the rotation."""
    theme = playlist.theme if playlist else "dark"
    body: list[Any] = slides or [html.Div(message, className="wall-message", role="alert")]
    return html.Div([
        dcc.Store(id=ids.SCHEDULE, data=playlist.schedule() if playlist else None),
        dcc.Store(id=ids.DATA), dcc.Store(id=ids.ASK), dcc.Store(id=ids.SINK),
        html.Header([
            html.Div([html.Span("Vantage", className="wall-brand"),
                      html.Span(playlist.title if playlist else t("wall.name", lang), className="wall-playlist")],
                     className="wall-top-left"),
            html.Div([
                html.Span([html.I(className="bi bi-arrow-repeat wall-spin", **{"aria-hidden": "true"}),
                           html.Span(t("wall.reconnecting", lang), className="wall-offline-word"),
                           html.Span(t("wall.reconnecting_hint", lang), className="wall-offline-hint")],
                          id=ids.OFFLINE, className="wall-offline", role="status"),
                html.Span(id=ids.DATE, className="wall-date"),
                html.Span(id=ids.CLOCK, className="wall-clock"),
            ], className="wall-top-right"),
        ], className="wall-top"),
        html.Div(body, id=ids.DECK, className="wall-deck"),
        html.Footer([html.Div(html.Div(id=ids.PROGRESS, className="wall-progress-bar"), className="wall-progress"),
                     html.Span(id=ids.INDICATOR, className="wall-indicator")], className="wall-foot"),
    ], id=ids.ROOT, className=f"wall-root wall-{theme}", lang="zh-CN" if lang == "zh" else "en",
        **{"data-playlist": playlist.name if playlist else ""})


def build_id(config: Any) -> str:
    """A digest of the code, the assets and the playlists being served: a screen that sees it change reloads."""
    digest = hashlib.sha256(dash.__version__.encode())
    for name in BUILD_PARTS:
        base = ROOT / name
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file() and
                                                     "__pycache__" not in p.parts)
        for path in files:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    digest.update(json.dumps(config.playlists, sort_keys=True, default=str).encode())
    return digest.hexdigest()[:16]


def served_playlist(pathname: str | None) -> Playlist:
    """The playlist this request may see: a device's own (whatever the browser says), else the address's."""
    known = playlists()
    name = current_playlist()
    if name is None:
        match = WALL_PATH.search(pathname or "")
        name = match.group(1) if match else ""
    if name not in known:
        raise UsageError(f"no playlist '{name}'", "wall screen address", f"open /wall/NAME with one of: "
                         f"{', '.join(sorted(known)) or 'none declared'}")
    return known[name]


def wall_numbers(reason: str | None, pathname: str | None) -> dict[str, Any]:
    """The answer to a screen's ask: the build it is served from and every slide's properties."""
    build = flask.current_app.config.get(BUILD_KEY, "")
    try:
        playlist = served_playlist(pathname)
    except VantageError as exc:
        return {"build": build, "props": {}, "error": exc.message}
    if reason == "load":  # once per page load, not per refresh: the screen shows the same numbers all day
        context.audit("view", f"wall:{playlist.name}", {"slides": len(playlist.slides)})
    builders = {"overview": overview_props, "metric": metric_props,
                "programme": partial(programme_props, viewer=context.viewer(),
                                     plan_engine=flask.current_app.config[context.ENGINE_KEY])}
    return {"build": build, "props": playlist_props(context.engine(), playlist, context.today(), builders)}
