"""Wall-screen playlists: each [playlists.NAME] table of the config, checked into a frozen Playlist.

    [playlists.lobby]
    title = "Programme results"     # shown in the corner of the screen (default: the name)
    seconds = 20                    # per slide, unless a slide says otherwise
    refresh_seconds = 60            # how often the numbers are asked again (from the cache)
    language = "en"                 # en or zh (default: the dashboard's language)
    theme = "dark"                  # dark (default) or light
    slides = [
        { page = "overview", period = "month" },
        { page = "metric", metric = "data_accuracy", period = "quarter", department = "finance" },
        { page = "programme", language = "zh", seconds = 30 },
    ]

Every problem is a ConfigError naming the file, the playlist and the key, with the fix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Mapping

from config.fields import Dimensioned, choice, no_unknown, number, text
from core.errors import ConfigError
from core.i18n import LANGUAGES

PAGES = ("overview", "metric", "programme")
PERIODS = ("month", "quarter", "ytd", "last_90d")
THEMES = ("dark", "light")
COMMON = {"page", "period", "language", "seconds", "title"}
SLIDE_KEYS: Mapping[str, frozenset[str]] = {
    "overview": frozenset(COMMON | {"department"}),
    "metric": frozenset(COMMON | {"metric", "department"}),
    "programme": frozenset(COMMON),
}
PLAYLIST_KEYS = frozenset({"title", "seconds", "refresh_seconds", "language", "theme", "slides"})
# Milestones planned in one month are too few to judge; a quarter reads steadier on a wall.
DEFAULT_PERIOD = {"overview": "month", "metric": "month", "programme": "quarter"}
DEFAULT_SECONDS = 20
SECONDS = (2, 3600)
DEFAULT_REFRESH = 60
REFRESH = (5, 3600)
MAX_SLIDES = 30
NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Slide:
    """One screenful: the overview's results, one KPI, or the programme plan."""

    page: str
    seconds: float
    period: str
    language: str
    title: str = ""
    metric: str = ""
    department: str = ""


@dataclass(frozen=True)
class Playlist:
    """A screen's rotation of slides, with its theme and refresh interval."""

    name: str
    title: str
    theme: str
    language: str
    refresh_seconds: float
    slides: tuple[Slide, ...]

    def schedule(self) -> dict[str, Any]:
        """What the browser needs to rotate and refresh on its own (no numbers in it)."""
        return {"name": self.name, "seconds": [s.seconds for s in self.slides], "refresh": self.refresh_seconds,
                "language": self.language, "theme": self.theme}


def load_playlists(config: Any, catalogue: Mapping[str, Dimensioned]) -> dict[str, Playlist]:
    """Every declared playlist, checked; the first problem raises ConfigError."""
    return {name: parse_playlist(name, raw, config, catalogue) for name, raw in (config.playlists or {}).items()}


def parse_playlist(name: str, raw: Mapping[str, Any], config: Any, catalogue: Mapping[str, Dimensioned]) -> Playlist:
    """One [playlists.NAME] table as a Playlist; ConfigError for an unknown key or a wrong value."""
    where = f"{config.path} [playlists.{name}]"
    if not NAME.match(name):
        raise ConfigError(f"playlist name '{name}' cannot be part of an address", where,
                          "name it with letters, digits, '-' and '_' only (it becomes /wall/NAME)")
    no_unknown(raw, sorted(PLAYLIST_KEYS), where)
    title = text(raw, "title", name, where)
    seconds = number(raw, "seconds", DEFAULT_SECONDS, SECONDS, where, unit="seconds")
    refresh = number(raw, "refresh_seconds", DEFAULT_REFRESH, REFRESH, where, unit="seconds")
    language = choice(raw, "language", config.language if config.language in LANGUAGES else "en", LANGUAGES, where)
    theme = choice(raw, "theme", "dark", THEMES, where)
    slides = raw.get("slides")
    if not isinstance(slides, list) or not slides:
        raise ConfigError("a playlist needs slides", f"{where} slides",
                          'add slides = [{ page = "overview" }, ...] with pages from: ' + ", ".join(PAGES))
    if len(slides) > MAX_SLIDES:
        raise ConfigError(f"{len(slides)} slides are more than a screen can rotate through", f"{where} slides",
                          f"split them into playlists of at most {MAX_SLIDES} slides")
    parsed = tuple(_slide(n, s, seconds, language, where, catalogue) for n, s in enumerate(slides))
    return Playlist(name, title, theme, language, refresh, parsed)


def _slide(n: int, raw: Any, seconds: float, language: str, where: str, catalogue: Mapping[str, Dimensioned]) -> Slide:
    here = f"{where} slides[{n}]"
    if not isinstance(raw, dict):
        raise ConfigError("a slide is not a table", here, 'write it as { page = "overview" }')
    page = choice(raw, "page", None, PAGES, here)
    no_unknown(raw, sorted(SLIDE_KEYS[page]), here)
    metric = ""
    if page == "metric":
        metric = text(raw, "metric", "", here)
        if metric not in catalogue:
            raise ConfigError(f"unknown metric '{metric}'", f"{here} metric",
                              f"use a key from `python app.py metrics`: {', '.join(catalogue)}")
    department = text(raw, "department", "", here) if "department" in raw else ""
    if department and metric and "department" not in catalogue[metric].dimensions:
        raise ConfigError(f"{metric} has no department dimension", f"{here} department",
                          "remove department from this slide")
    return Slide(page=page, seconds=number(raw, "seconds", seconds, SECONDS, here, unit="seconds"),
                 period=choice(raw, "period", DEFAULT_PERIOD[page], PERIODS, here),
                 language=choice(raw, "language", language, LANGUAGES, here),
                 title=text(raw, "title", "", here) if "title" in raw else "", metric=metric, department=department)

