"""The state of a view, as it lives in the URL's query string: a copied link opens the same view.

    ?period=quarter&dept=finance&lang=zh&theme=dark&by=domain&drill=finance&drill=ERP&page=2&sort=code&desc=1

Defaults are left out of the URL, so the plain address shows the last complete month in the default language.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any, Mapping
from urllib.parse import parse_qs, urlencode

from core.errors import UsageError
from core.i18n import LANGUAGES
from metrics.engine.periods import PRESETS, Filters, resolve_period

THEMES = ("light", "dark")


@dataclass(frozen=True)
class ViewState:
    """What a page shows: period, department, language, theme and, on a metric page, breakdown and drill."""

    period: str = "month"
    start: str = ""  # custom period: first day, YYYY-MM-DD
    end: str = ""  # custom period: last day (inclusive), YYYY-MM-DD
    department: str = ""
    language: str = ""  # empty: the configured default
    theme: str = ""  # empty: light
    by: str = ""  # breakdown dimension; empty: the next level of the drill path
    drill: tuple[str, ...] = ()  # values chosen along the metric's drill path
    page: int = 1  # page of the record table, from 1
    sort: str = ""
    descending: bool = False

    # -- the query string ----------------------------------------------------------------------------------
    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> tuple[ViewState, list[str]]:
        """The state a URL's parameters ask for, and a note for each parameter that was wrong and ignored."""
        problems: list[str] = []

        def one(name: str) -> str:
            value = query.get(name, "")
            return str(value[-1] if isinstance(value, list) and value else value or "").strip()

        period = one("period") or "month"
        if period not in PRESETS:
            problems.append(f"unknown period '{period}'")
            period = "month"
        start, end = one("from"), one("to")
        for name, value in (("from", start), ("to", end)):
            if value and not _is_date(value):
                problems.append(f"'{value}' is not a date (write {name}=YYYY-MM-DD)")
        if period == "custom" and not (_is_date(start) and _is_date(end)):
            period, start, end = "month", "", ""
        if period != "custom":
            start, end = "", ""
        drill = query.get("drill", ())
        drill = tuple(str(v) for v in (drill if isinstance(drill, list) else [drill] if drill else []))
        page = one("page") or "1"
        if not page.isdigit() or int(page) < 1:
            problems.append(f"page '{page}' is not a page number")
            page = "1"
        lang, theme = one("lang"), one("theme")
        state = cls(period=period, start=start, end=end, department=one("dept"),
                    language=lang if lang in LANGUAGES else "", theme=theme if theme in THEMES else "",
                    by=one("by"), drill=drill, page=int(page), sort=one("sort"), descending=one("desc") == "1")
        return state, problems

    def query(self) -> str:
        """The query string for this state ('' for the default view), parameters in a stable order."""
        pairs: list[tuple[str, str]] = []
        if self.period != "month":
            pairs.append(("period", self.period))
        if self.period == "custom":
            pairs += [("from", self.start), ("to", self.end)]
        if self.department:
            pairs.append(("dept", self.department))
        if self.by:
            pairs.append(("by", self.by))
        pairs += [("drill", v) for v in self.drill]
        if self.page > 1:
            pairs.append(("page", str(self.page)))
        if self.sort:
            pairs.append(("sort", self.sort))
            if self.descending:
                pairs.append(("desc", "1"))
        if self.language:
            pairs.append(("lang", self.language))
        if self.theme:
            pairs.append(("theme", self.theme))
        return "?" + urlencode(pairs) if pairs else ""

    def href(self, path: str) -> str:
        return path + self.query()

    # -- a page's store ------------------------------------------------------------------------------------
    def to_data(self) -> dict[str, Any]:
        return {**asdict(self), "drill": list(self.drill)}

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> ViewState:
        data = dict(data or {})
        data["drill"] = tuple(data.get("drill") or ())
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    # -- changes -------------------------------------------------------------------------------------------
    def with_filters(self, period: str, start: str, end: str, department: str) -> ViewState:
        """New filters; the drill and the record page start over, since they belong to the old numbers."""
        if period != "custom":
            start, end = "", ""
        return replace(self, period=period, start=start, end=end, department=department, drill=(), page=1)

    def shared(self) -> ViewState:
        """Only what carries over between pages: filters, language and theme."""
        return ViewState(period=self.period, start=self.start, end=self.end, department=self.department,
                         language=self.language, theme=self.theme)

    def lang(self, default: str) -> str:
        return self.language or (default if default in LANGUAGES else "en")

    def theme_name(self) -> str:
        return self.theme or "light"

    # -- questions for the engine --------------------------------------------------------------------------
    def period_bounds(self, today: date) -> tuple[date, date]:
        """[start, end) of the period relative to today; UsageError when a custom range is wrong."""
        try:
            start = date.fromisoformat(self.start) if self.start else None
            end = date.fromisoformat(self.end) if self.end else None
            return resolve_period(self.period, today, start, end)
        except ValueError as exc:
            raise UsageError(str(exc), "period filter", "choose a preset period or a range whose end follows its start"
                             ) from None

    def filters(self, today: date, dimensions: tuple[str, ...]) -> Filters:
        """The engine's filters; the department applies only to metrics that have that dimension."""
        start, end = self.period_bounds(today)
        where = (("department", self.department),) if self.department and "department" in dimensions else ()
        return Filters(start, end, where)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def parse_search(search: str | None) -> dict[str, list[str] | str]:
    """A location's search string as Dash pages hands query parameters to layouts (lists for repeats)."""
    parsed = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def from_search(search: str | None) -> ViewState:
    """The state of a location's search string (wrong parameters ignored)."""
    return ViewState.from_query(parse_search(search))[0]
