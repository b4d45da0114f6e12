"""Vantage: wire config, connectors, metrics and the dashboard together, and parse the command line.

    python app.py                      serve the dashboard (on the embedded demo without --config)
    python app.py metrics              list the metric catalogue
    python app.py query METRIC ...     print the numbers the dashboard shows
    python app.py maturity [--at D]    print the maturity scores of every assessment (or at a date)
    python app.py league [--period P]  print the department league table
    python app.py check                validate config, sources and catalogue
    python app.py cache warm|clear     fill or empty the result cache
    python app.py demo --records N     build a (larger) demo database
Exit codes: 0 ok, 2 bad usage or config, 1 a source failed.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Sequence

from config.errors import CatalogueError, ConfigError, SourceError, UsageError, VantageError
from config.settings import DEMO_CONFIG, Config, load_config, resolve_placeholders
from metrics.model import Metric


@dataclass
class Runtime:
    """Everything a command needs, wired from one config."""

    config: Config
    engine: Any
    catalogue: dict[str, Metric]
    source_failures: list[str]


def ensure_demo(config: Config, progress: bool = True) -> None:
    """Build the embedded demo database on first run (only for the demo config)."""
    if config.path.resolve() != DEMO_CONFIG.resolve():
        return
    url = resolve_placeholders(config.sources["demo"].url, config)
    path = Path(url.removeprefix("sqlite:///"))
    if path.exists():
        return
    from connectors.demo import build_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Building the demo database at {path} ...", file=sys.stderr)
    build_demo(path, records=config.demo_records, end=config.today(), progress=_progress_bar if progress else None)


def _progress_bar(table: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    end = "\n" if done >= total else ""
    print(f"\r  {table:<18} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}", end=end, file=sys.stderr)


def wire(config: Config, strict: bool = True) -> Runtime:
    """Connectors, catalogue (validated, maturity rules too) and engine for a config; notes each definition's version.

    CatalogueError when the catalogue is wrong.
    """
    from connectors.sources import build_connectors
    from metrics import history, maturity, registry
    from metrics.cache import ResultCache
    from metrics.engine import Engine
    from metrics.validate import validate

    ensure_demo(config)
    modules = (list(registry.DEFAULT_PACK) if config.default_metrics else []) + list(config.metric_modules)
    beside_config = None if config.path.resolve() == DEMO_CONFIG.resolve() else str(config.path.parent.resolve())
    catalogue = registry.load_modules(modules, beside_config)
    connectors = build_connectors(config)
    problems, failures = validate(catalogue, connectors, registry.duplicate_problems())
    problems += maturity.rule_problems(catalogue) if config.default_metrics else []  # its rules read the pack
    if problems and strict:
        raise CatalogueError(problems)
    cache = ResultCache(config.data_path / "cache")
    engine = Engine(catalogue, connectors, config, cache, now=lambda: datetime.combine(config.today(), datetime.now().time()))
    history.record(config.data_path / history.FILE_NAME, catalogue, engine.now())
    return Runtime(config, engine, catalogue, failures)


# -- commands ---------------------------------------------------------------------------------------------------
def cmd_serve(rt: Runtime, args: argparse.Namespace) -> int:
    from dashboard.app import create_app

    app = create_app(rt.engine, rt.config)
    for failure in rt.source_failures:
        print(f"warning: {failure}", file=sys.stderr)
    host, port = rt.config.host, rt.config.port
    print(f"Vantage is serving at http://{host}:{port}/", flush=True)
    app.run(host=host, port=port, debug=args.debug)
    return 0


def cmd_metrics(rt: Runtime, args: argparse.Namespace) -> int:
    lang = rt.config.language
    rows = [[m.key, m.pillar.value, m.kind.value, m.unit.value, m.good.value, m.title(lang)]
            for m in rt.catalogue.values()]
    _print_rows(["metric", "pillar", "kind", "unit", "good", "title"], rows, args.format)
    return 0


def filters_from_args(rt: Runtime, args: argparse.Namespace) -> Any:
    from metrics.periods import Filters, resolve_period

    try:
        start = date.fromisoformat(args.date_from) if args.date_from else None
        end = date.fromisoformat(args.date_to) if args.date_to else None
    except ValueError as exc:
        raise UsageError(f"bad date: {exc}", "--from/--to", "write dates as YYYY-MM-DD") from None
    preset = "custom" if (start or end) else args.period
    if preset == "custom" and not (start and end):
        raise UsageError("--from and --to go together", "query", "give both, e.g. --from 2026-01-01 --to 2026-03-31")
    try:
        start_, end_ = resolve_period(preset, rt.config.today(), start, end)
    except ValueError as exc:
        raise UsageError(str(exc), "--period/--from/--to", "choose a valid period") from None
    where = []
    for item in args.where or []:
        if "=" not in item:
            raise UsageError(f"bad filter '{item}'", "--where", "write it as DIMENSION=VALUE, e.g. department=finance")
        dim, value = item.split("=", 1)
        where.append((dim.strip(), value.strip()))
    return Filters(start_, end_, tuple(where))


def _query(rt: Runtime, args: argparse.Namespace) -> tuple[Any, Any]:
    from metrics.tables import query_table

    return query_table(rt.engine, args.metric, filters_from_args(rt, args), rt.config.language, args.by, args.grain)


def query_result(rt: Runtime, args: argparse.Namespace, allow_stale: bool = False) -> Any:
    """Header, raw rows and formatted rows of a query: exactly what the dashboard shows.

    StaleAnswer when a source failed and the last good answer stands in, unless `allow_stale`.
    """
    table, answer = _query(rt, args)
    if answer.stale_reason and not allow_stale:
        raise StaleAnswer(answer)
    return table


class StaleAnswer(Exception):
    """The source failed; the last good answer is printed, marked, and the exit code says a source failed."""

    def __init__(self, answer: Any) -> None:
        self.answer = answer


def cmd_query(rt: Runtime, args: argparse.Namespace) -> int:
    table, answer = _query(rt, args)
    _emit(*table, args.format)
    if not answer.stale_reason:
        return 0
    print(f"warning: {answer.stale_reason}; showing the last good value, computed "
          f"{answer.computed_at:%Y-%m-%d %H:%M}", file=sys.stderr)
    return 1


def cmd_maturity(rt: Runtime, args: argparse.Namespace) -> int:
    """Every dimension's score at every assessment, or at --at DATE (KPIs of the month before, latest questionnaire)."""
    from metrics.tables import maturity_table

    try:
        at = date.fromisoformat(args.at) if args.at else None
    except ValueError as exc:
        raise UsageError(f"bad date: {exc}", "--at", "write the date as YYYY-MM-DD") from None
    table, stale = maturity_table(rt.engine, rt.config.today(), filters_from_args(rt, args).where, at)
    _emit(*table, args.format)
    return _stale_exit(stale)


def cmd_league(rt: Runtime, args: argparse.Namespace) -> int:
    """The league table: rank, department, score and every KPI with a department dimension."""
    from metrics.tables import league_table

    table, stale = league_table(rt.engine, filters_from_args(rt, args), rt.config.language)
    _emit(*table, args.format)
    return _stale_exit(stale)


def _stale_exit(reason: str) -> int:
    """0, or 1 with a warning when some number is the last good one because a source failed."""
    if not reason:
        return 0
    print(f"warning: {reason}; the numbers include last good values", file=sys.stderr)
    return 1


def _emit(header: list[str], raw: list[list[Any]], shown: list[list[str]], fmt: str) -> None:
    if fmt == "json":
        print(json.dumps([dict(zip(header, row)) for row in raw], ensure_ascii=False, indent=1))
    elif fmt == "csv":
        _print_rows(header, raw, "csv")
    else:
        _print_rows(header, shown, "table")


def cmd_check(rt: Runtime, args: argparse.Namespace) -> int:
    from dashboard.pages._wall_playlists import load_playlists

    load_playlists(rt.config, rt.catalogue)  # a wrong playlist is a config error (exit 2), caught before serving
    for failure in rt.source_failures:
        print(f"source failed: {failure}")
    print(f"{len(rt.catalogue)} metrics, {len(rt.config.sources)} sources: "
          + ("catalogue ok" if not rt.source_failures else f"{len(rt.source_failures)} source(s) failed"))
    return 1 if rt.source_failures else 0


def cmd_cache(rt: Runtime, args: argparse.Namespace) -> int:
    if args.action == "clear":
        n = rt.engine.cache.clear()
        print(f"cleared {n} cached answers")
        return 0
    from metrics.periods import Filters, resolve_period

    start, end = resolve_period("month", rt.config.today())
    failed = 0
    for key in rt.catalogue:
        try:
            rt.engine.headline(key, Filters(start, end))
            rt.engine.trend(key, Filters(date(2000, 1, 1), end))
        except VantageError as exc:
            failed += 1
            print(f"{key}: {exc.message}", file=sys.stderr)
    print(f"warmed {len(rt.catalogue) - failed} of {len(rt.catalogue)} metrics")
    return 1 if failed else 0


def _print_rows(header: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str) -> None:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        print(out.getvalue(), end="")
        return
    if fmt == "json":
        print(json.dumps([dict(zip(header, r)) for r in rows], ensure_ascii=False, indent=1))
        return
    cells = [list(map(str, header))] + [["" if c is None else str(c) for c in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))


def cmd_demo(args: argparse.Namespace, config: Config) -> int:
    from connectors.demo import build_demo

    out = Path(args.out) if args.out else config.data_path / "demo.sqlite"
    out.parent.mkdir(parents=True, exist_ok=True)
    info = build_demo(out, records=args.records, progress=_progress_bar)
    print(f"built {out}: " + ", ".join(f"{t} {n:,}" for t, n in info.rows.items()))
    return 0


# -- command line -----------------------------------------------------------------------------------------------
def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python app.py", description="Vantage: KPIs of an information-management "
                                "programme, computed from operational records.")
    p.add_argument("--config", help="config file (TOML); default $VANTAGE_CONFIG, else the embedded demo")
    p.add_argument("--data-dir", help="folder for the demo database, local copies and cache")
    p.add_argument("--language", choices=["en", "zh"], help="language of titles and numbers")
    p.add_argument("--today", help="pin today's date (YYYY-MM-DD)")
    p.add_argument("--debug", action="store_true", help="show tracebacks; Dash debug mode when serving")
    sub = p.add_subparsers(dest="command")
    serve = sub.add_parser("serve", help="serve the dashboard (the default)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    m = sub.add_parser("metrics", help="list the catalogue")
    m.add_argument("--format", choices=["table", "json", "csv"], default="table")
    q = sub.add_parser("query", help="print a metric's numbers")
    q.add_argument("metric")
    q.add_argument("--by", help="break down by a dimension")
    q.add_argument("--grain", help="trend by day, week, month or quarter")
    q.add_argument("--period", default="month", help="month (last complete), quarter, ytd, last_90d")
    q.add_argument("--from", dest="date_from", help="first day YYYY-MM-DD")
    q.add_argument("--to", dest="date_to", help="last day YYYY-MM-DD (inclusive)")
    q.add_argument("--where", action="append", metavar="DIM=VALUE", help="filter; repeatable")
    q.add_argument("--format", choices=["table", "json", "csv"], default="table")
    mat = sub.add_parser("maturity", help="print the maturity scores of every assessment, or at a date")
    mat.add_argument("--at", help="the scores as they stood on this date (YYYY-MM-DD)")
    mat.add_argument("--where", action="append", metavar="department=D", help="one department's maturity")
    mat.add_argument("--format", choices=["table", "json", "csv"], default="table")
    mat.set_defaults(period="month", date_from=None, date_to=None)
    lg = sub.add_parser("league", help="print the department league table")
    lg.add_argument("--period", default="month", help="month (last complete), quarter, ytd, last_90d")
    lg.add_argument("--from", dest="date_from", help="first day YYYY-MM-DD")
    lg.add_argument("--to", dest="date_to", help="last day YYYY-MM-DD (inclusive)")
    lg.add_argument("--format", choices=["table", "json", "csv"], default="table")
    lg.set_defaults(where=None)
    sub.add_parser("check", help="validate config, sources and catalogue")
    c = sub.add_parser("cache", help="warm or clear the result cache")
    c.add_argument("action", choices=["warm", "clear"])
    snap = sub.add_parser("snapshot", help="send snapshot emails, or list what was sent")
    snap_sub = snap.add_subparsers(dest="snapshot_action", required=True)
    send = snap_sub.add_parser("send", help="render and send a snapshot now")
    send.add_argument("name", help="a snapshot declared as [snapshots.NAME] in the config")
    send.add_argument("--dry-run", action="store_true", help="write the .eml and .html instead of sending")
    send.add_argument("--out", help="folder for --dry-run output (default: current folder)")
    history = snap_sub.add_parser("history", help="the outbox: every snapshot send with its status and attempts")
    history.add_argument("--format", choices=["table", "json", "csv"], default="table")
    sched = sub.add_parser("scheduler", help="run the snapshot schedules as a long-running process")
    sched.add_argument("--once", action="store_true", help="send what is due (and retry the outbox) once, then exit")
    user = sub.add_parser("user", help="manage users: add, passwd, disable, enable, list")
    user.add_argument("action", choices=["add", "passwd", "disable", "enable", "list"])
    user.add_argument("name", nargs="?")
    user.add_argument("--role", help="executive, pmo, department_lead or admin (with add)")
    user.add_argument("--department", help="the department of a department lead")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    wall = sub.add_parser("wall-token", help="device tokens for wall screens: create, list, revoke")
    wall.add_argument("action", choices=["create", "list", "revoke"])
    wall.add_argument("name", nargs="?", help="the screen's name, e.g. lobby-tv")
    wall.add_argument("--playlist", help="the playlist this screen shows (with create)")
    audit = sub.add_parser("audit", help="print the audit trail")
    audit.add_argument("--since", help="from this date or time (ISO)")
    audit.add_argument("--user", help="only this user")
    audit.add_argument("--format", choices=["table", "json", "csv"], default="table")
    d = sub.add_parser("demo", help="build a demo database")
    d.add_argument("--records", type=int, default=50_000, help="master-data records (up to 10,000,000)")
    d.add_argument("--out", help="database file; default DATA_DIR/demo.sqlite")
    return p


def cmd_snapshot(rt: Runtime, args: argparse.Namespace) -> int:
    from dashboard.snapshots import commands

    if args.snapshot_action == "send":
        return commands.send(rt.engine, rt.config, args.name, dry_run=args.dry_run, out=args.out)
    header, rows = commands.history(rt.config)
    _print_rows(header, rows, args.format)
    return 0


def cmd_scheduler(rt: Runtime, args: argparse.Namespace) -> int:
    from dashboard.snapshots import commands

    return commands.run_scheduler(rt.engine, rt.config, once=args.once)


def cmd_user(config: Config, args: argparse.Namespace) -> int:
    from dashboard.access import commands

    if args.action == "list":
        _print_rows(commands.USER_COLUMNS, commands.users_table(config), "table")
    else:
        print(commands.change_user(config, args.action, args.name, args.role, args.department,
                                   lambda: _read_password(args.password_stdin)))
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise UsageError("the passwords differ", "user", "type the same password twice")
    return first


def cmd_wall_token(config: Config, args: argparse.Namespace) -> int:
    from dashboard.access import commands

    if args.action == "list":
        _print_rows(commands.TOKEN_COLUMNS, commands.tokens_table(config), "table")
        return 0
    print(commands.change_token(config, args.action, args.name, args.playlist))
    if args.action == "create":
        print("Open this address on the screen; it is shown only now.", file=sys.stderr)
    return 0


def cmd_audit(config: Config, args: argparse.Namespace) -> int:
    from dashboard.access import commands

    _print_rows(commands.AUDIT_COLUMNS, commands.audit_table(config, args.since, args.user), args.format)
    return 0


COMMANDS = {"serve": cmd_serve, "metrics": cmd_metrics, "query": cmd_query, "check": cmd_check, "cache": cmd_cache,
            "snapshot": cmd_snapshot, "scheduler": cmd_scheduler, "maturity": cmd_maturity, "league": cmd_league}


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    command = args.command or "serve"
    try:
        overrides = {"data_dir": args.data_dir, "language": args.language, "today": args.today,
                     "host": getattr(args, "host", None), "port": getattr(args, "port", None)}
        config = load_config(args.config, overrides)
        if command == "demo":
            return cmd_demo(args, config)
        if command in ("user", "audit", "wall-token"):
            return {"user": cmd_user, "audit": cmd_audit, "wall-token": cmd_wall_token}[command](config, args)
        rt = wire(config)
        return COMMANDS[command](rt, args)
    except VantageError as exc:
        if args.debug:
            raise
        print(f"error: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (`... | head`): nothing more to say, and no traceback at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # a bug, not bad input: still one line unless --debug
        if args.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc}. To fix this, run again with --debug and report the "
              "traceback", file=sys.stderr)
        return 1


def create_server() -> Any:
    """The Flask server for gunicorn (`gunicorn 'app:create_server()'`), configured from the environment."""
    from dashboard.app import create_app

    rt = wire(load_config())
    return create_app(rt.engine, rt.config).server


if __name__ == "__main__":
    sys.exit(main())
