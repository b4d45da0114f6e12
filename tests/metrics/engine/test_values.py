"""metrics/engine/values.py: a dimension's values are the ones its data holds, read from the tables of the listed
metrics that declare it, and read again only when the table's data version changes."""
from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import app
from config.settings import load_config
from metrics.engine.periods import Filters
from metrics.engine.scope import Scope, ScopedEngine
from metrics.semantics import registry

# (ticket_id, opened_on, department, region, resolved): departments the demo does not have, one row without one.
DEPARTMENTS = ("legal", "marketing", "plant_7", "customer_care")
REGIONS = ("north", "south")
ROWS = [(i, (date(2026, 9, 1) + timedelta(days=i % 60)).isoformat(), DEPARTMENTS[i % 4] if i % 13 else None,
         REGIONS[i % 2], i % 3 != 0) for i in range(1, 121)]

MODULE = '''
import polars as pl

from metrics import Direction, Metric, MetricKind, Pillar, Text, Unit, register

DIMENSIONS = {dimensions}


def declare() -> None:
    register(Metric(
        key="resolved_share", kind=MetricKind.RATIO, unit=Unit.PERCENT, good=Direction.UP, target=0.9,
        title=Text("Tickets resolved", "已解决工单"), description=Text("Share of tickets resolved.", "已解决工单占比。"),
        pillar=Pillar.DATA_QUALITY, owner="Service desk", source="desk", table="tickets", time_column="opened_on",
        numerator=pl.col("resolved").sum(), denominator=pl.len(), dimensions=DIMENSIONS, drill_path=DIMENSIONS))
    register(Metric(
        key="tickets_by_region", kind=MetricKind.SIMPLE, unit=Unit.COUNT, good=Direction.DOWN, target=10,
        title=Text("Tickets", "工单"), description=Text("Tickets opened.", "新开工单数。"),
        pillar=Pillar.DATA_QUALITY, owner="Service desk", source="desk", table="tickets", time_column="opened_on",
        value=pl.len(), dimensions=("region",), drill_path=("region",), listed=False))
'''


def write_tickets(db: Path, rows: list[tuple]) -> None:
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE IF NOT EXISTS tickets (ticket_id INTEGER PRIMARY KEY, opened_on DATE, department TEXT, "
                "region TEXT, resolved BOOLEAN)")
    con.executemany("INSERT INTO tickets VALUES (?, ?, ?, ?, ?)", rows)
    con.commit()
    con.close()


def own_data_runtime(folder: Path, dimensions: tuple[str, ...] = ("department", "region"), extra: str = "",
                     ttl: float = 300) -> app.Runtime:
    """A runtime over a tiny SQLite service desk (no demo, no default pack), its metrics in a module beside its
    config; `extra` is added to the config's [vantage] section (then come its own sections, if any)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_tickets(folder / "desk.db", ROWS)
    module = f"desk_metrics_{abs(hash(str(folder)))}"  # a module name of its own: Python keeps imported ones
    (folder / f"{module}.py").write_text(MODULE.replace("{dimensions}", repr(dimensions)))
    (folder / "vantage.toml").write_text(f'''[vantage]
default_metrics = false
metric_modules = ["{module}"]
plan_source = ""
login_required = false
{extra}
[sources.desk]
kind = "sql"
url = "sqlite:///{folder / "desk.db"}"
mirror = false
cache_ttl_seconds = {ttl}
[sources.desk.tables.tickets]
freshness_column = "opened_on"
''')
    registry.reset()
    return app.wire(load_config(str(folder / "vantage.toml"), {"data_dir": str(folder / "data"),
                                                               "today": "2026-11-27"}, environ={}))


def test_the_values_are_the_distinct_values_the_data_holds(tmp_path: Path) -> None:
    engine = own_data_runtime(tmp_path).engine
    assert engine.values("department") == tuple(sorted({r[2] for r in ROWS if r[2]}))
    assert engine.values("department") == tuple(sorted(DEPARTMENTS))  # the row without one adds nothing


def test_only_listed_metrics_that_declare_the_dimension_count(tmp_path: Path) -> None:
    engine = own_data_runtime(tmp_path, dimensions=("department",)).engine
    assert engine.values("region") == ()  # only an unlisted metric is broken down by region
    assert engine.values("colour") == ()


def test_a_new_value_shows_once_the_data_version_changes(tmp_path: Path) -> None:
    cached = own_data_runtime(tmp_path / "cached", ttl=300).engine
    live = own_data_runtime(tmp_path / "live", ttl=0).engine
    assert cached.values("department") == live.values("department") == tuple(sorted(DEPARTMENTS))
    new = [(500, "2026-11-20", "quality_assurance", "north", True)]
    write_tickets(tmp_path / "cached" / "desk.db", new)
    write_tickets(tmp_path / "live" / "desk.db", new)
    assert live.values("department") == tuple(sorted({*DEPARTMENTS, "quality_assurance"}))  # a new version
    assert cached.values("department") == tuple(sorted(DEPARTMENTS))  # the version is not asked again yet


def test_a_department_scope_has_only_its_own_department(tmp_path: Path) -> None:
    engine = own_data_runtime(tmp_path).engine
    lead = ScopedEngine(engine, Scope(department="legal", label="lead of legal"))
    assert lead.values("department") == ("legal",)
    assert lead.values("region") == engine.values("region") == REGIONS


def test_the_scope_dimension_is_the_configured_one(tmp_path: Path) -> None:
    engine = own_data_runtime(tmp_path, extra='scope_dimension = "region"').engine
    lead = ScopedEngine(engine, Scope(department="north", label="lead of the north"))
    assert lead.values("region") == ("north",)
    assert lead.values("department") == engine.values("department")
    october = Filters(date(2026, 10, 1), date(2026, 11, 1))
    north = [r for r in ROWS if r[3] == "north" and r[1].startswith("2026-10")]
    assert lead.value("resolved_share", october).data == sum(r[4] for r in north) / len(north)
