"""The config's [owners] section: who writes the check-ins of the metrics an owner title is given.

    [owners]
    "Head of Data Governance" = ["alice", "omar"]   # a metric's `owner` = the user names that write its check-ins
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from core.errors import ConfigError

SHAPE = 'write it as "OWNER TITLE" = ["user", ...] under [owners]'


def parse_owners(raw: Any, path: Path) -> Mapping[str, tuple[str, ...]]:
    """The user names of each owner title; ConfigError naming the file and key of the first that is not a list of
    user names."""
    if not isinstance(raw, dict):
        raise ConfigError("owners is not a table", f"{path} owners", SHAPE)
    found: dict[str, tuple[str, ...]] = {}
    for title, users in raw.items():
        where = f'{path} [owners] "{title}"'
        if not isinstance(users, list):
            raise ConfigError(f"the owners of '{title}' are not a list of user names", where,
                              f'{SHAPE}, e.g. "{title}" = ["alice"]')
        bad = [u for u in users if not isinstance(u, str) or not u.strip()]
        if bad:
            raise ConfigError(f"{bad[0]!r} is not a user name", where, "give each user's name in quotes, as "
                              "`python app.py user add NAME` created it")
        found[str(title)] = tuple(u.strip() for u in users)
    return found
