"""Browser tests: a real headless Chromium against a real server. Every test here carries the `browser` marker
(`-m "not browser"` leaves them out for a quick run; the README's test command runs them)."""
from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
