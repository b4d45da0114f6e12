"""The command line's grammar: every command, its options and their help."""
from __future__ import annotations

import argparse


def _global_options(p: argparse.ArgumentParser, after_command: bool, serving: bool) -> None:
    """The options every command takes, before the command or after it; --host and --port serve.

    After the command they default to nothing at all (SUPPRESS), so one given before it still counts: argparse
    copies a command's values over the ones parsed before it."""
    default = {"default": argparse.SUPPRESS} if after_command else {}
    p.add_argument("--config", help="config file (TOML); default $VANTAGE_CONFIG, else the embedded demo", **default)
    p.add_argument("--data-dir", help="folder for the demo database, local copies and cache", **default)
    p.add_argument("--language", choices=["en", "zh"], help="language of titles and numbers", **default)
    p.add_argument("--today", help="pin today's date (YYYY-MM-DD); the demo is built up to it", **default)
    p.add_argument("--debug", action="store_true", help="show tracebacks; Dash debug mode when serving", **default)
    if serving:
        p.add_argument("--host", help="address to serve on (serve is the default command)", **default)
        p.add_argument("--port", type=int, help="port to serve on", **default)


def _command(sub: argparse._SubParsersAction, name: str, serving: bool = False,
             **kwargs: str) -> argparse.ArgumentParser:
    """A command's parser, taking the global options after the command too."""
    command: argparse.ArgumentParser = sub.add_parser(name, **kwargs)
    _global_options(command, after_command=True, serving=serving)
    return command


def parser() -> argparse.ArgumentParser:
    """The parser of `python app.py`; global options go before or after the command, which is serve by default."""
    p = argparse.ArgumentParser(prog="python app.py", description="Vantage: KPIs of an information-management "
                                "programme, computed from operational records.")
    _global_options(p, after_command=False, serving=True)
    sub = p.add_subparsers(dest="command")
    _command(sub, "serve", serving=True, help="serve the dashboard (the default)")
    m = _command(sub, "metrics", help="list the catalogue")
    m.add_argument("--format", choices=["table", "json", "csv"], default="table")
    q = _command(sub, "query", help="print a metric's numbers")
    q.add_argument("metric")
    q.add_argument("--by", help="break down by a dimension")
    q.add_argument("--grain", help="trend by day, week, month or quarter (with --by: a trend per slice)")
    q.add_argument("--period", help="month (last complete; the default), quarter, ytd, last_90d; with --grain the "
                   "default is the whole history")
    q.add_argument("--from", dest="date_from", help="first day YYYY-MM-DD")
    q.add_argument("--to", dest="date_to", help="last day YYYY-MM-DD (inclusive)")
    q.add_argument("--where", action="append", metavar="DIM=VALUE", help="filter; repeatable")
    q.add_argument("--format", choices=["table", "json", "csv"], default="table")
    mat = _command(sub, "maturity", help="print the maturity scores of every assessment, or at a date")
    mat.add_argument("--at", help="the scores as they stood on this date (YYYY-MM-DD)")
    mat.add_argument("--where", action="append", metavar="department=D", help="one department's maturity")
    mat.add_argument("--format", choices=["table", "json", "csv"], default="table")
    mat.set_defaults(period="month", date_from=None, date_to=None)
    lg = _command(sub, "league", help="print the department league table")
    lg.add_argument("--period", default="month", help="month (last complete), quarter, ytd, last_90d")
    lg.add_argument("--from", dest="date_from", help="first day YYYY-MM-DD")
    lg.add_argument("--to", dest="date_to", help="last day YYYY-MM-DD (inclusive)")
    lg.add_argument("--format", choices=["table", "json", "csv"], default="table")
    lg.set_defaults(where=None)
    _command(sub, "check", help="validate config, sources and catalogue")
    c = _command(sub, "cache", help="warm or clear the result cache")
    c.add_argument("action", choices=["warm", "clear"])
    snap = _command(sub, "snapshot", help="send snapshot emails, or list what was sent")
    snap_sub = snap.add_subparsers(dest="snapshot_action", required=True)
    send = _command(snap_sub, "send", help="render and send a snapshot now")
    send.add_argument("name", help="a snapshot declared as [snapshots.NAME] in the config")
    send.add_argument("--dry-run", action="store_true", help="write the .eml and .html instead of sending")
    send.add_argument("--out", help="folder for --dry-run output (default: current folder)")
    history = _command(snap_sub, "history", help="the outbox: every snapshot send with its status and attempts")
    history.add_argument("--format", choices=["table", "json", "csv"], default="table")
    alert = _command(sub, "alerts", help="alert rules: show what one would do now (test), or judge all and send")
    alert_sub = alert.add_subparsers(dest="alerts_action", required=True)
    alert_test = _command(alert_sub, "test", help="say whether a rule would fire now, sending nothing")
    alert_test.add_argument("name", help="a rule declared as [alerts.NAME] in the config")
    _command(alert_sub, "send", help="judge every rule now and email what fired (once per occurrence)")
    sched = _command(sub, "scheduler", help="run the snapshot schedules and alert rules as a long-running process")
    sched.add_argument("--once", action="store_true", help="send what is due (and retry the outbox) once, then exit")
    work = _command(sub, "worker", help="run background work (table refreshes, snapshot sends) for broker_url")
    work.add_argument("--concurrency", type=int, default=1, help="tasks run at once (threads); default 1")
    user = _command(sub, "user", help="manage users: add, passwd, disable, enable, list")
    user.add_argument("action", choices=["add", "passwd", "disable", "enable", "list"])
    user.add_argument("name", nargs="?")
    user.add_argument("--role", help="executive, pmo, department_lead or admin (with add)")
    user.add_argument("--department", help="the department of a department lead")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    wall = _command(sub, "wall-token", help="device tokens for wall screens: create, list, revoke")
    wall.add_argument("action", choices=["create", "list", "revoke"])
    wall.add_argument("name", nargs="?", help="the screen's name, e.g. lobby-tv")
    wall.add_argument("--playlist", help="the playlist this screen shows (with create)")
    audit = _command(sub, "audit", help="print the audit trail (list), or check its hash chain (verify)")
    audit.add_argument("action", nargs="?", choices=["list", "verify"], default="list",
                       help="verify: report the first broken link of the chain (exit 1), else that it is intact")
    audit.add_argument("--since", help="from this date or time (ISO)")
    audit.add_argument("--user", help="only this user")
    audit.add_argument("--format", choices=["table", "json", "csv"], default="table")
    ci = _command(sub, "checkin", help="an owner's check-in on a KPI for a month: add one, or list them")
    ci_sub = ci.add_subparsers(dest="checkin_action", required=True)
    ci_add = _command(ci_sub, "add", help="write a check-in (as its metric's owner or an administrator)")
    ci_add.add_argument("metric", help="the metric's key, e.g. data_accuracy")
    ci_add.add_argument("--period", required=True, help="the month it is about, YYYY-MM")
    ci_add.add_argument("--status", choices=["on_track", "at_risk", "off_track"],
                        help="the owner's own status (default: none, a note only)")
    ci_add.add_argument("--note", required=True, help="what the owner says, up to 500 characters")
    ci_add.add_argument("--as", dest="author", required=True, metavar="USER", help="the user writing it")
    ci_list = _command(ci_sub, "list", help="every check-in, newest first")
    ci_list.add_argument("--metric", help="only this metric's")
    ci_list.add_argument("--format", choices=["table", "json", "csv"], default="table")
    st = _command(sub, "state", help="the shared state in PostgreSQL (state_url): migrate creates or updates "
                  "its tables")
    st.add_argument("action", choices=["migrate"])
    d = _command(sub, "demo", help="build a demo database")
    d.add_argument("--records", type=int, default=50_000, help="master-data records (up to 10,000,000)")
    d.add_argument("--out", help="database file; default DATA_DIR/demo.sqlite")
    init = _command(sub, "init", help="propose a config and starter metrics for a file or SQL table of your own")
    init.add_argument("--from", dest="source", required=True, metavar="PATH_OR_URL",
                      help="a CSV, Parquet or Excel (.xlsx) file, or a SQLAlchemy URL with --table")
    init.add_argument("--table", help="the SQL table to read, or the Excel sheet (default: the first)")
    init.add_argument("--out", help="folder to write vantage.toml and metrics_NAME.py in; default ./vantage_NAME")
    init.add_argument("--force", action="store_true", help="write over a vantage.toml or module already there")
    return p
