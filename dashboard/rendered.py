"""A view's rendered answer, kept in this process and keyed by everything it shows, so a warm view costs a lookup.

The key holds the view (period, department, language, theme: the page's store), the viewer's role and scope, today,
and for each KPI shown what the engine keys and marks its answers by: the definition's hash, each table's data
version token, the data's as-of and whether it is behind its SLA; and the check-ins' version (a tile shows its
owner's line). A changed row, definition, scope or day makes another key, so a kept render never shows a number a
fresh one would not. Only a complete render is kept: one with an error, a stale answer or a missing sparkline is
drawn afresh every time (and a refusal recorded every time).

Kept in memory, not in the engine's result cache on disk: a render also depends on the code that draws it and on
settings (targets, names of values, SLAs) that a restart may change while the disk cache outlives it; a process
only ever keeps renders of its own code and config. It also skips unpickling, and renders are a worker's own.
Each app keeps its own (on its Flask server, never a module global).
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import flask
from plotly.io.json import to_json_plotly

from core.errors import VantageError
from core.store import present
from dashboard import context
from metrics.engine.answers import Answer
from metrics.engine.cache import digest
from programme.checkins import CheckinStore

if TYPE_CHECKING:
    from dashboard.state import ViewState
    from metrics.engine.questions import Engine
    from metrics.semantics.model import Metric

HELD = 96  # renders kept per process, least recently used dropped first (the tiles: 96 KB of JSON, 0.4 MB held)
SHELF = "vantage.rendered"  # the app's Shelf, in the Flask server's extensions
PLAN_TABLE = "milestones"  # the plan's table a metric page's trend marks


class Drawn(NamedTuple):
    """A callback's answer as it leaves (plain JSON values, shared by every request it serves: never changed),
    the KPIs it showed with the filters they were asked with (for the audit trail), and whether it is complete."""

    output: Any
    seen: tuple[tuple[str, Any], ...] = ()
    complete: bool = True


class Shelf:
    """The renders of one app, least recently used dropped first, and each KPI's definition hash (fixed for the
    life of its Metric object: the catalogue is read once, at start-up)."""

    def __init__(self, held: int = HELD) -> None:
        self.held = held
        self.renders: OrderedDict[str, Drawn] = OrderedDict()
        self.definitions: dict[str, tuple[Metric, str]] = {}
        self.checkins: dict[Path, CheckinStore] = {}  # the check-ins' store, opened once
        self.lock = threading.Lock()

    def get(self, key: str) -> Drawn | None:
        with self.lock:
            found = self.renders.get(key)
            if found is not None:
                self.renders.move_to_end(key)
            return found

    def put(self, key: str, drawn: Drawn) -> None:
        with self.lock:
            self.renders[key] = drawn
            self.renders.move_to_end(key)
            while len(self.renders) > self.held:
                self.renders.popitem(last=False)


def shelf() -> Shelf:
    """The renders kept by the app serving this request."""
    found: Shelf | None = flask.current_app.extensions.get(SHELF)
    if found is None:
        found = flask.current_app.extensions.setdefault(SHELF, Shelf())
    return found


def remember(what: str, view: ViewState, keys: Sequence[str], draw: Callable[[], Drawn],
             also: Callable[[], Any] = lambda: None) -> Drawn:
    """The render of `what` (a callback's name) for this view showing the KPIs `keys`: kept, or drawn and kept when
    complete. `also` reads, now, anything else the render shows (the page's address, the plan's version). Drawn
    afresh, and not kept, when a version cannot be read or changed while it was drawn."""
    found_shelf = shelf()
    key = render_key(found_shelf, what, view, keys, also)
    if key is not None:
        found = found_shelf.get(key)
        if found is not None:
            return found
    drawn = draw()
    if key is not None and drawn.complete and render_key(found_shelf, what, view, keys, also) == key:
        found_shelf.put(key, drawn)
    return drawn


def plain(output: Any) -> Any:
    """Components as the plain JSON values Dash sends for them (the same encoder), so a kept answer is not encoded
    component by component again."""
    return json.loads(to_json_plotly(output))


def render_key(found_shelf: Shelf, what: str, view: ViewState, keys: Sequence[str],
               also: Callable[[], Any] = lambda: None) -> str | None:
    """Everything a render of these KPIs for this view shows, hashed; None when a data version cannot be read (a
    source is down: the answers may be last good ones, drawn afresh each time)."""
    engine: Engine = context.plan_engine()  # the tables behind a KPI are the same whoever asks; the scope is keyed
    viewer = context.viewer()
    reach = None if viewer is None else (viewer.role.value, viewer.scope.department,
                                         sorted(viewer.scope.metrics) if viewer.scope.metrics is not None else None)
    tables: dict[frozenset[tuple[str, str]], tuple[Any, ...]] = {}  # KPIs of the same tables: read once
    try:
        shown = [_provenance(found_shelf, engine, engine.metric(k), tables) for k in keys]
        more = also()
    except VantageError:
        return None
    return digest(what, view.to_data(), context.default_language(), context.today(), reach, shown,
                  _checkins_version(found_shelf), more)


def plan_version() -> str | None:
    """The data version of the programme plan's milestones (a trend marks them), asked of the plan source at most
    once per its TTL as a KPI's tables are; None without a plan source, "unread" when it cannot be read."""
    engine: Engine = context.plan_engine()
    source = engine.config.plan_source
    connector = engine.connectors.get(source)
    if connector is None:
        return None
    try:
        version = engine.cache.version(source, PLAN_TABLE, engine.config.sources[source].cache_ttl_seconds,
                                       partial(engine.breaker.ask, source, PLAN_TABLE,
                                               partial(connector.data_version, PLAN_TABLE)))
    except VantageError:
        return "unread"  # the trend goes without milestones until the plan can be read (another version then)
    return str(version.token)


def file_version(path: Path) -> tuple[int, int] | None:
    """A file's size and time of last change (a log only ever appended to), None when there is none."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_size, found.st_mtime_ns


def _provenance(found_shelf: Shelf, engine: Engine, metric: Metric,
                tables: dict[frozenset[tuple[str, str]], tuple[Any, ...]]) -> tuple[Any, ...]:
    """What the engine keys and marks every answer about a metric by, now: definition hash, data version tokens,
    as-of and behind-SLA (read through the engine's own steps, so they are the ones its answers carry; they depend
    on the metric's tables only, so `tables` keeps them for the other KPIs of the same tables)."""
    sources = frozenset(engine.tables_of(metric))
    fresh = tables.get(sources)
    if fresh is None:
        versions = engine.versions(metric)  # the result cache's versions, asked of the source at most once per TTL
        marked = engine.fresh(metric, Answer(None, engine.now(), None), versions)
        fresh = tables[sources] = ({name: v.token for name, v in versions.items()}, marked.data_as_of,
                                   marked.behind_sla)
    known = found_shelf.definitions.get(metric.key)
    if known is None or known[0] is not metric:
        known = (metric, engine.definition(metric))
        found_shelf.definitions[metric.key] = known
    return (metric.key, known[1], *fresh)


def _checkins_version(found_shelf: Shelf) -> int | None:
    """The newest check-in's id (check-ins are only ever added), None before the first: a tile shows its owner's."""
    path = context.config().data_path / CheckinStore.FILE
    if not present(path):
        return None
    store = found_shelf.checkins.get(path)
    if store is None:
        store = found_shelf.checkins.setdefault(path, CheckinStore(path))
    with store.connection() as con:
        found = con.execute("SELECT max(id) FROM checkins").fetchone()
    return found[0] if found else None
