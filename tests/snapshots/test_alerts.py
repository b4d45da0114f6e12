"""Alert rules: a status that becomes off track and a value that crosses a threshold send exactly one email each
through a real SMTP server (aiosmtpd), however often they are judged; an SMTP outage is retried into exactly one;
`alerts test` says what a rule would do; a rule's config errors name the file and key."""
from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from config.alerts import alert_spec
from config.settings import parse_config
from core.errors import ConfigError
from metrics.engine.periods import Filters, add_months
from metrics.semantics import registry
from tests.snapshots.smtp import SmtpServer, cli, free_port, parts, wired, write_config

MONTHS = [date(2026, m, 1) for m in range(2, 11)]  # the demo's months with a previous month to compare with


def rule(name: str, body: str) -> str:
    return f"[alerts.{name}]\n" + textwrap.dedent(body)


def first_turn_off_track(config: Path, data: Path) -> tuple[str, date]:
    """A listed KPI and a month in which it became off track (the month before it was not), from the engine."""
    runtime = wired(config, data)
    try:
        for key, metric in runtime.catalogue.items():
            if not metric.listed:
                continue
            for month in MONTHS:
                now = runtime.engine.headline(key, Filters(month, add_months(month, 1))).data.status.value
                then = runtime.engine.headline(key, Filters(add_months(month, -1), month)).data.status.value
                if now == "off_track" and then != "off_track":
                    return key, month
    finally:
        registry.reset()
    raise AssertionError("no KPI of the demo becomes off track in 2026")


def test_becoming_off_track_sends_one_email_however_often_judged(tmp_path: Path, data_dir: Path) -> None:
    server = SmtpServer(free_port())
    server.start()
    try:
        probe = write_config(tmp_path, data_dir / "demo.sqlite", server.port, "")
        key, month = first_turn_off_track(probe, tmp_path / "data")
        config = write_config(tmp_path, data_dir / "demo.sqlite", server.port, rule("slipped", f"""
            metric = "{key}"
            when = "off_track"
            recipients = ["owner@example.com", {{email = "cfo@example.com", language = "zh-CN"}}]
            """))
        today = add_months(month, 1).replace(day=15).isoformat()  # the month judged is the last complete one
        for _ in range(3):
            assert cli(config, tmp_path / "data", "alerts", "send", today=today) == 0
        assert cli(config, tmp_path / "data", "scheduler", "--once", today=today) == 0
    finally:
        server.stop()
    assert sorted(r.rcpt_tos[0] for r in server.received) == ["cfo@example.com", "owner@example.com"]
    english = next(r for r in server.received if r.rcpt_tos == ["owner@example.com"]).message
    text = parts(english)["text"]
    assert "became off track in" in text and f"{month:%b %Y}" in text
    assert f"/metric/{key}" in text and english["X-Vantage-Alert"] == f"alert:slipped@{month:%Y-%m} off_track"


def test_a_status_that_stays_off_track_does_not_fire_again(tmp_path: Path, data_dir: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    probe = write_config(tmp_path, data_dir / "demo.sqlite", free_port(), "")
    key, month = first_turn_off_track(probe, tmp_path / "data")
    config = write_config(tmp_path, data_dir / "demo.sqlite", free_port(), rule("slipped", f"""
        metric = "{key}"
        recipients = ["owner@example.com"]
        """))
    runtime = wired(config, tmp_path / "data")
    try:  # the months after the turn: off track again is not news, anything else is not off track
        after = add_months(month, 1)
        status = runtime.engine.headline(key, Filters(after, add_months(after, 1))).data.status.value
    finally:
        registry.reset()
    assert cli(config, tmp_path / "data", "alerts", "test", "slipped", today=add_months(after, 1).isoformat()) == 0
    said = capsys.readouterr().out
    assert said.startswith("slipped: would not fire: ") and (status != "off_track" or "off track" in said)
    assert cli(config, tmp_path / "data", "alerts", "test", "slipped", today=add_months(month, 1).isoformat()) == 0
    assert capsys.readouterr().out.startswith(f"slipped: would fire ({month:%Y-%m} off_track): ")


def test_a_threshold_crossed_is_sent_once_through_an_smtp_outage(tmp_path: Path, data_dir: Path,
                                                               capsys: pytest.CaptureFixture[str],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    port = free_port()
    probe = write_config(tmp_path, data_dir / "demo.sqlite", port, "")
    runtime = wired(probe, tmp_path / "data")
    try:
        october = runtime.engine.headline("data_accuracy", Filters(date(2026, 10, 1), date(2026, 11, 1))).data
    finally:
        registry.reset()
    assert october.value is not None and october.previous is not None and october.value < october.previous
    threshold = round((october.value + october.previous) / 2, 6)  # September above it, October below
    config = write_config(tmp_path, data_dir / "demo.sqlite", port, rule("accuracy_low", f"""
        metric = "data_accuracy"
        when = "below"
        threshold = {threshold}
        recipients = ["owner@example.com"]
        """))
    assert cli(config, tmp_path / "data", "alerts", "test", "accuracy_low") == 0
    assert capsys.readouterr().out.startswith(f"accuracy_low: would fire (2026-10 below {threshold:g}): ")
    assert cli(config, tmp_path / "data", "alerts", "send") == 1  # no SMTP server listens yet
    assert "not delivered yet" in capsys.readouterr().err
    server = SmtpServer(port)
    server.start()
    try:
        with monkeypatch.context() as later:
            later.setenv("VANTAGE_SCHEDULER_NOW", "2099-01-01T00:00:00+00:00")  # past the back-off: the retry is due
            assert cli(config, tmp_path / "data", "scheduler", "--once") == 0
            assert cli(config, tmp_path / "data", "scheduler", "--once") == 0
        assert cli(config, tmp_path / "data", "alerts", "send") == 0
    finally:
        server.stop()
    assert len(server.received) == 1
    capsys.readouterr()
    text = parts(server.received[0].message)["text"]
    assert "Data accuracy went below" in text and "Oct 2026" in text
    assert cli(config, tmp_path / "data", "alerts", "test", "accuracy_low") == 0
    assert capsys.readouterr().out.startswith("accuracy_low: already sent (2026-10 below")


@pytest.mark.parametrize("body, key, what", [
    ('metric = "data_acuracy"\nrecipients = ["a@b.co"]', "metric", "unknown metric 'data_acuracy'"),
    ('metric = "data_accuracy"\nwhen = "sideways"\nrecipients = ["a@b.co"]', "when", "'sideways' is not allowed"),
    ('metric = "data_accuracy"\nwhen = "below"\nrecipients = ["a@b.co"]', "threshold", "threshold must be a number"),
    ('metric = "data_accuracy"\nthreshold = 0.9\nrecipients = ["a@b.co"]', "threshold", "threshold is not used"),
    ('metric = "data_accuracy"\nwhen = "stale"\nhours = "a day"\nrecipients = ["a@b.co"]', "hours",
     "hours must be a number"),
    ('metric = "data_accuracy"', "recipients", "at least one recipient"),
    ('metric = "data_accuracy"\nrecipients = ["a@b.co"]\nsnooze = 3', "snooze", "unknown key"),
])
def test_a_wrong_rule_names_the_file_and_key(body: str, key: str, what: str) -> None:
    import tomllib

    path = Path("/etc/vantage/vantage.toml")
    config = parse_config(tomllib.loads(rule("r", body)), path, {}, environ={})
    catalogue = registry.load_modules(registry.DEFAULT_PACK)
    try:
        with pytest.raises(ConfigError) as raised:
            alert_spec(config, "r", catalogue)
    finally:
        registry.reset()
    assert what in raised.value.what and f"{path} [alerts.r]" in raised.value.where
    if key != "snooze":
        assert raised.value.where.endswith(key)
