"""The result cache in a real Redis (cache_url): the same answers as the folder, shared between nodes, served from the
local folder while Redis is down, back on Redis after the retry interval, and a clear that leaves others' keys alone."""
from __future__ import annotations

import os
import shutil
import time
from datetime import date
from pathlib import Path

import polars as pl
import pytest
import redis
from polars.testing import assert_frame_equal

import app
from config.settings import load_config
from core.errors import ConfigError, VantageError
from metrics.engine.cache import ResultCache
from metrics.engine.cache_redis import KEY_PREFIX, RETRY_SECONDS
from metrics.engine.periods import Filters
from metrics.semantics import registry
from tests.conftest import ROOT, TODAY
from tests.redis_server import RedisServer, redis_server  # noqa: F401 - the fixture

OCTOBER = Filters(date(2026, 10, 1), date(2026, 11, 1))
SINCE_2025 = Filters(date(2025, 1, 1), date(2026, 11, 1))
METRICS = ("data_accuracy", "automation_rate", "hours_saved", "resolution_hours_median")


def node(tmp_path: Path, warehouse: Path, name: str, cache_url: str = "", ttl: float = 300) -> app.Runtime:
    """A runtime with its own data folder (cache, local copies, stores), as one machine of several, over the demo
    database at `warehouse` as their common source (its data version asked once per `ttl` seconds)."""
    text = (ROOT / "config" / "demo.toml").read_text().replace(
        "sqlite:///{data_dir}/demo.sqlite", f"sqlite:///{warehouse}").replace(
        "cache_ttl_seconds = 300", f"cache_ttl_seconds = {ttl}")
    (tmp_path / "vantage.toml").write_text(text)
    registry.reset()
    config = load_config(str(tmp_path / "vantage.toml"), {"data_dir": str(tmp_path / name), "today": TODAY,
                                                          "cache_url": cache_url}, environ={})
    return app.wire(config)


def vantage_keys(server: RedisServer) -> list[bytes]:
    return list(redis.Redis.from_url(server.url).scan_iter(match=KEY_PREFIX + "*"))


def test_answers_through_redis_equal_those_through_the_folder(tmp_path: Path, data_dir: Path,
                                                               redis_server: RedisServer) -> None:  # noqa: F811
    local = node(tmp_path, data_dir / "demo.sqlite", "local").engine
    shared = node(tmp_path, data_dir / "demo.sqlite", "shared", redis_server.url).engine
    assert not vantage_keys(redis_server)
    for key in METRICS:
        first, expected = shared.headline(key, OCTOBER), local.headline(key, OCTOBER).data
        assert first.data.value is not None and first.data.rows > 0
        # The same numbers to the last digits (a sum of floats may differ in its last bit between two computations).
        assert (first.data.value, first.data.previous, first.data.baseline) == pytest.approx(
            (expected.value, expected.previous, expected.baseline), rel=1e-12)
        assert (first.data.rows, first.data.decision.status) == (expected.rows, expected.decision.status)
        again = shared.headline(key, OCTOBER)  # read back from Redis: the very answer, not computed again
        assert (again.data, again.computed_at) == (first.data, first.computed_at)
        trend = shared.trend(key, SINCE_2025).data
        assert trend.height > 12
        assert_frame_equal(trend, local.trend(key, SINCE_2025).data, rel_tol=1e-12)
    keys = {k.decode() for k in vantage_keys(redis_server)}
    assert {k for k in keys if k.startswith(KEY_PREFIX + "version:demo:")}  # data versions are shared too
    assert len({k for k in keys if k.startswith(KEY_PREFIX + "last:")}) >= 2 * len(METRICS)
    assert shared.cache.health() == (True, f"shared cache {redis_server.url}")


def test_an_answer_one_node_computed_is_a_cache_hit_for_another(tmp_path: Path, data_dir: Path,
                                                                  redis_server: RedisServer) -> None:  # noqa: F811
    a = node(tmp_path, data_dir / "demo.sqlite", "a", redis_server.url).engine
    b = node(tmp_path, data_dir / "demo.sqlite", "b", redis_server.url).engine
    computed = a.headline("data_accuracy", OCTOBER)
    assert (tmp_path / "a" / "mirror" / "demo" / "master_records").is_dir()  # A read the rows
    served = b.headline("data_accuracy", OCTOBER)
    assert served.data == computed.data
    assert served.computed_at == computed.computed_at  # A's answer, not B's own computation
    assert not (tmp_path / "b" / "mirror" / "demo" / "master_records").exists()  # B read no rows at all
    other = b.headline("hours_saved", OCTOBER)  # and the other way round
    assert a.headline("hours_saved", OCTOBER).computed_at == other.computed_at


def test_a_dead_redis_costs_no_answer_and_health_says_so_until_it_is_back(
        tmp_path: Path, data_dir: Path, redis_server: RedisServer) -> None:  # noqa: F811
    engine = node(tmp_path, data_dir / "demo.sqlite", "n", redis_server.url).engine
    before = engine.headline("data_accuracy", OCTOBER)
    redis_server.kill()
    killed_at = time.strftime("%H:%M")
    started = time.monotonic()
    during = engine.headline("automation_rate", OCTOBER)  # a question not asked yet: computed, kept in the folder
    assert during.data.value is not None and not during.stale
    again = engine.headline("automation_rate", OCTOBER)
    assert (again.data, again.computed_at) == (during.data, during.computed_at)  # a hit in the local folder
    assert time.monotonic() - started < 30
    hit = time.monotonic()
    engine.headline("automation_rate", OCTOBER)
    assert time.monotonic() - hit < 1.0  # Redis is left alone meanwhile: no wait on it
    assert engine.headline("data_accuracy", OCTOBER).data == before.data
    ok, detail = engine.cache.health()
    assert not ok
    assert detail in (f"{redis_server.url} unreachable since {when}, serving from the local cache"
                      for when in (killed_at, time.strftime("%H:%M")))

    redis_server.start()  # the same address, empty (no persistence)
    assert engine.cache.health()[0] is False  # not asked again before the retry interval is over
    time.sleep(RETRY_SECONDS + 0.3)
    assert engine.cache.health() == (True, f"shared cache {redis_server.url}")
    engine.headline("hours_saved", OCTOBER)
    assert any(k.startswith(KEY_PREFIX.encode() + b"last:") for k in vantage_keys(redis_server))  # Redis again


def test_the_last_good_answer_is_kept_in_the_folder_for_redis_and_source_down_at_once(
        tmp_path: Path, data_dir: Path, redis_server: RedisServer) -> None:  # noqa: F811
    warehouse = tmp_path / "warehouse.sqlite"
    shutil.copy(data_dir / "demo.sqlite", warehouse)
    engine = node(tmp_path, warehouse, "n", redis_server.url, ttl=0.2).engine
    good = engine.headline("data_accuracy", OCTOBER)
    redis_server.kill()
    warehouse.write_bytes(os.urandom(warehouse.stat().st_size))  # and the warehouse fails too: a damaged file
    time.sleep(0.3)  # its data version is asked again
    served = engine.headline("data_accuracy", OCTOBER)
    assert (served.data, served.computed_at) == (good.data, good.computed_at)  # the last good answer
    assert served.stale_reason.startswith("source unavailable since ")  # marked stale, with the reason


def test_clear_deletes_vantage_keys_and_leaves_others_alone(
        tmp_path: Path, redis_server: RedisServer) -> None:  # noqa: F811
    client = redis.Redis.from_url(redis_server.url)
    client.set("session:42", b"another application's")
    client.set("vantagex", b"not under the prefix")
    cache = ResultCache(tmp_path / "cache", redis_server.url)
    for n in range(1200):  # more than one batch of deletes
        cache.remember(f"span:{n}", lambda n=n: pl.DataFrame({"n": [n]}))
    assert cache.remember("span:7", lambda: None).equals(pl.DataFrame({"n": [7]}))
    assert len(vantage_keys(redis_server)) == 1200
    assert cache.clear() == 1200
    assert not vantage_keys(redis_server)
    assert client.get("session:42") == b"another application's" and client.get("vantagex") == b"not under the prefix"

    redis_server.kill()
    with pytest.raises(VantageError, match=r"shared cache redis://127\.0\.0\.1:\d+/0 cannot be reached"):
        cache.clear()


def test_the_address_hides_its_password_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path / "cache", "redis://:s3cret@127.0.0.1:1/2")  # nothing listens on port 1
    ok, detail = cache.health()
    assert not ok and "s3cret" not in detail and detail.startswith("redis://127.0.0.1:1/2 unreachable since ")
    assert cache.remember("k", lambda: 5) == 5 and cache.remember("k", lambda: 6) == 5  # the folder serves
    with pytest.raises(ConfigError, match="bad value for cache_url.*'http'"):
        load_config(None, {"cache_url": "http://127.0.0.1:6379/0"}, environ={})
