"""dashboard/app.py: the app's shape without a browser: pages, assets, no CDN, engine reachable, pure layouts."""
from __future__ import annotations

import re
from typing import Any

import dash
import pytest

from dashboard import context
from dashboard.app import ASSETS, create_app


@pytest.fixture
def vantage_app(runtime) -> dash.Dash:  # noqa: ANN001 - app.Runtime
    return create_app(runtime.engine, runtime.config)


def test_pages_register_themselves_and_the_navigation_comes_from_the_registry(vantage_app: dash.Dash) -> None:
    pages = {p["path_template"] or p["path"]: p for p in dash.page_registry.values()}
    assert {"/", "/metric/<key>", "/404"} <= set(pages)
    navigation = [p["path"] for p in dash.page_registry.values() if p.get("nav")]
    assert navigation[0] == "/" and "/programme" in navigation
    assert all(p["title"] == "Vantage" or callable(p["title"]) for p in pages.values())
    with vantage_app.server.test_request_context("/"):
        assert pages["/metric/<key>"]["title"](key="data_accuracy") == "Data accuracy · Vantage"
    assert vantage_app.title == "Vantage" and vantage_app.config.suppress_callback_exceptions is False


def test_assets_are_local_and_nothing_comes_from_a_cdn(vantage_app: dash.Dash) -> None:
    assert vantage_app.config.external_stylesheets == [] and vantage_app.config.external_scripts == []
    assert vantage_app.config.assets_folder == str(ASSETS)
    for name in ("bootstrap.min.css", "bootstrap-icons.min.css", "vantage.css", "fonts/bootstrap-icons.woff2"):
        assert (ASSETS / name).is_file(), name
    page = vantage_app.server.test_client().get("/").get_data(as_text=True)
    assert "/assets/bootstrap.min.css" in page and "/assets/vantage.css" in page
    assert not re.findall(r"""(?:href|src)=["']https?://""", page)  # every file from this server
    css = "".join(p.read_text(encoding="utf-8") for p in ASSETS.glob("*.css"))
    assert not re.findall(r"url\(\s*['\"]?(?:https?:)?//", css)


def test_the_engine_lives_on_the_server_not_in_a_module_global(vantage_app: dash.Dash, runtime) -> None:  # noqa
    assert vantage_app.server.config[context.ENGINE_KEY] is runtime.engine
    with vantage_app.server.app_context():
        assert context.engine() is runtime.engine and context.today().isoformat() == "2026-11-27"


def test_two_apps_in_one_process_each_get_every_callback(runtime) -> None:  # noqa: ANN001
    first, second = create_app(runtime.engine, runtime.config), create_app(runtime.engine, runtime.config)
    assert first.callback_map and set(first.callback_map) == set(second.callback_map)
    assert len(first._callback_list) == len(second._callback_list)  # noqa: SLF001 - nothing counted twice


def test_layouts_are_pure_they_ask_the_engine_nothing(vantage_app: dash.Dash, runtime,  # noqa: ANN001
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a layout asked the engine for numbers")

    for name in ("headline", "trend", "breakdown", "detail", "explain", "milestones"):
        monkeypatch.setattr(runtime.engine, name, refuse)
    with vantage_app.server.test_request_context("/"):
        for page in dash.page_registry.values():
            assert page["layout"]() is not None  # as Dash calls it at start-up, without arguments
        for query in ({"key": "data_accuracy", "drill": ["finance", "ERP"], "lang": "zh"},
                      {"key": "no_such_kpi"}, {"period": "custom", "from": "2026-05-01", "to": "2026-01-01"}):
            for page in dash.page_registry.values():
                assert page["layout"](**query) is not None


def test_the_early_script_applies_remembered_language_and_theme(vantage_app: dash.Dash) -> None:
    page = vantage_app.server.test_client().get("/metric/data_accuracy").get_data(as_text=True)
    head = page.split("</head>")[0]
    assert "vantage-prefs" in head and "data-bs-theme" in head and "replaceState" in head
    assert head.index("replaceState") < head.index("bootstrap.min.css")  # before the first paint


@pytest.mark.parametrize("path, status", [
    ("/", 200), ("/metric/data_accuracy", 200), ("/programme", 200), ("/wall/lobby", 200), ("/?lang=zh", 200),
    ("/nosuch", 404), ("/metric", 404), ("/programme/extra/parts", 404), ("/404", 404), ("/favicon.php", 404),
])
def test_an_address_no_page_answers_is_http_404_and_still_shows_the_not_found_page(
        vantage_app: dash.Dash, path: str, status: int) -> None:
    import threading

    import requests
    from werkzeug.serving import make_server

    httpd = make_server("127.0.0.1", 0, vantage_app.server, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        answer = requests.get(f"http://127.0.0.1:{httpd.server_port}{path}", timeout=30, allow_redirects=False)
    finally:
        httpd.shutdown()
    assert answer.status_code == status
    # The same page either way: in the browser, Dash's router then shows the page or the not-found page.
    assert answer.headers["Content-Type"].startswith("text/html") and 'id="react-entry-point"' in answer.text
