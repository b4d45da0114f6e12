"""The audit trail misses nothing: every refused request is a `denied` row (who, what, which filters, why), never a
`view`; a view records the scope the engine applied; and a view that cannot be recorded is not shown (HTTP 503)."""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest

from access.audit import AuditTrail
from dashboard.state import ViewState
from tests.dashboard.secured import call, overview_call, secured_app, sign_in
from tests.dashboard.test_guard import shown, summary_request


@pytest.fixture(scope="module")
def secured(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    work = tmp_path_factory.mktemp("audited")
    dash_app, rt = secured_app(work, data_dir)
    yield dash_app.server, rt, work


def rows(work: Path, user: str, since: int = 0) -> list[dict[str, Any]]:
    """The audit rows of one user written after row `since`, filters parsed."""
    found = [e for e in AuditTrail(work / "audit.sqlite").entries(user=user) if e["id"] > since]
    return [{**e, "filters": json.loads(e["filters"]) if e["filters"] else None} for e in found]


def last_id(work: Path) -> int:
    entries = AuditTrail(work / "audit.sqlite").entries()
    return entries[-1]["id"] if entries else 0


def departments(entry: dict[str, Any]) -> list[Any]:
    return [value for name, value in (entry["filters"] or {}).get("where", []) if name == "department"]


def programme_call() -> dict[str, Any]:
    """The body Dash's renderer posts for the programme page's progress panel."""
    return {"output": "programme-progress.children",
            "outputs": {"id": "programme-progress", "property": "children"},
            "inputs": [{"id": "programme-view", "property": "data", "value": {"view": {}, "weeks": 4}}],
            "changedPropIds": ["programme-view.data"], "state": []}


def test_a_lead_asking_for_another_department_is_a_denied_row_not_a_view(secured: Any) -> None:
    server, rt, work = secured
    lead = server.test_client()
    sign_in(lead, "lee")
    before = last_id(work)
    answer = call(lead, summary_request("hr"))
    assert answer.status_code == 200 and "outside your access" in answer.get_data(as_text=True)
    assert shown(rt, "hr") not in answer.get_data(as_text=True)
    found = rows(work, "lee", before)
    assert [e["action"] for e in found] == ["denied"]  # one refused question, and no view of hr's numbers
    denied = found[0]
    assert denied["what"] == "data_accuracy" and departments(denied) == ["hr"]  # what was asked, with which filters
    assert "department 'hr' is outside your access" in denied["reason"] and denied["address"] == "127.0.0.1"
    # The overview asked for hr: each KPI refused is a row, none is a view.
    before = last_id(work)
    tiles = call(lead, overview_call(ViewState(department="hr").to_data()))
    assert tiles.status_code == 200
    actions = {e["action"] for e in rows(work, "lee", before)}
    assert actions == {"denied"}


def test_a_leads_view_records_the_department_the_scope_applied(secured: Any) -> None:
    server, rt, work = secured
    lead = server.test_client()
    sign_in(lead, "lee")
    before = last_id(work)
    own = call(lead, summary_request())  # asks for no department: the scope narrows it to finance
    assert own.status_code == 200 and shown(rt, "finance") in own.get_data(as_text=True)
    views = [e for e in rows(work, "lee", before) if e["action"] == "view"]
    assert views and all(departments(e) == ["finance"] for e in views)
    before = last_id(work)
    assert call(lead, overview_call()).status_code == 200
    views = [e for e in rows(work, "lee", before) if e["action"] == "view"]
    assert len(views) > 5 and all(departments(e) == ["finance"] for e in views)


def test_an_unknown_metric_and_a_page_outside_the_role_are_denied_rows(secured: Any) -> None:
    server, _, work = secured
    executive = server.test_client()
    sign_in(executive, "erin")
    before = last_id(work)
    answer = call(executive, summary_request(key="no_such_metric"))
    assert answer.status_code == 200 and "unknown metric" in answer.get_data(as_text=True)
    found = rows(work, "erin", before)
    assert found and {e["action"] for e in found} == {"denied"}
    assert found[0]["what"] == "no_such_metric" and "unknown metric 'no_such_metric'" in found[0]["reason"]
    before = last_id(work)
    plan = call(executive, programme_call())  # the programme page is not an executive's: its data is refused
    assert plan.status_code == 403 and "not part of the executive role" in plan.get_data(as_text=True)
    found = rows(work, "erin", before)
    assert [(e["action"], e["what"]) for e in found] == [("denied", "/programme")]
    assert "not part of the executive role" in found[0]["reason"]


def test_a_view_that_cannot_be_recorded_is_not_shown(data_dir: Path, tmp_path: Path,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    dash_app, rt = secured_app(tmp_path, data_dir)
    client = dash_app.server.test_client()
    sign_in(client, "erin")
    number = shown(rt, None)
    assert number in call(client, summary_request()).get_data(as_text=True)
    # The audit file is replaced by a folder (as root, a read-only folder would not stop a write): no row can be written.
    trail = tmp_path / "audit.sqlite"
    files = [Path(f"{trail}{extra}") for extra in ("", "-wal", "-shm")]
    for found in files:
        shutil.move(found, f"{found}.kept")
    trail.mkdir()
    caplog.set_level(logging.ERROR, logger="vantage.audit")
    for body in (summary_request(), overview_call()):
        answer = call(client, body)
        text = answer.get_data(as_text=True)
        assert answer.status_code == 503 and json.loads(text) == {"error": "cannot record access: not shown"}
        assert number not in text and "Data accuracy" not in text and answer.headers["Cache-Control"] == "no-store"
    assert any(str(tmp_path) in r.getMessage() and "cannot be written" in r.getMessage() for r in caplog.records)
    assert client.get("/login").status_code == 200  # pages without numbers keep working
    trail.rmdir()  # the folder is fixed: views are shown (and recorded) again, with no restart
    for found in files:
        shutil.move(f"{found}.kept", found)
    again = call(client, summary_request())
    assert again.status_code == 200 and number in again.get_data(as_text=True)
    assert rows(tmp_path, "erin")[-1]["action"] == "view"
