"""The circuit breaker per source: a failing source is left alone for its retry interval (5 s doubling to 5 min),
one request tries it again when that has passed, and the engine serves the last good answer at once meanwhile."""
from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import pytest

from config.settings import load_config
from core.errors import SourceError, SourceUnavailable
from metrics.engine.breaker import SourceBreaker, since_of
from metrics.engine.periods import Filters
from tests.conftest import ROOT, TODAY

OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


class Source:
    """A source that fails (as a whole, or one table) until told otherwise, counting what it was asked."""

    def __init__(self) -> None:
        self.asked = 0
        self.failure: SourceError | None = SourceUnavailable("cannot read the source: database is locked",
                                                              "source demo, table runs", "end what holds the lock")

    def version(self) -> str:
        self.asked += 1
        if self.failure is not None:
            raise self.failure
        return "v1"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def breaker(clock: Clock) -> SourceBreaker:
    return SourceBreaker(now=lambda: datetime(2026, 11, 27, 10, 42, 7), clock=clock)


def test_a_failing_source_is_left_alone_until_its_retry_time_and_says_since_when(breaker: SourceBreaker,
                                                                                  clock: Clock) -> None:
    source = Source()
    with pytest.raises(SourceError) as first:
        breaker.ask("demo", "runs", source.version)
    assert first.value.message.startswith("source unavailable since 10:42: cannot read the source: database is lock")
    assert since_of(first.value.message) == "10:42" and "end what holds the lock" in first.value.message
    for _ in range(50):  # nobody waits on the source again until its interval has passed
        with pytest.raises(SourceError, match="source unavailable since 10:42"):
            breaker.ask("demo", "other_table", source.version)  # the source as a whole is open
    assert source.asked == 1
    clock.seconds += 4.9
    with pytest.raises(SourceError):
        breaker.ask("demo", "runs", source.version)
    assert source.asked == 1
    clock.seconds += 0.2  # past FIRST_WAIT: one try, which fails again
    with pytest.raises(SourceError):
        breaker.ask("demo", "runs", source.version)
    assert source.asked == 2 and breaker.outage("demo").failures == 2
    source.failure = None
    clock.seconds += 9.9  # the second interval is twice as long
    with pytest.raises(SourceError):
        breaker.ask("demo", "runs", source.version)
    clock.seconds += 0.2
    assert breaker.ask("demo", "runs", source.version) == "v1"  # back: closed, asked every time again
    assert breaker.outage("demo") is None and breaker.ask("demo", "runs", source.version) == "v1"
    assert source.asked == 4


def test_the_back_off_doubles_up_to_five_minutes(breaker: SourceBreaker) -> None:
    assert [breaker.wait(n) for n in range(1, 10)] == [5, 10, 20, 40, 80, 160, 300, 300, 300]


def test_a_missing_table_leaves_only_that_table_alone(breaker: SourceBreaker) -> None:
    source = Source()
    source.failure = SourceError("table 'runs' does not exist", "source demo, table runs", "create it")
    with pytest.raises(SourceError, match="source unavailable since 10:42: table 'runs' does not exist"):
        breaker.ask("demo", "runs", source.version)
    with pytest.raises(SourceError):
        breaker.ask("demo", "runs", source.version)
    source.failure = None
    assert breaker.ask("demo", "costs", source.version) == "v1"  # the other tables are asked as ever
    assert source.asked == 2 and breaker.outage("demo") is None and breaker.outage("demo", "runs") is not None


def test_when_the_interval_has_passed_one_request_tries_and_the_others_fail_fast(breaker: SourceBreaker,
                                                                                 clock: Clock) -> None:
    source = Source()
    with pytest.raises(SourceError):
        breaker.ask("demo", "runs", source.version)
    clock.seconds += 6
    trying, release = threading.Event(), threading.Event()

    def slow() -> str:  # the one request that tries: the source answers slowly
        trying.set()
        release.wait(5)
        return "v2"

    outcome: list[str] = []
    thread = threading.Thread(target=lambda: outcome.append(breaker.ask("demo", "runs", slow)))
    thread.start()
    assert trying.wait(5)
    started = time.perf_counter()
    with pytest.raises(SourceError, match="source unavailable since"):
        breaker.ask("demo", "runs", source.version)
    assert time.perf_counter() - started < 0.05 and source.asked == 1  # did not wait, did not ask
    release.set()
    thread.join(5)
    assert outcome == ["v2"] and breaker.outage("demo") is None


def test_an_outage_from_another_day_gives_the_date(clock: Clock) -> None:
    days = iter([datetime(2026, 11, 26, 23, 58), datetime(2026, 11, 27, 0, 3)])
    breaker = SourceBreaker(now=lambda: next(days), clock=clock)
    with pytest.raises(SourceError) as raised:
        breaker.ask("demo", "runs", Source().version)
    assert since_of(raised.value.message) == "2026-11-26 23:58"
    assert since_of("cannot read the source") is None


@pytest.fixture
def locked_runtime(tmp_path: Path, data_dir: Path) -> Iterator[tuple[object, Path]]:
    """The demo over a copy of its database, asked for changes every 0.2 s (so a lock is met at once)."""
    import app
    from metrics.semantics import registry

    shutil.copy(data_dir / "demo.sqlite", tmp_path / "demo.sqlite")
    text = (ROOT / "config" / "demo.toml").read_text().replace("cache_ttl_seconds = 300", "cache_ttl_seconds = 0.2")
    (tmp_path / "vantage.toml").write_text(text)
    registry.reset()
    config = load_config(str(tmp_path / "vantage.toml"), {"data_dir": str(tmp_path), "today": TODAY}, environ={})
    yield app.wire(config), tmp_path


def test_the_engine_serves_the_last_good_answer_at_once_while_the_source_is_locked(locked_runtime) -> None:  # noqa: ANN001
    rt, folder = locked_runtime
    engine = rt.engine
    good = engine.headline("data_accuracy", OCTOBER)
    assert not good.stale_reason
    asked = {"n": 0}
    connector = engine.connectors["demo"]
    original = connector.data_version

    def counted(table: str):  # noqa: ANN202
        asked["n"] += 1
        return original(table)

    connector.data_version = counted  # type: ignore[method-assign]
    writer = sqlite3.connect(folder / "demo.sqlite", isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # a writer holds the file: no reader gets in
    try:
        time.sleep(0.3)  # past the version's TTL: the engine asks the source again
        started = time.perf_counter()
        first = engine.headline("data_accuracy", OCTOBER)
        first_seconds = time.perf_counter() - started
        times = []
        for _ in range(20):
            time.sleep(0.05)
            started = time.perf_counter()
            again = engine.headline("data_accuracy", OCTOBER)
            times.append(time.perf_counter() - started)
            assert again.data.value == good.data.value and again.stale_reason.startswith("source unavailable since ")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert first.data.value == good.data.value and "database is locked" in first.stale_reason
    assert first_seconds < 1.0  # one short wait on the lock (not the driver's 5 s), then remembered
    assert max(times) < 0.1 and asked["n"] == 1  # nobody asked the locked source again within its interval
    engine.breaker.clock = lambda: time.monotonic() + 10  # the interval has passed: the source is asked, and is back
    time.sleep(0.3)
    assert not engine.headline("data_accuracy", OCTOBER).stale_reason and asked["n"] == 2
