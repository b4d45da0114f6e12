"""The field checkers every config section is read with: each returns the value, or raises a ConfigError naming the
file, the section and the key, with the fix.

A section is where its table stands in the file, e.g. "vantage.toml [playlists.lobby]"; a checker given the section
and a key reads `raw[key]` (or the default) and names "vantage.toml [playlists.lobby] seconds" when it is wrong.
"""
from __future__ import annotations

from typing import Any, Mapping, Protocol, Sequence

from core.errors import ConfigError

# What a language may be written as, and the language Vantage writes it in.
LANGUAGE_TAGS = {"en": "en", "en-gb": "en", "en-us": "en", "zh": "zh", "zh-cn": "zh", "zh-hans": "zh"}


class Dimensioned(Protocol):
    """What a config section needs to know of a metric: the dimensions it can be broken down and filtered by."""

    dimensions: tuple[str, ...]


def declared(tables: Mapping[str, Mapping[str, Any]], kind: str, name: str, path: object
             ) -> tuple[Mapping[str, Any], str]:
    """The table [KIND.NAME] of a config and its section name for errors; ConfigError naming the declared ones."""
    if name not in tables:
        known = ", ".join(tables) or "none"
        noun = kind.rstrip("s")
        raise ConfigError(f"no {noun} named '{name}' (declared: {known})", f"{path} [{kind}]",
                          f"add a [{kind}.{name}] table to the config or use a declared name")
    return tables[name], f"{path} [{kind}.{name}]"


def no_unknown(raw: Mapping[str, Any], allowed: Sequence[str], section: str) -> None:
    """Nothing but the allowed keys; the first unknown one (alphabetically) is named, with the keys allowed."""
    unknown = sorted(set(raw) - set(allowed))
    if unknown:
        raise ConfigError(f"unknown key '{unknown[0]}'", f"{section} {unknown[0]}", f"use only: {', '.join(allowed)}")


def text(raw: Mapping[str, Any], key: str, default: str, section: str) -> str:
    """A non-empty string, stripped."""
    value = raw.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{key} must be a non-empty text, not {value!r}", f"{section} {key}",
                          f'write it in quotes, e.g. {key} = "..."')
    return value.strip()


def number(raw: Mapping[str, Any], key: str, default: float, bounds: tuple[int, int], section: str, *,
           unit: str) -> float:
    """A number (not a string, not true or false) from bounds[0] to bounds[1], both included."""
    value = raw.get(key, default)
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise ConfigError(f"{key} must be a number of {unit} from {low} to {high}, not {value!r}",
                          f"{section} {key}", f"e.g. {key} = {default:g}")
    return float(value)


def choice(raw: Mapping[str, Any], key: str, default: Any, allowed: Sequence[str], section: str, *,
           name_key: bool = True) -> str:
    """One of the allowed words; wrong, it says "unknown period 'week'", or "'week' is not allowed" without name_key."""
    value = raw.get(key, default)
    if value not in allowed:
        what = f"unknown {key} {value!r}" if name_key else f"'{value}' is not allowed"
        raise ConfigError(what, f"{section} {key}", f"use one of: {', '.join(allowed)}")
    return str(value)


def flag(raw: Mapping[str, Any], key: str, default: bool, section: str) -> bool:
    """true or false, written without quotes."""
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise ConfigError(f"'{value}' is not true or false", f"{section} {key}", "write true or false (no quotes)")
    return value


def language(tag: str) -> str | None:
    """The language Vantage writes for a tag such as "zh-CN" ('en' or 'zh'); None for one it does not write."""
    return LANGUAGE_TAGS.get(tag.lower())


def words(raw: Mapping[str, Any], key: str, section: str) -> dict[str, str]:
    """A text given once for all languages, or per language as {en = "...", zh = "..."}; {} when left out."""
    value = raw.get(key, {})
    where = f"{section} {key}"
    if isinstance(value, str):
        return {"en": value, "zh": value}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ConfigError("expected a string or a table of strings by language", where,
                          "write \"...\" or {en = \"...\", zh = \"...\"}")
    bad = [k for k in value if language(k) is None]
    if bad:
        raise ConfigError(f"unknown language '{bad[0]}'", where, "use en or zh-CN")
    return {LANGUAGE_TAGS[k.lower()]: v for k, v in value.items()}
