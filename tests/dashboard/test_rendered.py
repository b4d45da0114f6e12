"""The overview's kept renders (dashboard/rendered.py) over a real app behind its login: a kept answer is the fresh
one, a new row in the source shows at once with the number SQL gives, and no viewer gets another scope's or
language's render; every page view is still recorded, and a refused one is refused (and recorded) every time.
Answers and scripts leave compressed when the browser asks for it."""
from __future__ import annotations

import gzip
import json
import re
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import brotli
import dash
import pytest
from backports import zstd

from access.audit import AuditTrail
from access.users import UserStore
from dashboard import rendered
from dashboard.components import format_value
from metrics.semantics.model import Unit
from programme.checkins import CheckinStore
from tests.dashboard.secured import PASSWORD, call, overview_call, secured_app, sign_in

OCTOBER = ("2026-10-01", "2026-11-01")  # the demo's default period on its "today": the last complete month
SUMMARY = {"output": "overview-summary.children", "outputs": {"id": "overview-summary", "property": "children"},
           "inputs": [{"id": "overview-view", "property": "data", "value": {}},
                      {"id": "overview-refresh", "property": "n_intervals", "value": None}],
           "changedPropIds": ["overview-view.data"], "state": []}


@pytest.fixture
def secured(tmp_path: Path, data_dir: Path) -> tuple[dash.Dash, Path]:
    """The demo behind its login in a folder of its own (its data versions asked again after 50 ms), with a second
    department lead, of HR."""
    app, _rt = secured_app(tmp_path, data_dir, ttl_seconds=0.05)
    UserStore(tmp_path / "users.sqlite").add("hana", PASSWORD, "department_lead", "hr")
    return app, tmp_path


def signed_in(app: dash.Dash, user: str) -> Any:
    client = app.server.test_client()
    assert sign_in(client, user).status_code == 302
    return client


def tiles(client: Any, view: dict | None = None) -> str:
    answer = call(client, overview_call(view))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_data(as_text=True)


def read(body: str) -> str:
    """An answer's text as a person reads it (JSON's escapes undone)."""
    return json.dumps(json.loads(body), ensure_ascii=False)


def tile_value(body: str, key: str, size: str = "tile") -> str:
    """The value a grid tile (or a metric page's summary tile) shows (number and unit), as a person reads it."""
    def first(node: Any, matches: Callable[[dict], bool]) -> Any:
        """The first component (depth first) whose props match."""
        if isinstance(node, dict):
            if matches(node.get("props", {})):
                return node
            node = list(node.values())
        for child in node if isinstance(node, list) else []:
            found = first(child, matches)
            if found is not None:
                return found
        return None

    def words(node: Any) -> str:
        if isinstance(node, str):
            return node
        if isinstance(node, dict):
            return words(node.get("props", {}).get("children"))
        return "".join(words(child) for child in node) if isinstance(node, list) else ""

    tile = first(json.loads(body), lambda props: props.get("id") == f"{size}-{key}")
    assert tile is not None, f"no tile of {key}"
    return words(first(tile, lambda props: props.get("className") == "kpi-value"))


def error_rate(folder: Path, department: str | None = None) -> str:
    """The October process error rate, counted by SQL in the source and written as a tile writes a percentage."""
    sql = "SELECT avg(had_error) FROM process_runs WHERE started_at >= ? AND started_at < ?"
    with sqlite3.connect(folder / "demo.sqlite") as con:
        found = con.execute(sql + (" AND department = ?" if department else ""),
                            (*OCTOBER, *([department] if department else []))).fetchone()[0]
    return format_value(found, Unit.PERCENT, "en")


def views(folder: Path, user: str, action: str = "view") -> int:
    return sum(1 for e in AuditTrail(folder / "audit.sqlite").entries(user=user) if e["action"] == action)


def kept(app: dash.Dash) -> int:
    found = app.server.extensions.get(rendered.SHELF)
    return 0 if found is None else len(found.renders)


def test_a_kept_render_is_the_fresh_render_and_every_page_view_is_still_recorded(
        secured: tuple[dash.Dash, Path]) -> None:
    app, folder = secured
    erin = signed_in(app, "erin")
    fresh = tiles(erin)
    assert kept(app) == 1
    recorded = views(folder, "erin")
    assert recorded > 20  # a row per KPI shown
    assert tiles(erin) == fresh and kept(app) == 1  # answered from the kept render
    assert views(folder, "erin") == 2 * recorded  # and the view recorded as the first was
    summary = call(erin, SUMMARY).get_data(as_text=True)
    assert "KPIs on track" in summary and call(erin, SUMMARY).get_data(as_text=True) == summary
    app.server.extensions[rendered.SHELF].renders.clear()
    assert tiles(erin) == fresh  # drawn afresh: the same answer
    assert call(erin, SUMMARY).get_data(as_text=True) == summary


def test_a_new_row_in_the_source_shows_on_the_tile_as_sql_counts_it(secured: tuple[dash.Dash, Path]) -> None:
    app, folder = secured
    erin = signed_in(app, "erin")
    before = tile_value(tiles(erin), "error_rate")
    assert before == error_rate(folder)
    assert tile_value(tiles(erin), "error_rate") == before  # kept
    with sqlite3.connect(folder / "demo.sqlite") as con:
        con.executemany(
            "INSERT INTO process_runs (process, department, source_system, started_at, mode, duration_minutes, "
            "manual_steps, had_error, error_type, standard_manual_minutes) VALUES ('purchase_order', 'finance', "
            "'ERP', ?, 'manual', 30, 9, 1, 'missing_po', 30)", [(f"2026-10-15 10:{m:02d}:00",) for m in range(40)])
    time.sleep(0.2)  # the source's data version is asked again after its TTL
    after = tile_value(tiles(erin), "error_rate")
    assert after == error_rate(folder) != before


def test_an_owner_s_new_check_in_shows_on_the_tile_at_once(secured: tuple[dash.Dash, Path]) -> None:
    app, folder = secured
    erin = signed_in(app, "erin")
    CheckinStore(folder / CheckinStore.FILE).add("data_accuracy", "2026-10", "on_track", "Vendor data cleansed", "erin")
    assert "Vendor data cleansed" in tiles(erin) and kept(app) == 1
    CheckinStore(folder / CheckinStore.FILE).add("error_rate", "2026-10", "at_risk", "SAP cut-over slipped", "erin")
    assert "SAP cut-over slipped" in tiles(erin) and kept(app) == 2


def test_no_viewer_gets_a_render_of_another_scope_or_language(secured: tuple[dash.Dash, Path]) -> None:
    app, folder = secured
    lee, hana, erin = signed_in(app, "lee"), signed_in(app, "hana"), signed_in(app, "erin")
    finance = tiles(lee)  # kept first, for the lead of finance
    assert tile_value(finance, "error_rate") == error_rate(folder, "finance")
    hr = tiles(hana)  # the same request, another lead: never finance's render
    assert hr != finance and tile_value(hr, "error_rate") == error_rate(folder, "hr")
    everyone = tiles(erin)
    assert tile_value(everyone, "error_rate") == error_rate(folder) and everyone not in (finance, hr)
    chinese = tiles(erin, {"language": "zh"})
    assert chinese != everyone and "流程差错率" in read(chinese) and "流程差错率" not in read(everyone)
    assert tiles(lee) == finance and tiles(hana) == hr and kept(app) == 4


def test_a_refused_view_is_never_kept_and_is_recorded_every_time(secured: tuple[dash.Dash, Path]) -> None:
    app, folder = secured
    lee = signed_in(app, "lee")
    asked = tiles(lee, {"department": "hr"})  # a hand-made request for another department
    assert "outside your access" in asked and tile_value(asked, "error_rate") == ""
    refused = views(folder, "lee", "denied")
    assert refused >= 1 and kept(app) == 0
    assert tiles(lee, {"department": "hr"}) == asked
    assert views(folder, "lee", "denied") == 2 * refused and kept(app) == 0


# -- answers leave compressed ------------------------------------------------------------------------------------
@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_a_callback_answer_and_a_script_leave_compressed_as_the_browser_asks(
        secured: tuple[dash.Dash, Path], coding: str) -> None:
    app, _folder = secured
    erin = signed_in(app, "erin")
    page = erin.get("/").get_data(as_text=True)
    script = next(s for s in re.findall(r'<script src="([^"]+)"', page) if "dash_renderer" in s)
    for ask in (lambda headers: call(erin, overview_call(), headers=headers),
                lambda headers: erin.get(script, headers=headers)):
        plain, packed = ask({}), ask({"Accept-Encoding": coding})
        assert plain.status_code == packed.status_code == 200
        assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == coding
        body = b"".join(packed.response) if packed.is_streamed else packed.get_data()
        assert len(body) < len(plain.get_data()) / 3 and unpacked(body, coding) == plain.get_data()


def unpacked(body: bytes, coding: str) -> bytes:
    if coding == "gzip":
        return gzip.decompress(body)
    if coding == "br":
        return brotli.decompress(body)
    return bytes(zstd.decompress(body))


# -- a metric page's kept renders -----------------------------------------------------------------------------------
NUMBERS = [("metric-summary", "children"), ("metric-projection", "children"), ("metric-trend-graph", "figure"),
           ("metric-trend-graph", "className"), ("metric-trend-note", "children"), ("metric-explain", "children")]
DRILL = [("metric-crumbs", "children"), ("metric-hint", "children"), ("metric-breakdown", "figure"),
         ("metric-breakdown-wrap", "className"), ("metric-breakdown-table", "children"),
         ("metric-breakdown-error", "children"), ("metric-records", "children"), ("metric-records-wrap", "className"),
         ("metric-pager-slot", "children"), ("metric-dimension-slot", "children"),
         ("metric-dimension-wrap", "className"), ("metric-shown", "data")]


def metric_call(outputs: list[tuple[str, str]], key: str, view: dict | None = None, path: str | None = None
                ) -> dict[str, Any]:
    """The body Dash's renderer posts for one of a metric page's data callbacks."""
    many = len(outputs) > 1
    return {"output": ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".." if many else
            f"{outputs[0][0]}.{outputs[0][1]}",
            "outputs": [{"id": i, "property": p} for i, p in outputs] if many else
            {"id": outputs[0][0], "property": outputs[0][1]},
            "inputs": [{"id": "metric-key", "property": "data", "value": key},
                       {"id": "metric-view", "property": "data", "value": view or {}}],
            "state": [] if path is None else [{"id": "_pages_location", "property": "pathname", "value": path}],
            "changedPropIds": ["metric-view.data"]}


def metric_page(client: Any, key: str, view: dict | None = None) -> list[str]:
    """A metric page's answers as its callbacks send them: numbers (headline, trend, explanation), drill, why."""
    path = f"/metric/{key}"
    found = []
    for body in (metric_call(NUMBERS, key, view), metric_call(DRILL, key, view, path),
                 metric_call([("metric-why", "children")], key, view, path)):
        answer = call(client, body)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        found.append(answer.get_data(as_text=True))
    return found


def summary_value(page: list[str], key: str) -> str:
    """The value a metric page's headline shows."""
    return tile_value(page[0], key, "summary")


def test_a_metric_page_s_kept_render_is_the_fresh_render_and_each_view_is_recorded(
        secured: tuple[dash.Dash, Path]) -> None:
    app, folder = secured
    erin = signed_in(app, "erin")
    fresh = metric_page(erin, "error_rate")
    assert kept(app) == 3 and summary_value(fresh, "error_rate") == error_rate(folder)
    assert "process_runs" in read(fresh[0]) and "finance" in read(fresh[1])  # the explanation, the breakdown
    assert views(folder, "erin") == 1
    assert metric_page(erin, "error_rate") == fresh and kept(app) == 3  # answered from the kept renders
    assert views(folder, "erin") == 2  # and the view recorded as the first was
    app.server.extensions[rendered.SHELF].renders.clear()
    assert metric_page(erin, "error_rate") == fresh  # drawn afresh: the same answers
    drilled = metric_page(erin, "error_rate", {"drill": ["finance"]})
    assert drilled != fresh and summary_value(drilled, "error_rate") == error_rate(folder, "finance")
    chinese = metric_page(erin, "error_rate", {"language": "zh"})
    assert "流程差错率" in read(chinese[0]) and "流程差错率" not in read(fresh[0]) and kept(app) == 9


def test_a_new_row_in_the_source_shows_on_the_metric_page_as_sql_counts_it(secured: tuple[dash.Dash, Path]) -> None:
    app, folder = secured
    erin = signed_in(app, "erin")
    before = metric_page(erin, "error_rate")
    assert summary_value(before, "error_rate") == error_rate(folder)
    assert metric_page(erin, "error_rate") == before  # kept
    with sqlite3.connect(folder / "demo.sqlite") as con:
        con.executemany(
            "INSERT INTO process_runs (process, department, source_system, started_at, mode, duration_minutes, "
            "manual_steps, had_error, error_type, standard_manual_minutes) VALUES ('purchase_order', 'finance', "
            "'ERP', ?, 'manual', 30, 9, 1, 'missing_po', 30)", [(f"2026-10-15 11:{m:02d}:00",) for m in range(40)])
    time.sleep(0.2)  # the source's data version is asked again after its TTL
    after = metric_page(erin, "error_rate")
    assert summary_value(after, "error_rate") == error_rate(folder) != summary_value(before, "error_rate")
    finance = error_rate(folder, "finance")
    assert finance in read(after[1]) and finance not in read(before[1])  # the breakdown's row of finance
    assert after[2] != before[2]  # why it moved: finance's contribution changed


def test_a_lead_never_gets_another_scope_s_metric_page(secured: tuple[dash.Dash, Path]) -> None:
    app, folder = secured
    lee, hana, erin = signed_in(app, "lee"), signed_in(app, "hana"), signed_in(app, "erin")
    finance = metric_page(lee, "error_rate")  # kept first, for the lead of finance
    assert summary_value(finance, "error_rate") == error_rate(folder, "finance")
    hr = metric_page(hana, "error_rate")  # the same requests, another lead: never finance's renders
    assert summary_value(hr, "error_rate") == error_rate(folder, "hr")
    assert all(a != b for a, b in zip(finance, hr))
    everyone = metric_page(erin, "error_rate")
    assert summary_value(everyone, "error_rate") == error_rate(folder)
    assert all(a not in (b, c) for a, b, c in zip(everyone, finance, hr))
    assert metric_page(lee, "error_rate") == finance and metric_page(hana, "error_rate") == hr
    refused = metric_page(lee, "error_rate", {"department": "hr"})  # a hand-made request for another department
    assert all("outside your access" in part for part in refused) and "summary-error_rate" not in refused[0]
    denied = views(folder, "lee", "denied")
    assert denied >= 1 and kept(app) == 9  # never kept: refused, and recorded, every time
    assert metric_page(lee, "error_rate", {"department": "hr"}) == refused and kept(app) == 9
    assert views(folder, "lee", "denied") == 2 * denied


def test_a_page_carries_dash_s_whole_config_with_the_validation_layout_encoded_once(
        secured: tuple[dash.Dash, Path]) -> None:
    app, _folder = secured
    erin = signed_in(app, "erin")

    def config(path: str) -> dict:
        page = erin.get(path).get_data(as_text=True)
        found = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.DOTALL)
        assert found is not None
        return json.loads(found.group(1))

    first, again, metric = config("/"), config("/"), config("/metric/error_rate")
    with app.server.test_request_context("/"):
        dash_s = json.loads(dash._utils.to_json(app._config()))  # Dash's own, encoded afresh
    assert "metric-trend-graph" in json.dumps(first["validation_layout"])
    assert first["end_id"] != again["end_id"]  # still signed per page load
    for shown in (first, again, metric):
        assert {k: v for k, v in shown.items() if k != "end_id"} == {k: v for k, v in dash_s.items() if k != "end_id"}
