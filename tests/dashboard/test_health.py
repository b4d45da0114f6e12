"""/healthz and /readyz for load balancers, against a real server with the login on: answered without a session,
polled often without a refusal; a damaged source or state store makes the node not ready (503, the check named) while
it stays alive; Redis down leaves it ready, serving from its local cache, with a warning."""
from __future__ import annotations

import os
import time
from pathlib import Path

import requests

from dashboard import health
from tests.dashboard.secured import secured_app, serve, sign_in
from tests.redis_server import RedisServer, redis_server  # noqa: F401 - the fixture

# A second source beside the demo: a folder of CSV files, as a plant's exports.
PLANT = """
[sources.plant]
kind = "files"
path = "{data_dir}/plant"
cache_ttl_seconds = 0.2

[sources.plant.tables.scrap]
freshness_column = "day"
"""


def plant_folder(work: Path) -> None:
    (work / "plant").mkdir()
    (work / "plant" / "scrap.csv").write_text("day,line,kg\n2026-11-02,A,3.5\n2026-11-03,B,1.25\n")


def readiness(base: str) -> tuple[int, dict]:
    answer = requests.get(base + "/readyz", timeout=10)
    assert answer.headers["Content-Type"] == "application/json" and answer.headers["Cache-Control"] == "no-store"
    return answer.status_code, answer.json()


def test_both_answer_without_a_login_and_every_check_passes(tmp_path: Path, data_dir: Path) -> None:
    plant_folder(tmp_path)
    dash_app, rt = secured_app(tmp_path, data_dir, extra=PLANT)
    assert rt.config.login_required
    with serve(dash_app.server) as base:
        page = requests.get(base + "/", allow_redirects=False, timeout=10)
        assert page.status_code == 302 and page.headers["Location"].startswith("/login")  # the login is on
        alive = requests.get(base + "/healthz", allow_redirects=False, timeout=10)
        assert (alive.status_code, alive.text) == (200, "ok")
        assert alive.headers["Content-Type"] == "text/plain; charset=utf-8"
        status, body = readiness(base)
        assert status == 200, body
        assert body["ready"] is True and body["failing"] == []
        checks = body["checks"]
        assert checks["state"] == {"status": "ok", "detail": "audit.sqlite, baselines.sqlite, sessions.sqlite, "
                                                            "tokens.sqlite, users.sqlite readable"}
        assert checks["cache"] == {"status": "ok", "detail": "local cache folder (no cache_url)"}
        assert checks["broker"] == {"status": "ok", "detail": "not configured"}
        assert checks["sources"] == {"demo": {"status": "ok", "detail": "table access_reviews answers"},
                                     "plant": {"status": "ok", "detail": "table scrap answers"}}
        # Exactly these two paths: a neighbour of them still needs a login.
        for path in ("/healthz/", "/readyz/x", "/healthzz", "/_healthz"):
            refused = requests.get(base + path, allow_redirects=False, timeout=10)
            assert refused.status_code in (302, 401), path
        # A load balancer polls every second or faster, from one address: never refused for it.
        codes = {requests.get(base + "/healthz", timeout=10).status_code for _ in range(120)}
        codes |= {readiness(base)[0] for _ in range(30)}
        assert codes == {200}
        # A signed-in person gets the same answers.
        client = dash_app.server.test_client()
        assert sign_in(client, "erin").status_code == 302
        assert client.get("/healthz").get_data(as_text=True) == "ok" and client.get("/readyz").json["ready"] is True


def test_a_damaged_source_makes_the_node_not_ready_and_leaves_it_alive(tmp_path: Path, data_dir: Path) -> None:
    plant_folder(tmp_path)
    dash_app, _ = secured_app(tmp_path, data_dir, ttl_seconds=0.2, extra=PLANT)
    with serve(dash_app.server) as base:
        assert readiness(base)[0] == 200
        database = tmp_path / "demo.sqlite"
        database.write_bytes(os.urandom(database.stat().st_size))  # a nightly copy gone wrong
        time.sleep(0.3)  # past the version's TTL: the source is asked again
        status, body = readiness(base)
        assert status == 503 and body["ready"] is False and body["failing"] == ["sources.demo"]
        demo = body["checks"]["sources"]["demo"]
        assert demo["status"] == "failing" and demo["detail"].startswith("table access_reviews: source unavailable")
        assert body["checks"]["sources"]["plant"]["status"] == "ok"  # the other source is not blamed
        started = time.monotonic()
        assert readiness(base)[0] == 503  # asked again at once: the breaker answers for the failing source
        assert time.monotonic() - started < 1.0
        assert requests.get(base + "/healthz", timeout=10).status_code == 200  # alive all the same

        (tmp_path / "plant" / "scrap.csv").unlink()  # the second source fails too
        time.sleep(0.3)
        status, body = readiness(base)
        assert status == 503 and body["failing"] == ["sources.demo", "sources.plant"]


def test_a_damaged_state_store_makes_the_node_not_ready(tmp_path: Path, data_dir: Path) -> None:
    dash_app, _ = secured_app(tmp_path, data_dir)
    with serve(dash_app.server) as base:
        assert readiness(base)[0] == 200
        for name in ("tokens.sqlite", "tokens.sqlite-wal", "tokens.sqlite-shm"):  # gone from the data folder
            (tmp_path / name).unlink(missing_ok=True)
        status, body = readiness(base)
        assert status == 503 and body["failing"] == ["state"]
        assert body["checks"]["state"]["status"] == "failing"
        assert body["checks"]["state"]["detail"].startswith("tokens.sqlite: ")
        assert requests.get(base + "/healthz", timeout=10).text == "ok"


def test_redis_down_leaves_the_node_ready_on_its_local_cache_with_a_warning(
        tmp_path: Path, data_dir: Path, redis_server: RedisServer) -> None:  # noqa: F811
    dash_app, _ = secured_app(tmp_path, data_dir, cache_url=redis_server.url)
    with serve(dash_app.server) as base:
        status, body = readiness(base)
        assert status == 200
        assert body["checks"]["cache"] == {"status": "ok", "detail": f"shared cache {redis_server.url}"}
        redis_server.kill()
        status, body = readiness(base)
        # Ready: the node still serves every number, from its local folder; the warning says so.
        assert status == 200 and body["ready"] is True and body["failing"] == []
        cache = body["checks"]["cache"]
        assert cache["status"] == "warning"
        assert cache["detail"].startswith(f"{redis_server.url} unreachable since ")
        assert cache["detail"].endswith(", serving from the local cache")


def test_the_broker_check_says_whether_a_worker_is_alive(
        tmp_path: Path, data_dir: Path, redis_server: RedisServer) -> None:  # noqa: F811
    """With broker_url, /readyz asks its Redis for the workers' beat: none is a warning (this node computes answers
    itself, as without a broker), a beat is ok, Redis gone is a warning too; the node stays ready throughout."""
    from workers.board import ALIVE, Board

    assert ALIVE == health.WORKERS_ALIVE
    dash_app, _ = secured_app(tmp_path, data_dir, broker_url=redis_server.url)
    with serve(dash_app.server) as base:
        status, body = readiness(base)
        assert status == 200 and body["checks"]["broker"]["status"] == "warning"
        assert "no worker beat lately" in body["checks"]["broker"]["detail"]
        Board(redis_server.url).beat("worker-1")
        status, body = readiness(base)
        assert status == 200 and body["checks"]["broker"] == {"status": "ok",
                                                               "detail": f"{redis_server.url}, a worker alive"}
        redis_server.kill()
        status, body = readiness(base)
        assert status == 200 and body["ready"] is True and body["checks"]["broker"]["status"] == "warning"
        assert "unreachable" in body["checks"]["broker"]["detail"]
