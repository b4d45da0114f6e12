"""Check-ins in the dashboard, behind its login, as the browser asks for them: the metric's owner writes one
through the page's form callback (an audit row first), a department lead is refused (a `denied` row, nothing
written), and what the owner said shows on the overview's tile, the metric page's timeline and the wall."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import flask
import pytest

from dashboard.pages.metric._ids import ids
from dashboard.pages.wall._ids import card
from programme.checkins import CheckinStore
from tests.conftest import ROOT
from tests.dashboard.secured import call, overview_call, secured_app, sign_in

NOTE = "SAP cut-over delayed data loads"


@pytest.fixture(scope="module")
def server(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[flask.Flask]:
    """The demo behind its login; pat (PMO) and lee (a department lead) are named owners of data accuracy's owner."""
    assert (ROOT / "config" / "demo.toml").read_text().rstrip().endswith("[owners]")
    app, rt = secured_app(tmp_path_factory.mktemp("checkins"), data_dir,
                          extra='"Head of Data Governance" = ["pat", "lee"]\n')
    assert rt.config.owners == {"Head of Data Governance": ("pat", "lee")}
    yield app.server


def save(period: str, status: str, note: str, key: str = "data_accuracy") -> dict[str, Any]:
    """The body Dash's renderer posts when the check-in form's button is pressed."""
    outputs = [{"id": ids.CHECKIN_MESSAGE, "property": "children"}, {"id": ids.CHECKIN_SAVED, "property": "data"},
               {"id": ids.CHECKIN_NOTE, "property": "value"}]
    return {"output": ".." + "...".join(f"{o['id']}.{o['property']}" for o in outputs) + "..",
            "outputs": outputs, "changedPropIds": [f"{ids.CHECKIN_SUBMIT}.n_clicks"],
            "inputs": [{"id": ids.CHECKIN_SUBMIT, "property": "n_clicks", "value": 1}],
            "state": [{"id": ids.KEY, "property": "data", "value": key},
                      {"id": ids.CHECKIN_PERIOD, "property": "value", "value": period},
                      {"id": ids.CHECKIN_STATUS, "property": "value", "value": status},
                      {"id": ids.CHECKIN_NOTE, "property": "value", "value": note},
                      {"id": ids.VIEW, "property": "data", "value": {}}]}


def timeline_call(key: str = "data_accuracy", lang: str = "en") -> dict[str, Any]:
    return {"output": f"{ids.CHECKINS}.children", "outputs": {"id": ids.CHECKINS, "property": "children"},
            "inputs": [{"id": ids.KEY, "property": "data", "value": key},
                       {"id": ids.CHECKIN_SAVED, "property": "data", "value": None}],
            "changedPropIds": [f"{ids.KEY}.data"],
            "state": [{"id": ids.VIEW, "property": "data", "value": {"language": lang} if lang != "en" else {}}]}


def router(pathname: str) -> dict[str, Any]:
    return {"output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": pathname},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "changedPropIds": ["_pages_location.pathname"], "state": []}


def client_of(server: flask.Flask, user: str) -> Any:
    client = server.test_client()
    assert sign_in(client, user).status_code == 302
    return client


def form_class(client: Any) -> str:
    """The class of the check-in form on the data accuracy page as the viewer gets it."""
    page = call(client, router("/metric/data_accuracy")).get_data(as_text=True)
    at = page.index(f'"id":"{ids.CHECKIN_FORM}"') if f'"id":"{ids.CHECKIN_FORM}"' in page else -1
    assert at >= 0, page[:500]
    found = [c for c in page[max(0, at - 3000):at + 200].split('"className":"')[1:] if c.startswith("checkin-form")]
    return found[-1].split('"')[0]


def audit_rows(server: flask.Flask, user: str, action: str) -> list[dict[str, Any]]:
    return [r for r in server.config["VANTAGE_AUDIT"].entries(user=user) if r["action"] == action]


def test_the_form_is_shown_to_the_owner_and_hidden_from_a_department_lead(server: flask.Flask) -> None:
    assert form_class(client_of(server, "pat")) == "checkin-form"
    assert form_class(client_of(server, "ada")) == "checkin-form"
    assert form_class(client_of(server, "lee")) == "checkin-form d-none"
    assert form_class(client_of(server, "erin")) == "checkin-form d-none"


def test_the_owner_writes_one_through_the_page_and_it_is_audited(server: flask.Flask) -> None:
    client = client_of(server, "pat")
    answer = call(client, save("2026-10", "at_risk", NOTE))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    response = answer.get_json()["response"]
    assert "Saved for Oct 2026." in json.dumps(response[ids.CHECKIN_MESSAGE])
    assert response[ids.CHECKIN_NOTE]["value"] == ""  # the form is cleared for the next one
    store = CheckinStore.in_folder(Path(server.config["VANTAGE_CONFIG"].data_path))
    current = store.current("data_accuracy", "2026-10")
    assert current is not None and (current.status, current.note, current.author) == ("at_risk", NOTE, "pat")
    row = audit_rows(server, "pat", "checkin")[-1]
    assert (row["what"], json.loads(row["filters"])) == ("data_accuracy", {"period": "2026-10", "status": "at_risk"})
    shown = json.dumps(call(client, timeline_call()).get_json()["response"], ensure_ascii=False)
    assert NOTE in shown and "pat, " in shown and "Oct 2026" in shown and "status-at_risk" in shown
    in_chinese = json.dumps(call(client, timeline_call(lang="zh")).get_json()["response"], ensure_ascii=False)
    assert "2026年10月" in in_chinese and "有风险" in in_chinese


def test_a_department_lead_is_refused_and_it_is_recorded(server: flask.Flask) -> None:
    store = CheckinStore.in_folder(Path(server.config["VANTAGE_CONFIG"].data_path))
    before = store.timeline()
    answer = call(client_of(server, "lee"), save("2026-10", "on_track", "finance is fine"))
    assert answer.status_code == 200
    shown = json.dumps(answer.get_json()["response"][ids.CHECKIN_MESSAGE])
    assert "you may not write check-ins of data_accuracy: a department lead writes no check-ins" in shown
    assert ids.CHECKIN_SAVED not in answer.get_json()["response"]  # the timeline is not drawn again
    assert store.timeline() == before
    denied = audit_rows(server, "lee", "denied")[-1]
    assert (denied["what"], json.loads(denied["filters"])) == ("data_accuracy",
                                                                {"period": "2026-10", "status": "on_track"})
    assert "department lead" in denied["reason"] and audit_rows(server, "lee", "checkin") == []


def test_bad_input_on_the_form_says_how_to_write_it(server: flask.Flask) -> None:
    answer = call(client_of(server, "pat"), save("2026-10", "at_risk", "   "))
    assert "the note is empty" in json.dumps(answer.get_json()["response"][ids.CHECKIN_MESSAGE])


def test_the_owners_word_is_on_the_overview_tile_and_the_wall(server: flask.Flask) -> None:
    store = CheckinStore.in_folder(Path(server.config["VANTAGE_CONFIG"].data_path))
    store.add("data_accuracy", "2026-10", "at_risk", NOTE, "pat")  # October: the overview's and the wall's month
    client = client_of(server, "erin")
    tiles = json.dumps(call(client, overview_call()).get_json()["response"], ensure_ascii=False)
    assert f"Owner: at risk: {NOTE}" in tiles and '"data-checkin": "at_risk"' in tiles.replace('":"', '": "')
    # Only the KPI with a check-in says one (data accuracy is a result: large on the strip and in its pillar too).
    assert tiles.count("Owner: ") == tiles.count(f"Owner: at risk: {NOTE}") >= 1
    assert f"at risk: {NOTE} (pat, " in tiles  # the whole note, its author and day on hover
    wall = {"output": "wall-data.data", "outputs": {"id": "wall-data", "property": "data"},
            "inputs": [{"id": "wall-ask", "property": "data", "value": "load"}], "changedPropIds": ["wall-ask.data"],
            "state": [{"id": "_pages_location", "property": "pathname", "value": "/wall/lobby"}]}
    props = call(client, wall).get_json()["response"]["wall-data"]["data"]["props"]
    assert props[card(1, "data_accuracy", "checkin")]["children"] == f"Owner: at risk: {NOTE}"
    assert props[card(2, "hours_saved", "checkin")]["children"] == ""


def test_with_the_login_off_no_one_writes_from_the_page(runtime) -> None:  # noqa: ANN001 - app.Runtime
    """The demo's login is off: everyone is "anonymous", with no author to record, so the form stays hidden."""
    import json as _json

    from dashboard.app import create_app
    from tests.dashboard.secured import call
    from tests.dashboard.test_dispatch import router_call

    client = create_app(runtime.engine, runtime.config).server.test_client()
    page = _json.dumps(call(client, router_call("/metric/data_accuracy")).get_json())
    assert "checkin-form d-none" in page
