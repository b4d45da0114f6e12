"""The scheduler: every interval, queue the occurrences that fell due since the last check, then drain the outbox.

How far each schedule was checked is kept in the outbox database, so a restart sends what fell due while the
scheduler was down (late, saying so) and never queues an occurrence twice. Several occurrences missed in one
outage are merged into the latest one: they would carry the same numbers, and the email says it stands for them.
With a broker (`dispatch`), each due occurrence is handed to a worker, which renders it into the outbox and sends it.

Two environment variables exist for tests and drills:
    VANTAGE_SCHEDULER_INTERVAL  seconds between checks (default 30)
    VANTAGE_SCHEDULER_NOW       an ISO time with offset the clock starts from, then runs at real speed
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping

from config.alerts import AlertSpec
from config.settings import Config
from config.snapshots import SnapshotSpec
from core.errors import ConfigError
from metrics.engine.questions import Engine
from snapshots import alerts as alert_rules
from snapshots.compose import late_text, prepare
from snapshots.cron import Occurrence, next_occurrence, occurrences
from snapshots.delivery import Drained, drain
from snapshots.message import message_id
from snapshots.outbox import Entry, Outbox, idempotency_key
from snapshots.view import Late

INTERVAL_ENV = "VANTAGE_SCHEDULER_INTERVAL"
NOW_ENV = "VANTAGE_SCHEDULER_NOW"
DEFAULT_INTERVAL = 30.0
ON_TIME = timedelta(seconds=60)  # queued within this after its due time (plus two intervals) is on time

Clock = Callable[[], datetime]
Dispatch = Callable[[str, Occurrence, datetime, Late | None], None]  # a due occurrence to a worker


def interval_from(environ: Mapping[str, str]) -> float:
    return seconds_from(environ, INTERVAL_ENV, DEFAULT_INTERVAL, "give the seconds between checks as a positive "
                        "number, or unset it for 30")


def seconds_from(environ: Mapping[str, str], name: str, default: float, fix: str) -> float:
    """A positive number of seconds from the environment variable `name` (unset: `default`); ConfigError naming it."""
    raw = environ.get(name, "")
    try:
        value = float(raw) if raw else default
    except ValueError:
        value = -1.0
    if value <= 0:
        raise ConfigError(f"{name} is '{raw}'", f"environment variable {name}", fix)
    return value


def clock_from(environ: Mapping[str, str]) -> Clock:
    """The real UTC clock, or one that starts at $VANTAGE_SCHEDULER_NOW and runs at real speed."""
    raw = environ.get(NOW_ENV, "")
    if not raw:
        return lambda: datetime.now(timezone.utc)
    try:
        start = datetime.fromisoformat(raw)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise ConfigError(f"{NOW_ENV} is '{raw}'", f"environment variable {NOW_ENV}",
                          "give an ISO time with its offset, e.g. 2026-11-30T08:59:40+08:00, or unset it")
    began = time.monotonic()
    return lambda: start.astimezone(timezone.utc) + timedelta(seconds=time.monotonic() - began)


@dataclass
class Scheduler:
    """Queues due occurrences of the declared snapshots and delivers the outbox."""

    engine: Engine
    config: Config
    specs: dict[str, SnapshotSpec]
    outbox: Outbox
    clock: Clock
    interval: float = DEFAULT_INTERVAL
    log: Callable[[str], None] = print
    troubled: int = 0  # occurrences held, sent marked or not rendered: exit code 1 of --once
    alerts: dict[str, AlertSpec] = field(default_factory=dict)  # rules judged every round
    dispatch: Dispatch | None = None  # with a broker: due occurrences go to a worker

    def tick(self) -> Drained:
        """One round: queue what fell due and what the alert rules fire, then send what is ready."""
        for spec in self.specs.values():
            if spec.schedule is not None:
                self.queue_due(spec)
        if self.alerts:
            now = self.clock()
            today = self.config.today() if self.config.values["today"] else now.date()
            alert_rules.queue(self.engine, self.config, self.alerts, self.outbox, today, now, self.log)
        return drain(self.outbox, self.config, self.clock, log=self.log)

    def queue_due(self, spec: SnapshotSpec) -> None:
        assert spec.schedule is not None
        now = self.clock()
        since = self.outbox.checked_until(spec.name)
        if since is None:  # a schedule seen for the first time starts now, not in the past
            self.outbox.set_checked_until(spec.name, now)
            upcoming = next_occurrence(spec.schedule, spec.timezone, now)
            self.log(f"{spec.name}: watching '{spec.schedule.expression}' in {spec.timezone.key}"
                     + (f"; next due {upcoming.wall:%Y-%m-%d %H:%M}" if upcoming else ""))
            return
        due = [o for o in occurrences(spec.schedule, spec.timezone, since, now)
               if not self.outbox.queued(idempotency_key(spec.name, o.key))]
        if not due:
            self.outbox.set_checked_until(spec.name, now)
            return
        latest, missed = due[-1], due[:-1]
        late = None
        if missed or now - latest.due > ON_TIME + timedelta(seconds=2 * self.interval):
            late = Late(latest.wall, spec.timezone.key, len(missed), missed[0].wall if missed else None)
        if self.dispatch is None:
            self.outbox.enqueue(self._render(spec, latest, now, late), now, checked=(spec.name, now))
            return
        # A worker renders and sends it (workers/); only then is the schedule checked on: a crash in between
        # hands it over twice, and the outbox queues and sends it once.
        self.dispatch(spec.name, latest, now, late)
        self.outbox.set_checked_until(spec.name, now)

    def queue(self, spec: SnapshotSpec, occurrence: Occurrence, now: datetime, late: Late | None) -> None:
        """Render an occurrence and queue it in the outbox (ignored when it is queued already)."""
        self.outbox.enqueue(self._render(spec, occurrence, now, late), now)

    def _render(self, spec: SnapshotSpec, occurrence: Occurrence, now: datetime, late: Late | None) -> list[Entry]:
        key = idempotency_key(spec.name, occurrence.key)
        began = time.perf_counter()
        try:
            prepared = prepare(self.engine, self.config, spec, occurrence.key, occurrence.due, now,
                               self.outbox.previous_numbers(spec.name, key), late)
        except Exception as exc:  # noqa: BLE001 - a bug must not stop other snapshots, nor vanish: it is recorded
            error = f"could not render: {type(exc).__name__}: {exc}"
            self.troubled += 1
            self.log(f"{key}: {error}")
            return [Entry(spec.name, occurrence.key, lang, occurrence.due, "failed", self.config.smtp_sender,
                          spec.addresses(lang), message_id(key, lang, self.config.smtp_sender), None, last_error=error)
                    for lang in spec.languages()]
        state = "held" if prepared.held else "queued"
        timing = ", ".join(f"{k} {v:.1f} s" for k, v in prepared.seconds.items() if k != "total")
        self.log(f"{key}: {state} for {len(spec.recipients)} recipient(s) in {time.perf_counter() - began:.1f} s "
                 f"({timing})" + (f"; late: {late_text(late)}" if late else ""))
        self.troubled += bool(prepared.problems)
        for problem in prepared.problems:
            self.log(f"{key}: {problem.english()}")
        return prepared.entries

    def run(self, stop: threading.Event, once: bool = False) -> int:
        """Tick until stopped (SIGTERM/SIGINT set `stop`); the current round always finishes first."""
        failed = False
        while True:
            try:
                result = self.tick()
                failed = failed or bool(result.failed or result.retrying)
            except Exception as exc:  # noqa: BLE001 - a locked or full disk: say so and try again next round
                failed = True
                self.log(f"scheduler round failed: {type(exc).__name__}: {exc}")
                if once:
                    raise
            if once or stop.wait(self.interval):
                break
        return 1 if failed or self.troubled else 0
