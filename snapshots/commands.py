"""The snapshot commands of the CLI: send one now (or preview it), list the outbox, run the scheduler."""
from __future__ import annotations

import os
import signal
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from config.alerts import alert_spec, alert_specs
from config.settings import Config
from config.snapshots import snapshot_spec
from core.errors import ConfigError
from metrics.engine.questions import Engine
from snapshots import alerts
from snapshots.compose import Prepared, prepare
from snapshots.delivery import check_smtp, drain
from snapshots.outbox import Outbox, idempotency_key, read_previous, read_rows, stamp, unstamp
from snapshots.scheduler import Dispatch, Scheduler, clock_from, interval_from

HISTORY_COLUMNS = ["snapshot", "occurrence", "language", "status", "attempts", "sent_at", "next_attempt", "late",
                   "error"]


def outbox_path(config: Config) -> Path:
    return config.data_path / Outbox.FILE


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


def send(engine: Engine, config: Config, name: str, dry_run: bool = False, out: str | None = None) -> int:
    """Queue an occurrence now and deliver it (or, with dry_run, write it to files). 0 when sent complete."""
    spec = snapshot_spec(config, name, engine.catalogue)
    if not dry_run:
        check_smtp(config)
    now = _utc_now()
    occurrence = f"adhoc {stamp(now)}"
    key = idempotency_key(name, occurrence)
    if dry_run:
        previous = read_previous(outbox_path(config), name, key)
        prepared = prepare(engine, config, spec, occurrence, now, now, previous, preview=True)
        return _write_preview(prepared, name, Path(out or "."), spec.on_failure)
    outbox = Outbox(outbox_path(config))
    try:
        prepared = prepare(engine, config, spec, occurrence, now, now, outbox.previous_numbers(name, key))
        outbox.enqueue(prepared.entries, now)
        _report_problems(name, prepared)
        if prepared.held:
            print(f"{name}: held, nothing was sent; `python app.py snapshot history` shows the reason", file=sys.stderr)
            return 1
        result = drain(outbox, config, _utc_now, key=key, log=print)
    finally:
        outbox.close()
    for row, error, retry_at in result.retrying:
        print(f"{name} [{row.language}]: not delivered yet ({error}); it stays in the outbox and "
              f"`python app.py scheduler` retries it from {retry_at:%Y-%m-%d %H:%M:%S} UTC", file=sys.stderr)
    for row, error in result.failed:
        print(f"{name} [{row.language}]: failed: {error}", file=sys.stderr)
    return 1 if result.retrying or result.failed or prepared.problems else 0


def _report_problems(name: str, prepared: Prepared) -> None:
    for problem in prepared.problems:
        print(f"{name}: {problem.english()}", file=sys.stderr)


def _write_preview(prepared: Prepared, name: str, folder: Path, on_failure: str) -> int:
    """NAME.eml, NAME.html (charts as PNG files beside it) and NAME.pdf; other languages as NAME.LANG.*."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, doc in enumerate(prepared.documents):
        stem = name if n == 0 else f"{name}.{doc.lang}"
        (folder / f"{stem}.eml").write_bytes(doc.eml)
        written = [f"{stem}.eml"]
        if doc.html is not None:
            html = doc.html
            for i, (cid, png) in enumerate(doc.images.items(), start=1):
                picture = f"{stem}-chart-{i}.png"
                (folder / picture).write_bytes(png)
                html = html.replace(f"cid:{cid}", picture)
                written.append(picture)
            (folder / f"{stem}.html").write_text(html, encoding="utf-8")
            written.append(f"{stem}.html")
        if doc.pdf is not None:
            (folder / f"{stem}.pdf").write_bytes(doc.pdf)
            written.append(f"{stem}.pdf")
        print(f"{name} [{doc.lang}]: wrote {', '.join(written)} to {folder} (subject: {doc.subject})")
    _report_problems(name, prepared)
    if prepared.problems:
        would = "be held (nothing sent)" if on_failure == "hold" else "be sent marked as incomplete"
        print(f"{name}: a real send would {would}", file=sys.stderr)
        return 1
    timing = ", ".join(f"{k} {v:.1f} s" for k, v in prepared.seconds.items())
    print(f"{name}: rendered in {timing}")
    return 0


def history(config: Config) -> tuple[list[str], list[list[Any]]]:
    """The outbox, newest first: every occurrence with its status, attempts and what went wrong."""
    rows = []
    for r in read_rows(outbox_path(config)):
        marked = f"marked: {r.problems}" if r.problems and r.status in ("pending", "sent") else ""
        error = "; ".join(part for part in (r.last_error, marked) if part)
        rows.append([r.snapshot, r.occurrence, r.language, r.status, r.attempts, _shown(r.sent_at),
                     _shown(r.next_attempt_at) if r.status == "pending" else "", r.late, error])
    return HISTORY_COLUMNS, rows


def _shown(moment: str | None) -> str:
    return f"{unstamp(moment):%Y-%m-%d %H:%M:%S} UTC" if moment else ""


def alerts_test(engine: Engine, config: Config, name: str) -> int:
    """Say what the rule would do now (fire, and with which occurrence, or not), sending nothing."""
    spec = alert_spec(config, name, engine.catalogue)
    judged = alerts.judge(engine, config, spec, config.today(), _utc_now())
    queued = Outbox(outbox_path(config)).queued(idempotency_key(alerts.PREFIX + name, judged.occurrence)) \
        if judged.fires and outbox_path(config).exists() else False
    state = "already sent" if queued else "would fire" if judged.fires else "would not fire"
    print(f"{name}: {state}" + (f" ({judged.occurrence})" if judged.fires else "") + f": {judged.why[config.language]}")
    return 0


def alerts_send(engine: Engine, config: Config) -> int:
    """Judge every rule now, queue what fired (once per occurrence) and deliver the outbox."""
    specs = alert_specs(config, engine.catalogue)
    if not specs:
        raise ConfigError("no alerts are declared", str(config.path), "add an [alerts.NAME] table")
    check_smtp(config)
    outbox = Outbox(outbox_path(config))
    try:
        fired = alerts.queue(engine, config, specs, outbox, config.today(), _utc_now())
        result = drain(outbox, config, _utc_now, log=print)
    finally:
        outbox.close()
    print(f"alerts: {len(specs)} judged, {len(fired)} fired")
    for row, error, retry_at in result.retrying:
        print(f"{row.snapshot} [{row.language}]: not delivered yet ({error}); `python app.py scheduler` retries it "
              f"from {retry_at:%Y-%m-%d %H:%M:%S} UTC", file=sys.stderr)
    return 1 if result.retrying or result.failed else 0


def run_scheduler(engine: Engine, config: Config, once: bool = False, dispatch: Dispatch | None = None) -> int:
    """Run the declared schedules and alert rules until SIGTERM or SIGINT (or one round with `once`); `dispatch`
    hands due occurrences to a worker (Scheduler.dispatch)."""
    specs = {name: snapshot_spec(config, name, engine.catalogue) for name in config.snapshots}
    rules = alert_specs(config, engine.catalogue)
    if not specs and not rules:
        raise ConfigError("no snapshots or alerts are declared", str(config.path),
                          "add a [snapshots.NAME] table with schedule and recipients, or an [alerts.NAME] table")
    check_smtp(config)
    clock, interval = clock_from(os.environ), interval_from(os.environ)
    log: Callable[[str], None] = lambda m: print(f"{clock():%Y-%m-%d %H:%M:%S} UTC {m}", flush=True)  # noqa: E731
    stop = threading.Event()
    restore = _on_signals(lambda *_: stop.set())
    outbox = Outbox(outbox_path(config))
    try:
        log(f"scheduler started: {len(specs)} snapshot(s), {len(rules)} alert(s), checking every {interval:g} s, "
            f"outbox {outbox.path}")
        code = Scheduler(engine, config, specs, outbox, clock, interval, log, alerts=rules,
                         dispatch=dispatch).run(stop, once)
        log("scheduler stopped")
        return code
    finally:
        outbox.close()
        restore()


def _on_signals(handler: Callable[..., None]) -> Callable[[], None]:
    """Let SIGTERM and SIGINT end the loop after the current round; returns what puts the old handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, previous in old.items():
            signal.signal(sig, previous)

    return restore
