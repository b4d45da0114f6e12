"""A snapshot's declaration, [snapshots.NAME] in the config, read and checked: every problem names the file and key.

    [snapshots.board_pack]
    title = "Monthly board pack"                      # or {en = "...", zh = "..."}
    schedule = "0 7 1 * *"                            # 5-field cron, in `timezone`
    timezone = "Asia/Shanghai"
    recipients = [{email = "ceo@example.com", language = "zh-CN"}, {email = "cfo@example.com", language = "en"}]
    metrics = ["data_accuracy", "hours_saved"]        # KPI table; default: the whole catalogue
    charts = [{metric = "data_accuracy", period = "quarter", department = "finance"}]
    period = "month"                                  # month, quarter, ytd or last_90d
    programme_status = true                           # milestones: done, overdue, due next
    formats = ["html", "text", "csv", "pdf"]         # default html, text, csv; pdf: the A4 board pack attached
    on_failure = "hold"                               # or "send_marked"
    subject = "{title}: {period}"                     # placeholders {title} {period} {date} {name}
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from config.cron import Cron, parse_cron
from config.fields import Dimensioned, choice, declared, flag, language, no_unknown, words
from config.settings import Config
from core.errors import ConfigError

KEYS = ("title", "schedule", "timezone", "recipients", "metrics", "charts", "period", "programme_status", "formats",
        "on_failure", "subject", "department")
PERIODS = ("month", "quarter", "ytd", "last_90d")
FORMATS = ("html", "text", "csv", "pdf")
DEFAULT_FORMATS = ("html", "text", "csv")  # "pdf" adds an A4 board pack, printed by Chromium: opt in
ON_FAILURE = ("hold", "send_marked")
SUBJECT_FIELDS = {"title", "period", "date", "name"}
EMAIL = re.compile(r"[^@\s<>,;]+@[^@\s<>,;]+\.[^@\s<>,;]+")


@dataclass(frozen=True)
class Recipient:
    """Who gets the snapshot, and in which language ('en' or 'zh')."""

    email: str
    language: str


@dataclass(frozen=True)
class ChartSpec:
    """A trend chart: a metric over a period, optionally filtered by its dimensions (e.g. department)."""

    metric: str
    period: str
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SnapshotSpec:
    """One declared snapshot, checked against the metric catalogue."""

    name: str
    titles: Mapping[str, str]
    schedule: Cron | None
    timezone: ZoneInfo
    recipients: tuple[Recipient, ...]
    metrics: tuple[str, ...]
    charts: tuple[ChartSpec, ...]
    period: str
    programme_status: bool
    formats: tuple[str, ...]
    on_failure: str
    subjects: Mapping[str, str]
    department: str | None = None  # rendered in that department's scope, as its lead sees the dashboard

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.name.replace("_", " ").capitalize()

    def languages(self) -> list[str]:
        """The recipients' languages, in the order they are first listed."""
        return list(dict.fromkeys(r.language for r in self.recipients))

    def addresses(self, lang: str) -> list[str]:
        return [r.email for r in self.recipients if r.language == lang]


def snapshot_spec(config: Config, name: str, catalogue: Mapping[str, Dimensioned]) -> SnapshotSpec:
    """The checked declaration of [snapshots.NAME]; ConfigError naming the file and key when it is wrong."""
    raw, section = declared(config.snapshots, "snapshots", name, config.path)

    def where(key: str) -> str:
        return f"{section} {key}"

    no_unknown(raw, KEYS, section)
    schedule = None
    if "schedule" in raw:
        try:
            schedule = parse_cron(str(raw["schedule"]))
        except ValueError as exc:
            raise ConfigError(f"bad schedule: {exc}", where("schedule"),
                              "write a 5-field cron expression such as \"0 7 * * mon\" (07:00 every Monday)") from None
    try:
        zone = ZoneInfo(str(raw.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone '{raw.get('timezone')}'", where("timezone"),
                          "give an IANA zone name such as \"Asia/Shanghai\" or \"Europe/London\"") from None
    department = raw.get("department")
    if department is not None:
        if not isinstance(department, str) or not department.strip():
            raise ConfigError("department must be a department id", where("department"), "write department = \"finance\"")
        if raw.get("programme_status"):
            raise ConfigError("the programme status is not part of a department's scope", where("programme_status"),
                              "leave programme_status out of a department snapshot")
        # A department's recipients get exactly their scope: only KPIs broken down by department, filtered to it.
        catalogue = {k: m for k, m in catalogue.items() if "department" in m.dimensions}
    return SnapshotSpec(
        department=department,
        name=name, titles=words(raw, "title", section), schedule=schedule, timezone=zone,
        recipients=_recipients(raw.get("recipients"), config.language, where("recipients")),
        metrics=_metrics(raw.get("metrics"), catalogue, where("metrics")),
        charts=_charts(raw.get("charts", []), raw.get("period", "month"), catalogue, where("charts")),
        period=choice(raw, "period", "month", PERIODS, section, name_key=False),
        programme_status=flag(raw, "programme_status", False, section),
        formats=_formats(raw.get("formats", list(DEFAULT_FORMATS)), where("formats")),
        on_failure=choice(raw, "on_failure", "hold", ON_FAILURE, section, name_key=False),
        subjects=_subjects(raw, section))


def _subjects(raw: Mapping[str, Any], section: str) -> dict[str, str]:
    subjects, where = words(raw, "subject", section), f"{section} subject"
    for text in subjects.values():
        try:
            fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        except ValueError as exc:
            raise ConfigError(f"bad subject template: {exc}", where, "balance the braces, e.g. \"{title}\"") from None
        unknown = sorted(fields - SUBJECT_FIELDS)
        if unknown:
            raise ConfigError(f"unknown placeholder {{{unknown[0]}}} in the subject", where,
                              f"use only {', '.join('{' + f + '}' for f in sorted(SUBJECT_FIELDS))}")
    return subjects


def _recipients(value: Any, default_language: str, where: str) -> tuple[Recipient, ...]:
    if not isinstance(value, list) or not value:
        raise ConfigError("a snapshot needs at least one recipient", where,
                          "write recipients = [{email = \"ceo@example.com\", language = \"en\"}]")
    out = []
    for n, item in enumerate(value, start=1):
        entry = {"email": item} if isinstance(item, str) else item
        if not isinstance(entry, dict) or set(entry) - {"email", "language"}:
            raise ConfigError(f"recipient {n} is not {{email, language}}", where,
                              "write each as {email = \"name@example.com\", language = \"en\"}")
        email = str(entry.get("email", "")).strip()
        if not EMAIL.fullmatch(email):
            raise ConfigError(f"recipient {n}: '{email}' is not an email address", where, "give name@example.com")
        written = language(str(entry.get("language", default_language)))
        if written is None:
            raise ConfigError(f"recipient {n}: unknown language '{entry.get('language')}'", where,
                              "use en or zh-CN")
        out.append(Recipient(email, written))
    return tuple(out)


def _metrics(value: Any, catalogue: Mapping[str, Dimensioned], where: str) -> tuple[str, ...]:
    if value is None:
        return tuple(key for key, metric in catalogue.items() if getattr(metric, "listed", True))  # the KPIs
    if not isinstance(value, list) or not value:
        raise ConfigError("metrics must be a non-empty list of metric keys", where,
                          "write metrics = [\"data_accuracy\", ...] or leave the key out for all metrics")
    _known(value, catalogue, where)
    return tuple(str(v) for v in value)


def _known(keys: list[Any], catalogue: Mapping[str, Dimensioned], where: str) -> None:
    for key in keys:
        if key not in catalogue:
            raise ConfigError(f"unknown metric '{key}'", where,
                              f"use one of: {', '.join(catalogue)} (python app.py metrics lists them)")


def _charts(value: Any, default_period: Any, catalogue: Mapping[str, Dimensioned], where: str) -> tuple[ChartSpec, ...]:
    if not isinstance(value, list):
        raise ConfigError("charts must be a list of tables", where, "write charts = [{metric = \"data_accuracy\"}]")
    out = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, dict) or "metric" not in item:
            raise ConfigError(f"chart {n} has no metric", where,
                              "write {metric = \"data_accuracy\", period = \"month\"}")
        key = item["metric"]
        _known([key], catalogue, where)
        period = choice(item, "period", default_period, PERIODS, f"{where} (chart {n})", name_key=False)
        filters = {k: v for k, v in item.items() if k not in ("metric", "period")}
        dimensions = catalogue[key].dimensions
        for dim, filter_value in filters.items():
            if dim not in dimensions:
                raise ConfigError(f"chart {n}: {key} cannot be filtered by '{dim}'", where,
                                  f"filter by one of its dimensions: {', '.join(dimensions) or 'none'}")
            if not isinstance(filter_value, str):
                raise ConfigError(f"chart {n}: {dim} must be a string", where, f"write {dim} = \"...\"")
        out.append(ChartSpec(str(key), period, tuple(sorted(filters.items()))))
    return tuple(out)


def _formats(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("formats must be a list", where, "write formats = [\"html\", \"text\", \"csv\"]")
    for item in value:
        if item not in FORMATS:
            raise ConfigError(f"unknown format '{item}'", where, f"use some of: {', '.join(FORMATS)}")
    if "html" not in value and "text" not in value:
        raise ConfigError("a snapshot needs html or text", where, "add \"html\" or \"text\" to formats")
    return tuple(dict.fromkeys(value))
