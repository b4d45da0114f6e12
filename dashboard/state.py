"""The state of a view, as it lives in the URL's query string: a copied link opens the same view.

    ?period=quarter&dept=legal&lang=zh&theme=dark&by=domain&drill=legal&drill=billing&page=2&sort=code&desc=1

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
# Years a custom period may start and end in: wide enough for any programme, narrow enough that a day added to the
# end never overflows a date (9999-12-31 + 1 day).
YEARS = (1900, 2100)
PAGE_LIMIT = 1_000_000  # a page number past this is no page of any record table


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
            problems.append(f"unknown period '{_short(period)}'")
            period = "month"
        start, end = one("from"), one("to")
        for name, value in (("from", start), ("to", end)):
            if value and not _is_date(value):
                problems.append(f"'{_short(value)}' is not a date (write {name}=YYYY-MM-DD)")
            elif value and not _in_years(value):
                problems.append(f"{name}={value} is outside the years {YEARS[0]}-{YEARS[1]}")
        if period == "custom" and not (_is_date(start) and _is_date(end) and _in_years(start) and _in_years(end)):
            period, start, end = "month", "", ""
        if period != "custom":
            start, end = "", ""
        drill = query.get("drill", ())
        drill = tuple(str(v) for v in (drill if isinstance(drill, list) else [drill] if drill else []))
        page = one("page") or "1"
        if not (page.isascii() and page.isdigit() and len(page) <= 7) or not 1 <= int(page) <= PAGE_LIMIT:
            problems.append(f"page '{_short(page)}' is not a page number")
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
        for value in (self.start, self.end):
            if value and _is_date(value) and not _in_years(value):
                raise UsageError(f"the period reaches {value}, outside the years {YEARS[0]}-{YEARS[1]}",
                                 "period filter", f"choose dates between {YEARS[0]}-01-01 and {YEARS[1]}-12-31")
        try:
            start = date.fromisoformat(self.start) if self.start else None
            end = date.fromisoformat(self.end) if self.end else None
            return resolve_period(self.period, today, start, end)
        except (ValueError, OverflowError) as exc:
            raise UsageError(str(exc), "period filter", "choose a preset period or a range whose end follows its start"
                             ) from None

    def filters(self, today: date, dimensions: tuple[str, ...], scope_dimension: str) -> Filters:
        """The engine's filters; the department (a value of the config's scope dimension) applies only to metrics
        broken down by that dimension."""
        start, end = self.period_bounds(today)
        where = ((scope_dimension, self.department),) if self.department and scope_dimension in dimensions else ()
        return Filters(start, end, where)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _in_years(text: str) -> bool:
    return YEARS[0] <= date.fromisoformat(text).year <= YEARS[1]


def _short(text: str, most: int = 40) -> str:
    """A value from the URL as a note may quote it: one line, not too long."""
    flat = "".join(c if c.isprintable() else " " for c in text)
    return flat if len(flat) <= most else flat[:most] + "…"


# The type of each field of a page's view store, as a callback request may carry it (dashboard/dispatch.py).
FIELD_TYPES: dict[str, type | tuple[type, ...]] = {
    "period": str, "start": str, "end": str, "department": str, "language": str, "theme": str, "by": str,
    "drill": list, "page": int, "sort": str, "descending": bool}


def view_data_problem(data: Any) -> str | None:
    """Why this cannot be a page's view store (ViewState.to_data(), or {"view": ..., "weeks": ...}), or None."""
    if not isinstance(data, dict):
        return "a view must be an object"
    if "view" in data:  # a page whose store wraps the view with its own settings (the programme's weeks)
        extra = {k: v for k, v in data.items() if k != "view"}
        if any(isinstance(v, (dict, list)) for v in extra.values()):
            return "a view's settings must be plain values"
        if "weeks" in extra and extra["weeks"] is not None and (
                isinstance(extra["weeks"], bool) or not isinstance(extra["weeks"], int) or not 0 < extra["weeks"] < 1000):
            return "weeks must be a whole number from 1 to 999"
        return view_data_problem(data["view"]) if data["view"] is not None else None
    for name, kind in FIELD_TYPES.items():
        value = data.get(name)
        if value is None:
            continue
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            return f"the view's {name} must be {getattr(kind, '__name__', kind)}"
    if "drill" in data and data["drill"] is not None and not all(isinstance(v, str) for v in data["drill"]):
        return "the view's drill must be a list of text"
    if isinstance(data.get("page"), int) and not 1 <= data["page"] <= PAGE_LIMIT:
        return "the view's page must be a page number"
    return None


def parse_search(search: str | None) -> dict[str, list[str] | str]:
    """A location's search string as Dash pages hands query parameters to layouts (lists for repeats)."""
    parsed = parse_qs((search or "").lstrip("?"), keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def from_search(search: str | None) -> ViewState:
    """The state of a location's search string (wrong parameters ignored)."""
    return ViewState.from_query(parse_search(search))[0]
