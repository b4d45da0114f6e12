"""A snapshot email carries what each KPI's owner said for its month, under the KPI's line, in the reader's
language, as a real SMTP server receives it; a KPI without a check-in says nothing of the kind."""
from __future__ import annotations

from pathlib import Path

from programme.checkins import CheckinStore
from tests.snapshots.smtp import SmtpServer, cli, parts, smtp_server, write_config  # noqa: F401

NOTE = "SAP cut-over delayed data loads"
SNAPSHOT = """
[snapshots.owners]
title = {en = "Owners' month", zh = "负责人月报"}
recipients = [{email = "cfo@example.com", language = "en"}, {email = "ceo@example.com", language = "zh-CN"}]
metrics = ["data_accuracy", "hours_saved"]
period = "month"
formats = ["html", "text"]
"""


def test_the_owners_check_in_is_under_its_kpi_in_both_languages(tmp_path: Path, data_dir: Path,
                                                                 smtp_server: SmtpServer) -> None:  # noqa: F811
    config = write_config(tmp_path, data_dir / "demo.sqlite", smtp_server.port, SNAPSHOT)
    store = CheckinStore.in_folder(tmp_path / "data")
    store.add("data_accuracy", "2026-09", "off_track", "September's word, not this email's month", "pat")
    store.add("data_accuracy", "2026-10", "on_track", "first word of October", "pat")
    store.add("data_accuracy", "2026-10", "at_risk", NOTE, "pat")  # the latest of October: the current one
    assert cli(config, tmp_path / "data", "snapshot", "send", "owners") == 0
    got = {tuple(r.rcpt_tos): parts(r.message) for r in smtp_server.received}
    english, chinese = got[("cfo@example.com",)], got[("ceo@example.com",)]
    text = english["text"]
    accuracy = text.index("- Data accuracy: ")
    hours = text.index("- Hours saved")
    said = f"Owner: at risk: {NOTE} (pat, "
    assert accuracy < text.index(said) < hours  # under its own KPI's line
    assert text.count("Owner: ") == 1 and "September" not in text and "first word" not in text
    assert said in english["html"]
    assert f"负责人：有风险：{NOTE}（pat，" in chinese["text"]
    assert f"负责人：有风险：{NOTE}" in chinese["html"]
