"""The config's [labels] section: names of the data's values per dimension, in English and Chinese.

    [labels]
    source_system = "system"                   # named like another dimension's values

    [labels.department]
    procurement = ["Procurement", "采购部"]     # id = [English, Chinese]
    hr = "HR"                                  # one text: the same in both languages
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.labels import ValueNames

SHAPE = 'write it as [labels.DIMENSION] with id = ["English", "中文"], or DIMENSION = "OTHER_DIMENSION"'


def parse_labels(raw: Any, path: Path) -> ValueNames:
    """The names declared in [labels]; ConfigError naming the file and key of the first that is not well formed."""
    if not isinstance(raw, dict):
        raise ConfigError("labels is not a table", f"{path} labels", SHAPE)
    names: dict[str, dict[str, tuple[str, str]]] = {}
    same_as: dict[str, str] = {}
    for dimension, body in raw.items():
        if isinstance(body, str):
            same_as[dimension] = body
        elif isinstance(body, dict):
            names[dimension] = {str(ident): _pair(name, f"{path} [labels.{dimension}] {ident}")
                                for ident, name in body.items()}
        else:
            raise ConfigError(f"labels for '{dimension}' are neither a table of names nor a dimension's name",
                              f"{path} [labels] {dimension}", SHAPE)
    for dimension, other in same_as.items():
        if other not in names:
            raise ConfigError(f"'{dimension}' is named like '{other}', which has no [labels.{other}]",
                              f"{path} [labels] {dimension}",
                              f"declare [labels.{other}], or name one of: {', '.join(sorted(names)) or 'none yet'}")
    return ValueNames(names, same_as)


def _pair(name: Any, where: str) -> tuple[str, str]:
    """(English, Chinese) from "Both" or ["English", "中文"]."""
    texts = [name] if isinstance(name, str) else name
    if not isinstance(texts, list) or len(texts) not in (1, 2) or not all(isinstance(x, str) and x.strip()
                                                                            for x in texts):
        raise ConfigError(f"a name must be a text or [English, Chinese] texts, not {name!r}", where,
                          'write it as id = ["English", "中文"] or id = "Name"')
    return (texts[0], texts[-1])
