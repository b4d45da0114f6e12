"""`python app.py query` prints the same JSON for every default metric as before the tree was re-cut.

tests/data/query_golden.json was written by tests/data/make_query_golden.py on the code before the move; a change
that is meant to move numbers regenerates it and says so. Numbers are compared to 1e-12 relative: rollups add the
same values in another order (by day, then by month), which may move a float's last digit and nothing else.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from tests.data import make_query_golden as golden

EXPECTED = json.loads(golden.GOLDEN.read_text())


def test_golden_file_covers_the_default_pack() -> None:
    assert len(EXPECTED) >= 21
    assert all({"headline", "trend", "breakdown"} <= set(v) for v in EXPECTED.values())


@pytest.fixture(scope="module")
def answers(data_dir: Path) -> dict[str, dict[str, object]]:
    assert golden.TODAY == "2026-11-27" and golden.RECORDS == 20_000  # the session's demo (tests/conftest.py)
    return golden.questions(data_dir)


@pytest.mark.parametrize("metric", sorted(EXPECTED))
def test_query_json_unchanged(answers: dict[str, dict[str, object]], metric: str) -> None:
    assert same(answers[metric], EXPECTED[metric]), (answers[metric], EXPECTED[metric])


def same(a: object, b: object) -> bool:
    """Equal JSON, floats equal to 1e-12 relative (an integer stays an integer, a text the same text)."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
