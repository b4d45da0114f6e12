"""The page for an address Vantage does not know (Dash pages shows the module named not_found_404)."""
from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from core.i18n import t
from dashboard import context
from dashboard.state import ViewState

dash.register_page(__name__, path="/404", name="Not found", title="Vantage", nav=False)


def layout(**query: Any) -> html.Div:
    """What the address was, in words, and the way back to the overview (keeping filters and language)."""
    view, _ = ViewState.from_query(query)
    lang = view.lang(context.default_language())
    return html.Div([
        html.H1(t("notfound.title", lang)),
        html.P(t("notfound.body", lang)),
        dcc.Link(t("notfound.back", lang), href=view.shared().href(dash.get_relative_path("/")),
                 className="btn btn-primary"),
    ], className="page-not-found")
