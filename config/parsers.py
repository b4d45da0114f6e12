"""How a setting's value is read from a TOML value, an environment string or a command-line option: each parser
returns the value or raises ValueError saying what it expected (config/settings.py names the file and key)."""
from __future__ import annotations

from datetime import date


def parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if str(raw).lower() in ("1", "true", "yes", "on"):
        return True
    if str(raw).lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def parse_list(raw: object) -> list[str]:
    if isinstance(raw, list):
        return [str(x) for x in raw]
    return [x.strip() for x in str(raw).split(",") if x.strip()]


def parse_date_or_empty(raw: object) -> str:
    if raw in ("", None):
        return ""
    return date.fromisoformat(str(raw)).isoformat()


def parse_name(raw: object) -> str:
    text = str(raw).strip()
    if not text:
        raise ValueError("expected a column name, got an empty text")
    return text


def parse_redis_url(raw: object) -> str:
    text = str(raw).strip()
    if text and not text.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError(f"expected empty or redis://HOST:PORT/DB, got an address starting {text.split(':')[0]!r}")
    return text


def parse_positive(raw: object) -> int:
    if isinstance(raw, bool) or (number := int(str(raw).strip())) < 1:
        raise ValueError(f"expected a whole number of 1 or more, got {raw!r}")
    return number
