"""Vantage: wire config, connectors, metrics and the dashboard together; `main()` runs the command line.

    python app.py                      serve the dashboard (on the embedded demo without --config)
    python app.py metrics              list the metric catalogue
    python app.py query METRIC ...     print the numbers the dashboard shows
    python app.py maturity [--at D]    print the maturity scores of every assessment (or at a date)
    python app.py league [--period P]  print the department league table
    python app.py check                validate config, sources and catalogue
    python app.py cache warm|clear     fill or empty the result cache
    python app.py demo --records N     build a (larger) demo database
    python app.py worker               run background work for broker_url (a Celery worker)
Exit codes: 0 ok, 2 bad usage or config, 1 a source failed.
"""
from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from cli.commands import Command, Runtime, progress_bar
from config.settings import DEMO_CONFIG, Config, load_config, resolve_placeholders
from core.errors import CatalogueError

if TYPE_CHECKING:
    from flask import Flask

__all__ = ["Runtime", "create_server", "main", "wire"]


def ensure_demo(config: Config, progress: bool = True) -> None:
    """Build the embedded demo database on first run (only for the demo config)."""
    if config.path.resolve() != DEMO_CONFIG.resolve():
        return
    url = resolve_placeholders(config.sources["demo"].url, config)
    path = Path(url.removeprefix("sqlite:///"))
    if path.exists():
        return
    from demo import build_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Building the demo database at {path} ...", file=sys.stderr)
    build_demo(path, records=config.demo_records, end=config.today(), progress=progress_bar if progress else None)


def wire(config: Config, strict: bool = True) -> Runtime:
    """Connectors, catalogue (validated, maturity rules too) and engine for a config; notes each definition's version.

    CatalogueError when the catalogue is wrong.
    """
    from connectors.sources import build_connectors
    from core import labels, state
    from core.store import private_folder
    from metrics.engine import history
    from metrics.engine.baselines import BaselineStore
    from metrics.engine.cache import ResultCache
    from metrics.engine.questions import Engine
    from metrics.semantics import registry
    from metrics.semantics.validation import target_problems, validate
    from programme import maturity

    private_folder(config.data_path)  # users, sessions, the audit trail and cached numbers: the owner's only (0700)
    state.attach(config.data_path, config.state_url)  # the stores: SQLite files there, or the shared PostgreSQL
    labels.install(config.labels)  # the names of the data's values, read-only from here on
    ensure_demo(config)
    modules = (list(registry.DEFAULT_PACK) if config.default_metrics else []) + list(config.metric_modules)
    beside_config = None if config.path.resolve() == DEMO_CONFIG.resolve() else str(config.path.parent.resolve())
    catalogue = registry.load_modules(modules, beside_config)
    connectors = build_connectors(config)
    problems, failures = validate(catalogue, connectors, registry.duplicate_problems())
    problems += maturity.rule_problems(catalogue) if config.default_metrics else []  # its rules read the pack
    problems += target_problems(catalogue, config.targets, str(config.path))
    if problems and strict:
        raise CatalogueError(problems)
    cache = ResultCache(config.data_path / "cache", config.cache_url)
    engine = Engine(catalogue, connectors, config, cache, now=lambda: datetime.combine(config.today(), datetime.now().time()),
                    baselines=BaselineStore.in_folder(config.data_path), use_rollups=bool(config.rollups))
    history.record(config.data_path / history.FILE_NAME, catalogue, engine.now())
    return Runtime(config, engine, catalogue, failures)


def serve(rt: Runtime, args: argparse.Namespace) -> int:
    from dashboard.app import create_app
    from dashboard.serving import run_options
    from workers.queue import attach

    app = create_app(attach(rt.engine, rt.config), rt.config)  # with a broker, refreshes go to the workers
    for failure in rt.source_failures:
        print(f"warning: {failure}", file=sys.stderr)
    host, port = rt.config.host, rt.config.port
    print(f"Vantage is serving at http://{host}:{port}/", flush=True)
    app.run(host=host, port=port, debug=args.debug, **run_options())  # `Server: Vantage`, no versions
    return 0


def snapshot(rt: Runtime, args: argparse.Namespace) -> int:
    from cli.output import print_rows
    from snapshots import commands

    if args.snapshot_action == "send":
        return commands.send(rt.engine, rt.config, args.name, dry_run=args.dry_run, out=args.out)
    header, rows = commands.history(rt.config)
    print_rows(header, rows, args.format)
    return 0


def alerts(rt: Runtime, args: argparse.Namespace) -> int:
    from snapshots import commands

    if args.alerts_action == "test":
        return commands.alerts_test(rt.engine, rt.config, args.name)
    return commands.alerts_send(rt.engine, rt.config)


def scheduler(rt: Runtime, args: argparse.Namespace) -> int:
    from snapshots import commands
    from workers.queue import snapshot_dispatch

    return commands.run_scheduler(rt.engine, rt.config, once=args.once, dispatch=snapshot_dispatch(rt.config))


def worker(rt: Runtime, args: argparse.Namespace) -> int:
    from workers.run import run_worker

    return run_worker(rt.engine, rt.config, args.concurrency)


def main(argv: Sequence[str] | None = None) -> int:
    from cli.run import run

    return run(argv, wire, {"serve": Command(serve), "snapshot": Command(snapshot), "scheduler": Command(scheduler),
                            "alerts": Command(alerts), "worker": Command(worker)})


def create_server() -> Flask:
    """The Flask server for gunicorn (`gunicorn 'app:create_server()'`), configured from the environment."""
    from dashboard.app import create_app
    from workers.queue import attach

    rt = wire(load_config())
    return create_app(attach(rt.engine, rt.config), rt.config).server


if __name__ == "__main__":
    sys.exit(main())
