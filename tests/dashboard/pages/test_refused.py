"""A page outside the viewer's role is one clear page (its title and one sentence, in the viewer's language), recorded
as a `denied` row; its parts are not drawn, so no callback asks for its numbers. A role that includes it gets it."""
from __future__ import annotations

import json
from pathlib import Path

from tests.dashboard.secured import call, secured_app, sign_in
from tests.dashboard.test_dispatch import router_call


def page_of(client, pathname: str, search: str = "") -> str:  # noqa: ANN001 - a Flask test client
    answer = call(client, router_call(pathname, search))
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return json.dumps(answer.get_json(), ensure_ascii=False)


def test_a_lead_opening_the_programme_gets_one_clear_page(tmp_path: Path, data_dir: Path) -> None:
    app, rt = secured_app(tmp_path, data_dir)
    lead, pmo = app.server.test_client(), app.server.test_client()
    assert sign_in(lead, "lee").status_code == 302 and sign_in(pmo, "pat").status_code == 302
    refused = page_of(lead, "/programme")
    assert "This page is not part of your role (department lead)" in refused
    assert "programme-gantt" not in refused and "error-block" not in refused  # no parts, so no error boxes
    assert "此页面不属于您的角色（部门负责人）" in page_of(lead, "/programme", "?lang=zh")
    shown = page_of(pmo, "/programme")
    assert "not part of your role" not in shown and "programme-gantt" in shown
    denied = [e for e in app.server.config["VANTAGE_AUDIT"].entries(user="lee") if e["action"] == "denied"]
    assert any(e["what"] == "/programme" for e in denied), denied
