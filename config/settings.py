"""Load Vantage's settings and source declarations: command line > environment > config file > default."""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable, Mapping

from config.labels import parse_labels
from config.owners import parse_owners
from config.parsers import parse_bool, parse_date_or_empty, parse_list, parse_name, parse_positive, parse_redis_url
from config.read_options import SOURCE_READ_KEYS, TABLE_READ_KEYS, ReadOptions, parse_read_options
from core.errors import ConfigError
from core.labels import ValueNames

CONFIG_DIR = Path(__file__).resolve().parent
DEMO_CONFIG = CONFIG_DIR / "demo.toml"
CONFIG_ENV = "VANTAGE_CONFIG"
# What a setting holds once parsed (each parser below returns one of these).
SettingValue = str | int | bool | list[str]


@dataclass(frozen=True)
class Setting:
    """One setting, declared once with its default, its environment variable and its help text."""

    name: str
    default: SettingValue
    help: str
    parse: Callable[[Any], SettingValue] = str  # from a TOML value, an environment string or an option

    @property
    def env(self) -> str:
        return "VANTAGE_" + self.name.upper()


def _default_data_dir() -> str:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "vantage")


SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", _default_data_dir(), "Folder for the demo database, the local columnar copies and the cache."),
    Setting("cache_url", "", "Shared result cache, redis://HOST:PORT/DB; empty: a folder in data_dir.", parse_redis_url),
    Setting("rollups", True, "Answer decomposable KPIs from rollups by day and dimension (README 'Rollups').", parse_bool),
    Setting("memory_budget_mb", 768, "Memory one large build may take (MB); larger ones are made in parts.", parse_positive),
    Setting("broker_url", "", "Redis of the background workers, redis://HOST:PORT/DB; empty: in-process.", parse_redis_url),
    Setting("state_url", "", "Users, sessions, tokens, audit, outbox, history, baselines and check-ins of several "
            "machines in one PostgreSQL, postgresql+psycopg://USER:PASS@HOST/DB; empty: SQLite files in data_dir."),
    Setting("host", "127.0.0.1", "Address the dashboard listens on."),
    Setting("port", 8050, "Port the dashboard listens on.", int),
    Setting("language", "en", "Default language of the dashboard and the command line: en or zh."),
    Setting("default_metrics", True, "Load the default metric pack (metrics/*.py pillars).", parse_bool),
    Setting("metric_modules", [], "Extra Python modules with metric definitions to load, e.g. ['my_metrics'].", parse_list),
    Setting("programme_start", "", "First day of the programme (YYYY-MM-DD); empty: the earliest phase start in the plan.",
            parse_date_or_empty),
    Setting("scope_dimension", "department", "Dimension a department lead's numbers are narrowed to (their own value "
            "of it); the dashboard's department filter offers its values as the data holds them.", parse_name),
    Setting("plan_source", "demo", "Source that holds the programme plan tables (phases, milestones, ...)."),
    Setting("today", "", "Pin 'today' (YYYY-MM-DD) for reproducible views; empty: the real date.", parse_date_or_empty),
    Setting("demo_records", 50_000, "Master-data records in the embedded demo built on first run.", int),
    Setting("login_required", True, "Require a login (users from `python app.py user add`); the demo config turns it off.",
            parse_bool),
    Setting("trusted_user_header", "", "Trust this header (e.g. X-Forwarded-User) from an authenticating reverse proxy; "
            "empty: off."),
    Setting("public_url", "http://127.0.0.1:8050", "Address of the dashboard as readers reach it (links in emails)."),
    Setting("session_idle_hours", 8, "A login session ends after this many hours without a request.", int),
    Setting("session_max_days", 7, "A login session ends this many days after the login, however active.", int),
    Setting("max_request_bytes", 1_048_576, "Largest request body accepted (bytes); larger is refused.", int),
    Setting("forwarded_hops", 0, "Reverse proxies in front that append to X-Forwarded-For: the client's address "
            "(rate limits, lockouts, the audit) is read from it; 0: the connection's address.", int),
    Setting("smtp_host", "127.0.0.1", "SMTP server for snapshot emails."),
    Setting("smtp_port", 25, "SMTP server port.", int),
    Setting("smtp_security", "none", "none, starttls or ssl."),
    Setting("smtp_user_env", "VANTAGE_SMTP_USER", "Environment variable holding the SMTP user (unset: no login)."),
    Setting("smtp_password_env", "VANTAGE_SMTP_PASSWORD", "Environment variable holding the SMTP password."),
    Setting("smtp_sender", "vantage@localhost", "From address of snapshot emails."),
)
SETTING_NAMES = {s.name for s in SETTINGS}


@dataclass(frozen=True)
class TableSpec:
    """A table of a source: a real table, a SQL query, or a file path or glob."""

    name: str
    query: str = ""
    path: str = ""
    freshness_column: str = ""
    freshness_sla_hours: float | None = None  # overrides the source's SLA (e.g. for monthly tables)
    read: ReadOptions = field(default_factory=ReadOptions)  # the source's, overridden by the table's own
    key: tuple[str, ...] = ()  # the columns that identify a row: its copy is merged by key (connectors/merge.py)
    reconcile_minutes: float = 60.0  # how often a keyed copy checks the source's keys for deleted rows


@dataclass(frozen=True)
class SourceSpec:
    """A declared source: where its data lives and how fresh it must be."""

    name: str
    kind: str
    url: str = ""
    path: str = ""
    password_env: str = ""
    mirror: bool = True
    freshness_sla_hours: float = 48.0
    cache_ttl_seconds: float = 300.0
    tables: Mapping[str, TableSpec] = field(default_factory=dict)
    read: ReadOptions = field(default_factory=ReadOptions)  # its tables' read options unless they set their own

    def table(self, name: str) -> TableSpec:
        return self.tables.get(name) or TableSpec(name, read=self.read)

    def sla_hours(self, table: str) -> float:
        """How old a table's newest row may be before its numbers are marked stale."""
        own = self.table(table).freshness_sla_hours
        return own if own is not None else self.freshness_sla_hours


@dataclass(frozen=True)
class SliceTarget:
    """One slice's own target for a metric whose target is per slice (`[[targets]]` in the config)."""

    metric: str
    dimension: str
    value: str  # the slice: a value of the dimension, e.g. department "finance"
    target: float
    due: date | None = None  # None: the metric's target date


TARGET_KEYS = {"metric", "dimension", "value", "target", "due"}
SOURCE_KEYS = {"kind", "url", "path", "password_env", "mirror", "freshness_sla_hours", "cache_ttl_seconds",
               "tables"} | SOURCE_READ_KEYS
TABLE_KEYS = {"query", "path", "freshness_column", "freshness_sla_hours", "key", "reconcile_minutes"} | TABLE_READ_KEYS
SOURCE_KINDS = ("sql", "files")


@dataclass(frozen=True)
class Config:
    """Resolved settings plus source declarations, and the file they came from."""

    path: Path
    values: Mapping[str, Any]
    sources: Mapping[str, SourceSpec]
    # Declarations checked by the parts that use them (each names this file and the key in its errors).
    snapshots: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    playlists: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    alerts: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # config/alerts.py
    targets: tuple[SliceTarget, ...] = ()  # checked against the catalogue by metrics.semantics.validation
    labels: ValueNames = field(default_factory=ValueNames)  # names of the data's values ([labels]; core.labels)
    owners: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # who writes check-ins ([owners])

    def __getattr__(self, name: str) -> Any:
        if name in SETTING_NAMES:
            return self.values[name]
        raise AttributeError(name)

    @property
    def data_path(self) -> Path:
        return Path(self.values["data_dir"]).expanduser()

    def today(self) -> date:
        return date.fromisoformat(self.values["today"]) if self.values["today"] else date.today()


def config_path(cli_path: str | None, environ: Mapping[str, str] = os.environ) -> Path:
    """The config file to read: --config, else $VANTAGE_CONFIG, else the embedded demo's."""
    return Path(cli_path or environ.get(CONFIG_ENV) or DEMO_CONFIG)


def load_config(cli_path: str | None = None, overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] = os.environ) -> Config:
    """Read the config file and resolve every setting; raise ConfigError naming file and key."""
    path = config_path(cli_path, environ)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist", f"--config or ${CONFIG_ENV}",
                          "give the path of an existing TOML file")
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file is not valid TOML: {exc}", str(path), "correct the TOML syntax") from None
    return parse_config(raw, path, overrides or {}, environ)


def parse_config(raw: Mapping[str, Any], path: Path, overrides: Mapping[str, Any],
                 environ: Mapping[str, str] = os.environ) -> Config:
    """Resolve settings from a parsed TOML document (see load_config)."""
    unknown = set(raw) - {"vantage", "sources", "snapshots", "playlists", "alerts", "targets", "labels",
                       "owners"}
    if unknown:
        raise ConfigError(f"unknown section [{sorted(unknown)[0]}]", str(path),
                          "use only [vantage], [sources.NAME], [snapshots.NAME], [playlists.NAME], [alerts.NAME], "
                          "[[targets]], [labels.DIMENSION] and [owners]")
    file_values = dict(raw.get("vantage", {}))
    bad = set(file_values) - SETTING_NAMES
    if bad:
        raise ConfigError(f"unknown setting '{sorted(bad)[0]}'", f"{path} [vantage]",
                          f"use one of: {', '.join(sorted(SETTING_NAMES))}")
    values: dict[str, Any] = {}
    for s in SETTINGS:
        origin, value = "default", s.default
        if s.name in file_values:
            origin, value = f"{path} [vantage] {s.name}", file_values[s.name]
        if s.env in environ:
            origin, value = f"environment variable {s.env}", environ[s.env]
        if overrides.get(s.name) is not None:
            origin, value = f"command-line option --{s.name.replace('_', '-')}", overrides[s.name]
        try:
            values[s.name] = s.parse(value)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"bad value for {s.name}: {exc}", origin, f"give a valid value ({s.help})") from None
    sources = {name: _parse_source(name, spec, path) for name, spec in raw.get("sources", {}).items()}
    for section in ("snapshots", "playlists", "alerts"):
        for name, body in raw.get(section, {}).items():
            if not isinstance(body, dict):
                raise ConfigError(f"[{section}.{name}] is not a table", str(path), f"write it as [{section}.{name}]")
    return Config(path=path, values=values, sources=sources, snapshots=raw.get("snapshots", {}),
                  playlists=raw.get("playlists", {}), alerts=raw.get("alerts", {}),
                  targets=_parse_targets(raw.get("targets", []), path),
                  labels=parse_labels(raw.get("labels", {}), path), owners=parse_owners(raw.get("owners", {}), path))


def _parse_targets(raw: Any, path: Path) -> tuple[SliceTarget, ...]:
    """The [[targets]] entries: metric, dimension, value, target and an optional due date each, no slice twice."""
    if not isinstance(raw, list):
        raise ConfigError("targets is not a list of tables", f"{path} targets", "write each entry as [[targets]]")
    found: dict[tuple[str, str, str], SliceTarget] = {}
    for n, entry in enumerate(raw, 1):
        where = f"{path} [[targets]] #{n}"
        if not isinstance(entry, dict):
            raise ConfigError("a target is not a table", where, "write it as [[targets]] with metric = ..., ...")
        bad = sorted(set(entry) - TARGET_KEYS) or sorted(TARGET_KEYS - {"due"} - set(entry))
        if bad:
            raise ConfigError(f"{'unknown' if bad[0] not in TARGET_KEYS else 'missing'} key '{bad[0]}'",
                              f"{where} {bad[0]}", "give metric, dimension, value and target (due is optional)")
        texts = {k: entry[k] for k in ("metric", "dimension", "value")}
        for key, text in texts.items():
            if not isinstance(text, str) or not text.strip():
                raise ConfigError(f"{key} must be a non-empty text, not {text!r}", f"{where} {key}",
                                  f'write it in quotes, e.g. {key} = "..."')
        number, due = entry["target"], entry.get("due")
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise ConfigError(f"target must be a number, not {number!r}", f"{where} target", "e.g. target = 220")
        try:
            day = None if due is None else due if isinstance(due, date) else date.fromisoformat(str(due))
        except ValueError:
            raise ConfigError(f"due must be a date, not {due!r}", f"{where} due", "e.g. due = 2027-05-31") from None
        ident = (texts["metric"], texts["dimension"], texts["value"])
        if ident in found:
            raise ConfigError(f"a second target for {ident[0]} {ident[1]}={ident[2]}", where,
                              "keep one [[targets]] entry per metric and slice")
        found[ident] = SliceTarget(*ident, target=float(number), due=day)
    return tuple(found.values())


def _parse_source(name: str, spec: Mapping[str, Any], path: Path) -> SourceSpec:
    where = f"{path} [sources.{name}]"
    bad = set(spec) - SOURCE_KEYS
    if bad:
        raise ConfigError(f"unknown key '{sorted(bad)[0]}'", where, f"use one of: {', '.join(sorted(SOURCE_KEYS))}")
    kind = spec.get("kind")
    if kind not in SOURCE_KINDS:
        raise ConfigError(f"source kind is {kind!r}", f"{where} kind", f"set kind to one of: {', '.join(SOURCE_KINDS)}")
    if kind == "sql" and not spec.get("url"):
        raise ConfigError("a sql source needs a url", f"{where} url",
                          "set url to a SQLAlchemy URL such as sqlite:///path/to/file.db")
    if kind == "files" and not spec.get("path"):
        raise ConfigError("a files source needs a path", f"{where} path", "set path to the folder that holds the files")
    tables = {}
    read = parse_read_options(spec, ReadOptions(), where)
    for tname, tspec in spec.get("tables", {}).items():
        bad = set(tspec) - TABLE_KEYS
        if bad:
            raise ConfigError(f"unknown key '{sorted(bad)[0]}'", f"{where}.tables.{tname}",
                              f"use one of: {', '.join(sorted(TABLE_KEYS))}")
        try:
            sla, (key, minutes) = tspec.get("freshness_sla_hours"), _row_key(tspec, f"{where}.tables.{tname}")
            tables[tname] = TableSpec(tname, **{k: str(v) for k, v in tspec.items() if k in ("query", "path",
                                      "freshness_column")}, freshness_sla_hours=float(sla) if sla is not None else None,
                                      read=parse_read_options(tspec, read, f"{where}.tables.{tname}"),
                                      key=key, reconcile_minutes=minutes)
        except (TypeError, ValueError) as exc:
            raise ConfigError(f"bad value: {exc}", f"{where}.tables.{tname}", "give the SLA in hours as a number") from None
    try:
        return SourceSpec(
            name=name, kind=kind, url=str(spec.get("url", "")), path=str(spec.get("path", "")),
            password_env=str(spec.get("password_env", "")), mirror=parse_bool(spec.get("mirror", True)),
            freshness_sla_hours=float(spec.get("freshness_sla_hours", 48)),
            cache_ttl_seconds=float(spec.get("cache_ttl_seconds", 300)), tables=tables, read=read)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"bad value: {exc}", where, "give numbers for the SLA and TTL, true/false for mirror") from None


def _row_key(tspec: Mapping[str, Any], where: str) -> tuple[tuple[str, ...], float]:
    """A table's key (a column name or a list of them) and reconcile_minutes (a positive number)."""
    raw, minutes = tspec.get("key", []), tspec.get("reconcile_minutes", 60)
    names = [raw] if isinstance(raw, str) else raw
    if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names) \
            or len(set(names)) < len(names):
        raise ConfigError(f"key must be a column name or a list of distinct column names, not {raw!r}",
                          f"{where} key", 'write e.g. key = "record_id" or key = ["order_id", "line"]')
    if names and not tspec.get("freshness_column"):
        raise ConfigError("a key merges the rows changed since the copy's newest, so it needs a freshness_column",
                          f"{where} key", 'add freshness_column = "updated_at" (a column every change moves forward)')
    if isinstance(minutes, bool) or not isinstance(minutes, (int, float)) or minutes <= 0:
        raise ConfigError(f"reconcile_minutes must be a positive number, not {minutes!r}",
                          f"{where} reconcile_minutes", "e.g. reconcile_minutes = 60")
    return tuple(names), float(minutes)


def resolve_placeholders(text: str, config: Config) -> str:
    """Expand {data_dir} and {config_dir} in a URL or path."""
    return text.replace("{data_dir}", str(config.data_path)).replace("{config_dir}", str(config.path.parent))
