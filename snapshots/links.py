"""Links from an email's numbers to the dashboard views behind them, in the dashboard's own URL format."""
from __future__ import annotations

from dashboard.state import ViewState


def overview_url(public_url: str, period: str, lang: str) -> str:
    return public_url.rstrip("/") + ViewState(period=period, language=lang).href("/")


def metric_url(public_url: str, key: str, period: str, lang: str, where: tuple[tuple[str, str], ...] = (),
               drill: tuple[str, ...] = ()) -> str:
    """The metric page for a period; a department filter carries over (other filters are named in the chart title);
    `drill`: values chosen along the metric's drill path, so the page opens on that slice."""
    department = dict(where).get("department", "")
    view = ViewState(period=period, department=department, language=lang, drill=drill)
    return public_url.rstrip("/") + view.href(f"/metric/{key}")
