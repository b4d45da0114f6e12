"""Snapshots fail closed: a broken or stale source is held or stated plainly, never sent as if all were well;
a chart that cannot be drawn is said in words, never a broken or blank picture."""
from __future__ import annotations

import csv
import io
import shutil
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from config.settings import load_config
from snapshots import commands
from snapshots.charts import png_problem
from tests.conftest import TODAY
from tests.snapshots.smtp import SmtpServer, cli, parts, smtp_server, write_config  # noqa: F401

SNAPSHOTS = """
[snapshots.good]
recipients = ["pmo@example.com"]
metrics = ["data_accuracy"]

[snapshots.held]
recipients = ["ceo@example.com"]
metrics = ["data_accuracy", "satisfaction"]
on_failure = "hold"

[snapshots.marked]
recipients = ["ceo@example.com"]
metrics = ["data_accuracy", "satisfaction"]
on_failure = "send_marked"
"""


def breakable(tmp_path: Path, data_dir: Path, port: int) -> tuple[Path, Path]:
    """A config over a private copy of the demo database (so the test may break it), asked afresh each time."""
    (tmp_path / "source").mkdir()
    db = tmp_path / "source" / "demo.sqlite"
    shutil.copy(data_dir / "demo.sqlite", db)
    config = write_config(tmp_path, db, port, SNAPSHOTS)
    config.write_text(config.read_text().replace("cache_ttl_seconds = 300", "cache_ttl_seconds = 0.01"))
    return config, db


def history(config: Path, data: Path) -> list[list]:
    return commands.history(load_config(str(config), {"data_dir": str(data), "today": TODAY}, environ={}))[1]


def test_hold_sends_nothing_and_history_says_why(tmp_path: Path, data_dir: Path, smtp_server: SmtpServer) -> None:
    config, db = breakable(tmp_path, data_dir, smtp_server.port)
    db.rename(db.with_suffix(".moved"))
    assert cli(config, tmp_path / "data", "snapshot", "send", "held") == 1
    assert smtp_server.received == []
    (row,) = history(config, tmp_path / "data")
    assert row[0] == "held" and row[3] == "held" and row[4] == 0
    assert row[8].startswith("held: 2 part(s) failed") and "demo.sqlite does not exist" in row[8]


def test_send_marked_states_the_failure(tmp_path: Path, data_dir: Path, smtp_server: SmtpServer) -> None:
    config, db = breakable(tmp_path, data_dir, smtp_server.port)
    assert cli(config, tmp_path / "data", "snapshot", "send", "good") == 0  # data_accuracy now has a last good value
    db.rename(db.with_suffix(".moved"))
    time.sleep(0.05)  # past the source's cache TTL: the next question goes to the (missing) source
    assert cli(config, tmp_path / "data", "snapshot", "send", "marked") == 1, "a marked send is not a success"

    good, marked = smtp_server.received
    message = marked.message
    assert message["Subject"].startswith("[Incomplete] ") and not good.message["Subject"].startswith("[Incomplete]")
    found = parts(message)
    text, html = found["text"], found["html"]
    # Stated at the top, before any number ...
    assert text.index("!! This snapshot is incomplete") < text.index("Data accuracy: ")
    assert html.index("This snapshot is incomplete") < html.index("Data accuracy</a>")
    assert "2 part(s) of this snapshot could not be computed or are out of date" in text
    # ... and on the affected rows: the last good value marked not current; the other one missing, never a zero.
    accuracy = text[text.index("- Data accuracy: "):text.index("- User satisfaction")]
    assert "!! Not current: the source failed; this is the last good value, computed " in accuracy
    satisfaction = text[text.index("- User satisfaction"):]
    assert satisfaction.startswith("- User satisfaction: —") and "!! Could not be computed:" in satisfaction
    rows = {r["metric"]: r for r in csv.DictReader(io.StringIO(found["attachments"].popitem()[1].lstrip("\ufeff")))}
    assert rows["data_accuracy"]["stale"] == "True" and rows["data_accuracy"]["problem"]
    assert rows["satisfaction"]["value"] == "" and "does not exist" in rows["satisfaction"]["problem"]
    newest = history(config, tmp_path / "data")[0]
    assert newest[0] == "marked" and newest[3] == "sent" and newest[8].startswith("marked: ")


def test_a_chart_that_cannot_be_drawn_is_said_in_words(tmp_path: Path, data_dir: Path, smtp_server: SmtpServer,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path, data_dir / "demo.sqlite", smtp_server.port, """
        [snapshots.charted]
        recipients = ["ceo@example.com"]
        metrics = ["data_accuracy"]
        charts = [{metric = "data_accuracy"}]
        """)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-browser-here"))
    assert cli(config, tmp_path / "data", "snapshot", "send", "charted") == 0  # the numbers are all fine
    found = parts(smtp_server.received[0].message)
    assert found["images"] == {} and "cid:" not in found["html"]
    assert "This chart could not be drawn (the chart renderer failed" in found["text"]
    assert "This chart could not be drawn" in found["html"]


def _png(size: tuple[int, int], draw: bool, compress: int = 6) -> bytes:
    image = Image.new("RGB", size, "white")
    if draw:
        pen = ImageDraw.Draw(image)
        for x in range(0, size[0], 40):
            pen.line([(x, 0), (size[0] - x, size[1])], fill="#0072B2", width=4)
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=compress)
    return out.getvalue()


@pytest.mark.parametrize("data, problem", [
    (_png((1200, 720), draw=True), ""),
    (_png((1200, 720), draw=False), "blank"),
    (_png((1200, 720), draw=False, compress=0), "the picture is blank"),
    (_png((600, 360), draw=True), "is 600x360 pixels, not 1200x720"),
    (_png((1200, 720), draw=True)[:6000], "does not decode"),
    (b"<html>error</html>" * 500, "not a PNG"),
])
def test_png_check(data: bytes, problem: str) -> None:
    found = png_problem(data, 1200, 720)
    assert (problem in found) if problem else found == ""
