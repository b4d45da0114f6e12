"""Every sentence true (issue 13): for every default metric × every department (and all of them) × the last month,
the last quarter and the year to date, the status words and sentences of the overview tile, the metric page, the wall
slide, the email line and `python app.py query` agree with the value, the target and the due date:

- the status follows from the numbers alone (value, target, due date, rows, and the six monthly values before the
  period's end), recomputed here from the documented rule, not read back from the engine;
- "meets the target" only when the value meets it; no value, no status words;
- a department is judged against the target that applies to it: the programme's for a rate, its own (config/demo.toml,
  read here with tomllib) for a sum, and never the programme's for a sum;
- below a metric's minimum sample the status is "too few records (n)", grey, not red, and never "needs attention";
- every view names the period, and says the same status words and the same sentence.
"""
from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Iterator

import dash
import pytest

import app as vantage
from cli.tables import query_table
from config.playlists import Slide
from config.settings import DEMO_CONFIG, load_config
from config.snapshots import snapshot_spec
from dashboard.app import create_app
from dashboard.components import kpi_tile
from dashboard.pages.metric import _views as metric_views
from dashboard.pages.wall._data import metric_props, overview_props
from dashboard.pages.wall._ids import card, part
from dashboard.pages.wall._slides import period_text
from dashboard.state import ViewState
from demo.reference import DEPT_IDS
from metrics.engine.periods import Filters
from metrics.engine.scope import Scope, ScopedEngine
from metrics.engine.status import NEAR, TREND_POINTS
from metrics.semantics.format import format_value
from metrics.semantics.model import Direction, Metric, TargetScope
from metrics.semantics.model import listed as listed_kpis
from programme.league import league
from snapshots.changes import Changes
from snapshots.numbers import collect
from snapshots.view import build_view
from tests.conftest import DEMO_RECORDS
from tests.conftest import TODAY as TODAY_TEXT
from tests.dashboard.test_components import texts

TODAY = date.fromisoformat(TODAY_TEXT)
DEPARTMENTS = DEPT_IDS
SCOPES = (None, *DEPARTMENTS)
PERIODS = ("month", "quarter", "ytd")
LANGUAGES = ("en", "zh")
DEMO_TARGETS = {(e["metric"], e["value"]): float(e["target"])
                for e in tomllib.loads(DEMO_CONFIG.read_text(encoding="utf-8"))["targets"]}
JUDGED_WORDS = {"en": ("On track", "At risk", "Off track"), "zh": ("正常", "有风险", "偏离目标")}
MET_WORDS = {"en": "meets the target", "zh": "已达到目标"}


@pytest.fixture(scope="module")
def demo(data_dir: Any) -> Iterator[tuple[vantage.Runtime, dash.Dash]]:
    config = load_config(None, {"data_dir": str(data_dir), "today": TODAY_TEXT, "demo_records": DEMO_RECORDS},
                         environ={})
    rt = vantage.wire(config)
    yield rt, create_app(rt.engine, rt.config)


# -- what the numbers alone say --------------------------------------------------------------------------------
def expected_target(metric: Metric, department: str | None) -> float | None:
    """The target a department is judged against: the programme's for a rate, its own (the demo config) for a sum."""
    if department is None or metric.target_scope is TargetScope.SAME:
        return metric.target
    return DEMO_TARGETS.get((metric.key, department)) if metric.target_scope is TargetScope.PER_SLICE else None


def meets(value: float, target: float, good: Direction) -> bool:
    return value >= target if good is Direction.UP else value <= target


def expected_status(metric: Metric, value: float | None, target: float | None, due: date | None, rows: int,
                    monthly: list[float], end: date) -> str:
    """The documented rule (README "Status rule"), from the numbers alone."""
    if value is None or target is None:
        return "unknown"
    if rows < metric.sample_needed:
        return "too_few"
    if meets(value, target, metric.good):
        return "on_track"
    left = None if due is None else (due - max(end - timedelta(days=1), TODAY)).days / 30.44
    if left is not None and left < 0:
        return "off_track"
    recent = monthly[-TREND_POINTS:]
    slope = None
    if len(recent) >= 2:  # least squares through evenly spaced months
        n, mean_x, mean_y = len(recent), (len(recent) - 1) / 2, sum(recent) / len(recent)
        slope = sum((i - mean_x) * (v - mean_y) for i, v in enumerate(recent)) / sum(
            (i - mean_x) ** 2 for i in range(n))
    toward = slope is not None and slope != 0 and (slope > 0) == (metric.good is Direction.UP)
    if toward and slope and (left is None or (target - value) / slope <= left):
        return "on_track"
    near = target != 0 and abs(value - target) / abs(target) <= NEAR
    return "at_risk" if toward or near else "off_track"


def monthly_values(engine: Any, key: str, filters: Filters) -> list[float]:
    """The monthly values of the six months up to the period's end, oldest first (months without data left out)."""
    last = (filters.end - timedelta(days=1)).replace(day=1)
    first = date(last.year + (last.month - 6) // 12, (last.month - 6) % 12 + 1, 1)
    frame = engine.trend(key, filters.with_period(first, filters.end)).data.sort("period")
    return [v for v in frame["value"] if v is not None]


# -- the views -------------------------------------------------------------------------------------------------
def overview_tile(rt: vantage.Runtime, dash_app: dash.Dash, engine: Any, metric: Metric, view: ViewState,
                  lang: str) -> Any:
    page = next(sys.modules[p["module"]] for p in dash.page_registry.values() if p["path"] == "/")
    numbers = page.ask(engine, metric, view, TODAY)  # what the overview's callback asks, for this tile
    return kpi_tile(metric, lang, "light", "/x", answer=numbers.answer, sparkline=numbers.sparkline)


def words_of(parts: Any) -> str:
    return " ".join(texts(parts))


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("department", SCOPES)
def test_every_status_word_and_sentence_agrees_with_value_target_and_due_date(
        demo: tuple[vantage.Runtime, dash.Dash], department: str | None, period: str) -> None:
    rt, dash_app = demo
    scope = Scope(department=department, label=f"lead of {department}") if department else Scope()
    engine = ScopedEngine(rt.engine, scope)  # as a department lead (or everyone) asks
    view = ViewState(period=period, department=department or "")
    start, end = view.period_bounds(TODAY)
    spec = snapshot_spec(replace(rt.config, snapshots={"every": {
        "period": period, "programme_status": False, "recipients": [{"email": "ceo@example.com"}]}}),
                         "every", rt.catalogue)
    mail = {lang: build_view(spec, collect(engine, spec, TODAY), Changes(None, [], []), lang, "http://v", [],
                             rt.engine.now(), "key", None) for lang in LANGUAGES}
    lines = {lang: {line.key: line for group in mail[lang].groups for line in group.lines} for lang in LANGUAGES}
    checked = 0
    with dash_app.server.test_request_context("/"):
        for key, metric in listed_kpis(rt.catalogue).items():
            if department and "department" not in metric.dimensions:
                assert not engine.visible(key)  # not shown to a department scope at all
                continue
            filters = view.filters(TODAY, metric.dimensions, rt.config.scope_dimension)
            h = engine.headline(key, filters).data
            d = h.decision
            target, due = expected_target(metric, department), rt.engine.target_date(metric)
            status = expected_status(metric, h.value, target, due, h.rows, monthly_values(engine, key, filters), end)
            where = f"{key} {department or 'all'} {period}"
            assert (d.target, d.status.value) == (target, status), where
            assert d.due == (due if target is not None else None), where
            request = metric_views.request(key, view.to_data())
            page_tile, page_sentence = metric_views.summary(request, engine.headline(key, request.scope.filters))
            slide = Slide("metric", 20, period, "en", metric=key, department=department or "")
            for lang in LANGUAGES:
                label, sentence, named = d.label(lang), d.sentence(lang), d.period(lang)
                tile = overview_tile(rt, dash_app, engine, metric, view, lang)
                wall = metric_props(engine, 0, replace(slide, language=lang), "dark", TODAY)
                line = lines[lang][key]
                table, _answer = query_table(engine, key, filters, lang)
                cli = dict(zip(table.header, table.shown[0]))
                shown = {
                    "tile": words_of(tile) + " " + tile_badge_title(tile),
                    "metric page": words_of(kpi_tile(metric, lang, "light", None, answer=engine.headline(key, filters),
                                                     size="summary")) + " " + sentence,  # the tile, then why
                    "wall": " ".join(str(p.get("children", "")) for p in wall.values()),
                    "email": f"{line.status_label} {line.facts}",
                    "cli": " ".join(cli.values()),
                }
                # The same status words, the same sentence and the period, in every view.
                assert getattr(tile, "data-status") == status and status in wall[card(0, key, "")]["className"]
                assert line.status == status and table.raw[0][7] == status, where
                assert wall[card(0, key, "status")]["children"].endswith(label) and line.status_label.endswith(label)
                assert cli["status"] == label and cli["why"] == sentence and cli["period"] == named, where
                assert wall[card(0, key, "projection")]["children"] == sentence and sentence in line.facts
                assert named in shown["tile"] and named in line.facts
                assert (MET_WORDS[lang] in sentence) == (status == "on_track" and d.met), where
                assert period_text(replace(slide, language=lang, department=""), TODAY) == named
                if lang == "en":
                    assert page_sentence == sentence and named in words_of(page_tile)
                for view_name, text in shown.items():
                    said = [w for w in JUDGED_WORDS[lang] if w in text]
                    assert said == ([] if status in ("unknown", "too_few") else [label]), (where, view_name, text)
                    met = h.value is not None and target is not None and meets(h.value, target, metric.good)
                    if MET_WORDS[lang] in text:  # "met" is said only of a value that meets its target
                        assert met and status == "on_track", (where, view_name, text)
                    if department and metric.target_scope is not TargetScope.SAME:  # a sum: never the programme's
                        assert not said_target(text, format_value(metric.target, metric.unit, lang)), (where, view_name)
                    if status == "too_few":
                        assert "off_track" not in str(tile.className) + wall[card(0, key, "")]["className"]
            checked += 1
    assert checked >= (19 if department else 21)


def said_target(text: str, target: str) -> bool:
    """Whether a text names `target` as a target ("Target 1,500 h", "target of 1,500 h", "目标 1,500 小时")."""
    return re.search(rf"(?i)(target (of )?|目标 ?){re.escape(target)}(?![\d.,])", text) is not None


def tile_badge_title(tile: Any) -> str:
    """The sentence a tile's status badge carries on hover."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
            return
        if "status-badge" in (getattr(node, "className", "") or ""):
            found.append(getattr(node, "title", ""))
        children = getattr(node, "children", None)
        if children is not None and not isinstance(children, str):
            walk(children)

    walk(tile)
    return " ".join(found)


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("department", SCOPES)
def test_the_wall_lists_only_judged_kpis_under_needs_attention(demo: tuple[vantage.Runtime, dash.Dash],
                                                             department: str | None, period: str) -> None:
    rt, _app = demo
    engine = ScopedEngine(rt.engine, Scope(department=department) if department else Scope())
    props = overview_props(engine, 0, Slide("overview", 20, period, "en", department=department or ""), "dark", TODAY)
    chips = [props[part(0, f"chip{i}-name")]["children"] for i in range(6)]
    view = ViewState(period=period, department=department or "")
    by = rt.config.scope_dimension
    statuses = {m.title("en"): engine.headline(k, view.filters(TODAY, m.dimensions, by)).data.status.value
                for k, m in listed_kpis(engine.catalogue).items()}
    listed = [c[2:] for c in chips if c]
    assert all(statuses[title] in ("off_track", "at_risk") for title in listed), listed
    counts = props[part(0, "counts")]["children"]
    assert counts.startswith(f"{list(statuses.values()).count('on_track')} on track")
    assert f"{list(statuses.values()).count('off_track')} off track" in counts  # too few records are not off track
    too_few = list(statuses.values()).count("too_few")
    assert (f"{too_few} with too few records" in counts) == bool(too_few)


@pytest.mark.parametrize("period", PERIODS)
def test_the_league_table_shows_each_departments_own_decision(demo: tuple[vantage.Runtime, dash.Dash],
                                                               period: str) -> None:
    rt, _app = demo
    filters = Filters(*ViewState(period=period).period_bounds(TODAY))
    table = league(rt.engine, filters)
    assert set(table.ranked) == {k for k, m in listed_kpis(rt.catalogue).items() if "department" in m.dimensions}
    for row in table.rows:
        on_target = judged = 0
        for key, cell in row.cells.items():
            asked = rt.engine.headline(key, replace(filters, where=(("department", row.department),))).data
            if cell.decision is None:  # no rows this period: a blank cell, and no status anywhere
                assert asked.value is None and not asked.decision.judged, (row.department, key)
                continue
            assert cell.decision == asked.decision and cell.value == asked.value, (row.department, key)
            judged += asked.decision.judged
            on_target += asked.decision.judged and asked.decision.met
        assert (row.on_target, row.judged) == (on_target, judged), row.department
