"""A sample snapshot email in a real headless Chromium, at phone (375 px) and desktop (1280 px) width.

Saves phone.png and desktop.png (into docs/email/ through scripts/screenshots.sh), and checks what a reader would notice first: nothing
wider than the screen, every chart picture loaded and within the column, the numbers and notices on the page.
"""
from __future__ import annotations

import base64
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import DOCS, ROOT
from tests.snapshots.smtp import SmtpServer, cli, free_port, write_config

EMAIL_SHOTS = DOCS / "email"
BOARD = """
[snapshots.board]
title = {en = "Monthly board pack", zh = "月度董事会简报"}
schedule = "0 7 1 * *"
timezone = "Asia/Shanghai"
recipients = [{email = "ceo@example.com", language = "en"}, {email = "cfo@example.com", language = "zh-CN"}]
metrics = ["data_accuracy", "data_completeness", "automation_rate", "hours_saved", "error_rate",
           "api_calls_per_day", "resolution_hours_median", "satisfaction", "audit_cycle_days",
           "cost_savings_annualized", "milestones_on_time"]
charts = [{metric = "data_accuracy"}, {metric = "error_rate", department = "finance"}]
programme_status = true
"""
# What the page measures once loaded: its width, and each picture's natural and drawn width.
MEASURE = """
const imgs = [...document.images];
return {width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
        text: document.body.innerText,
        images: imgs.map(i => ({complete: i.complete, natural: i.naturalWidth, shown: i.getBoundingClientRect().width,
                                right: i.getBoundingClientRect().right}))};
"""


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, data_dir: Path) -> Iterator[dict[str, Path]]:
    """board.html and board.zh.html, rendered after a send a month earlier so they show what changed."""
    from metrics.semantics import registry

    folder = tmp_path_factory.mktemp("snapshot-sample")
    server = SmtpServer(free_port())
    server.start()
    try:
        config = write_config(folder, data_dir / "demo.sqlite", server.port, BOARD)
        assert cli(config, folder / "data", "snapshot", "send", "board", today="2026-10-27") == 0
        out = folder / "out"
        assert cli(config, folder / "data", "snapshot", "send", "board", "--dry-run", "--out", str(out)) == 0
    finally:
        server.stop()
        registry.reset()
    yield {"en": out / "board.html", "zh": out / "board.zh.html"}


def shoot(driver, page: Path, width: int, mobile: bool, target: Path | None) -> dict:  # noqa: ANN001 - selenium
    """Open a page at a width (as a phone when `mobile`) and save a full-length screenshot."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": mobile})
    driver.get(page.as_uri())
    seen = driver.execute_script(MEASURE)
    if target is not None:
        shot = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": seen["height"], "scale": 1}})
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(base64.b64decode(shot["data"]))
    return seen


@pytest.mark.parametrize("name, width, mobile", [("phone", 375, True), ("desktop", 1280, False)])
def test_sample_email_reads_well(sample: dict[str, Path], dash_br,  # noqa: ANN001 - dash.testing's Browser
                                 name: str, width: int, mobile: bool) -> None:
    seen = shoot(dash_br.driver, sample["en"], width, mobile, EMAIL_SHOTS / f"{name}.png")
    assert seen["width"] <= width, f"the email is {seen['width']} px wide on a {width} px screen"
    assert len(seen["images"]) == 2
    for image in seen["images"]:
        assert image["complete"] and image["natural"] == 1200, "a chart picture did not load"
        assert image["shown"] <= 600 and image["right"] <= width
    text = seen["text"]
    assert "Monthly board pack" in text and "What changed since the last snapshot" in text
    assert "Biggest movers" in text and "Status changes" in text
    assert "Data accuracy" in text and "Programme status" in text and "Open the dashboard" in text


def test_chinese_sample_fits_a_phone(sample: dict[str, Path], dash_br) -> None:  # noqa: ANN001
    seen = shoot(dash_br.driver, sample["zh"], 375, True, EMAIL_SHOTS / "phone-zh.png")
    assert seen["width"] <= 375 and "月度董事会简报" in seen["text"] and "数据准确率" in seen["text"]
