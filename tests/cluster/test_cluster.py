"""Vantage on several machines, every service real (conftest.py): a login on node A is a login on node B and a
logout on B ends it on A; an answer computed on A is a cache hit on B; two schedulers send a snapshot once; and
killing node A, the worker or Redis loses no audit row and no email while node B answers every view."""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import requests

from access.audit import AuditTrail, verify
from core import state
from tests.cluster.conftest import Cluster, Node, killpg, login, logout, wait_for
from tests.dashboard.secured import overview_call, props_of, summary_call

OCTOBER = {"period": "custom", "start": "2026-10-01", "end": "2026-10-31"}
TILES = overview_call(OCTOBER)
COOKIE = "vantage_session"


def tile_values(body: str) -> dict[str, str]:
    """Each tile's number as shown (its text with the unit), by the KPI its link opens."""
    found: dict[str, str] = {}

    def text(node: Any) -> str:
        if isinstance(node, dict):
            return text(node.get("props", {}).get("children"))
        if isinstance(node, list):
            return "".join(text(n) for n in node)
        return "" if node is None else str(node)

    def walk(node: Any, key: str) -> None:
        if isinstance(node, dict):
            props: dict[str, Any] = node["props"] if isinstance(node.get("props"), dict) else {}
            href = str(props.get("href") or "")
            key = href.split("?")[0].removeprefix("/metric/") if href.startswith("/metric/") else key
            if props.get("className") == "kpi-value" and key:
                found.setdefault(key, text(props.get("children")))
            for value in node.values():
                walk(value, key)
        elif isinstance(node, list):
            for value in node:
                walk(value, key)

    walk(json.loads(body), "")
    return found


def stale_marks(body: str) -> list[str]:
    """The tooltips of the stale marks in an answer (why each number is not fresh)."""
    return [str(props.get("title")) for props in props_of(body, "stale-badge")]


def tiles(session: requests.Session, node: Node) -> tuple[requests.Response, dict[str, str]]:
    answer = session.post(node.base + "/_dash-update-component", json=TILES, timeout=60)
    assert answer.status_code == 200, f"node {node.name}: {answer.status_code} {answer.text[:300]}"
    return answer, tile_values(answer.text)


def october_calls_per_day(source: Path) -> str:
    """The API calls per day of October by independent SQL over the source, as a tile shows it."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
        total = conn.execute("SELECT SUM(calls) FROM api_calls WHERE day >= '2026-10-01' AND day < '2026-11-01'"
                             ).fetchone()[0]
    return f"{round(total / 31):,} /day"


def settled(cluster: Cluster, session: requests.Session, node: Node) -> dict[str, str]:
    """The overview's numbers on a node once the worker has refreshed every table version behind the views
    every_view_answers asks (a node's second question of a version no worker refreshed yet queues that refresh and
    is marked "being refreshed": see test_an_answer_computed_on_node_a_is_warm_on_node_b)."""
    for _ in range(2):
        tiles(session, node)
        session.post(node.base + "/_dash-update-component", json=summary_call("api_calls_per_day", OCTOBER), timeout=60)
    cluster.quiet()
    answer, shown = tiles(session, node)
    assert stale_marks(answer.text) == []
    return shown


def every_view_answers(session: requests.Session, node: Node, expected: dict[str, str]) -> None:
    """The overview's tiles and a metric page's numbers on a node: HTTP 200, the expected numbers, none stale."""
    answer, shown = tiles(session, node)
    assert shown == expected and stale_marks(answer.text) == []
    page = session.get(node.base + "/metric/api_calls_per_day", timeout=30)
    assert page.status_code == 200
    summary = session.post(node.base + "/_dash-update-component", json=summary_call("api_calls_per_day", OCTOBER),
                           timeout=60)
    assert summary.status_code == 200, summary.text[:300]
    assert expected["api_calls_per_day"].split(" ")[0] in summary.text and stale_marks(summary.text) == []


def chain_intact(cluster: Cluster) -> str:
    folder = cluster.root / "auditor"  # another machine's view of the shared audit trail
    state.attach(folder, cluster.state_url)
    try:
        return str(verify(folder / AuditTrail.FILE))
    finally:
        state.bind(folder, "")


def test_a_login_on_node_a_is_a_login_on_node_b_and_a_logout_on_b_ends_it_on_a(cluster: Cluster) -> None:
    a, b = cluster.node("a"), cluster.node("b")
    on_a = login(a.base, "ana")
    cookie = on_a.cookies.get(COOKIE)
    assert cookie
    on_b = requests.Session()  # the browser sent to node B by the load balancer, with the cookie node A set
    on_b.cookies.set(COOKIE, cookie)
    page = on_b.get(b.base + "/", allow_redirects=False, timeout=30)
    assert page.status_code == 200 and "_dash-config" in page.text
    logout(b.base, on_b)
    again = on_a.get(a.base + "/", allow_redirects=False, timeout=30)
    assert again.status_code == 302 and again.headers["Location"].startswith("/login?next=")
    assert on_a.post(a.base + "/_dash-update-component", json=TILES, timeout=30).status_code == 401
    assert cluster.sql('SELECT count(*) FROM sessions WHERE "user" = %s', "ana") == [(0,)]
    actions = [r[0] for r in cluster.sql('SELECT action FROM audit WHERE "user" = %s ORDER BY id', "ana")]
    assert actions[-2:] == ["login", "logout"]


def test_an_answer_computed_on_node_a_is_warm_on_node_b(cluster: Cluster) -> None:
    """B answers A's overview from the shared cache: A's numbers, and nothing computed on B (a node that computed an
    answer would store it, in its own folder without the shared cache, in Redis with it)."""
    a, b = cluster.node("a"), cluster.node("b")
    on_a, on_b = login(a.base, "ana"), login(b.base, "ana")
    answer_a, shown_a = tiles(on_a, a)
    assert stale_marks(answer_a.text) == [] and len(shown_a) >= 20
    assert shown_a["api_calls_per_day"] == october_calls_per_day(cluster.source)
    local = cluster.local_answers(b)
    began = time.perf_counter()
    first, shown_b = tiles(on_b, b)
    took = time.perf_counter() - began
    assert shown_b == shown_a and cluster.local_answers(b) == local
    cluster.quiet()  # the worker has done what B's questions queued: nobody else writes to the cache now
    shared = cluster.cached_answers()
    again, shown_again = tiles(on_b, b)
    assert shown_again == shown_a and stale_marks(again.text) == []
    assert (cluster.cached_answers(), cluster.local_answers(b)) == (shared, local)
    print(f"\nthe overview's {len(shown_b)} tiles: computed on A, answered by B from the shared cache in {took:.2f} s")
    # No newer data arrived since A computed these numbers: B's first answer is not marked as being refreshed.
    assert stale_marks(first.text) == [], f"{len(stale_marks(first.text))} tiles marked: {stale_marks(first.text)[0]}"


def test_a_snapshot_is_sent_exactly_once_with_two_schedulers_running(cluster: Cluster) -> None:
    cluster.ensure_worker()
    key = "daily@2026-11-30T09:00 Asia/Shanghai"
    schedulers = [cluster.scheduler("daily", "2026-11-30T08:59:57+08:00", n) for n in (1, 2)]
    try:
        wait_for(lambda: cluster.outbox("daily") == [(key, "sent", 1)], "the daily snapshot to be sent")
        time.sleep(1.5)  # both schedulers go on checking, the worker on listening: nothing more may come
    finally:
        for process in schedulers:
            killpg(process, 15)
    sent = cluster.received("daily")
    assert len(sent) == 1 and sent[0].message["X-Vantage-Snapshot"] == key and sent[0].rcpt_tos == ["pmo@example.com"]
    assert cluster.outbox("daily") == [(key, "sent", 1)]
    logs = [p.read_text() for p in cluster.root.glob("worker*.log")]
    assert sum(log.count(f"{key}: rendering") for log in logs) == 1


def test_killing_node_a_mid_traffic_loses_no_audit_row_and_node_b_answers(cluster: Cluster) -> None:
    a, b = cluster.node("a"), cluster.node("b")
    on_a, on_b = login(a.base, "ben"), login(b.base, "cai")
    expected = settled(cluster, on_b, b)
    _, shown_a = tiles(on_a, a)
    assert shown_a == expected
    per_answer = cluster.audit_rows("ben")  # the view rows of one overview: one per tile's KPI
    assert per_answer == len(expected)
    answered: list[int] = []
    failed: list[str] = []

    def viewer() -> None:
        session = requests.Session()
        session.cookies.update(on_a.cookies)
        while True:
            try:
                answer = session.post(a.base + "/_dash-update-component", json=TILES, timeout=30)
            except requests.RequestException as exc:
                failed.append(type(exc).__name__)
                return
            assert answer.status_code == 200, answer.text[:300]
            answered.append(1)

    viewers = [threading.Thread(target=viewer) for _ in range(3)]
    for thread in viewers:
        thread.start()
    wait_for(lambda: len(answered) >= 6, "six answers from node A")
    cluster.kill_node("a")
    for thread in viewers:
        thread.join(30)
    assert len(failed) == len(viewers) and not any(thread.is_alive() for thread in viewers)
    rows = cluster.audit_rows("ben")
    # Every answer a viewer got had its rows written before it left; an answer cut off may have had them written.
    assert (1 + len(answered)) * per_answer <= rows <= (1 + len(answered) + len(viewers)) * per_answer
    assert rows % per_answer == 0  # a request's rows are written together or not at all
    every_view_answers(on_b, b, expected)
    assert chain_intact(cluster).startswith("audit trail intact")
    print(f"\nnode A killed after {len(answered)} answers: {rows} view rows kept ({per_answer} per answer)")


def test_a_snapshot_due_while_the_worker_is_killed_is_sent_once_by_the_next_and_node_b_answers(
        cluster: Cluster) -> None:
    """The worker killed (kill -9): the schedulers hand the due snapshot to the broker all the same, where it waits;
    the next worker to start sends it, once. Node B meanwhile answers every view itself."""
    cluster.ensure_worker()
    b = cluster.node("b")
    on_b = login(b.base, "cai")
    expected = settled(cluster, on_b, b)
    key = "evening@2026-11-30T18:00 Asia/Shanghai"
    cluster.kill_worker()
    schedulers = [cluster.scheduler("evening", "2026-11-30T17:59:58+08:00", n) for n in (1, 2)]
    try:
        wait_for(lambda: cluster.checked_until("evening") >= "2026-11-30T10:00", "the snapshot to be handed over")
        time.sleep(1)
        assert cluster.received("evening") == [] and cluster.outbox("evening") == []  # nobody renders it but a worker
        every_view_answers(on_b, b, expected)
        cluster.start_worker()
        wait_for(lambda: cluster.outbox("evening") == [(key, "sent", 1)], "the next worker to send it")
        time.sleep(1.5)  # the schedulers go on checking: nothing more may come
    finally:
        for process in schedulers:
            killpg(process, 15)
    sent = cluster.received("evening")
    assert len(sent) == 1 and sent[0].message["X-Vantage-Snapshot"] == key and sent[0].rcpt_tos == ["cio@example.com"]
    assert cluster.outbox("evening") == [(key, "sent", 1)]
    assert f"{key}: rendering" in cluster.worker_log().read_text()


def test_killing_redis_node_b_serves_from_its_local_cache_and_readyz_says_so(cluster: Cluster) -> None:
    b = cluster.node("b")
    on_b = login(b.base, "cai")
    expected = settled(cluster, on_b, b)
    assert expected["api_calls_per_day"] == october_calls_per_day(cluster.source)
    before, local = cluster.audit_rows("cai"), cluster.local_answers(b)
    cluster.redis.kill()
    try:
        every_view_answers(on_b, b, expected)  # the node computes, with its local copies, into its local cache
        assert cluster.local_answers(b) > local
        status, body = cluster.readiness("b")
        assert status == 200 and body["ready"] is True and body["failing"] == []
        assert body["checks"]["state"]["status"] == "ok" and "shared state" in body["checks"]["state"]["detail"]
        assert body["checks"]["cache"]["status"] == "warning" and "unreachable" in body["checks"]["cache"]["detail"]
        assert body["checks"]["broker"]["status"] == "warning"
        assert "unreachable" in body["checks"]["broker"]["detail"]
        began = time.perf_counter()
        again, shown = tiles(on_b, b)  # and now from its local cache
        took = time.perf_counter() - began
        assert shown == expected and stale_marks(again.text) == []
        assert login(b.base, "ana").get(b.base + "/", allow_redirects=False, timeout=30).status_code == 200
        assert cluster.audit_rows("cai") == before + 2 * len(expected) + 1  # two overviews and a metric page
        print(f"\nRedis dead: node B answered the overview from its local cache in {took:.2f} s")
    finally:
        cluster.ensure_redis()
    assert chain_intact(cluster).startswith("audit trail intact")
