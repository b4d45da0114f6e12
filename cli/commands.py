"""The commands of `python app.py` and the one table that names them.

Each command is a function of the parsed arguments and either the wired runtime (config, engine, catalogue) or,
for commands that need no engine, the config alone. It prints its output and returns the exit code:
0 ok, 2 bad usage or config, 1 a source failed.
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, Union

from cli.init import cmd_init
from cli.output import emit, print_rows
from cli.tables import QueryAnswer, Table
from config.settings import Config
from core.errors import UsageError, VantageError
from metrics.engine.baselines import Restatement
from metrics.engine.periods import Filters, resolve_period
from metrics.engine.questions import Engine
from metrics.semantics.model import Metric, MetricKind


@dataclass
class Runtime:
    """Everything a command needs, wired from one config (by `app.wire`)."""

    config: Config
    engine: Engine
    catalogue: dict[str, Metric]
    source_failures: list[str]


RuntimeCommand = Callable[[Runtime, argparse.Namespace], int]
ConfigCommand = Callable[[Config, argparse.Namespace], int]


@dataclass(frozen=True)
class Command:
    """A command's function, and whether it needs the wired runtime or only the config."""

    run: Union[RuntimeCommand, ConfigCommand]
    needs_runtime: bool = True
    uses_state: bool = False  # a config command reading the stores (wired ones have them attached by `app.wire`)


def filters_from_args(rt: Runtime, args: argparse.Namespace) -> Filters:
    """The period (--period, or --from/--to) and --where filters of a command line."""
    try:
        start = date.fromisoformat(args.date_from) if args.date_from else None
        end = date.fromisoformat(args.date_to) if args.date_to else None
    except ValueError as exc:
        raise UsageError(f"bad date: {exc}", "--from/--to", "write dates as YYYY-MM-DD") from None
    preset = "custom" if (start or end) else args.period or ("history" if getattr(args, "grain", None) else "month")
    if preset == "custom" and not (start and end):
        raise UsageError("--from and --to go together", "query", "give both, e.g. --from 2026-01-01 --to 2026-03-31")
    try:
        from cli.slices import HISTORY_START  # a trend without a period: the whole history, up to today

        start_, end_ = ((HISTORY_START, rt.config.today()) if preset == "history"
                        else resolve_period(preset, rt.config.today(), start, end))
    except ValueError as exc:
        raise UsageError(str(exc), "--period/--from/--to", "choose a valid period") from None
    where = []
    for item in args.where or []:
        if "=" not in item:
            raise UsageError(f"bad filter '{item}'", "--where", "write it as DIMENSION=VALUE, e.g. department=finance")
        dim, value = item.split("=", 1)
        where.append((dim.strip(), value.strip()))
    return Filters(start_, end_, tuple(where))


def query(rt: Runtime, args: argparse.Namespace) -> tuple[Table, QueryAnswer]:
    """The table `python app.py query` prints for these arguments, and the engine's answer behind it."""
    from cli.slices import check_where
    from cli.tables import query_table

    filters = filters_from_args(rt, args)
    check_where(rt.engine, args.metric, filters)  # a value no row has is a typo (exit 2), not "no data"
    return query_table(rt.engine, args.metric, filters, rt.config.language, args.by, args.grain)


def cmd_metrics(rt: Runtime, args: argparse.Namespace) -> int:
    lang = rt.config.language
    rows = [[m.key, m.pillar.value, m.kind.value, m.unit.value, m.good.value, m.title(lang)]
            for m in rt.catalogue.values()]
    print_rows(["metric", "pillar", "kind", "unit", "good", "title"], rows, args.format)
    return 0


def cmd_query(rt: Runtime, args: argparse.Namespace) -> int:
    table, answer = query(rt, args)
    emit(*table, args.format)
    if not answer.stale_reason:
        return 0
    print(f"warning: {answer.stale_reason}; showing the last good value, computed "
          f"{answer.computed_at:%Y-%m-%d %H:%M}", file=sys.stderr)
    return 1


def cmd_maturity(rt: Runtime, args: argparse.Namespace) -> int:
    """Every dimension's score at every assessment, or at --at DATE (KPIs of the month before, latest questionnaire)."""
    from cli.tables import maturity_table

    try:
        at = date.fromisoformat(args.at) if args.at else None
    except ValueError as exc:
        raise UsageError(f"bad date: {exc}", "--at", "write the date as YYYY-MM-DD") from None
    table, stale = maturity_table(rt.engine, rt.config.today(), filters_from_args(rt, args).where, at)
    emit(*table, args.format)
    return _stale_exit(stale)


def cmd_league(rt: Runtime, args: argparse.Namespace) -> int:
    """The league table: rank, department, score and every KPI with a department dimension."""
    from cli.tables import league_table

    table, stale = league_table(rt.engine, filters_from_args(rt, args), rt.config.language)
    emit(*table, args.format)
    return _stale_exit(stale)


def _stale_exit(reason: str) -> int:
    """0, or 1 with a warning when some number is the last good one because a source failed."""
    if not reason:
        return 0
    print(f"warning: {reason}; the numbers include last good values", file=sys.stderr)
    return 1


def cmd_check(rt: Runtime, args: argparse.Namespace) -> int:
    from config.playlists import load_playlists

    load_playlists(rt.config, rt.catalogue)  # a wrong playlist is a config error (exit 2), caught before serving
    for failure in rt.source_failures:
        print(f"source failed: {failure}")
    print(f"{len(rt.catalogue)} metrics, {len(rt.config.sources)} sources: "
          + ("catalogue ok" if not rt.source_failures else f"{len(rt.source_failures)} source(s) failed"))
    try:  # a restated baseline is news, not a failure: the exit code stays what the sources make it
        for key, found in rt.engine.restated_baselines().items():
            print(restated_line(rt, key, found))
    except VantageError as exc:
        print(f"warning: cannot compare the recorded baselines with the data: {exc.message}")
    for line in pushdown_lines(rt):
        print(line)
    return 1 if rt.source_failures else 0


def pushdown_lines(rt: Runtime) -> list[str]:
    """Per metric of a SQL source that keeps no local copy: computed in the database, or why it reads its rows."""
    from core.i18n import t
    from metrics.engine import pushdown

    out, lang = [], rt.config.language
    for key, metric in rt.catalogue.items():
        sql = pushdown.sql_connector(rt.engine.connectors.get(metric.source), rt.config.sources.get(metric.source))
        why = None if sql is None else pushdown.reason(sql, metric)
        inputs = ", ".join((metric.base,) if metric.kind is MetricKind.CHANGE else metric.inputs)
        if sql is not None:
            said = (t("pushdown.yes", lang) if why is None else t("pushdown.from", lang, inputs=inputs) if inputs
                    else t("pushdown.no", lang, reason=why))
            out.append(f"pushdown: {key}: {said}")
    return out


def restated_line(rt: Runtime, key: str, found: list[Restatement]) -> str:
    """One warning line for a metric whose recorded baseline the data now gives differently (company-wide first)."""
    from core import labels
    from core.i18n import t
    from metrics.semantics.format import format_value

    lang, first = rt.config.language, found[0]
    unit = rt.catalogue.get(first.metric, rt.catalogue[key]).unit  # a CHANGE metric's baseline is its base's
    where = "" if not first.dimension else (
        f" ({labels.column_label(first.dimension, lang)} = {labels.value_label(first.dimension, first.slice, lang)})")
    more = f"; {len(found) - 1} more slice(s) differ too" if len(found) > 1 else ""
    return (f"warning: {key}{where}: " + t("baseline.restated", lang, was=format_value(first.recorded, unit, lang),
                                            now=format_value(first.now, unit, lang))
            + f" (baseline {first.start} to {first.end - timedelta(days=1)}, recorded {first.recorded_at:%Y-%m-%d}; "
            f"the numbers keep the recorded value){more}")


def cmd_cache(rt: Runtime, args: argparse.Namespace) -> int:
    if args.action == "clear":
        from connectors.sources import forget_versions

        n = rt.engine.cache.clear()  # answers, last good answers and the data versions remembered for a TTL
        sources = forget_versions(rt.engine.connectors)  # and what the sources' local copies and checks remember
        print(f"cleared {n} cached answers and the data versions of {sources} source(s)")
        return 0
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


def progress_bar(table: str, done: int, total: int) -> None:
    """One line per demo table that fills as its rows are written (on standard error)."""
    width = 30
    filled = int(width * done / max(total, 1))
    end = "\n" if done >= total else ""
    print(f"\r  {table:<18} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,}", end=end, file=sys.stderr)


def cmd_demo(config: Config, args: argparse.Namespace) -> int:
    from demo import build_demo

    out = Path(args.out) if args.out else config.data_path / "demo.sqlite"
    out.parent.mkdir(parents=True, exist_ok=True)
    info = build_demo(out, records=args.records, end=config.today(), progress=progress_bar)
    print(f"built {out}: " + ", ".join(f"{t} {n:,}" for t, n in info.rows.items()))
    return 0


def cmd_user(config: Config, args: argparse.Namespace) -> int:
    from access import commands

    if args.action == "list":
        print_rows(commands.USER_COLUMNS, commands.users_table(config), "table")
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
    from access import commands

    if args.action == "list":
        print_rows(commands.TOKEN_COLUMNS, commands.tokens_table(config), "table")
        return 0
    print(commands.change_token(config, args.action, args.name, args.playlist))
    if args.action == "create":
        print("Open this address on the screen; it is shown only now.", file=sys.stderr)
    return 0


def cmd_state(config: Config, args: argparse.Namespace) -> int:
    """`state migrate`: create or migrate the schema of the shared state (state_url) to the code's revision."""
    from core import state

    if not config.state_url:
        raise UsageError("state_url is empty: the state is in SQLite files in the data folder, which need no "
                         "migration", "state migrate", "set state_url (or VANTAGE_STATE_URL) to "
                         "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE")
    print(f"the shared state at {state.shown(config.state_url)} is at revision {state.migrate(config.state_url)}")
    return 0


def cmd_audit(config: Config, args: argparse.Namespace) -> int:
    from access import commands

    if args.action == "verify":
        verdict = commands.verify_audit(config)
        print(verdict)
        return 0 if verdict.intact else 1
    print_rows(commands.AUDIT_COLUMNS, commands.audit_table(config, args.since, args.user), args.format)
    return 0


def _checkin(rt: Runtime, args: argparse.Namespace) -> int:
    from cli.checkins import cmd_checkin

    return cmd_checkin(rt, args)


# The commands `cli` runs itself; app.py adds serve, snapshot and scheduler (they need the dashboard and snapshots).
COMMANDS: dict[str, Command] = {
    "metrics": Command(cmd_metrics), "query": Command(cmd_query), "check": Command(cmd_check),
    "cache": Command(cmd_cache), "maturity": Command(cmd_maturity), "league": Command(cmd_league),
    "demo": Command(cmd_demo, needs_runtime=False), "state": Command(cmd_state, needs_runtime=False),
    "user": Command(cmd_user, needs_runtime=False, uses_state=True),
    "audit": Command(cmd_audit, needs_runtime=False, uses_state=True),
    "wall-token": Command(cmd_wall_token, needs_runtime=False, uses_state=True),
    "init": Command(cmd_init, needs_runtime=False), "checkin": Command(_checkin),
}
