"""The field checkers: each value that passes comes back as read; each that does not is one exact message naming the
file, the section and the key, with the fix."""
from __future__ import annotations

from typing import Any, Callable

import pytest

from config import fields
from core.errors import ConfigError

SECTION = "vantage.toml [playlists.lobby]"


@pytest.mark.parametrize("check, raw, expected", [
    (lambda raw: fields.no_unknown(raw, ("title", "seconds"), SECTION), {"title": "x"}, None),
    (lambda raw: fields.text(raw, "title", "Lobby", SECTION), {}, "Lobby"),
    (lambda raw: fields.text(raw, "title", "Lobby", SECTION), {"title": "  Results  "}, "Results"),
    (lambda raw: fields.number(raw, "seconds", 20, (2, 3600), SECTION, unit="seconds"), {}, 20.0),
    (lambda raw: fields.number(raw, "seconds", 20, (2, 3600), SECTION, unit="seconds"), {"seconds": 2}, 2.0),
    (lambda raw: fields.number(raw, "seconds", 20, (2, 3600), SECTION, unit="seconds"), {"seconds": 3600.0}, 3600.0),
    (lambda raw: fields.choice(raw, "theme", "dark", ("dark", "light"), SECTION), {}, "dark"),
    (lambda raw: fields.choice(raw, "theme", "dark", ("dark", "light"), SECTION), {"theme": "light"}, "light"),
    (lambda raw: fields.flag(raw, "programme_status", False, SECTION), {}, False),
    (lambda raw: fields.flag(raw, "programme_status", False, SECTION), {"programme_status": True}, True),
    (lambda raw: fields.words(raw, "title", SECTION), {}, {}),
    (lambda raw: fields.words(raw, "title", SECTION), {"title": "Board"}, {"en": "Board", "zh": "Board"}),
    (lambda raw: fields.words(raw, "title", SECTION), {"title": {"en-GB": "Board", "zh-CN": "董事会"}},
     {"en": "Board", "zh": "董事会"}),
])
def test_a_right_value_comes_back(check: Callable[[dict[str, Any]], Any], raw: dict[str, Any], expected: Any) -> None:
    assert check(raw) == expected


@pytest.mark.parametrize("check, raw, message", [
    (lambda raw: fields.no_unknown(raw, ("title", "seconds"), SECTION), {"title": "x", "colour": "red", "b": 1},
     "unknown key 'b' (vantage.toml [playlists.lobby] b). To fix this, use only: title, seconds"),
    (lambda raw: fields.text(raw, "metric", "", SECTION), {},
     ("metric must be a non-empty text, not '' (vantage.toml [playlists.lobby] metric). "
      'To fix this, write it in quotes, e.g. metric = "..."')),
    (lambda raw: fields.text(raw, "title", "Lobby", SECTION), {"title": 7},
     ("title must be a non-empty text, not 7 (vantage.toml [playlists.lobby] title). "
      'To fix this, write it in quotes, e.g. title = "..."')),
    (lambda raw: fields.number(raw, "seconds", 20, (2, 3600), SECTION, unit="seconds"), {"seconds": 1},
     ("seconds must be a number of seconds from 2 to 3600, not 1 (vantage.toml [playlists.lobby] seconds). "
      "To fix this, e.g. seconds = 20")),
    (lambda raw: fields.number(raw, "seconds", 20, (2, 3600), SECTION, unit="seconds"), {"seconds": "20"},
     ("seconds must be a number of seconds from 2 to 3600, not '20' (vantage.toml [playlists.lobby] seconds). "
      "To fix this, e.g. seconds = 20")),
    (lambda raw: fields.number(raw, "seconds", 20, (2, 3600), SECTION, unit="seconds"), {"seconds": True},
     ("seconds must be a number of seconds from 2 to 3600, not True (vantage.toml [playlists.lobby] seconds). "
      "To fix this, e.g. seconds = 20")),
    (lambda raw: fields.choice(raw, "theme", "dark", ("dark", "light"), SECTION), {"theme": "neon"},
     "unknown theme 'neon' (vantage.toml [playlists.lobby] theme). To fix this, use one of: dark, light"),
    (lambda raw: fields.choice(raw, "page", None, ("overview", "metric"), SECTION), {},
     "unknown page None (vantage.toml [playlists.lobby] page). To fix this, use one of: overview, metric"),
    (lambda raw: fields.choice(raw, "period", "month", ("month", "quarter"), SECTION, name_key=False),
     {"period": "week"},
     "'week' is not allowed (vantage.toml [playlists.lobby] period). To fix this, use one of: month, quarter"),
    (lambda raw: fields.flag(raw, "programme_status", False, SECTION), {"programme_status": "yes"},
     ("'yes' is not true or false (vantage.toml [playlists.lobby] programme_status). "
      "To fix this, write true or false (no quotes)")),
    (lambda raw: fields.words(raw, "title", SECTION), {"title": {"en": "Board", "fr": "Conseil"}},
     "unknown language 'fr' (vantage.toml [playlists.lobby] title). To fix this, use en or zh-CN"),
    (lambda raw: fields.words(raw, "title", SECTION), {"title": ["Board"]},
     ("expected a string or a table of strings by language (vantage.toml [playlists.lobby] title). "
      'To fix this, write "..." or {en = "...", zh = "..."}')),
    (lambda raw: fields.words(raw, "title", SECTION), {"title": {"en": 3}},
     ("expected a string or a table of strings by language (vantage.toml [playlists.lobby] title). "
      'To fix this, write "..." or {en = "...", zh = "..."}')),
])
def test_a_wrong_value_is_one_exact_message(check: Callable[[dict[str, Any]], Any], raw: dict[str, Any],
                                            message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        check(raw)
    assert raised.value.message == message


@pytest.mark.parametrize("tag, language", [("en", "en"), ("EN-us", "en"), ("zh-CN", "zh"), ("zh-Hans", "zh"),
                                           ("fr", None), ("", None)])
def test_language_tags(tag: str, language: str | None) -> None:
    assert fields.language(tag) == language
