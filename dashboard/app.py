"""Build the Dash app: pages from dashboard/pages, assets served locally, the engine reachable from callbacks."""
from __future__ import annotations

import json
import re
import sys
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING

import dash
from dash._utils import to_json

from dashboard import context, dispatch, guard, health, login, shell

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from config.settings import Config
    from metrics.engine.questions import Engine

ASSETS = Path(__file__).resolve().parent.parent / "assets"

# Runs before Dash starts: a URL without lang/theme takes the remembered choice (so the page renders in it at once,
# and the address bar then holds the whole view), and the theme is set before the first paint (no white flash).
EARLY_SCRIPT = """<script>
(function () {
  var defaults = __DEFAULTS__, root = document.documentElement;
  var query = new URLSearchParams(window.location.search), prefs = {};
  try { prefs = JSON.parse(window.localStorage.getItem("__PREFS__")) || {}; } catch (e) { prefs = {}; }
  var changed = false;
  [["lang", ["en", "zh"]], ["theme", ["light", "dark"]]].forEach(function (pair) {
    var name = pair[0], value = prefs[name];
    if (!query.has(name) && pair[1].indexOf(value) >= 0 && value !== defaults[name]) {
      query.set(name, value);
      changed = true;
    }
  });
  if (changed) {
    window.history.replaceState(null, "", window.location.pathname + "?" + query.toString() + window.location.hash);
  }
  root.dataset.vantageDefaultTheme = defaults.theme;
  root.dataset.vantageDefaultLang = defaults.lang;
  root.setAttribute("data-bs-theme", query.get("theme") === "dark" ? "dark" : (query.get("theme") || defaults.theme));
  root.setAttribute("lang", (query.get("lang") || defaults.lang) === "zh" ? "zh-CN" : "en");
})();
</script>"""

INDEX = """<!DOCTYPE html>
<html lang="en" data-bs-theme="light">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        __EARLY__
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def index_string(language: str) -> str:
    """The HTML page Dash serves, with the early script that applies remembered language and theme."""
    defaults = json.dumps({"lang": language if language in ("en", "zh") else "en", "theme": "light"})
    script = EARLY_SCRIPT.replace("__DEFAULTS__", defaults).replace("__PREFS__", shell.ids.PREFS)
    return INDEX.replace("__EARLY__", script)


def create_app(engine: Engine, config: Config) -> dash.Dash:
    """A Dash app over this engine: multi-page, no CDN, the engine on the Flask server (no module global)."""
    app = dash.Dash(
        "dashboard", use_pages=True, pages_folder="pages", assets_folder=str(ASSETS), title="Vantage",
        update_title=None, suppress_callback_exceptions=False, external_stylesheets=[], serve_locally=True,
        index_string=index_string(config.language),
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}], compress=True,
    )
    # Answers leave compressed by the cheapest coder the browser takes (zstd, br, gzip, in that order), each at a low
    # level: on a 2-core node a higher one costs more time than its fewer bytes save (the 96 KB overview tiles:
    # zstd 3 0.6 ms / 7.3 KB, br 1 0.6 ms / 8.1 KB, gzip 1 ~1 ms / 9.8 KB; br 4 1.9 ms, gzip 6 3.5 ms for ~7.2 KB).
    app.server.config.update(COMPRESS_ZSTD_LEVEL=3, COMPRESS_BR_LEVEL=1, COMPRESS_LEVEL=1)
    context.install(app.server, engine, config)
    guard.install(app.server, config)
    health.install(app.server, engine, config)  # /healthz and /readyz, for load balancers
    login.register(app.server)
    app.layout = shell.layout(config.language)
    shell.register_callbacks(app)
    # Page modules keep their callbacks in register_callbacks(app) rather than on Dash's process-wide list,
    # so every app (one per test, one per worker) gets its own set.
    for page in dash.page_registry.values():
        register = getattr(sys.modules.get(page["module"]), "register_callbacks", None)
        if register is not None:
            register(app)
    dispatch.install(app)  # every callback request is checked before Dash dispatches it
    answer_404_for_unknown_paths(app)
    encode_validation_layout_once(app)
    return app


def encode_validation_layout_once(app: dash.Dash) -> None:
    """Dash writes its config into every page it serves, with the validation layout (every page's skeleton, set at
    the first request, then fixed) encoded afresh each time: most of a page's 20-40 ms. It is encoded once; the
    rest of the config (a token signed per page load) still per page."""
    encoded: list[tuple[object, int, str]] = []  # (the layout encoded, the extra components with it, its JSON)

    def config_html() -> str:
        config = app._config()
        layout = config.pop("validation_layout", None)
        text = to_json(config)
        if layout is not None:
            extra = len(app._extra_components)
            if not encoded or encoded[0][0] is not app.validation_layout or encoded[0][1] != extra:
                encoded[:] = [(app.validation_layout, extra, to_json(layout))]
            text = text[:-1] + ', "validation_layout": ' + encoded[0][2] + "}"
        return f'<script id="_dash-config" type="application/json">{text}</script>'

    app._generate_config_html = config_html  # type: ignore[method-assign]


def answer_404_for_unknown_paths(app: dash.Dash) -> None:
    """Dash serves its page at any address, and the browser then shows the not-found page; an address that no
    registered page answers also gets HTTP status 404, for monitors, crawlers and scripts."""
    endpoint = app.config.routes_pathname_prefix + "<path:path>"  # Dash's catch-all route
    serve = app.server.view_functions[endpoint]

    def catchall(path: str) -> ResponseReturnValue:
        page = serve(path=path)
        return page if is_page_address(path) else (page, 404)

    app.server.view_functions[endpoint] = catchall


def is_page_address(path: str) -> bool:
    """Whether a page other than the not-found page answers `path`, matched as Dash's router matches it."""
    wanted = path.strip("/")
    for page in dash.page_registry.values():
        if page["module"].rsplit(".", 1)[-1] == "not_found_404":
            continue
        template = page.get("path_template")
        if template and fnmatch(wanted, re.sub("<.*?>", "*", template.strip("/"))):
            return True
        if wanted == page["path"].strip("/"):
            return True
    return False
