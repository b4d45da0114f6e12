"""The wall page's component ids, in one place. Every id starts with "wall": a screen's device session may
update only components named so (dashboard/access/guard.py)."""
from __future__ import annotations


class ids:
    ROOT = "wall-root"
    SCHEDULE = "wall-schedule"  # what the browser rotates by: seconds per slide, refresh interval, language
    DATA = "wall-data"  # output of the data callback (the browser applies its answer itself, see wall.js)
    ASK = "wall-ask"  # input of the data callback: why the numbers are asked for (load, refresh, recover)
    SINK = "wall-sink"  # output of the clientside callback that starts the screen
    DECK = "wall-deck"
    CLOCK = "wall-clock"
    DATE = "wall-date"
    INDICATOR = "wall-indicator"
    PROGRESS = "wall-progress"
    OFFLINE = "wall-offline"


def slide(n: int) -> str:
    """The section of slide n (0-based)."""
    return f"wall-slide-{n}"


def part(n: int, name: str) -> str:
    """A part of slide n whose properties the data callback sets, e.g. part(0, "asof")."""
    return f"wall-s{n}-{name}"


def card(n: int, key: str, field: str) -> str:
    """A field of a KPI card on slide n: value, pre, post, status, delta, facts, spark, note; "" the card itself."""
    return part(n, f"{key}-{field}" if field else key)
