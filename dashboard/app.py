"""Build the Dash app: pages from dashboard/pages, assets served locally, the engine reachable from callbacks."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import dash

from dashboard import context, guard, login, shell

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


def create_app(engine: Any, config: Any) -> dash.Dash:
    """A Dash app over this engine: multi-page, no CDN, the engine on the Flask server (no module global)."""
    app = dash.Dash(
        "dashboard", use_pages=True, pages_folder="pages", assets_folder=str(ASSETS), title="Vantage",
        update_title=None, suppress_callback_exceptions=False, external_stylesheets=[], serve_locally=True,
        index_string=index_string(config.language),
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    context.install(app.server, engine, config)
    guard.install(app.server, config)
    login.register(app.server)
    app.layout = shell.layout(config.language)
    shell.register_callbacks(app)
    # Page modules keep their callbacks in register_callbacks(app) rather than on Dash's process-wide list,
    # so every app (one per test, one per worker) gets its own set.
    for page in dash.page_registry.values():
        register = getattr(sys.modules.get(page["module"]), "register_callbacks", None)
        if register is not None:
            register(app)
    return app
