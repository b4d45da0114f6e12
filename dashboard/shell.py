"""The frame around every page: navigation from the page registry, language and theme switches, copy-link."""
from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Dash, Input, Output, State, dcc, html

from core.i18n import t
from dashboard import context, needs
from dashboard.state import ViewState, from_search


class ids:
    BRAND = "shell-brand"
    NAV = "shell-nav"
    LANG_EN = "shell-lang-en"
    LANG_ZH = "shell-lang-zh"
    THEME = "shell-theme"
    COPY = "shell-copy"
    PREFS = "vantage-prefs"  # remembered language and theme (localStorage; read before start-up, see app.py)
    ANALYST = "shell-analyst"  # the "analyst details" switch: formulas, commands and config keys shown or not
    ANALYST_PREF = "vantage-analyst"  # its remembered state (localStorage, per browser; off until switched on)
    ANALYST_SINK = "shell-analyst-sink"
    THEME_SINK = "shell-theme-sink"
    TOGGLER = "shell-toggler"  # the menu button of a narrow screen
    MENU = "shell-menu"  # what it folds: the page links and the switches


def layout(language: str) -> html.Div:
    """The app's layout: a navbar, the page container and the stores of the frame. Pure: no data."""
    switches = html.Div([
        html.Div([
            dbc.Button("EN", id=ids.LANG_EN, size="sm", color="secondary", outline=True),
            dbc.Button("中文", id=ids.LANG_ZH, size="sm", color="secondary", outline=True),
        ], className="btn-group lang-switch", role="group", **{"aria-label": t("lang.switch", language)}),
        dbc.Button([html.I(className="bi bi-code-slash", **{"aria-hidden": "true"}),
                    html.Span(t("analyst.switch", language), className="analyst-label")],
                   id=ids.ANALYST, size="sm", color="secondary", outline=True, className="analyst-switch",
                   title=t("analyst.title", language)),
        dbc.Button(html.I(className="bi bi-moon-stars", **{"aria-hidden": "true"}), id=ids.THEME, size="sm",
                   color="secondary", outline=True, className="theme-switch", title=t("theme.switch", language)),
        html.Div(dcc.Clipboard(id=ids.COPY, title=t("link.copy", language), className="copy-link"),
                 className="btn btn-sm btn-outline-secondary copy-link-wrap"),
    ], className="shell-switches d-flex flex-wrap align-items-center gap-2")
    # Narrower than a laptop, the links and switches fold behind a menu button (opened and closed in the browser).
    bar = dbc.Navbar(dbc.Container([
        dcc.Link([html.Span("Vantage", className="brand-name"),
                  html.Span(t("app.tagline", language), className="brand-tagline", id="shell-tagline")],
                 href="/", id=ids.BRAND, className="navbar-brand d-flex align-items-baseline gap-2"),
        dbc.NavbarToggler(id=ids.TOGGLER, n_clicks=0),
        dbc.Collapse([
            html.Nav(id=ids.NAV, className="navbar-nav me-auto", **{"aria-label": t("nav.main", language)}),
            switches,
        ], id=ids.MENU, is_open=False, navbar=True),
    ], fluid=True), className="vantage-navbar border-bottom", color=None, dark=False, expand="lg")
    return html.Div([
        bar,
        html.Main(dash.page_container, className="vantage-main container-fluid"),
        dcc.Store(id=ids.PREFS, storage_type="local"),
        dcc.Store(id=ids.ANALYST_PREF, storage_type="local"),
        dcc.Store(id=ids.THEME_SINK),
        dcc.Store(id=ids.ANALYST_SINK),
    ], className="vantage-app")


def nav_links(pathname: str, view: ViewState, lang: str) -> list[Any]:
    """A link per page that asks to be in the navigation, keeping the filters, language and theme."""
    links = []
    viewer = context.viewer()
    for page in dash.page_registry.values():
        if not page.get("nav") or needs.missing(page) is not None:
            continue  # a page this app's data cannot fill is not offered (opened by address, it says what it needs)
        if viewer is not None and not viewer.may_open(page["relative_path"]):
            continue  # a page the viewer's role cannot open is not offered (the server refuses it anyway)
        active = pathname == page["relative_path"]
        links.append(dcc.Link(t(page["label_key"], lang), href=view.shared().href(page["relative_path"]),
                              className="nav-link" + (" active" if active else "")))
    return links


def register_callbacks(app: Dash) -> None:
    """The frame's callbacks, on this app (not on Dash's global list, so several apps can live in one process)."""

    @app.callback(Output(ids.NAV, "children"), Output(ids.LANG_EN, "active"), Output(ids.LANG_ZH, "active"),
                  Output(ids.THEME, "children"), Output(ids.THEME, "title"), Output(ids.COPY, "title"),
                  Output("shell-tagline", "children"), Output(ids.BRAND, "href"),
                  Input(context.LOCATION, "pathname"), Input(context.LOCATION, "search"))
    def render_frame(pathname: str | None, search: str | None) -> tuple:
        view = from_search(search)
        lang = view.lang(context.default_language())
        dark = view.theme_name() == "dark"
        icon = html.I(className="bi bi-sun" if dark else "bi bi-moon-stars", **{"aria-hidden": "true"})
        return (nav_links(pathname or "/", view, lang), lang == "en", lang == "zh", icon,
                t("theme.light" if dark else "theme.dark", lang), t("link.copy", lang), t("app.tagline", lang),
                view.shared().href(dash.get_relative_path("/")))

    # Language and theme switch from the address bar itself (a page may have moved it since Dash pages last
    # built the page), keeping every other part of the view; the choice is remembered for the next visit.
    app.clientside_callback(
        """function(en, zh, theme, prefs) {
            const clicked = window.dash_clientside.callback_context.triggered_id;
            const root = document.documentElement;
            const q = new URLSearchParams(window.location.search);
            let lang = q.get("lang"), shade = q.get("theme");
            const next = Object.assign({}, prefs || {});
            if (clicked === "__THEME__") {
                shade = (shade || root.dataset.vantageDefaultTheme || "light") === "dark" ? "light" : "dark";
                next.theme = shade;
            } else {
                const chosen = clicked === "__ZH__" ? "zh" : "en";
                if (chosen === (lang || root.dataset.vantageDefaultLang || "en")) {
                    return [window.dash_clientside.no_update, window.dash_clientside.no_update];
                }
                lang = next.lang = chosen;
            }
            q.delete("lang"); q.delete("theme");  // the order the server writes them: lang, then theme
            if (lang) { q.set("lang", lang); }
            if (shade) { q.set("theme", shade); }
            const search = q.toString();
            return [window.location.pathname + (search ? "?" + search : ""), next];
        }""".replace("__THEME__", ids.THEME).replace("__ZH__", ids.LANG_ZH),
        Output(context.LOCATION, "href", allow_duplicate=True), Output(ids.PREFS, "data"),
        Input(ids.LANG_EN, "n_clicks"), Input(ids.LANG_ZH, "n_clicks"), Input(ids.THEME, "n_clicks"),
        State(ids.PREFS, "data"), prevent_initial_call=True)

    # The theme lives on <html data-bs-theme>, which no Dash component owns: set it in the browser.
    app.clientside_callback(
        """function(search) {
            const q = new URLSearchParams(search || "");
            const theme = q.get("theme") === "dark" ? "dark" : (q.get("theme") === "light" ? "light" : null);
            const root = document.documentElement;
            root.setAttribute("data-bs-theme", theme || root.dataset.vantageDefaultTheme || "light");
            const lang = q.get("lang") || root.dataset.vantageDefaultLang || "en";
            root.setAttribute("lang", lang === "zh" ? "zh-CN" : "en");
            const menu = document.getElementById("__TOGGLER__");  // its label is the library's own English one
            if (menu) { menu.setAttribute("aria-label", lang === "zh" ? "__MENU_ZH__" : "__MENU_EN__"); }
            return root.getAttribute("data-bs-theme");
        }""".replace("__TOGGLER__", ids.TOGGLER).replace("__MENU_ZH__", t("nav.menu", "zh"))
        .replace("__MENU_EN__", t("nav.menu", "en")),
        Output(ids.THEME_SINK, "data"), Input(context.LOCATION, "search"))

    # Analyst details (formulas, commands, config keys: the elements marked `analyst-only`) are hidden until a
    # reader switches them on; the choice is remembered in this browser and set as a class on <body>.
    app.clientside_callback(
        """function(n, on) { return {on: !(on && on.on)}; }""",
        Output(ids.ANALYST_PREF, "data"), Input(ids.ANALYST, "n_clicks"), State(ids.ANALYST_PREF, "data"),
        prevent_initial_call=True)
    app.clientside_callback(
        """function(pref) {
            const on = !!(pref && pref.on);
            document.body.classList.toggle("analyst-on", on);
            return on;
        }""",
        Output(ids.ANALYST_SINK, "data"), Input(ids.ANALYST_PREF, "data"))
    app.clientside_callback(
        "function(on) { return !!on; }", Output(ids.ANALYST, "active"), Input(ids.ANALYST_SINK, "data"))

    # The folded menu opens and closes with its button, and closes when the reader moves to another page.
    app.clientside_callback(
        """function(n, pathname, open) {
            const clicked = window.dash_clientside.callback_context.triggered_id;
            return clicked === "__TOGGLER__" ? !open : false;
        }""".replace("__TOGGLER__", ids.TOGGLER),
        Output(ids.MENU, "is_open"), Input(ids.TOGGLER, "n_clicks"), Input(context.LOCATION, "pathname"),
        State(ids.MENU, "is_open"), prevent_initial_call=True)

    app.clientside_callback(
        "function(n) { return window.location.href; }",
        Output(ids.COPY, "content"), Input(ids.COPY, "n_clicks"), prevent_initial_call=True)
