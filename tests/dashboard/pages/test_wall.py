"""The wall page without a browser: playlists checked with messages that say where and how to fix, slides as
stable skeletons whose ids all start with "wall", and the numbers each part gets equal the engine's."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import dash
import flask
import pytest

from access.roles import Role, Viewer
from config.playlists import Playlist, Slide, load_playlists, parse_playlist
from config.settings import Config
from core.errors import ConfigError
from dashboard import context
from dashboard.app import create_app
from dashboard.pages.wall import _screen as wall
from dashboard.pages.wall._data import delta_text, freshness_props, overview_props, playlist_props, split_value
from dashboard.pages.wall._ids import card, part
from dashboard.pages.wall._plan import programme_props
from metrics.engine.answers import Answer
from metrics.engine.periods import Filters
from metrics.semantics.format import format_value
from tests.dashboard.headlines import answered, decided

TODAY = date(2026, 11, 27)
OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))
LOBBY = {"title": "Lobby", "seconds": 15, "slides": [{"page": "overview"}, {"page": "programme", "language": "zh"},
                                                       {"page": "metric", "metric": "data_accuracy",
                                                        "period": "quarter", "department": "finance"}]}


def with_playlists(config: Config, playlists: dict[str, Any]) -> Config:
    return replace(config, playlists=playlists)


# -- playlists ---------------------------------------------------------------------------------------------------
def test_the_demo_playlist_is_valid_and_defaults_are_filled(runtime) -> None:  # noqa: ANN001 - app.Runtime
    found = load_playlists(runtime.config, runtime.catalogue)["lobby"]
    assert (found.title, found.theme, found.language, found.refresh_seconds) == ("Programme results", "dark", "en", 60)
    assert [s.page for s in found.slides] == ["overview", "metric", "metric", "programme"]
    assert [s.period for s in found.slides] == ["month", "month", "month", "quarter"]  # the dashboard's default
    assert found.schedule() == {"name": "lobby", "seconds": [20.0] * 4, "refresh": 60.0, "language": "en",
                                "theme": "dark"}


def test_a_slide_may_set_its_own_language_department_and_seconds(runtime) -> None:  # noqa: ANN001
    raw = {**LOBBY, "slides": [*LOBBY["slides"], {"page": "overview", "seconds": 40, "title": "本月"}]}
    found = parse_playlist("lobby", raw, runtime.config, runtime.catalogue)
    assert [s.language for s in found.slides] == ["en", "zh", "en", "en"]
    assert found.slides[2].department == "finance" and found.slides[3].seconds == 40 and found.slides[3].title == "本月"


@pytest.mark.parametrize("change, key, words", [
    ({"colour": "red"}, "colour", "unknown key 'colour'"),
    ({"seconds": 0}, "seconds", "from 2 to 3600"),
    ({"seconds": "20"}, "seconds", "number of seconds"),
    ({"refresh_seconds": 1}, "refresh_seconds", "from 5 to 3600"),
    ({"theme": "neon"}, "theme", "use one of: dark, light"),
    ({"language": "fr"}, "language", "use one of: en, zh"),
    ({"slides": []}, "slides", "a playlist needs slides"),
    ({"slides": [{"page": "home"}]}, "slides[0] page", "use one of: overview, metric, programme"),
    ({"slides": [{"page": "metric", "metric": "no_such_kpi"}]}, "slides[0] metric", "unknown metric 'no_such_kpi'"),
    ({"slides": [{"page": "metric"}]}, "slides[0] metric", "must be a non-empty text"),
    ({"slides": [{"page": "overview", "metric": "data_accuracy"}]}, "slides[0] metric", "unknown key 'metric'"),
    ({"slides": [{"page": "programme", "department": "hr"}]}, "slides[0] department", "unknown key"),
    ({"slides": [{"page": "metric", "metric": "milestones_on_time", "department": "hr"}]},
     "slides[0] department", "milestones_on_time has no department dimension"),
    ({"slides": [{"page": "overview", "period": "custom"}]}, "slides[0] period", "unknown period 'custom'"),
    ({"slides": ["overview"]}, "slides[0]", "a slide is not a table"),
])
def test_a_wrong_playlist_names_file_playlist_and_key_and_says_how_to_fix(runtime, change: dict, key: str,  # noqa
                                                                           words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_playlist("lobby", {**LOBBY, **change}, runtime.config, runtime.catalogue)
    message = raised.value.message
    assert f"{runtime.config.path} [playlists.lobby] {key}" in message and words in message
    assert "To fix this" in message


def test_a_playlist_name_must_fit_an_address(runtime) -> None:  # noqa: ANN001
    with pytest.raises(ConfigError, match="cannot be part of an address"):
        parse_playlist("main hall", LOBBY, runtime.config, runtime.catalogue)


def test_a_wrong_playlist_stops_the_app_from_starting(runtime) -> None:  # noqa: ANN001
    config = with_playlists(runtime.config, {"lobby": {**LOBBY, "theme": "neon"}})
    with pytest.raises(ConfigError, match=r"\[playlists.lobby\] theme"):
        create_app(runtime.engine, config)


# -- the page ----------------------------------------------------------------------------------------------------
@pytest.fixture
def wall_app(runtime) -> dash.Dash:  # noqa: ANN001
    return create_app(runtime.engine, with_playlists(runtime.config, {"lobby": LOBBY, "hall": {"slides": [
        {"page": "metric", "metric": "hours_saved"}]}}))


def ids_in(component: Any) -> Iterator[str]:
    """Every id in a component tree."""
    if isinstance(component, (list, tuple)):
        for c in component:
            yield from ids_in(c)
        return
    if getattr(component, "id", None) is not None:
        yield component.id
    children = getattr(component, "children", None)
    if children is not None and not isinstance(children, str):
        yield from ids_in(children)


def text_of(component: Any) -> str:
    if isinstance(component, str):
        return component
    if isinstance(component, (list, tuple)):
        return " ".join(text_of(c) for c in component)
    children = getattr(component, "children", None)
    return text_of(children) if children is not None else ""


def test_every_id_starts_with_wall_so_a_screen_may_update_it(wall_app: dash.Dash) -> None:
    with wall_app.server.test_request_context("/wall/lobby"):
        page = wall.screen_layout("lobby")
    found = list(ids_in(page))
    assert len(found) > 60 and all(i.startswith("wall") for i in found)
    assert len(found) == len(set(found))  # no id typed twice
    assert [i for i in found if i.startswith("wall-slide-")] == ["wall-slide-0", "wall-slide-1", "wall-slide-2"]
    assert "Data accuracy" in text_of(page) and "项目计划" in text_of(page)  # the programme slide speaks Chinese


def test_the_numbers_fill_exactly_the_parts_the_layout_has(wall_app: dash.Dash) -> None:
    """The browser skips a part it cannot find: a typo between layout and numbers would leave a blank, not fail."""
    with wall_app.server.test_request_context("/wall/lobby"):
        flask.g.vantage_viewer = Viewer("anonymous", Role.ADMIN)
        parts = {i for i in ids_in(wall.screen_layout("lobby")) if re.match(r"wall-s\d+-", i)}
        props = wall.wall_numbers("refresh", "/wall/lobby")["props"]
    assert set(props) == parts
    assert all(isinstance(v, dict) and v for v in props.values())


def test_a_device_sees_only_its_own_playlist_and_a_person_any(wall_app: dash.Dash) -> None:
    with wall_app.server.test_request_context("/wall/hall"):
        flask.g.vantage_viewer, flask.g.vantage_playlist = Viewer("device:lobby-tv", Role.DEVICE), "lobby"
        refused = wall.screen_layout("hall")
        assert "opens the playlist “lobby” only" in text_of(refused) and "wall-slide-0" not in list(ids_in(refused))
        # The numbers follow the device's playlist, whatever address the browser claims.
        assert wall.served_playlist("/wall/hall").name == "lobby"
    with wall_app.server.test_request_context("/wall/hall"):
        assert wall.served_playlist("/wall/hall").name == "hall"
        assert "There is no playlist named “nope”" in text_of(wall.screen_layout("nope"))
        assert wall.wall_numbers("refresh", "/wall/nope")["props"] == {}


def test_the_build_changes_with_the_playlists(runtime) -> None:  # noqa: ANN001
    first = wall.build_id(runtime.config)
    assert first == wall.build_id(runtime.config)
    assert first != wall.build_id(with_playlists(runtime.config, {"lobby": LOBBY}))


def test_a_page_load_is_audited_once_not_every_refresh(wall_app: dash.Dash) -> None:
    audit = wall_app.server.config["VANTAGE_AUDIT"]
    before = len(audit.entries())
    with wall_app.server.test_request_context("/_dash-update-component", method="POST"):
        flask.g.vantage_viewer = Viewer("anonymous", Role.ADMIN)
        loaded = wall.wall_numbers("load", "/wall/hall")
        wall.wall_numbers("refresh", "/wall/hall")
        wall.wall_numbers("recover", "/wall/hall")
        wall_app.server.process_response(flask.Response())  # a request's rows are written as its answer leaves
    entries = audit.entries()[before:]
    assert [(e["action"], e["what"]) for e in entries] == [("view", "wall:hall")]
    assert loaded["build"] == wall_app.server.config[wall.BUILD_KEY] and card(0, "hours_saved", "value") in loaded[
        "props"]
    json.dumps(loaded)  # only plain data goes to the browser


# -- the numbers -------------------------------------------------------------------------------------------------
def test_overview_numbers_are_the_engines(runtime) -> None:  # noqa: ANN001
    engine = runtime.engine
    props = overview_props(engine, 0, Slide("overview", 20, "month", "en"), "dark", TODAY)
    for key in ("data_accuracy", "hours_saved", "error_reduction"):
        h = engine.headline(key, OCTOBER).data
        shown = "".join(props[card(0, key, f)]["children"] for f in ("pre", "value", "post"))
        assert shown == format_value(h.value, engine.metric(key).unit, "en")
        assert f"edge-{h.status.value}" in props[card(0, key, "")]["className"]
        assert props[card(0, key, "spark")]["src"].startswith("data:image/svg+xml;base64,")
    statuses = [engine.headline(k, OCTOBER).data.status.value for k in engine.catalogue]
    assert props[part(0, "counts")]["children"].startswith(f"{statuses.count('on_track')} on track")
    needing = [k for k in engine.catalogue if k not in ("data_accuracy", "hours_saved", "error_reduction")
               and engine.headline(k, OCTOBER).data.status.value in ("off_track", "at_risk")]
    chips = [props[part(0, f"chip{i}-name")]["children"] for i in range(6)]
    assert len([c for c in chips if c]) == min(6, len(needing))
    assert chips[0].startswith("✕ ") if any(engine.headline(k, OCTOBER).data.status.value == "off_track"
                                            for k in needing) else True  # the worst first
    assert props[part(0, "asof")]["children"].startswith("Data as of ")


def test_a_failing_slide_says_why_in_its_banner_and_the_others_still_show(runtime) -> None:  # noqa: ANN001
    def broken(*_args: Any) -> dict:
        raise ConfigError("the plan is gone", "plan source 'demo'", "restore it")

    playlist = Playlist("p", "P", "dark", "en", 60, (Slide("overview", 20, "month", "en"),
                                                     Slide("programme", 20, "quarter", "en")))
    props = playlist_props(runtime.engine, playlist, TODAY, {"overview": overview_props, "programme": broken})
    assert "the plan is gone" in props[part(1, "error")]["children"]
    assert props[part(1, "error")]["className"].endswith("is-shown")
    assert props[part(0, "error")] == {"children": "", "className": "wall-banner wall-error"}
    assert props[card(0, "data_accuracy", "value")]["children"]


def test_programme_counts_come_from_the_plan_and_a_lead_is_refused(runtime) -> None:  # noqa: ANN001
    from programme.plan import plan_or_issue

    plan, _ = plan_or_issue(runtime.engine)
    ms = plan.milestones
    props = programme_props(runtime.engine, 2, Slide("programme", 20, "quarter", "en"), "dark", TODAY)
    done = sum(s == "done" for s in ms["status"])
    late = sum(s != "done" and end < TODAY for s, end in zip(ms["status"], ms["planned_end"]))
    assert props[part(2, "done")]["children"] == f"{done} / {ms.height}"
    assert props[part(2, "overdue")]["children"] == str(late)
    assert props[part(2, "due0")]["className"].endswith("is-late") == (late > 0)
    assert props[card(2, "milestones_on_time", "value")]["children"]
    lead = Viewer("lena", Role.DEPARTMENT_LEAD, "finance")
    with pytest.raises(Exception, match="not part of your role"):
        programme_props(runtime.engine, 2, Slide("programme", 20, "quarter", "en"), "dark", TODAY, viewer=lead)


def headline_answer(runtime, stale_reason: str = "", behind_sla: bool = False) -> Answer:  # noqa: ANN001
    headline = decided(runtime.catalogue["data_accuracy"], 0.959, 0.968, baseline=0.785)
    return answered(headline, stale_reason, behind_sla)


def test_a_banner_names_kpis_behind_their_sla_or_served_from_the_last_good_answer(runtime) -> None:  # noqa: ANN001
    accuracy, hours = runtime.catalogue["data_accuracy"], runtime.catalogue["hours_saved"]
    calm = freshness_props(0, [(accuracy, headline_answer(runtime))], "en")
    assert calm[part(0, "stale")] == {"children": "", "className": "wall-banner wall-stale"}
    assert calm[part(0, "asof")]["children"] == "Data as of 26 Nov 2026 22:51"
    late = freshness_props(0, [(accuracy, headline_answer(runtime, behind_sla=True)),
                               (hours, headline_answer(runtime, stale_reason="source 'demo' is down"))], "zh")
    text = late[part(0, "stale")]["children"]
    assert "超过数据源新鲜度时限：数据准确率" in text and "数据源读取失败" in text
    assert late[part(0, "stale")]["className"].endswith("is-shown")


@pytest.mark.parametrize("shown, parts", [
    ("96.3%", ("", "96.3%", "")), ("1,445 h", ("", "1,445", " h")), ("CNY 2.13M", ("CNY ", "2.13M", "")),
    ("23,297 /day", ("", "23,297", " /day")), ("4.12 / 5", ("", "4.12", " / 5")), ("−CNY 116k", ("−CNY ", "116k", "")),
    ("¥201.3万", ("", "¥201.3万", "")), ("no data", ("", "no data", "")), ("3.4 天", ("", "3.4", " 天")),
])
def test_a_value_splits_into_unit_and_number_without_changing_the_text(shown: str, parts: tuple) -> None:
    assert split_value(shown) == parts and "".join(parts) == shown


@pytest.mark.parametrize("key, delta, text, tone", [
    ("data_accuracy", 0.015, "▲ +1.5 pp vs previous period", "delta-good"),
    ("error_rate", 0.015, "▲ +1.5 pp vs previous period", "delta-bad"),
    ("data_accuracy", -0.0001, "▶ −0.0 pp vs previous period", "delta-flat"),
    ("data_accuracy", None, "No previous period to compare", "delta-none"),
])
def test_the_change_reads_with_its_arrow_and_tone(runtime, key: str, delta: float | None, text: str,  # noqa: ANN001
                                                  tone: str) -> None:
    assert delta_text(runtime.catalogue[key], delta, "en") == (text, tone)


def test_no_timer_on_the_page_drives_a_dash_input(wall_app: dash.Dash) -> None:
    """Dash keeps every browser-side change of an input in an undo history it never trims: a dcc.Interval on a
    screen that runs for weeks would grow it without bound, so the wall's timer lives in wall.js."""
    with wall_app.server.test_request_context("/wall/lobby"):
        page = wall.screen_layout("lobby")

    def types(component: Any) -> Iterator[str]:
        if isinstance(component, (list, tuple)):
            for c in component:
                yield from types(c)
        elif hasattr(component, "_type"):
            yield component._type  # noqa: SLF001
            yield from types(getattr(component, "children", None))

    assert "Interval" not in set(types(page))
    js = (Path(wall.__file__).resolve().parents[3] / "assets" / "wall.js").read_text()
    assert "setInterval(tick" in js and context.LOCATION in js
    assert "set_props(" not in js  # each change through Dash and React kept memory: the deck is written directly
