"""Declaring the default pack on datasets and constructors changed no definition: every metric's definition_hash
(so the definition history records no new version) and every field but the module it sits in equal the record
taken from the declarations before (tests/data/pack_before_datasets.json).

`python -m tests.metrics.pack.test_datasets_unchanged --write` rewrites that record from the pack as it is; it is
written once, before a rewrite of the pack that must not change a number, and not after.
"""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import fields
from enum import Enum
from pathlib import Path

import polars as pl

from core.i18n import Text
from metrics.semantics import registry
from metrics.semantics.model import NUMBER_FIELDS, Metric

RECORD = Path(__file__).resolve().parents[2] / "data" / "pack_before_datasets.json"
NOT_RECORDED = ("module",)  # where a declaration sits is no part of it


def shown(value: object) -> str:
    """A field's value as recorded: an expression by the digest of its JSON serialization, else its repr."""
    if isinstance(value, pl.Expr):
        return "expr:" + hashlib.sha256(value.meta.serialize(format="json").encode()).hexdigest()[:16]
    if isinstance(value, Enum):
        return f"{type(value).__name__}.{value.name}"
    if isinstance(value, Text):
        return repr((value.en, value.zh))
    return repr(value)


def recorded(metric: Metric) -> dict[str, str]:
    return {"definition_hash": metric.definition_hash(),
            **{f.name: shown(getattr(metric, f.name)) for f in fields(metric) if f.name not in NOT_RECORDED}}


def pack() -> dict[str, Metric]:
    registry.reset()
    return registry.load_modules(registry.DEFAULT_PACK)


def test_every_metric_of_the_pack_is_declared_as_before() -> None:
    before = json.loads(RECORD.read_text())
    now = pack()
    assert list(now) == list(before)  # the same metrics, registered in the same order
    for key, metric in now.items():
        was = before[key]
        assert metric.definition_hash() == was["definition_hash"], key
        for name in ("definition_hash", *NUMBER_FIELDS, "title", "description", "owner", "target"):
            assert recorded(metric)[name] == was[name], (key, name)
        assert recorded(metric) == was, key  # the record table's rules, drill path, pillar and the rest too


def test_the_record_holds_every_number_field() -> None:
    """The record would catch a change to any field that changes a number (the test above cannot pass vacuously)."""
    before = json.loads(RECORD.read_text())
    assert len(before) >= 29
    for was in before.values():
        assert set(NUMBER_FIELDS) <= set(was) and len(was["definition_hash"]) == 16


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    RECORD.write_text(json.dumps({key: recorded(m) for key, m in pack().items()}, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {RECORD}")
