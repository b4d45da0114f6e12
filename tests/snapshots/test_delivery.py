"""Snapshots delivered to a real SMTP server on 127.0.0.1: what arrives, and exactly once through an outage."""
from __future__ import annotations

import csv
import io
import json
import re
import struct
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from config.settings import load_config
from metrics.semantics.format import format_value, rounded
from snapshots import commands
from snapshots.delivery import drain
from snapshots.outbox import Outbox
from tests.conftest import TODAY, run_cli
from tests.snapshots.smtp import SmtpServer, cli, free_port, parts, smtp_server, write_config  # noqa: F401

KPIS = ["data_accuracy", "hours_saved", "resolution_hours_median"]
SNAPSHOT = """
[snapshots.weekly]
title = {en = "Weekly digest", zh = "每周简报"}
schedule = "0 7 * * mon"
timezone = "Asia/Shanghai"
recipients = [{email = "ceo@example.com", language = "en"}, {email = "coo@example.com", language = "en"},
              {email = "cfo@example.com", language = "zh-CN"}]
metrics = ["data_accuracy", "hours_saved", "resolution_hours_median"]
charts = [{metric = "data_accuracy"}, {metric = "error_rate", department = "finance"}]
subject = {en = "{title}: {period}", zh = "{title}：{period}"}
"""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_message_that_arrives(tmp_path: Path, data_dir: Path, smtp_server: SmtpServer) -> None:
    config = write_config(tmp_path, data_dir / "demo.sqlite", smtp_server.port, SNAPSHOT)
    began = time.perf_counter()
    assert cli(config, tmp_path / "data", "snapshot", "send", "weekly") == 0
    seconds = time.perf_counter() - began
    assert seconds < 60, f"a snapshot with two charts in two languages took {seconds:.1f} s"

    assert len(smtp_server.received) == 2, "one message per language"
    by_language = {str(m.message["Content-Language"]): m for m in smtp_server.received}
    en, zh = by_language["en"], by_language["zh-CN"]
    assert sorted(en.rcpt_tos) == ["ceo@example.com", "coo@example.com"] and zh.rcpt_tos == ["cfo@example.com"]
    assert en.mail_from == "vantage@example.com"
    assert en.message["Subject"] == "Weekly digest: Oct 2026" and zh.message["Subject"] == "每周简报：2026年10月"
    assert en.message["Message-ID"] != zh.message["Message-ID"]

    found = parts(en.message)
    # Every inline picture the HTML refers to is attached under its Content-ID, and is a real chart picture.
    cids = re.findall(r'src="cid:([^"]+)"', found["html"])
    assert len(cids) == 2 and set(cids) == set(found["images"])
    for cid in cids:
        assert png_size(found["images"][cid]) == (1200, 720) and len(found["images"][cid]) > 20_000
    assert "<script" not in found["html"] and "<link" not in found["html"] and "stylesheet" not in found["html"]
    assert 'href="https://vantage.example.com/metric/data_accuracy?lang=en"' in found["html"]

    # The CSV holds the numbers `python app.py query KEY --format json` prints for the same period.
    (name, body), = found["attachments"].items()
    assert name == "vantage-weekly-2026-10-01.csv"
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert list(rows) == KPIS
    for key in KPIS:
        out = run_cli("query", key, "--format", "json", data_dir=data_dir)
        assert out.returncode == 0, out.stderr
        (expected,) = json.loads(out.stdout)
        row = rows[key]
        for column in ("value", "previous", "delta", "baseline", "target"):  # as shown, and raw beside
            assert float(row[f"{column}_raw"]) == expected[column], (key, column)
            assert float(row[column]) == rounded(expected[column], _unit(key)), (key, column, row[column])
        for column in ("status", "target_date", "start", "end_exclusive", "data_as_of"):
            assert row[column] == expected[column], (key, column)
        assert int(row["rows"]) == expected["rows"] and row["stale"] == "False" and row["problem"] == ""
        # The text part shows each number as the dashboard formats it, with its link.
        assert f"{rows[key]['title']}: {format_value(expected['value'], _unit(key))}" in found["text"]
    assert "https://vantage.example.com/metric/hours_saved?lang=en" in found["text"]
    assert "This is the first snapshot sent" in found["text"]

    zh_found = parts(zh.message)
    assert "数据准确率" in zh_found["html"] and "lang=zh" in zh_found["html"] and len(zh_found["images"]) == 2

    header, rows_ = commands.history(load_config(str(config), {"data_dir": str(tmp_path / "data")}, environ={}))
    assert [(r[0], r[3], r[4]) for r in rows_] == [("weekly", "sent", 1), ("weekly", "sent", 1)]


def _unit(key: str):  # noqa: ANN202 - metrics.model.Unit
    from metrics.semantics import registry

    return registry.catalogue()[key].unit


def test_smtp_down_then_up_delivers_exactly_once(tmp_path: Path, data_dir: Path) -> None:
    port = free_port()
    config_path = write_config(tmp_path, data_dir / "demo.sqlite", port, """
        [snapshots.daily]
        recipients = [{email = "pmo@example.com", language = "en"}]
        metrics = ["data_accuracy"]
        """)
    # With no server on the port the send fails, and the row waits in the outbox for its next attempt.
    assert cli(config_path, tmp_path / "data", "snapshot", "send", "daily") == 1
    config = load_config(str(config_path), {"data_dir": str(tmp_path / "data"), "today": TODAY}, environ={})
    outbox = Outbox(commands.outbox_path(config))
    (row,) = outbox.rows()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "Connection refused" in row.last_error or "ConnectionRefused" in row.last_error
    next_attempt = datetime.strptime(row.next_attempt_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert next_attempt > datetime.now(timezone.utc)

    # Draining before the back-off has passed does not try again.
    server = SmtpServer(port)
    server.start()
    try:
        assert drain(outbox, config, lambda: datetime.now(timezone.utc)).sent == []
        later = next_attempt + timedelta(seconds=1)
        assert len(drain(outbox, config, lambda: later).sent) == 1
        assert len(server.received) == 1
        again = drain(outbox, config, lambda: later + timedelta(hours=2))
        assert again.sent == [] and len(server.received) == 1
    finally:
        server.stop()
    (row,) = outbox.rows()
    assert (row.status, row.attempts) == ("sent", 2) and row.sent_at
    # The retry sent the bytes rendered the first time: the same Message-ID.
    assert server.received[0].message["Message-ID"] == row.message_id
    outbox.close()


def test_dry_run_writes_files_and_touches_nothing(tmp_path: Path, data_dir: Path) -> None:
    config = write_config(tmp_path, data_dir / "demo.sqlite", free_port(), """
        [snapshots.preview]
        recipients = ["ceo@example.com", {email = "cfo@example.com", language = "zh-CN"}]
        metrics = ["data_accuracy"]
        charts = [{metric = "data_accuracy"}]
        """)
    out = tmp_path / "out"
    assert cli(config, tmp_path / "data", "snapshot", "send", "preview", "--dry-run", "--out", str(out)) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "preview-chart-1.png", "preview.eml", "preview.html",
        "preview.zh-chart-1.png", "preview.zh.eml", "preview.zh.html"]
    html = (out / "preview.html").read_text()
    assert 'src="preview-chart-1.png"' in html and "cid:" not in html
    assert png_size((out / "preview-chart-1.png").read_bytes()) == (1200, 720)
    assert not (tmp_path / "data" / "outbox.sqlite").exists(), "a dry run never touches the outbox"
