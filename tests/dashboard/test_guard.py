"""Access control through crafted HTTP requests against a real server: sessions, roles, department scope, audit."""
from __future__ import annotations

import json
import re
import threading
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest
import requests
from werkzeug.serving import make_server

import app
from access.users import UserStore
from config.settings import load_config
from dashboard.app import create_app
from dashboard.state import ViewState
from metrics.engine.periods import Filters
from metrics.semantics.format import format_value
from tests.conftest import ROOT, TODAY
from tests.dashboard.secured import summary_call

PASSWORD = "correct horse battery"
OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))


def secured_config_text() -> str:
    """The demo's config with the login left on (the default)."""
    return (ROOT / "config" / "demo.toml").read_text().replace("login_required = false", "")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Iterator[tuple[str, app.Runtime, Path]]:
    import shutil

    work = tmp_path_factory.mktemp("secured")
    shutil.copy(data_dir / "demo.sqlite", work / "demo.sqlite")
    (work / "vantage.toml").write_text(secured_config_text())
    from metrics.semantics import registry

    registry.reset()
    config = load_config(str(work / "vantage.toml"), {"data_dir": str(work), "today": TODAY}, environ={})
    users = UserStore(work / "users.sqlite")
    users.add("erin", PASSWORD, "executive")
    users.add("lee", PASSWORD, "department_lead", "finance")
    users.add("pat", PASSWORD, "pmo")
    rt = app.wire(config)
    dash_app = create_app(rt.engine, rt.config)
    httpd = make_server("127.0.0.1", 0, dash_app.server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", rt, work
    httpd.shutdown()


def login(base: str, user: str, password: str = PASSWORD) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    answer = session.post(f"{base}/login", data={"csrf": csrf, "user": user, "password": password, "next": "/"},
                          allow_redirects=False)
    assert answer.status_code == (302 if password == PASSWORD else 401), answer.text[:200]
    return session


def logout(base: str, session: requests.Session) -> None:
    """Open the logout page and post its form, as the menu's "Log out" does."""
    page = session.get(f"{base}/logout").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert session.post(f"{base}/logout", data={"csrf": csrf}, allow_redirects=False).status_code == 302


def summary_request(department: str = "", key: str = "data_accuracy") -> dict:
    """The body Dash's renderer posts for the metric page's numbers, for a department's view (empty: all)."""
    return summary_call(key, ViewState(department=department).to_data())


def shown(rt: app.Runtime, department: str | None) -> str:
    where = (("department", department),) if department else ()
    value = rt.engine.headline("data_accuracy", Filters(OCTOBER.start, OCTOBER.end, where)).data.value
    return format_value(value, rt.catalogue["data_accuracy"].unit)


def test_without_a_session_only_the_login_page_and_static_files(server) -> None:  # noqa: ANN001
    base, rt, _ = server
    anonymous = requests.Session()
    for path in ("/", "/metric/data_accuracy", "/programme", "/_dash-layout", "/_dash-dependencies"):
        answer = anonymous.get(base + path, allow_redirects=False)
        assert answer.status_code in (302, 401), path
        assert shown(rt, None) not in answer.text and "Data accuracy" not in answer.text
    assert anonymous.get(base + "/", allow_redirects=False).headers["Location"].startswith("/login?next=")
    post = anonymous.post(base + "/_dash-update-component", json=summary_request())
    assert post.status_code == 401 and shown(rt, None) not in post.text
    assert anonymous.get(base + "/assets/bootstrap.min.css").status_code == 200
    assert 'name="password"' in anonymous.get(base + "/login").text


def test_security_headers(server) -> None:  # noqa: ANN001
    base, _, _ = server
    headers = requests.get(base + "/login").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"


def test_department_lead_gets_only_their_department(server) -> None:  # noqa: ANN001
    base, rt, _ = server
    lee = login(base, "lee")
    own = lee.post(base + "/_dash-update-component", json=summary_request()).text
    assert shown(rt, "finance") in own
    # A hand-made request for another department's numbers gets a refusal, not the numbers.
    other = lee.post(base + "/_dash-update-component", json=summary_request("hr"))
    assert other.status_code == 200 and "outside your access" in other.text
    assert shown(rt, "hr") not in other.text
    # A KPI without a department breakdown is refused to a department scope.
    plan = lee.post(base + "/_dash-update-component", json=summary_request(key="milestones_on_time")).text
    assert "not shown to a department scope" in plan


def test_executive_sees_every_department(server) -> None:  # noqa: ANN001
    base, rt, _ = server
    erin = login(base, "erin")
    assert shown(rt, "hr") in erin.post(base + "/_dash-update-component", json=summary_request("hr")).text
    assert shown(rt, None) in erin.post(base + "/_dash-update-component", json=summary_request()).text


def test_wrong_password_is_refused_and_recorded(server) -> None:  # noqa: ANN001
    base, _, work = server
    login(base, "erin", "not the password")
    entries = [e for e in json.loads(app_audit(work)) if e["action"] == "login_failed"]
    assert entries and entries[-1]["user"] == "erin"


def app_audit(work: Path, *extra: str) -> str:
    from tests.conftest import run_cli

    out = run_cli("--config", str(work / "vantage.toml"), "audit", "--format", "json", *extra, data_dir=work)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_audit_trail_of_a_scripted_session(server) -> None:  # noqa: ANN001
    base, _, work = server
    pat = login(base, "pat")
    pat.post(base + "/_dash-update-component", json=summary_request("procurement"))
    drilled = summary_request()
    drilled["inputs"][1]["value"] = ViewState(drill=("finance",)).to_data()
    pat.post(base + "/_dash-update-component", json=drilled)
    export = {"output": "..metric-download.data...metric-export-error.children..",
              "outputs": [{"id": "metric-download", "property": "data"},
                          {"id": "metric-export-error", "property": "children"}],
              "inputs": [{"id": "metric-export-trend", "property": "n_clicks", "value": None},
                         {"id": "metric-export-breakdown", "property": "n_clicks", "value": 1},
                         {"id": "metric-export-records", "property": "n_clicks", "value": None}],
              "state": [{"id": "metric-key", "property": "data", "value": "data_accuracy"},
                        {"id": "metric-view", "property": "data", "value": ViewState().to_data()}],
              "changedPropIds": ["metric-export-breakdown.n_clicks"]}
    csv = pat.post(base + "/_dash-update-component", json=export)
    assert csv.status_code == 200 and "department" in csv.text
    assert csv.headers["Cache-Control"] == "no-store"  # a download is never kept by the browser or a proxy
    pat.get(base + "/logout")  # the confirmation form: nobody is logged out yet
    assert pat.get(base + "/", allow_redirects=False).status_code == 200
    logout(base, pat)
    assert pat.get(base + "/", allow_redirects=False).status_code == 302  # logged out
    entries = [e for e in json.loads(app_audit(work, "--user", "pat"))]
    actions = [e["action"] for e in entries]
    assert actions[0] == "login" and actions[-1] == "logout"
    views = [e for e in entries if e["action"] == "view"]
    assert any('"procurement"' in e["filters"] for e in views) and any('"finance"' in e["filters"] for e in views)
    assert any(e["action"] == "export" and e["what"].startswith("vantage-data_accuracy-by-department") for e in entries)


def test_only_the_login_page_itself_is_public(server) -> None:  # noqa: ANN001
    base, _, _ = server
    for path in ("/login/", "/login/anything", "/login/../metric/data_accuracy", "/assetsx/"):
        assert requests.get(base + path, allow_redirects=False).status_code in (302, 401, 404), path
