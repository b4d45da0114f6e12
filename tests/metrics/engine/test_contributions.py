"""Why a ratio moved: every default ratio metric's change between two periods, split by the first level of its drill
path, adds up exactly to the change of its headline; each slice's ratio, share, rate and mix effect equal a
computation from independent SQL (the per-slice values of tests/metrics/pack, the shares from row counts)."""
from __future__ import annotations

import math
import sqlite3
from datetime import date
from typing import Any, Callable

import polars as pl
import pytest

import app
from metrics.engine.contributions import _split
from metrics.engine.periods import Filters
from metrics.semantics.model import MetricKind
from tests.metrics.pack.test_pack_sql import EXPECTED as PACK
from tests.metrics.pack.test_pack_sql import GROUP_ROWS, TABLES, db  # noqa: F401 - the SQLite fixture
from tests.metrics.pack.test_people_security_sql import EXPECTED as PEOPLE_SECURITY
from tests.metrics.pack.test_people_security_sql import ROWS

# metric: (time column, table, the SQL value over a period and an extra condition, rows it is over)
Computed = tuple[str, str, Callable[..., Any], str]
RATIOS: dict[str, Computed] = {
    **{k: (time, TABLES[time], compute, GROUP_ROWS.get(k, "1=1")) for k, (time, _, compute) in PACK.items()},
    **{k: (time, table, compute, ROWS.get(k, "1=1")) for k, (time, table, compute, _) in PEOPLE_SECURITY.items()},
}
PAIRS = {"month": (("2026-10-01", "2026-11-01"), ("2026-09-01", "2026-10-01")),
         "quarter": (("2026-07-01", "2026-10-01"), ("2026-04-01", "2026-07-01"))}
PLAN = (("2025-12-01", "2026-11-01"), ("2025-01-01", "2025-12-01"))  # milestones are few: judge them by the year


def ratio_keys() -> list[str]:
    from metrics.semantics import registry

    registry.reset()
    catalogue = registry.load_modules(registry.DEFAULT_PACK)
    registry.reset()
    return sorted(k for k, m in catalogue.items() if m.kind is MetricKind.RATIO and m.listed)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def test_every_ratio_is_checked_here() -> None:
    assert len(ratio_keys()) >= 12 and set(ratio_keys()) <= set(RATIOS)


@pytest.mark.parametrize("pair", ["month", "quarter"])
@pytest.mark.parametrize("key", ratio_keys())
def test_contributions_add_up_and_equal_sql(key: str, pair: str, runtime: app.Runtime, db: sqlite3.Connection,
                                            ) -> None:  # noqa: F811
    (lo, hi), (then_lo, then_hi) = PLAN if key == "milestones_on_time" else PAIRS[pair]
    metric = runtime.engine.metric(key)
    dim = metric.drill_path[0]
    filters = Filters(date.fromisoformat(lo), date.fromisoformat(hi))
    if key == "milestones_on_time":  # a year is not a month or quarter span: ask for its previous year alike
        assert filters.previous().start.isoformat() == then_lo
    moved = runtime.engine.movement(key, filters).data
    headline = runtime.engine.headline(key, filters).data
    assert moved.dimension == dim
    assert close(moved.now, headline.value) and close(moved.then, headline.previous)
    assert moved.change is not None
    total = float(moved.slices["contribution"].sum()) + moved.across
    assert math.isclose(total, moved.change, abs_tol=1e-12), (total, moved.change)

    time, table, compute, rows = RATIOS[key]
    assert close(moved.now, compute(db, time, lo, hi)) and close(moved.then, compute(db, time, then_lo, then_hi))
    counts = {}
    for name, (a, b) in (("then", (then_lo, then_hi)), ("now", (lo, hi))):
        counts[name] = dict(db.execute(
            f"SELECT {dim}, COUNT(*) FROM {table} WHERE {time} >= ? AND {time} < ? AND {rows} GROUP BY {dim}",
            (a, b)).fetchall())
    slices = set(counts["then"]) | set(counts["now"])
    assert set(moved.slices[dim].to_list()) == slices
    sliced: dict[str, float] = {}
    expected: dict[str, dict[str, float | None]] = {}
    for name, (a, b) in (("then", (then_lo, then_hi)), ("now", (lo, hi))):
        whole = sum(counts[name].values())
        for s in slices:
            share = counts[name].get(s, 0) / whole
            value = compute(db, time, a, b, f"{dim} = '{s}'") if counts[name].get(s) else None
            expected.setdefault(s, {})[f"{name}_share"] = share
            expected[s][f"{name}_value"] = value
        sliced[name] = sum(e[f"{name}_share"] * (e[f"{name}_value"] or 0.0) for e in expected.values())
    mean_total = (sliced["then"] + sliced["now"]) / 2
    for row in moved.slices.iter_rows(named=True):
        e = expected[row[dim]]
        for column in ("then_share", "now_share", "then_value", "now_value"):
            assert close(row[column], e[column]), (row[dim], column, row[column], e[column])
        r_then = e["then_value"] if e["then_value"] is not None else e["now_value"]
        r_now = e["now_value"] if e["now_value"] is not None else e["then_value"]
        assert r_then is not None and r_now is not None
        rate = (e["then_share"] + e["now_share"]) / 2 * (r_now - r_then)
        mix = ((r_then + r_now) / 2 - mean_total) * (e["now_share"] - e["then_share"])
        assert math.isclose(row["rate_effect"], rate, abs_tol=1e-12), (row[dim], row["rate_effect"], rate)
        assert math.isclose(row["mix_effect"], mix, abs_tol=1e-12), (row[dim], row["mix_effect"], mix)
    contributions = moved.slices["contribution"].abs().to_list()
    assert contributions == sorted(contributions, reverse=True), "largest contribution first"


def test_a_numerator_that_does_not_add_up_keeps_its_remainder_apart() -> None:
    """Duplicates are counted within a whole table: split by department, the twins of another department leave
    a remainder, reported as its own line and never spread over the slices."""
    then = pl.DataFrame({"dept": ["a", "b"], "num": [1.0, 1.0], "den": [10.0, 10.0]})
    now = pl.DataFrame({"dept": ["a", "b", "c"], "num": [2.0, 1.0, 1.0], "den": [10.0, 10.0, 20.0]})
    moved = _split("dup", "dept", 3 / 20, 5 / 40, then, now)  # the whole table holds one more pair than the slices
    assert math.isclose(float(moved.slices["contribution"].sum()) + moved.across, 5 / 40 - 3 / 20, abs_tol=1e-15)
    assert math.isclose(moved.across, (5 / 40 - 3 / 20) - (4 / 40 - 2 / 20), abs_tol=1e-15)
    c = moved.slices.filter(pl.col("dept") == "c").row(0, named=True)
    assert c["then_share"] == 0 and c["rate_effect"] == 0  # new in this period: its share moved, not its ratio
    assert math.isclose(c["mix_effect"], (0.05 - 0.1) * 0.5, abs_tol=1e-15)


def test_only_ratios_are_split(runtime: app.Runtime) -> None:
    from core.errors import UsageError

    with pytest.raises(UsageError, match="hours_saved is not a ratio"):
        runtime.engine.movement("hours_saved", Filters(date(2026, 10, 1), date(2026, 11, 1)))
